// The diff table: params, latest metrics and tags of the compared runs side by side; rows whose
// values differ are highlighted, and a switch hides the rows where every run agrees.
import { memo, useMemo } from 'react';
import { GIT_COMMIT_TAG, SOURCE_NAME_TAG, USER_TAG } from '../../../shared/mlflow-tags';
import type { Run } from '../../../shared/models';
import { formatMetricValue } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { runLabel } from './compare-lines';
import { listFields, rawFieldValue, type RunField } from './run-fields';

/** System tags worth comparing (the rest of mlflow.* is bookkeeping). */
const COMPARED_SYSTEM_TAGS = [SOURCE_NAME_TAG, GIT_COMMIT_TAG, USER_TAG];

interface DiffRow {
  readonly field: RunField;
  readonly cells: readonly string[];
  readonly differs: boolean;
}

function cellText(value: number | string | null): string {
  if (value === null) return '';
  return typeof value === 'number' ? formatMetricValue(value) : value;
}

function diffRows(runs: readonly Run[]): { section: string; rows: DiffRow[] }[] {
  const fields = listFields(runs);
  const systemTags = COMPARED_SYSTEM_TAGS.filter((key) => runs.some((run) => run.tags.some((tag) => tag.key === key))).map(
    (key): RunField => ({ id: `tag:${key}`, kind: 'tag', key }),
  );
  const rowsOf = (list: readonly RunField[]) =>
    list.map((field) => {
      const values = runs.map((run) => rawFieldValue(run, field));
      const distinct = new Set(values.map((value) => (value === null ? '\u0000missing' : String(value))));
      return { field, cells: values.map(cellText), differs: distinct.size > 1 };
    });
  return [
    { section: 'Params', rows: rowsOf(fields.params) },
    { section: 'Metrics (latest)', rows: rowsOf(fields.metrics) },
    { section: 'Tags', rows: rowsOf([...fields.tags, ...systemTags]) },
  ];
}

/** Props of {@link DiffTable}. */
export interface DiffTableProps {
  readonly runs: readonly Run[];
  readonly colors: ReadonlyMap<string, string>;
  readonly hideIdentical: boolean;
}

/** Runs side by side, differences highlighted. */
export const DiffTable = memo(function DiffTable({ runs, colors, hideIdentical }: DiffTableProps) {
  const sections = useMemo(() => diffRows(runs), [runs]);
  return (
    <div className="diff-table-scroll">
      <table className="diff-table" data-testid="diff-table">
        <thead>
          <tr>
            <th className="diff-key">Field</th>
            {runs.map((run) => (
              <th key={run.info.runId}>
                <a href={routeHref({ name: 'run', runId: run.info.runId })} className="run-chip">
                  <span className="swatch" style={{ background: colors.get(run.info.runId) }} />
                  {runLabel(run, run.info.runId)}
                </a>
              </th>
            ))}
          </tr>
        </thead>
        {sections.map(({ section, rows }) => {
          const shown = hideIdentical ? rows.filter((row) => row.differs) : rows;
          return (
            <tbody key={section}>
              <tr className="diff-section">
                <th colSpan={runs.length + 1}>
                  {section}
                  <span className="muted"> · {rows.filter((row) => row.differs).length} of {rows.length} differ</span>
                </th>
              </tr>
              {shown.map((row) => (
                <tr key={row.field.id} className={row.differs ? 'diff-row differs' : 'diff-row'} data-testid="diff-row" data-differs={row.differs}>
                  <th className="diff-key" title={row.field.key}>
                    {row.field.key}
                  </th>
                  {row.cells.map((cell, i) => (
                    <td key={runs[i]!.info.runId} title={cell}>
                      {cell || <span className="muted">—</span>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          );
        })}
      </table>
    </div>
  );
});
