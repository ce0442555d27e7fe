// The Python model worker's own rules, checked in Debian's python3: its fast paths build the very
// frame MLflow's slower way builds (after schema enforcement), and its requirement check names
// what is missing, skips what Cairn stands in for, and notes other installed versions.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { TEST_PYTHON } from '../test-deploy-fixture';

function runPython(script: string, cwd?: string): string {
  return execFileSync(TEST_PYTHON, ['-c', `import sys\nsys.path.insert(0, ${JSON.stringify(__dirname)})\n${script}`], { encoding: 'utf8', cwd }).trim();
}

it('builds the same frame on its fast paths as on the slow path, for every kind of value it accepts', () => {
  const output = runPython(`
import json, numpy as np, pandas as pd, cairn_model_worker as w
schema = w.Schema([{"type": "double", "name": n} for n in ("a", "b", "c")])
slow = w.Schema([{"type": "double", "name": n} for n in ("a", "b", "c")])
slow.all_named_doubles = False
cases = [
    ("split", {"columns": ["a", "b", "c"], "data": [[1, 2.5, 3], [4, 5, 6]]}),
    ("split", {"columns": ["c", "a", "b"], "data": [[1, 2.5, "3"], [True, None, 0]]}),
    ("split", {"columns": ["a", "b", "c"], "data": [[1, 2, 3]], "index": [9]}),
    ("records", [{"a": 1, "b": 2.0, "c": "4"}, {"c": 1, "b": False, "a": 0.5}]),
]
fast_used = 0
for orient, value in cases:
    fast = (w.split_frame_fast if orient == "split" else w.records_frame_fast)(value, schema, np, pd)
    fast_used += fast is not None
    a = w.enforce_schema(w.dataframe_from_parsed_json(value, orient, schema, np, pd), schema, np, pd)
    b = w.enforce_schema(w.dataframe_from_parsed_json(value, orient, slow, np, pd), slow, np, pd)
    pd.testing.assert_frame_equal(a, b, check_index_type=False)
# Values it does not take go the slow way and get MLflow's error.
for value in ({"columns": ["a", "b", "c"], "data": [["x", 1, 2]]}, {"columns": ["a", "b"], "data": [[1, 2]]}):
    assert w.split_frame_fast(value, schema, np, pd) is None
print(json.dumps({"fast_used": fast_used}))
`);
  expect(JSON.parse(output)).toEqual({ fast_used: 4 });
});

it('checks requirements: missing ones named, mlflow left to Cairn, other versions noted, markers honoured', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-requirements-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'requirements.txt'),
      ['# comment', 'mlflow==2.17.0', 'numpy', 'scikit-learn>=0.1', 'pandas==0.0.1', 'no-such-package-cairn[extra]>=1', "also-missing; python_version < '3'", '-r other.txt', ''].join('\n'),
    );
    const report = JSON.parse(runPython(`import json, cairn_model_worker as w\nprint(json.dumps(w.check_requirements(${JSON.stringify(dir)}, True)))`));
    expect(report.source).toBe('requirements.txt');
    expect(report.missing).toEqual(['no-such-package-cairn[extra]>=1']);
    expect(report.skipped).toEqual(['mlflow==2.17.0']);
    expect(report.checked).toEqual(['numpy', 'scikit-learn>=0.1', 'pandas==0.0.1', 'no-such-package-cairn[extra]>=1']);
    expect(report.mismatched.map((m: { requirement: string }) => m.requirement)).toEqual(['pandas==0.0.1']);
    // Served by mlflow itself, mlflow is a requirement like any other.
    const withMlflow = JSON.parse(runPython(`import json, cairn_model_worker as w\nprint(json.dumps(w.check_requirements(${JSON.stringify(dir)}, False)))`));
    expect(withMlflow.missing).toContain('mlflow==2.17.0');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
