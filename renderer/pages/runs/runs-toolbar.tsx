// Above the runs table: the filter, grouping, columns, and the selection with its Compare button.
import { useMemo } from 'react';
import { MAX_COMPARED_RUNS } from '../../../shared/call-limits';
import { RUN_STATUSES } from '../../../shared/models';
import type { SearchEntity } from '../../../shared/search';
import { FilterBar } from '../../components/filter-bar/filter-bar';
import type { FilterVocabulary } from '../../components/filter-bar/filter-suggestions';
import { sortRows } from '../../models/runs-table/run-order';
import { columnForId, isPickableTag } from '../../models/runs-table/runs-table-columns';
import { runIndex, type RunsTableData } from '../../models/runs-table/runs-table-data';
import { formatCount } from '../../components/value-format';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';
import type { RunsTableView } from '../../stores/runs-table-slice';
import { ColumnPicker } from './column-picker';

function byFrequency(values: Iterable<string | null>): string[] {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([value]) => value);
}

/** Keys and values the filter bar offers, from the loaded runs. */
function useVocabulary(data: RunsTableData): FilterVocabulary {
  return useMemo(() => {
    const cache = new Map<string, readonly string[]>();
    const valuesOf = (entity: SearchEntity, name: string): readonly string[] => {
      const id = `${entity}:${name}`;
      const cached = cache.get(id);
      if (cached) return cached;
      let values: readonly string[] = [];
      if (entity === 'param' || entity === 'tag') {
        const column = data.columns.get(id);
        values = column?.type === 'text' ? byFrequency(column.values) : [];
      } else if (entity === 'attribute') {
        if (name === 'status') values = RUN_STATUSES;
        else if (name === 'run_name') values = byFrequency(data.runNames);
        else if (name === 'user_id') values = byFrequency(data.userIds);
      }
      cache.set(id, values);
      return values;
    };
    return { keys: data.keys, valuesOf };
  }, [data]);
}

/** The toolbar of the runs page. */
export function RunsToolbar({ view, data }: { view: RunsTableView; data: RunsTableData }) {
  const actions = useAppStore.getState();
  const vocabulary = useVocabulary(data);
  const selectedCount = view.selected.size;
  const canCompare = selectedCount >= 2 && selectedCount <= MAX_COMPARED_RUNS;
  const compareTitle =
    selectedCount < 2
      ? 'Select at least two runs to compare'
      : selectedCount > MAX_COMPARED_RUNS
        ? `Cairn compares up to ${MAX_COMPARED_RUNS} runs at once`
        : `Compare the ${selectedCount} selected runs`;
  // Counted only when something is selected: no pass over 100,000 runs on each live patch of the usual, unselected table.
  const unselectedMatching = useMemo(
    () => (view.selected.size === 0 ? data.runIds.length : data.runIds.length - data.runIds.reduce((n, runId) => n + (view.selected.has(runId) ? 1 : 0), 0)),
    [data, view.selected],
  );

  const compare = () => {
    // In the table's order, so the compare view lists the runs as the user saw them.
    const column = view.sort ? columnForId(view.sort.columnId, view.layout) : null;
    const order = sortRows(data, column, view.sort?.ascending ?? false);
    const inTable: string[] = [];
    for (const row of order) if (view.selected.has(data.runIds[row]!)) inTable.push(data.runIds[row]!);
    const elsewhere = [...view.selected].filter((runId) => !runIndex(data).has(runId));
    navigate({ name: 'compare', runIds: [...inTable, ...elsewhere] });
  };

  return (
    <div className="runs-toolbar">
      <div className="runs-toolbar-row">
        <FilterBar
          draft={view.filterDraft}
          applied={view.filter}
          error={view.filterError}
          vocabulary={vocabulary}
          onDraft={actions.setRunsFilterDraft}
          onApply={(text) => void actions.applyRunsFilter(text)}
        />
        <label className="toolbar-field">
          <span className="toolbar-label">Group by</span>
          <select
            value={view.groupBy ?? ''}
            onChange={(event) => actions.setRunsGroupBy(event.target.value || null)}
            data-testid="group-by"
          >
            <option value="">Nothing</option>
            {data.keys.params.length > 0 && (
              <optgroup label="Params">
                {data.keys.params.map((key) => (
                  <option key={key} value={`param:${key}`}>
                    {key}
                  </option>
                ))}
              </optgroup>
            )}
            {data.keys.tags.some(isPickableTag) && (
              <optgroup label="Tags">
                {data.keys.tags.filter(isPickableTag).map((key) => (
                  <option key={key} value={`tag:${key}`}>
                    {key}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <ColumnPicker layout={view.layout} keys={data.keys} />
        <button type="button" className="primary" disabled={!canCompare} title={compareTitle} onClick={compare} data-testid="compare-button">
          {selectedCount >= 2 ? `Compare ${formatCount(selectedCount)} runs` : 'Compare'}
        </button>
      </div>
      {selectedCount > 0 && (
        <div className="selection-bar" data-testid="selection-bar">
          <span data-testid="selection-count">
            <strong>{formatCount(selectedCount)}</strong> {selectedCount === 1 ? 'run' : 'runs'} selected
          </span>
          {selectedCount === 1 && <span className="hint" data-testid="select-another">Select another run to compare them.</span>}
          {unselectedMatching > 0 && (
            <button type="button" className="link" onClick={actions.selectAllMatchingRuns} data-testid="select-all-matching">
              Select all {formatCount(data.runIds.length)} {view.filter ? 'matching the filter' : 'runs'}
            </button>
          )}
          <button type="button" className="link" onClick={actions.clearRunsSelection} data-testid="clear-selection">
            Clear selection
          </button>
          <span className="hint">Shift-click a box to select a range; Space selects the focused row.</span>
        </div>
      )}
    </div>
  );
}
