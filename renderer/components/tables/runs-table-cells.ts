// What each cell of the runs table shows, for a run's row and for a group's row, written straight
// into the cell's element (see runs-table-painter.ts for why not with React), and each cell's
// tooltip, worked out when the pointer rests on it.
import { MetricCellState } from '../../../shared/runs-table';
import type { RunStatus } from '../../../shared/models';
import { routeHref } from '../../models/routes';
import { DEFAULT_NUMBER_FORMAT, type NumberFormat } from '../../models/number-format';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { GroupRow, RunRow, TableRow } from '../../models/runs-table/runs-table-rows';
import { formatDateTime, formatDuration, formatFullDateTime } from '../value-format';

const INDENT = 18;

const STATUS_LABELS: Record<RunStatus, string> = {
  RUNNING: 'Running',
  SCHEDULED: 'Scheduled',
  FINISHED: 'Finished',
  FAILED: 'Failed',
  KILLED: 'Killed',
};

/** What the cells of one paint share. */
export interface CellContext {
  readonly data: RunsTableData;
  readonly groupLabel: string;
  /** Running runs' durations are measured to this moment. */
  readonly now: number;
  readonly colorOf: (runId: string) => string;
  /** Each metric column's number format. */
  readonly formats: ReadonlyMap<string, NumberFormat>;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The chevron button that folds and unfolds nested runs or a group (the table handles its click by data-action). */
function expander(expanded: boolean, label: string): HTMLButtonElement {
  const button = element('button', 'rt-expander');
  button.type = 'button';
  button.tabIndex = -1;
  button.dataset.action = 'expand';
  button.setAttribute('aria-expanded', String(expanded));
  button.setAttribute('aria-label', label);
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  for (const [name, value] of Object.entries({ width: '12', height: '12', viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', class: 'icon' })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', expanded ? 'M4 6l4 4 4-4' : 'M6 4l4 4-4 4');
  svg.append(path);
  button.append(svg);
  return button;
}

/** A run status badge, as components/status-badge.tsx draws it. */
function statusBadge(status: RunStatus): HTMLSpanElement {
  const badge = element('span', `status-badge status-${status.toLowerCase()}`);
  badge.dataset.status = status;
  badge.append(element('span', 'status-badge-dot'), STATUS_LABELS[status] ?? status);
  return badge;
}

/** Replaces a cell's content with a text (the cheapest write, and the most common). */
function setText(cell: HTMLElement, text: string): void {
  if (cell.childNodes.length === 1 && cell.firstChild!.nodeType === Node.TEXT_NODE) {
    if (cell.firstChild!.nodeValue !== text) cell.firstChild!.nodeValue = text;
  } else {
    cell.textContent = text;
  }
}

function formatMetric(context: CellContext, columnId: string, value: number): string {
  return (context.formats.get(columnId) ?? DEFAULT_NUMBER_FORMAT).format(value);
}

/** Writes a run's cell in a column. */
export function writeRunCell(cell: HTMLElement, column: PlacedColumn, row: RunRow, context: CellContext): void {
  const { data } = context;
  const index = row.index;
  if (column.kind === 'attribute') {
    switch (column.attribute) {
      case 'name': {
        const runId = row.key;
        const parts: Node[] = [];
        if (row.depth > 0) {
          const indent = element('span', 'rt-indent');
          indent.style.width = `${row.depth * INDENT}px`;
          parts.push(indent);
        }
        parts.push(
          row.childCount > 0
            ? expander(row.expanded, `${row.expanded ? 'Hide' : 'Show'} ${row.childCount} nested runs`)
            : element('span', 'rt-expander-space'),
        );
        const swatch = element('span', 'swatch');
        const color = context.colorOf(runId);
        swatch.style.background = color;
        swatch.dataset.color = color;
        parts.push(swatch);
        const link = element('a', 'rt-run-link', data.runNames[index] ?? runId);
        link.href = routeHref({ name: 'run', runId });
        link.tabIndex = -1;
        parts.push(link);
        if (row.childCount > 0) parts.push(element('span', 'pill rt-count', String(row.childCount)));
        cell.replaceChildren(...parts);
        return;
      }
      case 'status':
        cell.replaceChildren(statusBadge(data.statuses[index]!));
        return;
      case 'start':
        setText(cell, formatDateTime(data.startTimes[index] as number, context.now));
        return;
      case 'duration': {
        const end = data.endTimes[index] ?? null;
        const start = data.startTimes[index] as number;
        if (end === null) cell.replaceChildren(element('span', 'rt-running', formatDuration(context.now - start)));
        else setText(cell, formatDuration(end - start));
        return;
      }
      case 'user':
        setText(cell, data.userIds[index] ?? '');
        return;
    }
  }
  const decoded = data.columns.get(column.id);
  if (!decoded) {
    setText(cell, '');
    return;
  }
  if (decoded.type === 'text') {
    setText(cell, decoded.values[index] ?? '');
    return;
  }
  const state = decoded.states[index];
  if (state === MetricCellState.Missing) setText(cell, '');
  else if (state === MetricCellState.NaN) cell.replaceChildren(element('span', 'faint', 'NaN'));
  else setText(cell, formatMetric(context, column.id, decoded.values[index] as number));
}

/** Writes a group's cell in a column: its value and count, or a metric's mean ± std. */
export function writeGroupCell(cell: HTMLElement, column: PlacedColumn, row: GroupRow, context: CellContext): void {
  if (column.kind === 'attribute' && column.attribute === 'name') {
    // The value alone: the key is in the Group by control above and in the tooltip, and a name
    // column fitted to the runs' names would otherwise cut the value off behind `key =`.
    const label = element('span', 'rt-group-label');
    label.append(row.value === null ? element('em', 'faint', 'not set') : element('strong', '', row.value));
    cell.replaceChildren(
      expander(row.expanded, `${row.expanded ? 'Hide' : 'Show'} the ${row.count} runs of this group`),
      label,
      element('span', 'pill rt-count', `${row.count} runs`),
    );
    return;
  }
  const stat = column.kind === 'metric' ? row.stats.get(column.id) : undefined;
  if (!stat) {
    setText(cell, '');
    return;
  }
  const parts: Node[] = [document.createTextNode(formatMetric(context, column.id, stat.mean))];
  if (stat.count > 1) parts.push(element('span', 'rt-std', ` ± ${formatMetric(context, column.id, stat.std)}`));
  cell.replaceChildren(...parts);
}

/** The tooltip of a cell: the full value. */
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
