// The Deployments page (#/deployments): every deployment on every target, what it serves, how it
// stands, since when, and its latest operation; one deployment's page when the route names one.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { navigate, useRoute } from '../../router';
import { useAppStore } from '../../use-app-store';
import { HealthBadge, OutcomeBadge } from './deployment-badges';
import { DeploymentPage } from './deployment-page';
import { modelLabel } from './operation-timeline';

const DEPLOY_CLI = 'cairn deploy create my-endpoint --target local --model-uri models:/my-model/1';

/** What to do when nothing is deployed. */
function DeploymentsGettingStarted() {
  return (
    <section className="getting-started card" data-testid="deployments-empty">
      <h2>Nothing deployed yet</h2>
      <p className="muted">
        Open a model on the <a href={routeHref({ name: 'models', modelName: null })}>Models</a> page and press <strong>Deploy</strong> on one
        of its versions: it serves on this machine in a few seconds, answering like <code>mlflow models serve</code>. From a script:
      </p>
      <div className="code-block">
        <pre>{DEPLOY_CLI}</pre>
      </div>
    </section>
  );
}

/** Every deployment. */
function DeploymentsList() {
  const { items, status, error } = useAppStore((state) => state.deployments);
  useEffect(() => {
    void useAppStore.getState().loadDeployments();
  }, []);
  const now = Date.now();
  return (
    <div className="page deployments-page" data-testid="deployments-page">
      <div className="page-header">
        <h1>Deployments</h1>
        {items.length > 0 && <span className="pill">{formatCount(items.length)}</span>}
      </div>
      {status === 'error' && error && (
        <ErrorMessage title="Could not load the deployments" message={error} onRetry={() => void useAppStore.getState().loadDeployments()} />
      )}
      {status === 'loading' && items.length === 0 && (
        <div className="loading-line">
          <span className="spinner" /> Loading deployments…
        </div>
      )}
      {items.length > 0 && (
        <div className="card table-card">
          <table className="data-table deployments-table" data-testid="deployments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Serves</th>
                <th>Since</th>
                <th>Target</th>
                <th>Endpoint</th>
                <th>Latest operation</th>
              </tr>
            </thead>
            <tbody>
              {items.map(({ deployment, health, message }) => (
                <tr
                  key={deployment.name}
                  className="clickable-row"
                  data-testid="deployment-row"
                  data-deployment={deployment.name}
                  onClick={(event) => {
                    if ((event.target as HTMLElement).closest('a, button')) return;
                    navigate({ name: 'deployments', deploymentName: deployment.name });
                  }}
                >
                  <td>
                    <a href={routeHref({ name: 'deployments', deploymentName: deployment.name })} className="model-name" data-testid="deployment-link">
                      {deployment.name}
                    </a>
                  </td>
                  <td>
                    <HealthBadge health={health} title={message ?? undefined} />
                  </td>
                  <td>
                    {deployment.model ? (
                      <a href={routeHref({ name: 'model-version', modelName: deployment.model.name, version: deployment.model.version })}>{modelLabel(deployment.model)}</a>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                  <td title={deployment.servingSince ? formatFullDateTime(deployment.servingSince) : undefined}>
                    {deployment.servingSince ? formatRelativeTime(deployment.servingSince, now) : <span className="faint">—</span>}
                  </td>
                  <td>{deployment.target}</td>
                  <td>{deployment.endpointUrl ? <code className="endpoint-url">{deployment.endpointUrl}</code> : <span className="faint">—</span>}</td>
                  <td>
                    {deployment.lastOperation ? (
                      <span className="chip-list">
                        <OutcomeBadge outcome={deployment.lastOperation.outcome} />
                        <span className="muted">
                          {deployment.lastOperation.kind} · {formatRelativeTime(deployment.lastOperation.startedAt, now)}
                        </span>
                      </span>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {status === 'ready' && items.length === 0 && <DeploymentsGettingStarted />}
      {status === 'ready' && <span data-testid="deployments-ready" hidden />}
    </div>
  );
}

/** Every deployment, or the one the route names. */
export function DeploymentsPage() {
  const route = useRoute();
  const name = route.name === 'deployments' ? route.deploymentName : null;
  if (name !== null) return <DeploymentPage key={name} name={name} />;
  return <DeploymentsList />;
}
