import { describe, expect, it } from 'vitest';
import { DataFileError, parseDataText, parseJsonText, parseTomlText, parseYamlText } from './python-data-file';
import { PyFloat, pyTypeName } from './python-value';

describe('parseYamlText', () => {
  it('resolves scalars as ruamel.yaml (YAML 1.2) does: ints, floats, strings', () => {
    const parsed = parseYamlText('a: 1.0\nb: 1\nc: 1e-5\nd: 1_000\ne: yes\nf: 0x1F\ng: .inf\nh: 012\ni: 0o17\nj: -.5\nk: ~\nl: "1.0"\nm: 1.\n', 'p.yaml');
    const value = parsed.value as Map<string, unknown>;
    expect([...value.entries()].map(([key, item]) => `${key}=${pyTypeName(item as never)}`)).toEqual([
      'a=float', 'b=int', 'c=float', 'd=int', 'e=str', 'f=int', 'g=float', 'h=int', 'i=int', 'j=float', 'k=NoneType', 'l=str', 'm=float',
    ]);
    expect(value.get('d')).toBe(1000);
    expect(value.get('f')).toBe(31);
    expect(value.get('h')).toBe(12);
    expect((value.get('c') as PyFloat).value).toBe(1e-5);
  });

  it('keeps mappings in file order, integer-like keys included', () => {
    const value = parseYamlText('z: 1\n"2": 2\na: 3\n1: 4\n', 'p.yaml').value as Map<string, unknown>;
    expect([...value.keys()]).toEqual(['z', '2', 'a', '1']);
  });

  it('finds the line of a key or an item', () => {
    const parsed = parseYamlText('stages:\n  train:\n    cmd: x\n    outs:\n    - a\n    - b\n', 'dvc.yaml');
    expect(parsed.lineOf(['stages', 'train', 'cmd'])).toBe(3);
    expect(parsed.lineOf(['stages', 'train', 'outs', 1])).toBe(6);
    expect(parsed.lineOf(['stages', 'missing'])).toBe(1);
  });

  it('refuses broken text and duplicate keys with the file and line', () => {
    expect(() => parseYamlText('a: 1\na: 2\n', 'params.yaml')).toThrow(/params\.yaml:2: Map keys must be unique/);
    expect(() => parseYamlText('a: [1\nb: 2', 'dvc.yaml')).toThrow(DataFileError);
  });
});

describe('parseJsonText and parseTomlText', () => {
  it('keep floats apart from ints, as Python reads them', () => {
    const json = parseJsonText('{"a": 1.0, "b": 1, "c": 1e5}', 'p.json').value as Map<string, unknown>;
    expect(pyTypeName(json.get('a') as never)).toBe('float');
    expect(json.get('b')).toBe(1);
    expect(pyTypeName(json.get('c') as never)).toBe('float');
    const toml = parseTomlText('a = 1.0\nb = 1\n[t]\nc = "x"\n', 'p.toml').value as Map<string, unknown>;
    expect(pyTypeName(toml.get('a') as never)).toBe('float');
    expect(toml.get('b')).toBe(1);
    expect((toml.get('t') as Map<string, unknown>).get('c')).toBe('x');
  });

  it('picks the format by extension as DVC does (anything but .json and .toml is YAML)', () => {
    expect(parseDataText('a: 1', 'params.yml').value).toEqual(new Map([['a', 1]]));
    expect(() => parseDataText('a = ', 'params.toml')).toThrow(/params\.toml/);
  });
});
