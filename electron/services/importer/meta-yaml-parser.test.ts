import { describe, expect, it } from 'vitest';
import { MetaYamlError, parseMetaYaml } from './meta-yaml-parser';

function parse(text: string) {
  return parseMetaYaml(text).root;
}

function lineOfError(text: string): number {
  try {
    parseMetaYaml(text);
  } catch (error) {
    expect(error).toBeInstanceOf(MetaYamlError);
    return (error as MetaYamlError).line;
  }
  throw new Error('expected a MetaYamlError');
}

describe('parseMetaYaml', () => {
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
    const doc = parseMetaYaml(text);
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

  it('refuses what it does not understand, naming the line', () => {
    expect(lineOfError('name: a\nname: b\n')).toBe(2);
    expect(lineOfError('a: 1\n\tb: 2\n')).toBe(2);
    expect(lineOfError('a: &anchor x\n')).toBe(1);
    expect(lineOfError('a: b\nc: |\n  text\n')).toBe(2);
    expect(lineOfError('a: [1, 2]\n')).toBe(1);
    expect(lineOfError("a: 'never closed\nb: 2\n")).toBe(1);
    expect(lineOfError('a: 1\n  b: 2\n')).toBe(2);
    expect(lineOfError('a: x: y\n')).toBe(1);
    expect(lineOfError('just text\n')).toBe(1);
    expect(lineOfError('- a\n- b\n')).toBe(1);
    expect(lineOfError('\n\n')).toBe(2);
    expect(lineOfError('a: "bad \\q escape"\n')).toBe(1);
    expect(lineOfError("a: 'x' trailing\n")).toBe(1);
    expect(() => parseMetaYaml('? complex\n: key\n')).toThrow(/full YAML parser/);
  });
});
