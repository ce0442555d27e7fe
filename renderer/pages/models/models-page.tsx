// The models page (#/models): the registered models of the model registry with their latest
// versions and aliases; opening one (#/models/:name) lists its versions, linked to their runs.
import { Fragment, useEffect } from 'react';
import type { RegisteredModel } from '../../../shared/models';
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { ChevronIcon } from '../../components/icons';
import { AliasChip, StageBadge } from '../../components/model-badges';
import { formatCount, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { navigate, useRoute } from '../../router';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { ModelVersionsTable } from './model-versions-table';

/** Columns of the registered models table (the versions row spans them all). */
const COLUMN_COUNT = 5;

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
        Register a model from a run with the mlflow client pointed at Cairn; each registration adds a version here, linked to the run
        it came from.
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

/** Every registered model; the one named in the route shows its versions. */
export function ModelsPage() {
  const route = useRoute();
  const openName = route.name === 'models' ? route.modelName : null;
  const { items, status, error } = useAppStore((state) => state.registeredModels);
  const loadRegisteredModels = useAppStore((state) => state.loadRegisteredModels);
  useEffect(() => {
    void loadRegisteredModels();
  }, [loadRegisteredModels]);
  useEffect(() => {
    if (openName !== null) void useAppStore.getState().loadModelVersions(openName);
  }, [openName]);
  const now = Date.now();

  return (
    <div className="page models-page">
      <div className="page-header">
        <h1>Models</h1>
        {items.length > 0 && <span className="pill">{formatCount(items.length)}</span>}
      </div>
      {status === 'error' && error && (
        <ErrorMessage title="Could not load the registered models" message={error} onRetry={() => void loadRegisteredModels()} />
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
              {items.map((model) => {
                const open = model.name === openName;
                const href = routeHref({ name: 'models', modelName: open ? null : model.name });
                return (
                  <Fragment key={model.name}>
                    <tr
                      data-testid="registered-model-row"
                      data-model-name={model.name}
                      aria-expanded={open}
                      className={`clickable-row ${open ? 'is-open' : ''}`}
                      onClick={(event) => {
                        if ((event.target as HTMLElement).closest('a')) return;
                        navigate({ name: 'models', modelName: open ? null : model.name });
                      }}
                    >
                      <td>
                        <a href={href} className="model-name" data-testid="registered-model-link">
                          <ChevronIcon expanded={open} />
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
                    {open && (
                      <tr className="model-versions-row">
                        <td colSpan={COLUMN_COUNT}>
                          <ModelVersionsTable name={model.name} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {status === 'ready' && openName !== null && !items.some((model) => model.name === openName) && (
        <ErrorMessage title={`No registered model is named "${openName}"`} message="It may have been renamed or deleted.">
          <a className="button small" href={routeHref({ name: 'models', modelName: null })}>
            All models
          </a>
        </ErrorMessage>
      )}
      {status === 'ready' && items.length === 0 && <ModelsGettingStarted />}
      {status === 'ready' && <span data-testid="models-ready" hidden />}
    </div>
  );
}
