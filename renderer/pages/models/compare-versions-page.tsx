// Two versions of a registered model side by side (#/models/:name/compare/:a/:b): where each came
// from, their runs' params and latest metrics (with the change from a to b) and the data they were
// trained on, in the compare view's diff table; their runs' metric charts are one click away in
// the compare view itself.
import { useEffect, useState } from 'react';
import type { ComparedValue, ModelVersionLineage } from '../../../shared/model-registry';
import { ErrorMessage } from '../../components/error-message';
import { formatMetricValue } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

/** The column header of one side: the version, its run by name. */
function SideHeader({ name, lineage }: { name: string; lineage: ModelVersionLineage }) {
  const { version, run } = lineage;
  return (
    <th>
      <a href={routeHref({ name: 'model-version', modelName: name, version: version.version })} className="version-link">
        <span className="version-number">v{version.version}</span>
      </a>{' '}
      {version.aliases.map((alias) => (
        <span key={alias} className="alias-chip">
          @{alias}
        </span>
      ))}
      <div className="hint">{run ? <a href={routeHref({ name: 'run', runId: run.runId })}>{run.runName}</a> : 'no run'}</div>
    </th>
  );
}

function Section<T>({
  title,
  rows,
  hideIdentical,
  format,
  delta,
}: {
  title: string;
  rows: readonly (ComparedValue<T> & { delta?: number | null })[];
  hideIdentical: boolean;
  format: (value: T) => string;
  delta?: boolean;
}) {
  const shown = hideIdentical ? rows.filter((row) => row.differs) : rows;
  return (
    <tbody>
      <tr className="diff-section">
        <th colSpan={delta ? 4 : 3}>
          {title}
          <span className="muted">
            {' '}
            · {rows.filter((row) => row.differs).length} of {rows.length} differ
          </span>
        </th>
      </tr>
      {shown.map((row) => (
        <tr key={row.key} className={row.differs ? 'diff-row differs' : 'diff-row'} data-testid="version-diff-row" data-key={row.key} data-differs={row.differs}>
          <th className="diff-key" title={row.key}>
            {row.key}
          </th>
          <td>{row.a === null ? <span className="muted">—</span> : format(row.a)}</td>
          <td>{row.b === null ? <span className="muted">—</span> : format(row.b)}</td>
          {delta && (
            <td className={`numeric ${row.delta ? (row.delta > 0 ? 'delta-up' : 'delta-down') : ''}`}>
              {row.delta === null || row.delta === undefined ? '' : `${row.delta > 0 ? '+' : ''}${formatMetricValue(row.delta)}`}
            </td>
          )}
        </tr>
      ))}
    </tbody>
  );
}

/** Two versions compared. */
export function CompareVersionsPage({ name, a, b }: { name: string; a: string; b: string }) {
  const comparison = useAppStore((state) => (state.modelPage.name === name ? state.modelPage.comparison : null));
  const [hideIdentical, setHideIdentical] = useState(false);
  useEffect(() => {
    const state = useAppStore.getState();
    void state.openModelPage(name).then(() => state.compareVersions(name, a, b));
  }, [name, a, b]);
  const value = comparison && comparison.a === a && comparison.b === b ? comparison.value : null;
  const runIds = value ? [value.a.run?.runId, value.b.run?.runId].filter((id): id is string => Boolean(id)) : [];
  return (
    <div className="page models-page compare-versions-page" data-testid="compare-versions-page">
      <header className="page-header">
        <div className="breadcrumbs">
          <a href={routeHref({ name: 'models', modelName: null })}>Models</a>
          <span>/</span>
          <a href={routeHref({ name: 'models', modelName: name })}>{name}</a>
          <span>/</span>
        </div>
        <h1>
          Version {a} and version {b}
        </h1>
        <span className="spacer" />
        <label className="toggle">
          <input type="checkbox" checked={hideIdentical} onChange={(event) => setHideIdentical(event.target.checked)} /> Only what differs
        </label>
        {runIds.length === 2 && runIds[0] !== runIds[1] && (
          <a className="button small" href={routeHref({ name: 'compare', runIds })} data-testid="compare-runs-link">
            Charts of their runs
          </a>
        )}
      </header>
      {comparison?.status === 'error' && comparison.error && (
        <ErrorMessage title="Could not compare the versions" message={comparison.error} onRetry={() => void useAppStore.getState().compareVersions(name, a, b)} />
      )}
      {!value && comparison?.status !== 'error' && (
        <div className="loading-line">
          <span className="spinner" /> Comparing…
        </div>
      )}
      {value && (
        <div className="card diff-table-scroll">
          <table className="diff-table version-diff-table" data-testid="version-diff-table">
            <thead>
              <tr>
                <th className="diff-key">Field</th>
                <SideHeader name={name} lineage={value.a} />
                <SideHeader name={name} lineage={value.b} />
                <th>Change</th>
              </tr>
            </thead>
            <Section title="Params" rows={value.params} hideIdentical={hideIdentical} format={(text) => text} delta />
            <Section title="Metrics (latest)" rows={value.metrics} hideIdentical={hideIdentical} format={formatMetricValue} delta />
            <Section title="Data" rows={value.datasets} hideIdentical={hideIdentical} format={(text) => text} delta />
          </table>
        </div>
      )}
      {value && <span data-testid="compare-versions-ready" hidden />}
    </div>
  );
}
