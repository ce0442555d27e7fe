import { describe, expect, it } from 'vitest';
import { compareCodePoints, pyEquals, PyFloat, pythonFloatRepr, pythonSorted, pythonStr, type PyValue } from './python-value';

describe('pythonFloatRepr', () => {
  it("writes floats as Python 3's repr() does (values printed by Debian's python3)", () => {
    const values = [1.0, 0.01, 1e-5, 1e16, 1e15, 123456789.123, 1 / 3, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0.0, 0.0001, 0.00001234, 2.5, 100.0, 1e22, -1.5e-7];
    // python3 -c 'print([repr(v) for v in [1.0, 0.01, 1e-05, ...]])'
    const python = ['1.0', '0.01', '1e-05', '1e+16', '1000000000000000.0', '123456789.123', '0.3333333333333333', '0.30000000000000004', '5e-324', '1.7976931348623157e+308', '-0.0', '0.0001', '1.234e-05', '2.5', '100.0', '1e+22', '-1.5e-07'];
    expect(values.map(pythonFloatRepr)).toEqual(python);
    expect([NaN, Infinity, -Infinity].map(pythonFloatRepr)).toEqual(['nan', 'inf', '-inf']);
  });
});

describe('pythonStr and pyEquals', () => {
  it('prints values as str() does and compares them as == does', () => {
    expect(pythonStr(new Map<string, never>([]))).toBe('{}');
    expect(pythonStr([1, new PyFloat(2), 'a', null, true])).toBe("[1, 2.0, 'a', None, True]");
    expect(pyEquals(1, new PyFloat(1))).toBe(true);
    expect(pyEquals(true, 1)).toBe(true);
    expect(pyEquals('1', 1)).toBe(false);
    expect(pyEquals(new Map<string, PyValue>([['a', 1], ['b', 2]]), new Map<string, PyValue>([['b', 2], ['a', new PyFloat(1)]]))).toBe(true);
    expect(pyEquals([1, 2], [2, 1])).toBe(false);
  });
});

describe('compareCodePoints', () => {
  it('sorts as Python sorts str (by code point, not UTF-16 unit)', () => {
    expect(pythonSorted(['b', 'a-b', 'a.b', 'a/b', 'B', '\u{1F600}', '\uFF5E'])).toEqual(['B', 'a-b', 'a.b', 'a/b', 'b', '\uFF5E', '\u{1F600}']);
    expect(Math.sign(compareCodePoints('\u{1F600}', '\uFF5E'))).toBe(1);
  });
});
