// What each cell of the runs table shows, for a run's row and for a group's row.
import { MetricCellState } from '../../../shared/runs-table';
import { runColor } from '../charts/run-colors';
import { ChevronIcon } from '../icons';
import { StatusBadge } from '../status-badge';
import { formatDateTime, formatDuration, formatFullDateTime, formatMetricValue } from '../value-format';
import { routeHref } from '../../models/routes';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { GroupRow, RunRow, TableRow } from '../../models/runs-table/runs-table-rows';

const INDENT = 18;

function Expander({ expanded, label }: { expanded: boolean; label: string }) {
  return (
    <button type="button" className="rt-expander" data-action="expand" aria-expanded={expanded} aria-label={label} tabIndex={-1}>
      <ChevronIcon expanded={expanded} />
    </button>
  );
}

/** The content of a run's cell in a column. */
export function RunCell({ column, row, data, now }: { column: PlacedColumn; row: RunRow; data: RunsTableData; now: number }) {
  const index = row.index;
  if (column.kind === 'attribute') {
    switch (column.attribute) {
      case 'name': {
        const runId = row.key;
        const name = data.runNames[index] as string;
        return (
          <>
            {row.depth > 0 && <span className="rt-indent" style={{ width: row.depth * INDENT }} />}
            {row.childCount > 0 ? (
              <Expander expanded={row.expanded} label={`${row.expanded ? 'Hide' : 'Show'} ${row.childCount} nested runs`} />
            ) : (
              <span className="rt-expander-space" />
            )}
            <span className="swatch" style={{ background: runColor(runId) }} />
            <a className="rt-run-link" href={routeHref({ name: 'run', runId })} tabIndex={-1}>
              {name}
            </a>
            {row.childCount > 0 && (
              <span className="pill rt-count">
                {row.childCount}
              </span>
            )}
          </>
        );
      }
      case 'status':
        return <StatusBadge status={data.statuses[index]!} />;
      case 'start':
        return formatDateTime(data.startTimes[index] as number, now);
      case 'duration': {
        const end = data.endTimes[index] ?? null;
        const start = data.startTimes[index] as number;
        return end === null ? <span className="faint">{formatDuration(now - start)}…</span> : formatDuration(end - start);
      }
      case 'user':
        return data.userIds[index];
    }
  }
  const decoded = data.columns.get(column.id);
  if (!decoded) return null;
  if (decoded.type === 'text') {
    return decoded.values[index] ?? null;
  }
  const state = decoded.states[index];
  if (state === MetricCellState.Missing) return null;
  if (state === MetricCellState.NaN) return <span className="faint">NaN</span>;
  const value = decoded.values[index] as number;
  return formatMetricValue(value);
}

/** The tooltip of a cell: the full value, worked out only when the pointer rests on the cell. */
export function cellTitle(column: PlacedColumn, row: TableRow, data: RunsTableData, groupLabel: string): string {
  if (row.kind === 'group') {
    if (column.kind === 'attribute' && column.attribute === 'name') return `${groupLabel} = ${row.value ?? '(not set)'}: ${row.count} runs`;
    const stat = column.kind === 'metric' ? row.stats.get(column.id) : undefined;
    return stat ? `mean ${stat.mean} ± ${stat.std} (sample standard deviation) over ${stat.count} runs` : '';
  }
  const index = row.index;
  if (column.kind === 'attribute') {
    switch (column.attribute) {
      case 'name':
        return `${data.runNames[index]}\n${row.key}${row.childCount > 0 ? `\n${row.childCount} nested runs` : ''}`;
      case 'status':
        return data.statuses[index] ?? '';
      case 'start':
        return formatFullDateTime(data.startTimes[index] as number);
      case 'duration':
        return data.endTimes[index] === null ? 'Still running: time since it started' : '';
      case 'user':
        return data.userIds[index] ?? '';
    }
  }
  const decoded = data.columns.get(column.id);
  if (!decoded) return '';
  if (decoded.type === 'text') return decoded.values[index] ?? '';
  const state = decoded.states[index];
  return state === MetricCellState.Value ? `${column.aggregate} ${column.label}: ${decoded.values[index]}` : state === MetricCellState.NaN ? 'NaN' : '';
}

/** The content of a group's cell in a column: its value and count, or a metric's mean ± std. */
export function GroupCell({ column, row, groupLabel }: { column: PlacedColumn; row: GroupRow; groupLabel: string }) {
  if (column.kind === 'attribute' && column.attribute === 'name') {
    return (
      <>
        <Expander expanded={row.expanded} label={`${row.expanded ? 'Hide' : 'Show'} the ${row.count} runs of this group`} />
        <span className="rt-group-label">
          <span className="faint">{groupLabel} =</span>{' '}
          {row.value === null ? <em className="faint">not set</em> : <strong>{row.value}</strong>}
        </span>
        <span className="pill rt-count">{row.count} runs</span>
      </>
    );
  }
  if (column.kind !== 'metric') return null;
  const stat = row.stats.get(column.id);
  if (!stat) return null;
  return (
    <>
      {formatMetricValue(stat.mean)}
      {stat.count > 1 && <span className="rt-std"> ± {formatMetricValue(Number(stat.std.toPrecision(2)))}</span>}
    </>
  );
}
