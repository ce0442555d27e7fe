// The compare view's data panel: the datasets the compared runs used, produced or checked (the
// first few runs), one table per dataset with a row per column and a cell per run showing that
// run's version's distribution, so that runs trained on different data show it side by side.
import { useEffect } from 'react';
import { type DatasetProfile, type DatasetVersion, shortDigest } from '../../../shared/data-models';
import { DistributionChart } from '../../components/charts/distribution-chart';
import { formatCount } from '../../components/value-format';
import { profileBars } from '../../models/data/distribution-bars';
import { routeHref } from '../../models/routes';
import { COMPARED_DATA_RUNS } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';
import { runLabel } from './compare-lines';
import { selectComparedRuns, selectRunColors } from './compare-selection';

interface DatasetAcrossRuns {
  readonly name: string;
  /** Per compared run, its version of the dataset (or none). */
  readonly versions: readonly (DatasetVersion | null)[];
  readonly columns: readonly string[];
}

function datasetsAcrossRuns(runs: readonly { runId: string; versions: readonly DatasetVersion[] }[], profiles: Readonly<Record<string, DatasetProfile | null>>): DatasetAcrossRuns[] {
  const names = [...new Set(runs.flatMap((run) => run.versions.map((version) => version.datasetName)))].sort();
  return names.map((name) => {
    const versions = runs.map((run) => run.versions.find((version) => version.datasetName === name) ?? null);
    const columns = [...new Set(versions.flatMap((version) => (version ? (profiles[version.versionId]?.columns.map((column) => column.name) ?? []) : [])))];
    return { name, versions, columns };
  });
}

/** The compared runs' datasets side by side; nothing when none of them has data in the catalog. */
export function CompareData() {
  const runIds = useAppStore((s) => s.compare.runIds);
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const colors = useAppStore((s) => selectRunColors(s.compare));
  const data = useAppStore((s) => s.comparedData);
  const key = runIds.join(',');
  useEffect(() => {
    if (key) void useAppStore.getState().loadComparedData(key.split(','));
  }, [key]);
  if (!data || data.status !== 'ready' || data.runs.every((run) => run.versions.length === 0)) return null;
  const datasets = datasetsAcrossRuns(data.runs, data.profiles);
  return (
    <section className="compare-section compare-data run-data" data-testid="compare-data">
      <h2>Data</h2>
      {runIds.length > COMPARED_DATA_RUNS && <p className="hint">The datasets of the first {COMPARED_DATA_RUNS} runs.</p>}
      {datasets.map((dataset) => (
        <div key={dataset.name} className="card compare-data-table-card">
          <table className="data-table compare-data-table" data-testid="compare-dataset" data-dataset={dataset.name}>
            <thead>
              <tr>
                <th>
                  <a href={routeHref({ name: 'data', datasetName: dataset.name, versionId: null })}>{dataset.name}</a>
                </th>
                {data.runs.map((run, index) => {
                  const version = dataset.versions[index];
                  const profile = version ? data.profiles[version.versionId] : null;
                  return (
                    <th key={run.runId}>
                      <span className="swatch" style={{ background: colors.get(run.runId) }} /> {runLabel(runs.find((one) => one.info.runId === run.runId), run.runId)}
                      <div className="faint">
                        {!version ? (
                          'not used'
                        ) : (
                          <a href={routeHref({ name: 'data', datasetName: dataset.name, versionId: version.versionId })} className="mono">
                            {shortDigest(version.digest, 8)}
                          </a>
                        )}
                        {profile ? ` · ${formatCount(profile.rows)} rows` : version ? ' · not profiled' : ''}
                      </div>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {dataset.columns.map((columnName) => (
                <tr key={columnName}>
                  <td className="mono">{columnName}</td>
                  {data.runs.map((run, index) => {
                    const version = dataset.versions[index];
                    const column = version ? data.profiles[version.versionId]?.columns.find((one) => one.name === columnName) : undefined;
                    const bars = column ? profileBars(column) : null;
                    return (
                      <td key={run.runId} data-testid="compare-data-cell">
                        {column ? (
                          <>
                            <span className="faint">
                              {column.type}
                              {column.missing > 0 ? ` · ${formatCount(column.missing)} missing` : ''}
                            </span>
                            {bars && <DistributionChart bars={bars} width={200} height={60} heights="count" />}
                          </>
                        ) : (
                          <span className="faint">—</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
