import { describe, expect, it } from 'vitest';
import type { RunsTableColumnSpec } from '../../../shared/runs-table';
import { sortRows } from './run-order';
import { tableDataFromPage } from './runs-table-data';
import { testPage, type TestRun } from './runs-table-fixture';
import { buildTableRows, groupKey, rowList, type GroupRow, type TableRow } from './runs-table-rows';

const COLUMNS: RunsTableColumnSpec[] = [
  { kind: 'metric', key: 'loss', aggregate: 'latest' },
  { kind: 'param', key: 'optimizer' },
];
const KEYS = { params: ['optimizer'], metrics: ['loss'], tags: [] };

function rowsOf(runs: readonly TestRun[], options: { groupBy?: string; expanded?: string[]; groupSort?: boolean } = {}): TableRow[] {
  const data = tableDataFromPage(testPage(runs, COLUMNS), KEYS, { filter: '', orderBy: [] });
  return rowList(buildTableRows(data, {
    order: sortRows(data, null, false),
    groupBy: options.groupBy ?? null,
    expanded: new Set(options.expanded ?? []),
    metricColumnIds: ['metric:loss'],
    groupSort: options.groupSort ? { columnId: 'metric:loss', ascending: true } : null,
  }));
}

const label = (row: TableRow) => (row.kind === 'run' ? `${'  '.repeat(row.depth)}${row.key}` : `[${row.value}]`);

describe('buildTableRows', () => {
  const runs: TestRun[] = [
    { id: 'parent', start: 900 },
    { id: 'child-1', start: 950, parent: 'parent' },
    { id: 'grandchild', start: 960, parent: 'child-1' },
    { id: 'child-2', start: 940, parent: 'parent' },
    { id: 'solo', start: 800 },
    { id: 'orphan', start: 700, parent: 'not-loaded' },
  ];

  it('puts nested runs under their parent, folded until expanded, with their count', () => {
    const folded = rowsOf(runs);
    expect(folded.map(label)).toEqual(['parent', 'solo', 'orphan']);
    expect(folded[0]).toMatchObject({ childCount: 2, expanded: false });
    expect(rowsOf(runs, { expanded: ['parent'] }).map(label)).toEqual(['parent', '  child-1', '  child-2', 'solo', 'orphan']);
    expect(rowsOf(runs, { expanded: ['parent', 'child-1'] }).map(label)).toEqual([
      'parent',
      '  child-1',
      '    grandchild',
      '  child-2',
      'solo',
      'orphan',
    ]);
  });

  it('shows runs whose parents form a loop instead of losing them', () => {
    const looped: TestRun[] = [
      { id: 'a', parent: 'b' },
      { id: 'b', parent: 'a' },
      { id: 'c' },
    ];
    expect(rowsOf(looped).map(label).sort()).toEqual(['a', 'b', 'c']);
  });

  it('groups by a param with counts, metric means and sample standard deviations', () => {
    const grouped: TestRun[] = [
      { id: 'r1', values: { optimizer: 'sgd', loss: 0.2 } },
      { id: 'r2', values: { optimizer: 'adam', loss: 0.1 } },
      { id: 'r3', values: { optimizer: 'sgd', loss: 0.4 } },
      { id: 'r4', values: { loss: Number.NaN } },
      { id: 'r5', values: { optimizer: 'adam', loss: 0.3 } },
      { id: 'r6', values: { optimizer: '10' } },
      { id: 'r7', values: { optimizer: '9' } },
    ];
    const rows = rowsOf(grouped, { groupBy: 'param:optimizer', expanded: [groupKey('sgd')] });
    // Numbers first, numerically; then text; runs without a value last.
    expect(rows.map(label)).toEqual(['[9]', '[10]', '[adam]', '[sgd]', ' r1', ' r3', '[null]'].map((l) => l.replace(/^ /, '  ')));
    const adam = rows.find((row): row is GroupRow => row.kind === 'group' && row.value === 'adam')!;
    expect(adam.count).toBe(2);
    expect(adam.stats.get('metric:loss')!.mean).toBeCloseTo(0.2);
    expect(adam.stats.get('metric:loss')!.std).toBeCloseTo(Math.SQRT2 * 0.1);
    const none = rows.find((row): row is GroupRow => row.kind === 'group' && row.value === null)!;
    expect(none.stats.has('metric:loss')).toBe(false);
  });

  it('orders groups by the mean of the metric sorted by, groups without it last', () => {
    const grouped: TestRun[] = [
      { id: 'r1', values: { optimizer: 'sgd', loss: 0.2 } },
      { id: 'r2', values: { optimizer: 'adam', loss: 0.5 } },
      { id: 'r3', values: { optimizer: 'rmsprop' } },
    ];
    expect(rowsOf(grouped, { groupBy: 'param:optimizer', groupSort: true }).map(label)).toEqual(['[sgd]', '[adam]', '[rmsprop]']);
  });
});

describe('rows of a table without nesting or grouping', () => {
  it('are the sort order, made when asked for, and find a run’s position', () => {
    const runs: TestRun[] = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, start: 100 + i }));
    const data = tableDataFromPage(testPage(runs, COLUMNS), KEYS, { filter: '', orderBy: [] });
    const rows = buildTableRows(data, { order: Int32Array.from([4, 2, 0, 1, 3]), groupBy: null, expanded: new Set(), metricColumnIds: [], groupSort: null });
    expect(rows.length).toBe(5);
    expect(rows.at(1)).toEqual({ kind: 'run', key: 'r2', index: 2, depth: 0, childCount: 0, expanded: false });
    expect(rows.positionOf('r3')).toBe(4);
    expect(rows.positionOf('nope')).toBe(-1);
  });
});
