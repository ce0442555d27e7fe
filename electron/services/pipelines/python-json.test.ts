import { describe, expect, it } from 'vitest';
import { pythonJsonDumps } from './python-json';
import { PyFloat, type PyValue } from './python-value';

describe('pythonJsonDumps', () => {
  it("writes the text of Python's json.dumps(value, sort_keys=True)", () => {
    const value: PyValue = new Map<string, PyValue>([
      ['b', [1, new PyFloat(2), 'ü😀\n\t"\\']],
      ['a', new Map<string, PyValue>([['z', null], ['y', true], ['x', new PyFloat(NaN)]])],
      ['é', new PyFloat(1e-5)],
      ['A', new PyFloat(-0)],
    ]);
    // python3 -c 'import json; print(json.dumps({"b": [1, 2.0, "ü😀\n\t\"\\"], "a": {"z": None, "y": True, "x": float("nan")}, "é": 1e-05, "A": -0.0}, sort_keys=True))'
    expect(pythonJsonDumps(value)).toBe(
      '{"A": -0.0, "a": {"x": NaN, "y": true, "z": null}, "b": [1, 2.0, "\\u00fc\\ud83d\\ude00\\n\\t\\"\\\\"], "\\u00e9": 1e-05}',
    );
  });

  it('keeps the keys in their order when asked to', () => {
    expect(pythonJsonDumps(new Map<string, PyValue>([['b', 1], ['a', new PyFloat(1)]]), { sortKeys: false })).toBe('{"b": 1, "a": 1.0}');
  });
});
