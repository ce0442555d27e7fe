import { describe, expect, it } from 'vitest';
import { readYamlMapping, YamlError } from './yaml-mapping-reader';

function parse(text: string) {
  return readYamlMapping(text).root;
}

function lineOfError(text: string): number {
  try {
    readYamlMapping(text);
  } catch (error) {
    expect(error).toBeInstanceOf(YamlError);
    return (error as YamlError).line;
  }
  throw new Error('expected a YamlError');
}

describe('readYamlMapping', () => {
  it('reads a run meta.yaml as MLflow 2.x writes it, with YAML 1.1 types', () => {
    const text = [
      'artifact_uri: file:///home/ana/project/mlruns/1/5f2c9a/artifacts',
      'deleted_time: null',
      'end_time: 1700000060000',
      "entry_point_name: ''",
      "experiment_id: '1'",
      'lifecycle_stage: active',
      'run_id: 5f2c9a',
      'run_name: bright-fox-42',
      'source_type: 4',
      'start_time: 1700000000000',
      'status: 3',
      'tags: []',
      'user_id: ana',
      '',
    ].join('\n');
    const doc = readYamlMapping(text);
    expect(doc.root).toEqual({
      artifact_uri: 'file:///home/ana/project/mlruns/1/5f2c9a/artifacts',
      deleted_time: null,
      end_time: 1700000060000,
      entry_point_name: '',
      experiment_id: '1',
      lifecycle_stage: 'active',
      run_id: '5f2c9a',
      run_name: 'bright-fox-42',
      source_type: 4,
      start_time: 1700000000000,
      status: 3,
      tags: [],
      user_id: 'ana',
    });
    expect(doc.lineOf('status')).toBe(11);
    expect(doc.lineOf('missing')).toBeNull();
  });

  it('reads what PyYAML writes for awkward strings: folded lines, quotes, escapes, blank lines', () => {
    // Written by PyYAML 6 (safe_dump, default_flow_style=False, allow_unicode=True, sort_keys=True).
    const text = `colon: 'a: b'
control: "tab\\there\\e[0m and a bell\\a, then a very long tail that forces the double-quoted\\
  \\ scalar to wrap over lines"
description: Predicts churn for the retail segment; trained weekly on the last ninety
  days of events, with class weights
empty: ''
hash: 'x #y'
leading_space: ' padded '
looks_like_bool: 'yes'
looks_like_number: '007'
note: 'First line.

  Second line, with a quote: "q" and it''s fine.


  After a blank line.'
unicode: naïve café — 日本
`;
    expect(parse(text)).toEqual({
      colon: 'a: b',
      control: 'tab\there\x1b[0m and a bell\x07, then a very long tail that forces the double-quoted scalar to wrap over lines',
      description: 'Predicts churn for the retail segment; trained weekly on the last ninety days of events, with class weights',
      empty: '',
      hash: 'x #y',
      leading_space: ' padded ',
      looks_like_bool: 'yes',
      looks_like_number: '007',
      note: 'First line.\nSecond line, with a quote: "q" and it\'s fine.\n\nAfter a blank line.',
      unicode: 'naïve café — 日本',
    });
  });

  it('types plain scalars as PyYAML does', () => {
    expect(
      parse(
        'a: 12\nb: -3\nc: 1.5\nd: 1.0e-05\ne: .inf\nf: -.inf\ng: true\nh: no\ni: ~\nj: 0x1f\nk: 1e5\nl: 2024-01-01\nm: 010\nn:\n',
      ),
    ).toEqual({
      a: 12,
      b: -3,
      c: 1.5,
      d: 1e-5,
      e: Infinity,
      f: -Infinity,
      g: true,
      h: false,
      i: null,
      j: 31,
      k: '1e5',
      l: '2024-01-01',
      m: 8,
      n: null,
    });
    expect(parse('x: .nan\n').x).toBeNaN();
  });

  it('reads nested mappings and lists as the registry and dataset inputs write them', () => {
    const registered = parse("aliases:\n  champion: '2'\n  challenger: '3'\ncreation_timestamp: 1700000000000\ndescription: null\nname: churn\n");
    expect(registered).toEqual({
      aliases: { champion: '2', challenger: '3' },
      creation_timestamp: 1700000000000,
      description: null,
      name: 'churn',
    });
    expect(parse('aliases:\n- champion\n- prod\ncurrent_stage: None\nversion: 2\n')).toEqual({
      aliases: ['champion', 'prod'],
      current_stage: 'None',
      version: 2,
    });
    expect(parse('source_type: DATASET\ntags:\n  mlflow.data.context: training\n')).toEqual({
      source_type: 'DATASET',
      tags: { 'mlflow.data.context': 'training' },
    });
    expect(parse('tags: {}\n')).toEqual({ tags: {} });
    expect(parse('metrics:\n- key: loss\n  value: 0.5\n- key: acc\n  value: 0.9\nnested:\n- - a\n  - b\n')).toEqual({
      metrics: [
        { key: 'loss', value: 0.5 },
        { key: 'acc', value: 0.9 },
      ],
      nested: [['a', 'b']],
    });
  });

  it('accepts a document marker, comments, CRLF line ends and a byte-order mark', () => {
    expect(parse('\uFEFF---\r\n# written by hand\r\nname: x # a comment\r\nid: 1\r\n...\r\n')).toEqual({ name: 'x', id: 1 });
  });

  it('keeps Unicode line separators inside quoted values, as PyYAML does', () => {
    expect(parse("v: 'a\u2028  b'\n").v).toBe('a\u2028b');
  });

  it('reads long integers without losing a digit, and keeps as text what PyYAML keeps as text', () => {
    const root = parse('experiment_id: 436172150399485423\ncount: 9007199254740993\nsmall: 9007199254740991\nbig_hex: 0xffffffffffffffffff\ny: y\nn: n\neight: 08\nnine: 09\noctal_looking: 0017\nsexagesimal: 1:30\nminus_dot: -.5\nno_sign_exp: 1.0e5\n');
    expect(root).toEqual({
      experiment_id: 436172150399485423n,
      count: 9007199254740993n,
      small: 9007199254740991,
      big_hex: 0xffffffffffffffffffn,
      y: 'y',
      n: 'n',
      eight: '08',
      nine: '09',
      octal_looking: 15,
      sexagesimal: 90,
      minus_dot: '-.5',
      no_sign_exp: '1.0e5',
    });
  });

  it('reads the rest of YAML as PyYAML does: anchors, aliases, merge keys, block scalars, flow collections, explicit tags', () => {
    expect(
      parse(
        [
          'base: &base {lr: 0.1, layers: [64, 32]}',
          'derived:',
          '  <<: *base',
          '  lr: 0.2',
          'same: *base',
          'literal: |',
          '  line one',
          '  line two',
          'folded: >-',
          '  one',
          '  two',
          '? complex',
          ': key',
          "tagged_text: !!str 12",
          "tagged_int: !!int '12'",
          "tagged_bool: !!bool 'yes'",
          'tagged_date: !!timestamp 2024-01-01',
          '',
        ].join('\n'),
      ),
    ).toEqual({
      base: { lr: 0.1, layers: [64, 32] },
      derived: { lr: 0.2, layers: [64, 32] },
      same: { lr: 0.1, layers: [64, 32] },
      literal: 'line one\nline two\n',
      folded: 'one two',
      complex: 'key',
      tagged_text: '12',
      tagged_int: 12,
      tagged_bool: true,
      tagged_date: '2024-01-01',
    });
  });

  it('gives mappings no prototype, so a key is only ever data', () => {
    const root = parse('__proto__: x\nconstructor: y\nnested:\n  toString: z\n');
    expect(Object.getPrototypeOf(root)).toBeNull();
    expect(Object.keys(root)).toEqual(['__proto__', 'constructor', 'nested']);
    expect(root.constructor).toBe('y');
    expect(Object.getPrototypeOf(root.nested)).toBeNull();
  });

  it('refuses what PyYAML would refuse, or what no tool writes, naming the line', () => {
    expect(lineOfError('name: a\nname: b\n')).toBe(2);
    expect(lineOfError('a: 1\n\tb: 2\n')).toBe(2);
    expect(lineOfError("a: 'never closed\nb: 2\n")).toBe(1);
    expect(lineOfError('a: 1\nb: 2\nstart_time: "never closed\nstatus: 3\n')).toBe(3);
    expect(lineOfError('a: 1\n  b: 2\n')).toBe(2);
    expect(lineOfError('a: x: y\n')).toBe(1);
    expect(lineOfError('just text\n')).toBe(1);
    expect(lineOfError('- a\n- b\n')).toBe(1);
    expect(lineOfError('\n\n')).toBe(2);
    expect(lineOfError('')).toBe(1);
    expect(lineOfError('a: "bad \\q escape"\n')).toBe(1);
    expect(lineOfError("a: 'x' trailing\n")).toBe(1);
    expect(lineOfError('a: 1\n? [x, y]\n: list as a key\n')).toBe(2);
    expect(lineOfError('a: 1\nb: !!int twelve\n')).toBe(2);
    expect(lineOfError('a: 1\n---\nb: 2\n')).toBe(2);
    expect(lineOfError('a: 1\nrun_id: [broken\nc: 3\n')).toBe(2);
    expect(lineOfError('a: 1\nb: {x: 1,\n\nc: 2\n')).toBe(2);
    expect(() => readYamlMapping('a: 1\nb: !!python/tuple [1, 2]\n')).toThrow(
      'line 2: the Python object tag !!python/tuple is not read (PyYAML\'s safe loader, which MLflow uses, refuses it too)',
    );
    expect(() => readYamlMapping('a: !!python/object/apply:os.system ["echo hi"]\n')).toThrow(/line 1: the Python object tag !!python\/object\/apply:os.system/);
    // A document that expands an alias into millions of values ("billion laughs").
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) laughs.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    expect(() => readYamlMapping(`${laughs.join('\n')}\n`)).toThrow(YamlError);
  });
});

describe('lineAt', () => {
  it('finds the line of a nested key or list item, else of its nearest ancestor', () => {
    const document = readYamlMapping('top:\n  inner:\n    key: 1\n  list:\n    - a\n    - {b: 2}\n');
    expect(document.lineAt(['top', 'inner', 'key'])).toBe(3);
    expect(document.lineAt(['top', 'list', 1])).toBe(6);
    expect(document.lineAt(['top', 'list', 1, 'b'])).toBe(6);
    expect(document.lineAt(['top', 'inner', 'missing'])).toBe(2);
    expect(document.lineAt(['absent'])).toBeNull();
  });
});
