import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpDvcYaml } from './dvc-yaml-writer';
import { parseYamlText } from './python-data-file';
import { PyFloat, type PyValue } from './python-value';

interface FixtureValue {
  readonly float?: string;
  readonly map?: Array<[string, unknown]>;
}

/** The fixture's values: floats as {"float": repr}, mappings as {"map": [[key, value], ...]}. */
function decode(value: unknown): PyValue {
  if (value === null || typeof value !== 'object') return value as PyValue;
  if (Array.isArray(value)) return value.map(decode);
  const encoded = value as FixtureValue;
  if (encoded.float !== undefined) {
    const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
    return new PyFloat(special[encoded.float] ?? Number(encoded.float));
  }
  return new Map(encoded.map!.map(([key, item]) => [key, decode(item)]));
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'ruamel-yaml-dumps.json'), 'utf8')) as {
  lock: { value: unknown; yaml: string };
  cases: Array<{ value: unknown; yaml: string }>;
};

describe('dumpDvcYaml', () => {
  it('writes a dvc.lock byte for byte as DVC (ruamel.yaml) writes it', () => {
    expect(dumpDvcYaml(decode(fixture.lock.value))).toBe(fixture.lock.yaml);
  });

  it('writes what ruamel.yaml writes for 150 random documents (quoting, folding past 80 columns, long keys, unicode, empty collections)', () => {
    const mismatches = fixture.cases.filter((testCase) => dumpDvcYaml(decode(testCase.value)) !== testCase.yaml);
    expect(mismatches.map((testCase) => testCase.yaml)).toEqual([]);
  });

  it('writes text that reads back as the same values', () => {
    for (const testCase of fixture.cases.slice(0, 40)) {
      const text = dumpDvcYaml(decode(testCase.value));
      expect(dumpDvcYaml(parseYamlText(text, 'x.yaml').value)).toBe(text);
    }
  });
});
