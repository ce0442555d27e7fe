// One version's details on its model's page: where it came from (the automation firing that
// registered it; version → run → datasets → pipeline stage, each a link), the drift of the newest
// data against the data it was trained on, its description and tags (editable), and its source.
import { useEffect } from 'react';
import type { ModelVersion } from '../../../shared/models';
import { ErrorMessage } from '../../components/error-message';
import { StatusBadge } from '../../components/status-badge';
import { formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { EditableDescription, TagsEditor } from './registry-editors';
import { TrainingDataDrift } from './training-data-drift';

/** The lineage chain of a version, loaded when shown. */
function Lineage({ name, version }: { name: string; version: string }) {
  const lineage = useAppStore((state) => state.modelPage.lineage[version]);
  useEffect(() => {
    void useAppStore.getState().loadLineage(name, version);
  }, [name, version]);
  if (!lineage || (lineage.status === 'loading' && !lineage.value)) {
    return (
      <div className="loading-line">
        <span className="spinner" /> Tracing where it came from…
      </div>
    );
  }
  if (lineage.status === 'error' || !lineage.value) {
    return <ErrorMessage title="Could not trace this version" message={lineage.error ?? ''} onRetry={() => void useAppStore.getState().loadLineage(name, version)} />;
  }
  const { run, datasets, pipelineStage, loggedModel, gaps } = lineage.value;
  return (
    <div className="lineage" data-testid="version-lineage">
      <ol className="lineage-chain">
        <li className="lineage-node">
          <span className="lineage-kind">Version</span>
          <span className="lineage-value">
            {name} <span className="version-number">v{version}</span>
          </span>
        </li>
        {loggedModel && (
          <li className="lineage-node">
            <span className="lineage-kind">Logged model</span>
            <span className="lineage-value">
              {loggedModel.name} <code className="faint">{loggedModel.modelId}</code>
            </span>
          </li>
        )}
        <li className="lineage-node">
          <span className="lineage-kind">Run</span>
          {run ? (
            <span className="lineage-value">
              <a href={routeHref({ name: 'run', runId: run.runId })} data-testid="lineage-run">
                {run.runName}
              </a>{' '}
              <StatusBadge status={run.status} />
              <span className="hint">
                {' '}
                in{' '}
                <a href={routeHref({ name: 'runs', experimentId: run.experimentId })} data-testid="lineage-experiment">
                  {run.experimentName ?? `experiment ${run.experimentId}`}
                </a>
                {run.sourceName ? ` · ${run.sourceName}` : ''}
                {run.gitCommit ? ` · ${run.gitCommit.slice(0, 8)}` : ''} · by {run.userId} · {formatFullDateTime(run.startTime)}
              </span>
            </span>
          ) : (
            <span className="lineage-value faint">unknown</span>
          )}
        </li>
        <li className="lineage-node">
          <span className="lineage-kind">Data</span>
          <span className="lineage-value">
            {datasets.length === 0 && <span className="faint">none logged</span>}
            {run &&
              datasets.map((dataset) => (
                <a key={`${dataset.name}:${dataset.digest}`} className="dataset-chip" href={routeHref({ name: 'run', runId: run.runId })} title={`${dataset.source ?? ''} (digest ${dataset.digest}); its details are on the run's page`} data-testid="lineage-dataset">
                  {dataset.name}
                  {dataset.context && <span className="faint"> · {dataset.context}</span>}
                </a>
              ))}
          </span>
        </li>
        <li className="lineage-node">
          <span className="lineage-kind">Pipeline stage</span>
          <span className="lineage-value">
            {pipelineStage && run ? (
              <a href={routeHref({ name: 'runs', experimentId: run.experimentId })} data-testid="lineage-stage" title="The runs of this pipeline's experiment">
                {[pipelineStage.project, pipelineStage.stage].filter(Boolean).join(' / ')}
                {pipelineStage.execution && <span className="faint"> · run {pipelineStage.execution}</span>}
              </a>
            ) : (
              <span className="faint">not run by a pipeline</span>
            )}
          </span>
        </li>
      </ol>
      {gaps.length > 0 && (
        <ul className="lineage-gaps hint">
          {gaps.map((gap) => (
            <li key={gap}>{gap}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The automation firing that registered a version (continuous training tags it so), linked to its record in the audit trail. */
function ProducedByAutomation({ version }: { version: ModelVersion }) {
  const automation = version.tags.find((tag) => tag.key === 'cairn.automation')?.value;
  const firing = Number(version.tags.find((tag) => tag.key === 'cairn.automation.firing')?.value);
  if (!automation || !Number.isInteger(firing) || firing < 1) return null;
  return (
    <p className="hint" data-testid="version-automation">
      Registered by the automation <strong>{automation}</strong>:{' '}
      <a href={routeHref({ name: 'automations', firingId: firing })}>firing #{firing}, with its gate and the decision</a>
    </p>
  );
}

/** The open version's lineage, description and tags. */
export function VersionPanel({ name, version }: { name: string; version: ModelVersion }) {
  return (
    <section className="card version-panel" data-testid="version-panel" data-version={version.version}>
      <div className="version-panel-header">
        <h2>
          Version <span className="version-number">{version.version}</span>
        </h2>
        <span className="hint" title={version.source}>
          from <code>{version.source}</code>
        </span>
        <span className="spacer" />
        <a className="button small" href={routeHref({ name: 'models', modelName: name })}>
          Close
        </a>
      </div>
      <ProducedByAutomation version={version} />
      <Lineage name={name} version={version.version} />
      {version.runId && <TrainingDataDrift runId={version.runId} />}
      <div className="version-panel-columns">
        <div>
          <h3>Description</h3>
          <EditableDescription
            value={version.description}
            placeholder="No description."
            testId="version-description"
            onSave={(text) => useAppStore.getState().setModelDescription(name, version.version, text)}
          />
        </div>
        <div>
          <h3>Tags</h3>
          <TagsEditor tags={version.tags} testId="version-tags" onSet={(key, value) => useAppStore.getState().setModelTag(name, version.version, key, value)} />
        </div>
      </div>
    </section>
  );
}
