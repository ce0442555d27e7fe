import { describe, expect, it } from 'vitest';
import { defaultRunsTableColumns } from '../../../shared/runs-table';
import type { ExperimentKeys } from '../../../shared/runs-table';
import { chosenValueSpecs, columnForId, EMPTY_LAYOUT, orderByClause, placeColumns, requestedSpecs, stableDefaultColumns } from './runs-table-columns';

const KEYS = { params: ['lr', 'depth'], metrics: ['loss'], tags: ['team'] };

describe('runs table columns', () => {
  it('without usage counts, shows every param then every metric, sharing the limit when there are too many', () => {
    expect(defaultRunsTableColumns(KEYS).map((spec) => `${spec.kind}:${spec.key}`)).toEqual(['param:lr', 'param:depth', 'metric:loss']);
    const many = { params: Array.from({ length: 40 }, (_, i) => `p${i}`), metrics: Array.from({ length: 5 }, (_, i) => `m${i}`), tags: [] };
    const specs = defaultRunsTableColumns(many);
    expect(specs).toHaveLength(30);
    expect(specs.filter((spec) => spec.kind === 'metric')).toHaveLength(5);
  });

  it('by default shows the params that vary, then the metrics most runs have, the most widely logged first', () => {
    const keys: ExperimentKeys = {
      params: ['arch', 'dataset', 'lr', 'rare'],
      metrics: ['accuracy', 'grad_norm', 'loss', 'val_loss'],
      tags: [],
      usage: {
        runs: 100,
        params: { arch: { runs: 100, varies: true }, dataset: { runs: 100, varies: false }, lr: { runs: 100, varies: true }, rare: { runs: 2, varies: true } },
        metrics: { accuracy: 80, grad_norm: 1, loss: 100, val_loss: 100 },
      },
    };
    expect(defaultRunsTableColumns(keys).map((spec) => `${spec.kind}:${spec.key}`)).toEqual([
      'param:arch',
      'param:lr',
      'metric:loss',
      'metric:val_loss',
      'metric:accuracy',
    ]);
    // One run: every param is worth seeing.
    const single = { ...keys, usage: { ...keys.usage!, runs: 1 } };
    expect(defaultRunsTableColumns(single).filter((spec) => spec.kind === 'param')).toHaveLength(4);
  });

  it('keeps the default columns shown in their place when new keys arrive, appending those that now qualify', () => {
    const usage = (metrics: Record<string, number>, runs: number) => ({ runs, params: { lr: { runs, varies: true } }, metrics });
    const before: ExperimentKeys = { params: ['lr'], metrics: ['loss'], tags: [], usage: usage({ loss: 10 }, 10) };
    const shown = stableDefaultColumns(null, before);
    expect(shown).toEqual(['param:lr', 'metric:loss']);
    // A live run logs "a_new" (alphabetically first) in one run of eleven: nothing moves, nothing is added.
    const live: ExperimentKeys = { params: ['lr'], metrics: ['a_new', 'loss'], tags: [], usage: usage({ a_new: 1, loss: 11 }, 11) };
    expect(stableDefaultColumns(shown, live)).toEqual(['param:lr', 'metric:loss']);
    // Once most runs log it, it joins at the end.
    const later: ExperimentKeys = { ...live, usage: usage({ a_new: 11, loss: 11 }, 11) };
    expect(stableDefaultColumns(shown, later)).toEqual(['param:lr', 'metric:loss', 'metric:a_new']);
    // A key no run has any more leaves.
    expect(stableDefaultColumns(['metric:gone', ...shown], before)).toEqual(['param:lr', 'metric:loss']);
    // The kept defaults are what the layout shows.
    expect(chosenValueSpecs({ ...EMPTY_LAYOUT, defaults: ['metric:loss', 'param:lr'] }, later)).toEqual([
      { kind: 'metric', key: 'loss', aggregate: 'latest' },
      { kind: 'param', key: 'lr' },
    ]);
  });

  it('leaves out attribute columns no run has a value for, and fits the name column when asked', () => {
    const placed = placeColumns(EMPTY_LAYOUT, [], { emptyAttributes: new Set(['attr:user']), nameWidth: 333 });
    expect(placed.map((column) => column.id)).toEqual(['attr:name', 'attr:status', 'attr:start', 'attr:duration']);
    expect(placed[0]!.width).toBe(333);
    // A width the user dragged wins.
    expect(placeColumns({ ...EMPTY_LAYOUT, widths: { 'attr:name': 200 } }, [], { nameWidth: 333 })[0]!.width).toBe(200);
  });

  it('places the name first, then the user order, then new columns, with widths and offsets', () => {
    const layout = { ...EMPTY_LAYOUT, order: ['metric:loss', 'attr:status'], hiddenAttributes: ['attr:user'], widths: { 'metric:loss': 200 } };
    const placed = placeColumns(layout, chosenValueSpecs(layout, KEYS));
    expect(placed.map((column) => column.id)).toEqual(['attr:name', 'metric:loss', 'attr:status', 'attr:start', 'attr:duration', 'param:lr', 'param:depth']);
    expect(placed[1]).toMatchObject({ width: 200, left: placed[0]!.width });
  });

  it('keeps a chosen column list and asks for the grouping column too', () => {
    const layout = { ...EMPTY_LAYOUT, chosen: ['param:depth', 'metric:loss'], aggregates: { 'metric:loss': 'max' as const } };
    const shown = chosenValueSpecs(layout, KEYS);
    expect(shown).toEqual([{ kind: 'param', key: 'depth' }, { kind: 'metric', key: 'loss', aggregate: 'max' }]);
    expect(requestedSpecs(shown, 'tag:team')).toContainEqual({ kind: 'tag', key: 'team' });
    expect(requestedSpecs(shown, 'param:depth')).toHaveLength(2);
  });

  it('sorts on the main side by what it can order by, and here by the rest', () => {
    expect(orderByClause(columnForId('metric:val loss', EMPTY_LAYOUT)!, true)).toBe('metrics.`val loss` ASC');
    expect(orderByClause(columnForId('attr:start', EMPTY_LAYOUT)!, false)).toBe('attributes.start_time DESC');
    expect(orderByClause(columnForId('attr:duration', EMPTY_LAYOUT)!, false)).toBeNull();
    expect(orderByClause(columnForId('metric:loss', { ...EMPTY_LAYOUT, aggregates: { 'metric:loss': 'min' } })!, true)).toBeNull();
  });
});
