// Profiles, drift reports, timelines and check reports as plain-text tables: what the CLI prints
// and what a check run keeps as its text artifact.
import type { CheckReport, DataIssues, DatasetProfile, DriftReport, DriftTimeline } from '../../../shared/data-models';
import { countOf, formatBytes } from '../../../shared/quantity-text';

/** A profile as a table of columns, with the table's size and the problems met reading it. */
export function formatProfile(title: string, profile: DatasetProfile): string {
  const lines = [
    `${title}`,
    `${countOf(profile.rows, 'row')}, ${countOf(profile.columnCount, 'column')}, ${formatBytes(profile.bytes)} in ${countOf(profile.fileCount, 'file')} (${profile.format})` +
      `${profile.approximate ? '; distinct counts and quantiles are estimates past 1,000,000 rows' : ''}`,
    '',
  ];
  const rows = profile.columns.map((column) => [
    column.name,
    column.type,
    column.storageType,
    column.missing.toLocaleString('en'),
    `${column.distinctApproximate ? '~' : ''}${column.distinct.toLocaleString('en')}`,
    formatValue(column.min, column.type === 'datetime'),
    formatValue(column.mean, column.type === 'datetime'),
    formatValue(column.max, column.type === 'datetime'),
    column.topValues?.length ? column.topValues.slice(0, 3).map((top) => `${truncate(top.value, 16)} (${top.count.toLocaleString('en')})`).join(', ') : '',
  ]);
  lines.push(table(['column', 'type', 'read as', 'missing', 'distinct', 'min', 'mean', 'max', 'top values'], rows));
  for (const column of profile.columns) {
    if (column.mixedTypes) {
      lines.push(`note: ${column.name} mixes ${countOf(column.mixedTypes.numericValues, 'number')} with ${countOf(column.mixedTypes.otherValues, 'other value')} (e.g. ${column.mixedTypes.examples.map((e) => JSON.stringify(e)).join(', ')})`);
    }
  }
  lines.push(...formatIssues(profile.issues));
  return `${lines.join('\n')}\n`;
}

/** A drift report as a table of columns (most drifted first) and the dataset's verdict. */
export function formatDrift(report: DriftReport): string {
  const lines = [`Reference: ${report.reference.label} (${countOf(report.reference.rows, 'row')})`, `Current:   ${report.current.label} (${countOf(report.current.rows, 'row')})`, ''];
  const rows = report.columns.map((column) => [
    column.column,
    column.kind,
    column.test ?? '-',
    column.score === null ? '-' : formatNumber(column.score),
    column.threshold === null ? '-' : String(column.threshold),
    column.test === null ? 'not tested' : column.drift ? 'DRIFT' : 'no drift',
  ]);
  lines.push(table(['column', 'type', 'test', 'value', 'threshold', 'drift'], rows));
  for (const column of report.columns) if (column.reason) lines.push(`${column.column}: ${column.reason}`);
  const { driftedColumns, testedColumns, share, driftShare, drift } = report.dataset;
  lines.push(
    '',
    `Dataset: ${drift ? 'DRIFT' : 'no drift'}: ${driftedColumns} of ${testedColumns} tested columns drift (share ${formatNumber(share)}; the dataset drifts at ${driftShare}).`,
  );
  return `${lines.join('\n')}\n`;
}

/** A timeline as one row per batch and one drift score column per data column. */
export function formatTimeline(timeline: DriftTimeline): string {
  const columns = [...new Set(timeline.points.flatMap((point) => point.columns.filter((c) => c.test !== null).map((c) => c.column)))];
  const rows = timeline.points.map((point) => [
    point.label,
    point.rows.toLocaleString('en'),
    `${point.dataset.driftedColumns}/${point.dataset.testedColumns}${point.dataset.drift ? ' DRIFT' : ''}`,
    ...columns.map((name) => {
      const column = point.columns.find((c) => c.column === name);
      return column?.score === null || column === undefined ? '-' : `${formatNumber(column.score)}${column.drift ? '*' : ''}`;
    }),
  ]);
  return `Reference: ${timeline.reference.label} (${countOf(timeline.reference.rows, 'row')})\n\n${table(['batch', 'rows', 'drifted', ...columns], rows)}\n* drifts\n`;
}

/** A check report as a table of rules with pass or fail, failing counts and examples. */
export function formatCheck(report: CheckReport): string {
  const lines = [`Data: ${report.data.label} (${countOf(report.data.rows, 'row')})${report.reference ? `\nReference: ${report.reference.label}` : ''}`, ''];
  const rows = report.rules.map((rule) => [rule.passed ? 'pass' : 'FAIL', rule.name, rule.passed ? '' : rule.failingCount.toLocaleString('en'), rule.passed ? '' : truncate(rule.examples.join('; '), 80)]);
  lines.push(table(['result', 'rule', 'failing', 'examples'], rows));
  for (const rule of report.rules) if (!rule.passed) lines.push(`FAIL ${rule.name}: ${rule.message}`);
  lines.push(...formatIssues(report.issues));
  lines.push('', `${report.passed} passed, ${report.failed} failed${report.runId ? ` (recorded as run ${report.runId})` : ''}`);
  return `${lines.join('\n')}\n`;
}

function formatIssues(issues: DataIssues): string[] {
  if (issues.total === 0) return [];
  const lines = ['', `Problems reading the data (${issues.total}${issues.skippedRows ? `; ${countOf(issues.skippedRows, 'line')} left out` : ''}):`];
  for (const issue of issues.examples.slice(0, 10)) {
    lines.push(`  ${issue.file}${issue.line !== null ? `:${issue.line}` : ''}: ${issue.kind}: ${truncate(issue.message, 160)}`);
  }
  if (issues.total > 10) lines.push(`  … and ${issues.total - 10} more`);
  return lines;
}

/** Pads rows into aligned columns under a header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function formatValue(value: number | null, datetime: boolean): string {
  if (value === null) return '';
  if (datetime) return new Date(value).toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
  return formatNumber(value);
}

/** A number in at most 4 significant digits (integers whole), exponents for the very large or small. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en');
  if (value !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}



function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
