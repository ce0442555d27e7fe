// One registered model's versions, newest first: when each was registered and from which run (by
// name), its stage (changed in place), its aliases (removable), where it is deployed, and its
// actions: Deploy, Archive, Delete. Two ticked versions can be compared.
import type { DeploymentStatus } from '../../../shared/deployments';
import type { ModelVersion, ModelVersionStage } from '../../../shared/models';
import { ModelStatusBadge } from '../../components/model-badges';
import { formatDateTime, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import type { SourceRun } from '../../stores/models-slice';
import { useAppStore } from '../../use-app-store';

const STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];

/** Props of {@link ModelVersionsTable}. */
export interface ModelVersionsTableProps {
  readonly name: string;
  readonly versions: readonly ModelVersion[];
  readonly sourceRuns: Readonly<Record<string, SourceRun>>;
  readonly deployments: readonly DeploymentStatus[];
  /** The version whose details are open, if any. */
  readonly openVersion: string | null;
  /** Versions ticked for comparison. */
  readonly selected: readonly string[];
  onToggle(version: string): void;
  onDeploy(version: ModelVersion): void;
}

/** The versions of a registered model with their actions. */
export function ModelVersionsTable({ name, versions, sourceRuns, deployments, openVersion, selected, onToggle, onDeploy }: ModelVersionsTableProps) {
  const working = useAppStore((state) => state.registryAction.status === 'working');
  if (versions.length === 0) return <p className="hint model-versions-empty">This model has no versions yet: register one from a run's page.</p>;
  return (
    <table className="data-table model-versions-table" data-testid="model-versions-table">
      <thead>
        <tr>
          <th className="select-cell">
            <span className="visually-hidden">Compare</span>
          </th>
          <th>Version</th>
          <th>Registered</th>
          <th>Stage</th>
          <th>Aliases</th>
          <th>Source run</th>
          <th>Deployed</th>
          <th className="actions-cell">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => {
          const run = version.runId ? sourceRuns[version.runId] : undefined;
          const servedBy = deployments.filter((d) => d.deployment.model?.name === name && d.deployment.model.version === version.version);
          const isOpen = openVersion === version.version;
          return (
            <tr key={version.version} data-testid="model-version-row" data-version={version.version} className={isOpen ? 'is-open' : undefined}>
              <td className="select-cell">
                <input
                  type="checkbox"
                  checked={selected.includes(version.version)}
                  onChange={() => onToggle(version.version)}
                  aria-label={`Compare version ${version.version}`}
                  data-testid="model-version-select"
                />
              </td>
              <td>
                <a
                  href={routeHref(isOpen ? { name: 'models', modelName: name } : { name: 'model-version', modelName: name, version: version.version })}
                  className="version-link"
                  data-testid="model-version-link"
                  aria-expanded={isOpen}
                >
                  <span className="version-number">v{version.version}</span>
                </a>
                {version.status !== 'READY' && <ModelStatusBadge status={version.status} />}
              </td>
              <td title={formatFullDateTime(version.creationTimestamp)}>{formatDateTime(version.creationTimestamp)}</td>
              <td>
                <select
                  className={`stage-select stage-${version.currentStage.toLowerCase()}`}
                  value={version.currentStage}
                  disabled={working}
                  aria-label={`Stage of version ${version.version}`}
                  data-testid="model-version-stage"
                  onChange={(event) => void useAppStore.getState().transitionStage(name, version.version, event.target.value as ModelVersionStage)}
                >
                  {STAGES.map((stage) => (
                    <option key={stage} value={stage}>
                      {stage === 'None' ? 'No stage' : stage}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {version.aliases.length > 0 ? (
                  <span className="chip-list">
                    {version.aliases.map((alias) => (
                      <span key={alias} className="alias-chip" data-testid="model-alias" title={`Alias "${alias}" points at version ${version.version}`}>
                        @{alias}
                        <button
                          type="button"
                          className="chip-remove"
                          aria-label={`Remove the alias ${alias}`}
                          title="Remove the alias"
                          data-testid="model-alias-remove"
                          disabled={working}
                          onClick={() => void useAppStore.getState().deleteModelAlias(name, alias)}
                        >
                          ×
                        </button>
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="faint">—</span>
                )}
              </td>
              <td>
                {version.runId ? (
                  <a href={routeHref({ name: 'run', runId: version.runId })} data-testid="model-version-run-link" title={version.source}>
                    {run?.runName ?? 'Open run'}
                  </a>
                ) : (
                  <span className="faint" title={version.source}>
                    {version.source || '—'}
                  </span>
                )}
              </td>
              <td>
                {servedBy.length > 0 ? (
                  <span className="chip-list">
                    {servedBy.map((d) => (
                      <a key={d.deployment.name} className={`deployment-chip health-${d.health}`} href={routeHref({ name: 'deployments', deploymentName: d.deployment.name })} data-testid="model-version-deployment">
                        {d.deployment.name}
                      </a>
                    ))}
                  </span>
                ) : (
                  <span className="faint">—</span>
                )}
              </td>
              <td className="actions-cell">
                <span className="row-actions">
                  <button type="button" className="small primary" onClick={() => onDeploy(version)} data-testid="model-version-deploy">
                    Deploy
                  </button>
                  <button
                    type="button"
                    className="small"
                    disabled={working || version.currentStage === 'Archived'}
                    onClick={() => void useAppStore.getState().archiveVersion(name, version.version)}
                    data-testid="model-version-archive"
                  >
                    Archive
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    disabled={working}
                    onClick={() => void useAppStore.getState().planDeletion(name, version.version)}
                    data-testid="model-version-delete"
                  >
                    Delete
                  </button>
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
