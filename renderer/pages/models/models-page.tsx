// The models page (#/models): the registered models of the model registry with their latest
// versions and aliases (each opens its page, #/models/:name), and the MLflow 3 logged models of
// every experiment, each linked to the run that produced it.
import { useEffect } from 'react';
import type { LoggedModel, RegisteredModel } from '../../../shared/models';
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { AliasChip, ModelStatusBadge, StageBadge } from '../../components/model-badges';
import { formatCount, formatDateTime, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { navigate, useRoute } from '../../router';
import { useAppStore } from '../../use-app-store';
import { ModelPage } from './model-page';

const REGISTER_EXAMPLE = [
  'import mlflow',
  '# register a model that a run logged:',
  'mlflow.register_model("runs:/<run_id>/model", "my-model")',
  '# or register while logging it:',
  'mlflow.sklearn.log_model(model, name="model", registered_model_name="my-model")',
].join('\n');

/** What to do when the registry is empty. */
function ModelsGettingStarted() {
  return (
    <section className="getting-started card" data-testid="models-empty">
      <h2>No registered models yet</h2>
      <p className="muted">
        Open a run that logged a model and press <strong>Register</strong> next to it (the run page's Models section), or register
        from Python with the mlflow client pointed at Cairn. Each registration adds a version here, linked to the run it came from.
      </p>
      <div className="code-block">
        <pre data-testid="models-python-example">{REGISTER_EXAMPLE}</pre>
        <CopyButton text={REGISTER_EXAMPLE} testId="copy-models-example" />
      </div>
    </section>
  );
}

/** The latest version in each stage, as "v3" with its stage. */
function LatestVersions({ model }: { model: RegisteredModel }) {
  if (model.latestVersions.length === 0) return <span className="faint">no versions</span>;
  const versions = [...model.latestVersions].sort((a, b) => Number(b.version) - Number(a.version));
  return (
    <span className="chip-list">
      {versions.map((version) => (
        <span key={version.version} className="latest-version" data-testid="latest-version">
          <span className="version-number">v{version.version}</span>
          {version.currentStage !== 'None' && <StageBadge stage={version.currentStage} />}
        </span>
      ))}
    </span>
  );
}

/** The MLflow 3 logged models: models logged as entities of their own, each from a run. */
function LoggedModels({ items }: { items: readonly LoggedModel[] }) {
  if (items.length === 0) return null;
  return (
    <section className="models-section" data-testid="logged-models">
      <div className="section-header">
        <h2>Logged models</h2>
        <span className="pill">{formatCount(items.length)}</span>
        <span className="hint">Models MLflow 3 clients logged. Register one from its run's page to version and deploy it.</span>
      </div>
      <div className="card table-card">
        <table className="data-table logged-models-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Type</th>
              <th>Source run</th>
              <th>Logged</th>
            </tr>
          </thead>
          <tbody>
            {items.map((model) => (
              <tr key={model.modelId} data-testid="logged-model-row">
                <td>
                  <span className="model-name">{model.name}</span>{' '}
                  <code className="faint logged-model-id" title="Logged model id">
                    {model.modelId}
                  </code>
                </td>
                <td>
                  <ModelStatusBadge status={model.status} />
                </td>
                <td>{model.modelType ?? <span className="faint">—</span>}</td>
                <td>
                  {model.sourceRunId ? (
                    <a href={routeHref({ name: 'run', runId: model.sourceRunId })}>Open run</a>
                  ) : (
                    <span className="faint">—</span>
                  )}
                </td>
                <td title={formatFullDateTime(model.creationTimestamp)}>{formatDateTime(model.creationTimestamp)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Every registered model, and the logged models; a model's own page when the route names one. */
export function ModelsPage() {
  const route = useRoute();
  const openName = route.name === 'models' ? route.modelName : null;
  if (openName !== null) return <ModelPage key={openName} name={openName} />;
  return <RegisteredModelsPage />;
}

function RegisteredModelsPage() {
  const { items, status, error } = useAppStore((state) => state.registeredModels);
  const logged = useAppStore((state) => state.loggedModels);
  useEffect(() => {
    const state = useAppStore.getState();
    void state.loadRegisteredModels();
    void state.loadLoggedModels();
  }, []);
  const now = Date.now();

  return (
    <div className="page models-page">
      <div className="page-header">
        <h1>Models</h1>
        {items.length > 0 && <span className="pill">{formatCount(items.length)}</span>}
      </div>
      {status === 'error' && error && (
        <ErrorMessage title="Could not load the registered models" message={error} onRetry={() => void useAppStore.getState().loadRegisteredModels()} />
      )}
      {status === 'loading' && items.length === 0 && (
        <div className="loading-line">
          <span className="spinner" /> Loading registered models…
        </div>
      )}
      {items.length > 0 && (
        <div className="card table-card">
          <table className="data-table models-table" data-testid="registered-models-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Latest version</th>
                <th>Aliases</th>
                <th>Description</th>
                <th>Last updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((model) => (
                <tr
                  key={model.name}
                  data-testid="registered-model-row"
                  data-model-name={model.name}
                  className="clickable-row"
                  onClick={(event) => {
                    if ((event.target as HTMLElement).closest('a')) return;
                    navigate({ name: 'models', modelName: model.name });
                  }}
                >
                  <td>
                    <a href={routeHref({ name: 'models', modelName: model.name })} className="model-name" data-testid="registered-model-link">
                      {model.name}
                    </a>
                  </td>
                  <td>
                    <LatestVersions model={model} />
                  </td>
                  <td>
                    {model.aliases.length > 0 ? (
                      <span className="chip-list">
                        {model.aliases.map((alias) => (
                          <AliasChip key={alias.alias} alias={alias.alias} version={alias.version} />
                        ))}
                      </span>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                  <td className="model-description" title={model.description ?? undefined}>
                    {model.description ? model.description : <span className="faint">—</span>}
                  </td>
                  <td title={formatFullDateTime(model.lastUpdatedTimestamp)}>{formatRelativeTime(model.lastUpdatedTimestamp, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {status === 'ready' && items.length === 0 && <ModelsGettingStarted />}
      {logged.status === 'error' && logged.error && (
        <ErrorMessage title="Could not load the logged models" message={logged.error} onRetry={() => void useAppStore.getState().loadLoggedModels()} />
      )}
      <LoggedModels items={logged.items} />
      {status === 'ready' && <span data-testid="models-ready" hidden />}
    </div>
  );
}
