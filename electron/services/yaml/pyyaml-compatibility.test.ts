// The reader against the real PyYAML (Debian's python3-yaml): PyYAML writes awkward values as
// MLflow writes its meta.yaml files, and reads them and hand-written files back; readYamlMapping
// must read every file to the same values.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readYamlMapping, type YamlValue } from './yaml-mapping-reader';

const PYTHON = '/usr/bin/python3';

// Writes each case with MLflow's options (mlflow/utils/yaml_utils.py write_yaml), reads it back with
// the safe loader, and prints the file and the loaded value, with the types spelled out.
const SCRIPT = String.raw`
import json, sys, yaml
def typed(value):
    if value is None: return {"null": True}
    if isinstance(value, bool): return {"bool": value}
    if isinstance(value, int): return {"int": str(value)}
    if isinstance(value, float): return {"float": repr(value)}
    if isinstance(value, str): return {"str": value}
    if isinstance(value, list): return {"list": [typed(v) for v in value]}
    if isinstance(value, dict): return {"map": [[str(k), typed(v)] for k, v in value.items()]}
    raise TypeError(type(value))
cases = json.load(sys.stdin)
out = []
for text in cases["written"]:
    data = {"value": json.loads(text)}
    dumped = yaml.dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=yaml.SafeDumper)
    out.append({"yaml": dumped, "loaded": typed(yaml.safe_load(dumped))})
out.append({"yaml": yaml.safe_dump({"big": 12345678901234567890, "ints": [0, -7, 2**53 + 1], "floats": [1e-05, 1.5, -0.0, float("inf"), float("-inf")], "flags": [True, False], "none": None}, default_flow_style=False, allow_unicode=True), "loaded": None})
out[-1]["loaded"] = typed(yaml.safe_load(out[-1]["yaml"]))
for text in cases["handwritten"]:
    out.append({"yaml": text, "loaded": typed(yaml.safe_load(text))})
print(json.dumps(out))
`;

/** Strings MLflow may hold in a meta.yaml field (names, descriptions, ids), each one JSON-encoded for Python. */
const WRITTEN = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'True', 'null', '~', '', ' ', '007', '08', '0x1f', '1e5', '1.5', '-.5', '1:30', '2024-01-01',
  '2024-01-01 10:00:00', 'a: b', 'x #y', '#hash', '- dash', '[list]', '{map}', '&anchor', '*alias', '!tag', '|', '>', '%', '@', '`',
  ' padded ', 'tab\there', 'bell\u0007 and escape\u001b[0m', 'First line.\nSecond line.\n\n\nAfter blank lines.', 'ends with a newline\n',
  'line\r\nwindows', 'naïve café — 日本', 'a\u2028b', 'a\u2029\u2029b', 'a\u0085b', '\ufeffbom', 'quote \' and " both',
  `${'a long description that PyYAML folds over several lines because it is wider than eighty columns '.repeat(3)}end`,
  '436172150399485423',
].map((value) => JSON.stringify(value));

/** Files as older MLflow versions and people wrote them: unquoted YAML 1.1 types. */
const HANDWRITTEN = [
  'experiment_id: 0\nname: Default\nlifecycle_stage: active\nartifact_location: ./mlruns/0\n',
  'flags: [yes, No, ON, off, y, n]\nints: [010, 0b101, 0x_1F, 1_000, +12, 1:30, 08, 0]\nfloats: [1.0e-05, .5, 1., .inf, -.Inf, 1:30.5, 1e5, 1.0e5]\n',
  'empty:\nnulls: [~, null, Null, NULL]\nexperiment_id: 436172150399485423\n',
  "description: 'multi\n\n  line'\nfolded: plain text\n  over two lines\n",
];

function fromTyped(typed: Record<string, unknown>): YamlValue {
  if ('null' in typed) return null;
  if ('bool' in typed) return typed.bool as boolean;
  if ('int' in typed) {
    const value = BigInt(typed.int as string);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if ('float' in typed) {
    const text = typed.float as string;
    return text === 'nan' ? Number.NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  }
  if ('str' in typed) return typed.str as string;
  if ('list' in typed) return (typed.list as Record<string, unknown>[]).map(fromTyped);
  const map = Object.create(null) as Record<string, YamlValue>;
  for (const [key, value] of typed.map as [string, Record<string, unknown>][]) map[key] = fromTyped(value);
  return map;
}

const hasPyYaml = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
if (!hasPyYaml) console.warn(`Skipping the PyYAML comparison: ${PYTHON} with the yaml module (Debian's python3-yaml) is not installed.`);

describe('readYamlMapping against PyYAML', () => {
  it.skipIf(!hasPyYaml)('reads what PyYAML writes as MLflow writes it, and what PyYAML reads from hand-written files, to the same values', () => {
    const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify({ written: WRITTEN, handwritten: HANDWRITTEN }), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const cases = JSON.parse(run.stdout) as { yaml: string; loaded: Record<string, unknown> }[];
    expect(cases).toHaveLength(WRITTEN.length + 1 + HANDWRITTEN.length);
    for (const { yaml, loaded } of cases) {
      expect({ yaml, value: readYamlMapping(yaml).root }).toEqual({ yaml, value: fromTyped(loaded) });
    }
  });
});
