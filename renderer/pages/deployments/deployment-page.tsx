// One deployment's page (#/deployments/:name): how it stands now, the operation running (its steps
// live) or the latest one, the endpoint with its Try it form and curl line, Roll back, Delete, and
// its history (every operation with its steps, who asked and when).
import { useEffect, useState } from 'react';
import type { DeploymentOperation } from '../../../shared/deployments';
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { formatDuration, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { HealthBadge, OutcomeBadge } from './deployment-badges';
import { modelLabel, OperationTimeline, operationTitle } from './operation-timeline';
import { TryItForm } from './try-it-form';

/** What the latest deploy action did, or why it failed. */
function DeployActionLine() {
  const action = useAppStore((state) => state.deployAction);
  if (action.status === 'error' && action.error) {
    return (
      <div data-testid="deploy-action-error">
        <ErrorMessage title={`${action.label}: failed`} message={action.error}>
          <button type="button" className="small" onClick={() => useAppStore.getState().clearDeployAction()}>
            Dismiss
          </button>
        </ErrorMessage>
      </div>
    );
  }
  return null;
}

/** The confirmation before a deployment is deleted. */
function DeleteDeploymentDialog({ name, serving, onClose }: { name: string; serving: string; onClose: () => void }) {
  const working = useAppStore((state) => state.deployAction.status === 'working');
  return (
    <ModalDialog
      title={`Delete the deployment ${name}?`}
      onClose={onClose}
      testId="delete-deployment-dialog"
      actions={
        <>
          <button type="button" onClick={onClose} disabled={working}>
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            disabled={working}
            data-testid="delete-deployment-confirm"
            onClick={() => void useAppStore.getState().deleteDeployment(name).then((operation) => operation && onClose())}
          >
            {working ? 'Deleting…' : 'Stop and delete'}
          </button>
        </>
      }
    >
      <p>
        Its endpoint stops answering ({serving}) and its copy of the model files is removed. Its history stays, and the registered
        model is not touched.
      </p>
    </ModalDialog>
  );
}

/** One entry of the history: what was done, by whom, how it ended; its steps on demand. */
function HistoryEntry({ operation }: { operation: DeploymentOperation }) {
  return (
    <li className="history-entry" data-testid="history-entry" data-kind={operation.kind} data-outcome={operation.outcome}>
      <details>
        <summary>
          <OutcomeBadge outcome={operation.outcome} />
          <span className="history-title">{operationTitle(operation)}</span>
          <span className="hint" title={formatFullDateTime(operation.startedAt)}>
            {formatRelativeTime(operation.startedAt)} · by {operation.requestedBy.user} via {operation.requestedBy.via}
            {operation.endedAt !== null && ` · ${formatDuration(operation.endedAt - operation.startedAt)}`}
          </span>
          {operation.outcome === 'failed' && operation.error && <span className="history-error">{operation.error}</span>}
        </summary>
        <OperationTimeline operation={operation} />
      </details>
    </li>
  );
}

/** The end of the deployment's log, loaded when opened, with Refresh. */
function DeploymentLog() {
  const logs = useAppStore((state) => state.deploymentPage.logs);
  const load = () => void useAppStore.getState().loadDeploymentLogs();
  return (
    <details
      className="card deployment-log"
      data-testid="deployment-log"
      onToggle={(event) => {
        if ((event.currentTarget).open && logs.status === 'idle') load();
      }}
    >
      <summary>
        <h2>Log</h2>
        <span className="hint">The endpoint’s own lines and its Python workers’ output: where a failed load or a crash says why.</span>
      </summary>
      <div className="deployment-log-body">
        <div className="deployment-log-head">
          {logs.value?.source && <code className="faint">{logs.value.source}</code>}
          <span className="spacer" />
          <button type="button" className="small" onClick={load} disabled={logs.status === 'loading'} data-testid="deployment-log-refresh">
            {logs.status === 'loading' ? 'Reading…' : 'Refresh'}
          </button>
        </div>
        {logs.status === 'error' && logs.error && <ErrorMessage title="Could not read the log" message={logs.error} onRetry={load} />}
        {logs.value && (
          <pre className="deployment-log-text" data-testid="deployment-log-text">
            {logs.value.truncated && <span className="faint">(earlier lines left out)\n</span>}
            {logs.value.text || (logs.value.source ? 'The log is empty.' : 'This target keeps no log.')}
          </pre>
        )}
      </div>
    </details>
  );
}

/** One deployment. */
export function DeploymentPage({ name }: { name: string }) {
  const page = useAppStore((state) => state.deploymentPage);
  const working = useAppStore((state) => state.deployAction.status === 'working');
  const [deleting, setDeleting] = useState(false);
  useEffect(() => {
    const state = useAppStore.getState();
    state.clearDeployAction();
    void state.openDeployment(name);
  }, [name]);

  const status = page.name === name ? page.status : null;
  if (page.name === name && page.loadStatus === 'error' && !status) {
    return (
      <div className="page deployments-page" data-testid="deployment-page">
        <ErrorMessage title={`Could not open the deployment "${name}"`} message={page.error ?? ''} onRetry={() => void useAppStore.getState().openDeployment(name)}>
          <a className="button small" href={routeHref({ name: 'deployments', deploymentName: null })}>
            All deployments
          </a>
        </ErrorMessage>
      </div>
    );
  }
  if (!status) {
    return (
      <div className="page deployments-page" data-testid="deployment-page">
        <div className="loading-line">
          <span className="spinner" /> Loading {name}…
        </div>
      </div>
    );
  }
  const { deployment, health, message } = status;
  const latest = page.history[0] ?? null;
  const running = latest?.outcome === 'running' ? latest : null;
  const deleted = deployment.state === 'deleted';
  const canServe = !deleted && deployment.endpointUrl !== null && deployment.model !== null;

  return (
    <div className="page deployments-page deployment-page" data-testid="deployment-page" data-deployment={name}>
      <header className="page-header">
        <div className="breadcrumbs">
          <a href={routeHref({ name: 'deployments', deploymentName: null })}>Deployments</a>
          <span>/</span>
        </div>
        <h1>{name}</h1>
        <HealthBadge health={deleted ? 'stopped' : health} title={message ?? undefined} />
        <span className="spacer" />
        {running && (
          <button type="button" className="small" disabled={working} onClick={() => void useAppStore.getState().cancelDeployOperation(running.id)} data-testid="deploy-cancel">
            Cancel
          </button>
        )}
        {!deleted && (
          <button
            type="button"
            className="small"
            disabled={working || running !== null || deployment.previousModel === null}
            title={deployment.previousModel ? `Serve ${modelLabel(deployment.previousModel)} again` : 'Nothing served before this version.'}
            onClick={() => void useAppStore.getState().rollbackDeployment(name)}
            data-testid="deployment-rollback"
          >
            {deployment.previousModel ? `Roll back to v${deployment.previousModel.version}` : 'Roll back'}
          </button>
        )}
        {!deleted && (
          <button type="button" className="small danger" disabled={working || running !== null} onClick={() => setDeleting(true)} data-testid="deployment-delete">
            Delete
          </button>
        )}
      </header>
      <DeployActionLine />

      <section className="card deployment-summary" data-testid="deployment-summary">
        <dl className="facts">
          <div>
            <dt>Serves</dt>
            <dd data-testid="deployment-serves">
              {deployment.model ? (
                <a href={routeHref({ name: 'model-version', modelName: deployment.model.name, version: deployment.model.version })}>{modelLabel(deployment.model)}</a>
              ) : (
                <span className="faint">nothing yet</span>
              )}
              {deployment.model && deployment.model.uri.includes('@') && <span className="hint"> ({deployment.model.uri})</span>}
            </dd>
          </div>
          <div>
            <dt>Since</dt>
            <dd title={deployment.servingSince ? formatFullDateTime(deployment.servingSince) : undefined}>
              {deployment.servingSince ? formatRelativeTime(deployment.servingSince) : '—'}
            </dd>
          </div>
          <div>
            <dt>Target</dt>
            <dd>{deployment.target}</dd>
          </div>
          <div>
            <dt>Before</dt>
            <dd>{modelLabel(deployment.previousModel)}</dd>
          </div>
        </dl>
        {message && health !== 'serving' && !deleted && <p className="hint deployment-message">{message}</p>}
        {deployment.endpointUrl && !deleted && (
          <div className="endpoint-line">
            <span className="form-label">Endpoint</span>
            <code data-testid="endpoint-url">{deployment.endpointUrl}</code>
            <CopyButton text={deployment.endpointUrl} label="Copy URL" testId="copy-endpoint-url" />
          </div>
        )}
      </section>

      {latest && (
        <section className="card current-operation" data-testid="current-operation">
          <div className="section-header">
            <h2>{latest.outcome === 'running' ? 'Now' : 'Latest'}</h2>
            <span className="muted">{operationTitle(latest)}</span>
          </div>
          <OperationTimeline operation={latest} />
          {latest.outcome === 'failed' && deployment.model && (
            <p className="hint">{`${modelLabel(deployment.model)} keeps serving. Fix what the failed step says and deploy again.`}</p>
          )}
        </section>
      )}

      {canServe && <TryItForm endpointUrl={deployment.endpointUrl} target={deployment.target} config={deployment.config} />}
      {deleted && (
        <p className="hint" data-testid="deployment-deleted">
          This deployment was deleted. Its history stays below; deploy a version again under this name from its model’s page.
        </p>
      )}

      <DeploymentLog />

      <section className="models-section">
        <div className="section-header">
          <h2>History</h2>
          <span className="hint">Every operation, newest first. Open one to see its steps.</span>
        </div>
        {page.history.length === 0 ? (
          <p className="faint">No operations yet.</p>
        ) : (
          <ol className="history-list card" data-testid="deployment-history">
            {page.history.map((operation) => (
              <HistoryEntry key={operation.id} operation={operation} />
            ))}
          </ol>
        )}
      </section>
      {deleting && (
        <DeleteDeploymentDialog name={name} serving={deployment.endpointUrl ?? 'no endpoint'} onClose={() => setDeleting(false)} />
      )}
      {page.loadStatus === 'ready' && <span data-testid="deployment-page-ready" hidden />}
    </div>
  );
}
