// A registered model's page (#/models/:name, #/models/:name/versions/:v with a version open):
// its description and tags (editable), its aliases (set, move, remove), its versions with their
// stages, source runs, deployments and actions (Deploy, Archive, Delete), two of them compared,
// and the open version's lineage. Every change goes through the registry the MLflow API uses.
import { useEffect, useState } from 'react';
import type { ModelVersion } from '../../../shared/models';
import { ErrorMessage } from '../../components/error-message';
import { formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';
import { DeployDialog } from '../deployments/deploy-dialog';
import { DeleteModelDialog } from './delete-model-dialog';
import { ModelVersionsTable } from './model-versions-table';
import { AliasForm, EditableDescription, TagsEditor } from './registry-editors';
import { VersionPanel } from './version-panel';

/** What the latest registry action did, or why it failed. */
function RegistryActionLine() {
  const action = useAppStore((state) => state.registryAction);
  if (action.status === 'error' && action.error) {
    return (
      <div data-testid="registry-action-error">
        <ErrorMessage title={`${action.label}: failed`} message={action.error}>
          <button type="button" className="small" onClick={() => useAppStore.getState().clearRegistryAction()}>
            Dismiss
          </button>
        </ErrorMessage>
      </div>
    );
  }
  if (action.status === 'working') {
    return (
      <div className="action-line muted" role="status">
        <span className="spinner" /> {action.label}…
      </div>
    );
  }
  return null;
}

/** One registered model; `openVersion` is the version whose details are shown. */
export function ModelPage({ name, openVersion = null }: { name: string; openVersion?: string | null }) {
  const page = useAppStore((state) => state.modelPage);
  const versions = useAppStore((state) => state.modelVersions[name]);
  const deployments = useAppStore((state) => state.deployments.items);
  const [selected, setSelected] = useState<string[]>([]);
  const [deploying, setDeploying] = useState<ModelVersion | null>(null);
  useEffect(() => {
    const state = useAppStore.getState();
    void state.openModelPage(name);
    void state.loadDeployments();
  }, [name]);

  const model = page.name === name ? page.model : null;
  if (page.name === name && page.status === 'error' && !model) {
    return (
      <div className="page models-page model-page" data-testid="model-page">
        <ErrorMessage title={`Could not open the model "${name}"`} message={page.error ?? ''} onRetry={() => void useAppStore.getState().openModelPage(name)}>
          <a className="button small" href={routeHref({ name: 'models', modelName: null })}>
            All models
          </a>
        </ErrorMessage>
      </div>
    );
  }
  if (!model) {
    return (
      <div className="page models-page model-page" data-testid="model-page">
        <div className="loading-line">
          <span className="spinner" /> Loading {name}…
        </div>
      </div>
    );
  }
  const items = versions?.items ?? [];
  const open = openVersion ? items.find((v) => v.version === openVersion) ?? null : null;
  const toggle = (version: string) =>
    setSelected((current) => (current.includes(version) ? current.filter((v) => v !== version) : [...current.slice(-1), version]));
  const [compareA, compareB] = [...selected].sort((a, b) => Number(a) - Number(b));
  const now = Date.now();

  return (
    <div className="page models-page model-page" data-testid="model-page">
      <header className="page-header">
        <div className="breadcrumbs">
          <a href={routeHref({ name: 'models', modelName: null })}>Models</a>
          <span>/</span>
        </div>
        <h1 data-testid="model-name">{model.name}</h1>
        <span className="hint" title={formatFullDateTime(model.lastUpdatedTimestamp)}>
          updated {formatRelativeTime(model.lastUpdatedTimestamp, now)}
        </span>
        <span className="spacer" />
        <button type="button" className="small danger" onClick={() => void useAppStore.getState().planDeletion(name, null)} data-testid="model-delete">
          Delete model
        </button>
      </header>
      <RegistryActionLine />
      <div className="model-overview">
        <section className="card model-card">
          <h3>Description</h3>
          <EditableDescription
            value={model.description}
            placeholder="What is this model for? Describe it for the people who deploy it."
            testId="model-description"
            onSave={(text) => useAppStore.getState().setModelDescription(name, null, text)}
          />
        </section>
        <section className="card model-card">
          <h3>Tags</h3>
          <TagsEditor tags={model.tags} testId="model-tags" onSet={(key, value) => useAppStore.getState().setModelTag(name, null, key, value)} />
        </section>
        <section className="card model-card" data-testid="model-aliases">
          <h3>Aliases</h3>
          {model.aliases.length > 0 ? (
            <ul className="alias-list">
              {model.aliases.map((alias) => (
                <li key={alias.alias}>
                  <span className="alias-chip">@{alias.alias}</span> <span className="muted">→</span>{' '}
                  <a href={routeHref({ name: 'model-version', modelName: name, version: alias.version })}>version {alias.version}</a>
                </li>
              ))}
            </ul>
          ) : (
            <p className="faint">No aliases. An alias (champion, candidate) names a version that deployments and clients can follow.</p>
          )}
          {items.length > 0 && (
            <AliasForm versions={items} initialVersion={openVersion ?? undefined} onSet={(alias, version) => useAppStore.getState().setModelAlias(name, alias, version)} />
          )}
        </section>
      </div>

      <section className="models-section">
        <div className="section-header">
          <h2>Versions</h2>
          <span className="hint">Tick two to compare them.</span>
          <span className="spacer" />
          <button
            type="button"
            className="small"
            disabled={selected.length !== 2}
            data-testid="compare-versions"
            onClick={() => navigate({ name: 'model-compare', modelName: name, a: compareA!, b: compareB! })}
          >
            Compare {selected.length === 2 ? `v${compareA} and v${compareB}` : 'two versions'}
          </button>
        </div>
        <div className="card table-card">
          {versions?.status === 'error' && versions.error ? (
            <ErrorMessage title="Could not load the versions" message={versions.error} onRetry={() => void useAppStore.getState().openModelPage(name)} />
          ) : (
            <ModelVersionsTable
              name={name}
              versions={items}
              sourceRuns={page.sourceRuns}
              deployments={deployments}
              openVersion={openVersion}
              selected={selected}
              onToggle={toggle}
              onDeploy={setDeploying}
            />
          )}
        </div>
      </section>
      {openVersion !== null && open && <VersionPanel key={open.version} name={name} version={open} />}
      {openVersion !== null && versions?.status === 'ready' && !open && (
        <ErrorMessage title={`${name} has no version ${openVersion}`} message="It may have been deleted." />
      )}
      {deploying && <DeployDialog modelName={name} version={deploying} onClose={() => setDeploying(null)} />}
      <DeleteModelDialog
        onDeleted={(whole) => {
          if (whole) navigate({ name: 'models', modelName: null });
          else if (openVersion !== null) navigate({ name: 'models', modelName: name });
        }}
      />
      {page.status === 'ready' && versions?.status === 'ready' && <span data-testid="model-page-ready" hidden />}
    </div>
  );
}
