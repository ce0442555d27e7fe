// The run page's models section: the MLflow 3 logged models the run produced and the registry
// versions registered from it, each version linking to its model on the models page.
import { AliasChip, ModelStatusBadge, StageBadge } from '../../components/model-badges';
import { formatDateTime, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

/** The run's models; renders nothing until loaded or when the run has none. */
export function RunModels() {
  const runModels = useAppStore((state) => state.runPage.runModels);
  if (!runModels || (runModels.loggedModels.length === 0 && runModels.modelVersions.length === 0)) return null;
  const { loggedModels, modelVersions } = runModels;
  return (
    <section className="run-section" data-testid="run-models">
      <h2>Models</h2>
      <div className="run-models card">
        {modelVersions.length > 0 && (
          <div className="run-models-group">
            <h3>Registered versions</h3>
            <ul className="run-models-list">
              {modelVersions.map((version) => (
                <li key={`${version.name}/${version.version}`} data-testid="run-model-version">
                  <a href={routeHref({ name: 'models', modelName: version.name })} className="run-model-name">
                    {version.name} <span className="version-number">v{version.version}</span>
                  </a>
                  {version.currentStage !== 'None' && <StageBadge stage={version.currentStage} />}
                  {version.aliases.map((alias) => (
                    <AliasChip key={alias} alias={alias} />
                  ))}
                  {version.status !== 'READY' && <ModelStatusBadge status={version.status} />}
                  <span className="faint run-models-when" title={formatFullDateTime(version.creationTimestamp)}>
                    registered {formatDateTime(version.creationTimestamp)}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {loggedModels.length > 0 && (
          <div className="run-models-group">
            <h3>Logged models</h3>
            <ul className="run-models-list">
              {loggedModels.map((model) => (
                <li key={model.modelId} data-testid="run-logged-model">
                  <span className="run-model-name">{model.name}</span>
                  <ModelStatusBadge status={model.status} />
                  {model.modelType && <span className="pill">{model.modelType}</span>}
                  <code className="faint run-models-id" title="Logged model id">
                    {model.modelId}
                  </code>
                  <span className="faint run-models-when" title={formatFullDateTime(model.creationTimestamp)}>
                    logged {formatDateTime(model.creationTimestamp)}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
