import { describe, expect, it } from 'vitest';
import { defaultRunsTableColumns } from '../../../shared/runs-table';
import { chosenValueSpecs, columnForId, EMPTY_LAYOUT, orderByClause, placeColumns, requestedSpecs } from './runs-table-columns';

const KEYS = { params: ['lr', 'depth'], metrics: ['loss'], tags: ['team'] };

describe('runs table columns', () => {
  it('shows every metric and param by default, sharing the limit when there are too many', () => {
    expect(defaultRunsTableColumns(KEYS).map((spec) => `${spec.kind}:${spec.key}`)).toEqual(['metric:loss', 'param:lr', 'param:depth']);
    const many = { params: Array.from({ length: 40 }, (_, i) => `p${i}`), metrics: Array.from({ length: 5 }, (_, i) => `m${i}`), tags: [] };
    const specs = defaultRunsTableColumns(many);
    expect(specs).toHaveLength(30);
    expect(specs.filter((spec) => spec.kind === 'metric')).toHaveLength(5);
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
