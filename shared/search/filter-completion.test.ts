import { describe, expect, it } from 'vitest';
import { completeFilterAt } from './filter-completion';
import { EXPERIMENT_SEARCH, RUN_SEARCH } from './search-domains';

const at = (text: string, cursor = text.length) => completeFilterAt(text, cursor, RUN_SEARCH);
const RUN_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time'];

describe('completeFilterAt', () => {
  it('offers key prefixes and attributes at the start', () => {
    expect(at('')).toEqual({
      expect: 'key',
      from: 0,
      partial: '',
      options: ['metrics.', 'params.', 'tags.', 'attributes.', 'dataset.', ...RUN_ATTRIBUTES],
    });
    expect(at('  me')).toEqual({ expect: 'key', from: 2, partial: 'me', options: ['metrics.'] });
    expect(at('ST')).toMatchObject({ options: ['status', 'start_time'] });
  });

  it('offers names once an entity prefix is typed, from after the dot', () => {
    expect(at('metrics.')).toEqual({ expect: 'key', from: 8, partial: '', options: [], entity: 'metric' });
    expect(at('params.lea')).toEqual({ expect: 'key', from: 7, partial: 'lea', options: [], entity: 'param' });
    expect(at('metrics."my me')).toEqual({ expect: 'key', from: 8, partial: '"my me', options: [], entity: 'metric' });
    expect(at('attributes.st')).toEqual({ expect: 'key', from: 11, partial: 'st', options: ['status', 'start_time'], entity: 'attribute' });
    expect(at('dataset.')).toMatchObject({ options: ['name', 'digest', 'context'], entity: 'dataset' });
  });

  it('offers the comparators that fit the key', () => {
    expect(at('metrics.rmse ')).toEqual({
      expect: 'comparator',
      from: 13,
      partial: '',
      options: ['=', '!=', '<', '<=', '>', '>='],
      key: { entity: 'metric', name: 'rmse', valueType: 'number', position: 0 },
    });
    expect(at('metrics.rmse <')).toMatchObject({ expect: 'comparator', from: 13, partial: '<', options: ['<', '<='] });
    expect(at('tags.x ')).toMatchObject({ options: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] });
    expect(at('tags.x n')).toMatchObject({ options: ['NOT IN'] });
    expect(at('tags.x NOT ')).toMatchObject({ expect: 'comparator', options: ['IN'] });
    expect(at('metrics."my metric" ')).toMatchObject({ expect: 'comparator', key: { name: 'my metric', position: 0 } });
    expect(at("metrics.a > 1 AND `Run name` ")).toMatchObject({ expect: 'comparator', key: { name: 'run_name', position: 18 } });
  });

  it('says which kind of value fits', () => {
    expect(at('metrics.rmse > ')).toMatchObject({ expect: 'value', from: 15, valueType: 'number', key: { name: 'rmse' } });
    expect(at('metrics.rmse > 0.')).toMatchObject({ expect: 'value', from: 15, partial: '0.', valueType: 'number' });
    expect(at("params.model = 'xg")).toMatchObject({ expect: 'value', from: 15, partial: "'xg", valueType: 'string' });
    expect(at('status IN ')).toMatchObject({ expect: 'value', options: ['('], valueType: 'list' });
    expect(at("status IN ('A', ")).toMatchObject({ expect: 'value', valueType: 'string' });
  });

  it('offers what joins or closes', () => {
    expect(at('metrics.a > 1 ')).toEqual({ expect: 'connective', from: 14, partial: '', options: ['AND', 'OR'] });
    expect(at('metrics.a > 1 o')).toEqual({ expect: 'connective', from: 14, partial: 'o', options: ['OR'] });
    expect(at('(metrics.a > 1 ')).toMatchObject({ options: ['AND', 'OR', ')'] });
    expect(at("status IN ('A'")).toMatchObject({ expect: 'connective', options: [',', ')'] });
    expect(at("metrics.a > 1 AND (params.b = 'x') ")).toMatchObject({ options: ['AND', 'OR'] });
  });

  it('looks only at the text before the cursor', () => {
    expect(at('metrics.a > 1 AND params.b', 18)).toMatchObject({ expect: 'key', from: 18, partial: '' });
    expect(at('metrics.a > 1', 10)).toMatchObject({ expect: 'comparator', from: 10 });
    expect(at('metrics.a', 99)).toMatchObject({ expect: 'key', entity: 'metric', partial: 'a' });
    expect(at('metrics.a', -5)).toMatchObject({ expect: 'key', from: 0 });
  });

  it('returns null when the text before the cursor is already wrong', () => {
    expect(at('bogus.x ')).toBeNull();
    expect(at('metrics.a LIKE ')).toBeNull();
    expect(at('metrics.a > 1)')).toBeNull();
    expect(at('metrics.a > 1 ; ')).toBeNull();
    expect(at('= ')).toBeNull();
  });

  it('follows the experiment vocabulary', () => {
    expect(completeFilterAt('', 0, EXPERIMENT_SEARCH)).toMatchObject({
      options: ['tags.', 'attributes.', 'name', 'creation_time', 'last_update_time'],
    });
    expect(completeFilterAt('name ', 5, EXPERIMENT_SEARCH)).toMatchObject({ options: ['=', '!=', 'LIKE', 'ILIKE'] });
  });
});
