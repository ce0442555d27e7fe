// The run page's data: the catalog versions the run used, produced or checked, each with its
// profile in brief (rows, columns, per column its type, missing share and distribution) and a
// link to its page on the Data page; and the logged inputs Cairn could not read, with why.
import { useEffect } from 'react';
import { type DatasetProfile, type DatasetVersion, shortDigest } from '../../../shared/data-models';
import { DistributionChart } from '../../components/charts/distribution-chart';
import { formatCount } from '../../components/value-format';
import { profileBars } from '../../models/data/distribution-bars';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

const ROLE: Record<string, string> = { added: 'added', 'run-input': 'input', pipeline: 'pipeline data', check: 'checked' };

function VersionProfile({ version, profile, runId }: { version: DatasetVersion; profile: DatasetProfile | null; runId: string }) {
  const roles = [...new Set(version.origins.filter((origin) => origin.runId === runId).map((origin) => ROLE[origin.kind] ?? origin.kind))];
  return (
    <article className="run-data-version card" data-testid="run-data-version" data-dataset={version.datasetName}>
      <header>
        <a href={routeHref({ name: 'data', datasetName: version.datasetName, versionId: version.versionId })} data-testid="run-data-link">
          <strong>{version.datasetName}</strong>
        </a>
        {roles.map((role) => (
          <span key={role} className="pill">
            {role}
          </span>
        ))}
        <span className="mono faint" title={version.digest}>
          {shortDigest(version.digest, 12)}
        </span>
        <span className="muted">
          {profile ? `${formatCount(profile.rows)} rows · ${profile.columnCount} columns` : 'not profiled yet: open it on the Data page to profile it'}
        </span>
      </header>
      {profile && (
        <div className="run-data-columns">
          {profile.columns.map((column) => {
            const bars = profileBars(column);
            return (
              <div key={column.name} className="run-data-column" data-testid="run-data-column">
                <span>
                  <strong>{column.name}</strong> <span className="faint">{column.type}</span>
                  {column.missing > 0 && <span className="faint"> · {formatCount(column.missing)} missing</span>}
                </span>
                {bars && <DistributionChart bars={bars} width={210} height={64} heights="count" />}
              </div>
            );
          })}
        </div>
      )}
    </article>
  );
}

/** The run's datasets from the data catalog; nothing when it has none. */
export function RunData({ runId }: { runId: string }) {
  const runData = useAppStore((state) => (state.runData?.runId === runId ? state.runData : null));
  useEffect(() => {
    void useAppStore.getState().loadRunData(runId);
  }, [runId]);
  const datasets = runData?.datasets.data;
  if (!datasets || (datasets.versions.length === 0 && datasets.unlinked.length === 0)) return null;
  return (
    <section className="run-section run-data" data-testid="run-data">
      <h2>Data profiles</h2>
      {datasets.versions.map((version) => (
        <VersionProfile key={version.versionId} version={version} profile={runData.profiles[version.versionId] ?? null} runId={runId} />
      ))}
      {datasets.unlinked.length > 0 && (
        <ul className="muted run-data-unlinked">
          {datasets.unlinked.map((input) => (
            <li key={`${input.name}:${input.digest}`}>
              <strong>{input.name}</strong>: {input.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
