// The dataset catalog as a table: name, versions, rows and columns of the newest version, when
// it was profiled, and the runs that used it; or what to do when the catalog is empty.
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

/** What to do when no dataset is known yet. */
function DataGettingStarted() {
  return (
    <section className="getting-started card" data-testid="data-empty">
      <h2>No datasets yet</h2>
      <p className="muted">
        Type the path of a CSV, TSV, Parquet or JSON Lines file (or a folder of them) above and press <strong>Add and profile</strong>. Cairn
        profiles every column (types, missing values, distinct values, quantiles, histograms), and each new content under the same name
        becomes a new version you can compare for drift.
      </p>
      <p className="muted">
        From a terminal: <code>cairn data add PATH --name NAME</code>. Datasets your runs log with <code>mlflow.log_input</code> from a local
        file show up here by themselves.
      </p>
    </section>
  );
}

/** The datasets table. */
export function DatasetList() {
  const { data, status, error } = useAppStore((state) => state.datasets);
  if (status === 'error' && error) return <ErrorMessage title="Could not list the datasets" message={error} onRetry={() => void useAppStore.getState().loadDatasets()} />;
  if (!data) {
    return (
      <div className="loading-line">
        <span className="spinner" /> Loading datasets…
      </div>
    );
  }
  if (data.length === 0) return <DataGettingStarted />;
  const now = Date.now();
  return (
    <div className="card dataset-table-card">
      <table className="data-table dataset-table" data-testid="dataset-table">
        <thead>
          <tr>
            <th>Name</th>
            <th className="numeric">Versions</th>
            <th className="numeric">Rows</th>
            <th className="numeric">Columns</th>
            <th>Last profiled</th>
            <th>Runs</th>
            <th>Path</th>
          </tr>
        </thead>
        <tbody>
          {data.map((dataset) => (
            <tr key={dataset.datasetId} data-testid="dataset-row" data-name={dataset.name}>
              <td>
                <a href={routeHref({ name: 'data', datasetName: dataset.name, versionId: null })} className="dataset-name" data-testid="dataset-link">
                  {dataset.name}
                </a>
              </td>
              <td className="numeric">{dataset.versionCount}</td>
              <td className="numeric" data-testid="dataset-rows">
                {dataset.latestProfile ? formatCount(dataset.latestProfile.rows) : '—'}
              </td>
              <td className="numeric">{dataset.latestProfile ? dataset.latestProfile.columnCount : '—'}</td>
              <td>
                {dataset.latestProfile ? (
                  <span title={formatFullDateTime(dataset.latestProfile.profiledTime)}>{formatRelativeTime(dataset.latestProfile.profiledTime, now)}</span>
                ) : (
                  <span className="faint">not profiled</span>
                )}
              </td>
              <td>
                {dataset.runIds.length === 0 ? (
                  <span className="faint">none</span>
                ) : (
                  <span className="dataset-runs">
                    {dataset.runIds.slice(0, 3).map((runId) => (
                      <a key={runId} href={routeHref({ name: 'run', runId })} className="mono" title={`Run ${runId}`} data-testid="dataset-run-link">
                        {runId.slice(0, 8)}
                      </a>
                    ))}
                    {dataset.runIds.length > 3 && <span className="faint">+{dataset.runIds.length - 3}</span>}
                  </span>
                )}
              </td>
              <td className="dataset-path mono faint" title={dataset.latestVersion?.path}>
                {dataset.latestVersion?.path ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
