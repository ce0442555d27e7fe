// One registered model's versions, newest first: when and from which run each was registered,
// its stage, aliases and status.
import { ErrorMessage } from '../../components/error-message';
import { AliasChip, ModelStatusBadge, StageBadge } from '../../components/model-badges';
import { formatDateTime, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

/** The versions of the registered model `name` (loaded by the page). */
export function ModelVersionsTable({ name }: { name: string }) {
  const versions = useAppStore((state) => state.modelVersions[name]);
  if (!versions || (versions.status === 'loading' && versions.items.length === 0)) {
    return (
      <div className="loading-line">
        <span className="spinner" /> Loading versions…
      </div>
    );
  }
  if (versions.status === 'error' && versions.error) {
    return (
      <ErrorMessage
        title="Could not load the versions"
        message={versions.error}
        onRetry={() => void useAppStore.getState().loadModelVersions(name)}
      />
    );
  }
  if (versions.items.length === 0) return <p className="hint model-versions-empty">This model has no versions yet.</p>;
  return (
    <table className="data-table model-versions-table" data-testid="model-versions-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Registered</th>
          <th>Stage</th>
          <th>Aliases</th>
          <th>Status</th>
          <th>Source run</th>
        </tr>
      </thead>
      <tbody>
        {versions.items.map((version) => (
          <tr key={version.version} data-testid="model-version-row" data-version={version.version}>
            <td className="version-number">v{version.version}</td>
            <td title={formatFullDateTime(version.creationTimestamp)}>{formatDateTime(version.creationTimestamp)}</td>
            <td>
              <StageBadge stage={version.currentStage} />
            </td>
            <td>
              {version.aliases.length > 0 ? (
                <span className="chip-list">
                  {version.aliases.map((alias) => (
                    <AliasChip key={alias} alias={alias} />
                  ))}
                </span>
              ) : (
                <span className="faint">—</span>
              )}
            </td>
            <td>
              <ModelStatusBadge status={version.status} />
            </td>
            <td>
              {version.runId ? (
                <a href={routeHref({ name: 'run', runId: version.runId })} data-testid="model-version-run-link" title={version.source}>
                  Run <code>{version.runId.slice(0, 8)}</code>
                </a>
              ) : (
                <span className="faint" title={version.source}>
                  {version.source || '—'}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
