// The run page's models section: the model folders among the run's artifacts and the MLflow 3
// logged models it produced, each with Register, and the registry versions registered from it,
// each version linking to its page.
import { useState } from 'react';
import { AliasChip, ModelStatusBadge, StageBadge } from '../../components/model-badges';
import { formatDateTime, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { RegisterModelDialog } from './register-model-dialog';

/** The run's models; renders nothing until loaded or when the run has none. */
export function RunModels() {
  const runModels = useAppStore((state) => state.runPage.runModels);
  const [registering, setRegistering] = useState<{ source: string; suggestedName: string } | null>(null);
  if (!runModels || (runModels.loggedModels.length === 0 && runModels.modelVersions.length === 0 && runModels.modelFolders.length === 0)) return null;
  const { loggedModels, modelVersions, modelFolders } = runModels;
  return (
    <section className="run-section" data-testid="run-models">
      <h2>Models</h2>
      <div className="run-models card">
        {modelFolders.length > 0 && (
          <div className="run-models-group">
            <h3>Model folders</h3>
            <ul className="run-models-list">
              {modelFolders.map((folder) => (
                <li key={folder.path} data-testid="run-model-folder" data-path={folder.path}>
                  <span className="run-model-name">{folder.path}</span>
                  {folder.flavors.map((flavor) => (
                    <span key={flavor} className="pill">
                      {flavor}
                    </span>
                  ))}
                  {folder.registeredAs.length > 0 && (
                    <span className="faint">registered as {folder.registeredAs.map((entry) => `${entry.name} v${entry.version}`).join(', ')}</span>
                  )}
                  <button
                    type="button"
                    className="small primary run-models-register"
                    onClick={() => setRegistering({ source: folder.source, suggestedName: folder.registeredAs[0]?.name ?? folder.path.split('/').pop() ?? 'model' })}
                    data-testid="run-model-register"
                  >
                    Register
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
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
                  <button
                    type="button"
                    className="small run-models-register"
                    onClick={() => setRegistering({ source: `models:/${model.modelId}`, suggestedName: model.name })}
                    data-testid="logged-model-register"
                  >
                    Register
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {registering && <RegisterModelDialog source={registering.source} suggestedName={registering.suggestedName} onClose={() => setRegistering(null)} />}
    </section>
  );
}
