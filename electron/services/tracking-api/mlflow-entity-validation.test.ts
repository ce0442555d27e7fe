// MLflow's naming rules and its JSON flavour, checked without a server.
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../shared/errors';
import { validateBatchLimits, validateEntityName, validateParam, validateTag } from './mlflow-entity-validation';
import { mlflowDouble, parseMlflowJson } from './mlflow-json';

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).code).toBe('INVALID_PARAMETER_VALUE');
    return (error as CairnError).message;
  }
}

describe('MLflow entity names', () => {
  it('accepts what MLflow accepts', () => {
    for (const name of ['loss', 'train/loss', 'a b', 'f1.macro', 'epoch:3', 'x-y_z', 'ünïcode', '数据', 'a/b/c']) {
      expect(validateEntityName('Metric', name, 'key')).toBe(name);
    }
  });

  it('refuses names that would resolve to another file name, as posixpath.normpath sees them', () => {
    for (const name of ['/abs', '../up', 'a/../b', 'a//b', 'a/./b', 'trailing/', '.', '..', './x']) {
      expect(refusal(() => validateEntityName('Param', name, 'key')), name).toContain('would resolve to');
    }
  });

  it('refuses other characters, missing names and over-long keys', () => {
    expect(refusal(() => validateEntityName('Tag', 'a*b', 'key'))).toContain('Names may only contain');
    expect(refusal(() => validateEntityName('Tag', undefined, 'tags[2].key'))).toBe("Missing value for required parameter 'tags[2].key'.");
    expect(refusal(() => validateEntityName('Tag', '', 'key'))).toContain('Missing value');
    expect(refusal(() => validateEntityName('Tag', 5, 'key'))).toContain('Invalid value 5');
    expect(refusal(() => validateEntityName('Metric', 'k'.repeat(251), 'key'))).toContain('maximum length of 250');
  });

  it('cuts long param and tag values as MLflow does by default', () => {
    expect(validateParam('p', 'v'.repeat(6001), '').value).toHaveLength(6000);
    expect(validateTag('t', 'v'.repeat(8001), '').value).toHaveLength(8000);
    expect(validateParam('p', undefined, '').value).toBe('');
  });

  it('enforces the log-batch limits', () => {
    expect(refusal(() => validateBatchLimits(1000, 0, 0))).toBeUndefined();
    expect(refusal(() => validateBatchLimits(900, 50, 50))).toBeUndefined();
    expect(refusal(() => validateBatchLimits(1001, 0, 0))).toContain('at most 1000 metrics');
    expect(refusal(() => validateBatchLimits(0, 101, 0))).toContain('at most 100 params');
    expect(refusal(() => validateBatchLimits(0, 0, 101))).toContain('at most 100 tags');
    expect(refusal(() => validateBatchLimits(900, 50, 51))).toContain('at most 1000 metrics, params, and tags');
  });
});

describe('MLflow JSON', () => {
  it('reads bare NaN and ±Infinity tokens outside strings as their protobuf spellings', () => {
    expect(parseMlflowJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity"}')).toEqual({
      a: 'NaN',
      b: ['Infinity', '-Infinity'],
      c: 'NaN Infinity',
    });
    expect(parseMlflowJson('{"s": "quote \\" NaN", "v": NaN}')).toEqual({ s: 'quote " NaN', v: 'NaN' });
  });

  it('answers malformed JSON with BAD_REQUEST', () => {
    for (const text of ['{', '{"a": nan}', '{"a": NaNa}']) {
      expect(() => parseMlflowJson(text)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('writes non-finite doubles as strings', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5].map(mlflowDouble)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });
});
