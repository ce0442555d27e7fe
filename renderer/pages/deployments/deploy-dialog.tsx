// The Deploy dialog, opened on a model version: what to deploy (the version, or an alias that
// points at it), where (a new deployment on a target picked from the registry of targets, with
// that target's settings form, or an existing deployment to update). Opening it asks the target
// to prepare (the local target starts its Python worker ahead), so the deploy itself is quick.
// A cloud target adds its credentials and "Test connection" (target-credentials.tsx). Deploying
// goes to the deployment's page, where the operation's steps show live.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ModelVersion } from '../../../shared/models';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';
import { TargetCredentials } from './target-credentials';

/** A deployment name made from a model name: letters, digits, '-' and '_', at most 63, unused. */
export function suggestDeploymentName(modelName: string, taken: ReadonlySet<string>): string {
  const base =
    modelName
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, 56) || 'model';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Props of {@link DeployDialog}. */
export interface DeployDialogProps {
  readonly modelName: string;
  readonly version: ModelVersion;
  /** Update this deployment instead of creating one (opened from a deployment's page). */
  readonly updating?: string;
  onClose(): void;
}

/** Deploy a version (or an alias of it) to a target, or update a deployment to it. */
export function DeployDialog({ modelName, version, updating, onClose }: DeployDialogProps) {
  const targets = useAppStore((state) => state.deployTargets);
  const deployments = useAppStore((state) => state.deployments);
  const action = useAppStore((state) => state.deployAction);
  const live = deployments.items.filter((d) => d.deployment.state !== 'deleted');
  const taken = useMemo(() => new Set(deployments.items.map((d) => d.deployment.name)), [deployments.items]);
  const [uri, setUri] = useState(`models:/${modelName}/${version.version}`);
  const [mode, setMode] = useState<string>(updating ?? 'new');
  const [name, setName] = useState<string | null>(null);
  const [target, setTarget] = useState('local');
  const [settings, setSettings] = useState<Record<string, string>>({});
  const targetInfo = targets.items.find((t) => t.name === target);
  const updatingDeployment = mode === 'new' ? null : live.find((d) => d.deployment.name === mode) ?? null;
  const shownName = name ?? suggestDeploymentName(modelName, taken);
  const config = Object.fromEntries(Object.entries(settings).filter(([, value]) => value.trim() !== ''));

  const warmUp = (overrides: Record<string, string> = config) =>
    void useAppStore.getState().warmUpDeploy({
      target: updatingDeployment?.deployment.target ?? target,
      modelUri: uri,
      ...(updatingDeployment ? { name: updatingDeployment.deployment.name } : {}),
      config: overrides,
    });
  // Prepared once when it opens, for what it opened with; a changed Python, loader or worker count prepares again (below).
  const warmUpOnOpen = useRef(() => warmUp({}));
  useEffect(() => {
    const state = useAppStore.getState();
    state.clearDeployAction();
    void state.loadDeployTargets();
    void state.loadDeployments();
    warmUpOnOpen.current();
  }, []);

  const submit = async () => {
    const state = useAppStore.getState();
    const operation = updatingDeployment
      ? await state.updateDeployment({ name: updatingDeployment.deployment.name, modelUri: uri, ...(Object.keys(config).length ? { config } : {}) })
      : await state.createDeployment({ name: shownName, target, modelUri: uri, config });
    if (operation) {
      onClose();
      navigate({ name: 'deployments', deploymentName: operation.deploymentName });
    }
  };
  const working = action.status === 'working';
  const settingsTarget = updatingDeployment ? targets.items.find((t) => t.name === updatingDeployment.deployment.target) : targetInfo;

  return (
    <ModalDialog
      title={`Deploy ${modelName} version ${version.version}`}
      onClose={onClose}
      testId="deploy-dialog"
      wide
      actions={
        <>
          <button type="button" onClick={onClose} disabled={working}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => void submit()} disabled={working || (!updatingDeployment && !targetInfo)} data-testid="deploy-submit">
            {working ? 'Starting…' : updatingDeployment ? `Update ${updatingDeployment.deployment.name}` : 'Deploy'}
          </button>
        </>
      }
    >
      <form
        className="deploy-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label className="form-row">
          <span className="form-label">What</span>
          <select value={uri} onChange={(event) => setUri(event.target.value)} data-testid="deploy-uri">
            <option value={`models:/${modelName}/${version.version}`}>version {version.version}</option>
            {version.aliases.map((alias) => (
              <option key={alias} value={`models:/${modelName}@${alias}`}>
                @{alias} (version {version.version} now; an update follows the alias)
              </option>
            ))}
          </select>
        </label>
        <label className="form-row">
          <span className="form-label">Where</span>
          <select value={mode} onChange={(event) => setMode(event.target.value)} data-testid="deploy-mode">
            <option value="new">A new deployment</option>
            {live.map((d) => (
              <option key={d.deployment.name} value={d.deployment.name}>
                Update {d.deployment.name} ({d.deployment.model ? `serves ${d.deployment.model.name} v${d.deployment.model.version}` : d.deployment.state})
              </option>
            ))}
          </select>
        </label>
        {!updatingDeployment && (
          <>
            <label className="form-row">
              <span className="form-label">Name</span>
              <input type="text" value={shownName} onChange={(event) => setName(event.target.value)} data-testid="deploy-name" aria-describedby="deploy-name-hint" />
            </label>
            <p id="deploy-name-hint" className="hint form-hint">
              Letters, digits, '-' and '_'. The endpoint and its history go by this name (<code>cairn deploy status {shownName}</code>).
            </p>
            <div className="form-row">
              <span className="form-label">Target</span>
              <div className="target-choices" role="radiogroup" aria-label="Target">
                {targets.status === 'loading' && <span className="spinner" />}
                {targets.items.map((info) => (
                  <label key={info.name} className={`target-choice ${info.name === target ? 'is-chosen' : ''}`} data-testid="deploy-target" data-target={info.name}>
                    <input
                      type="radio"
                      name="deploy-target"
                      value={info.name}
                      checked={info.name === target}
                      onChange={() => {
                        setTarget(info.name);
                        setSettings({});
                      }}
                    />
                    <span className="target-title">{info.title}</span>
                    <span className="hint">{info.description}</span>
                  </label>
                ))}
              </div>
            </div>
          </>
        )}
        {settingsTarget && (
          <details className="target-settings" data-testid="deploy-settings" open={settingsTarget.secrets.length > 0}>
            <summary>
              {settingsTarget.title} settings{' '}
              <span className="hint">
                ({settingsTarget.settings.map((setting) => setting.key).join(', ')}; empty: {updatingDeployment ? 'as the deployment has it' : 'the default shown'})
              </span>
            </summary>
            {settingsTarget.settings.map((setting) => (
              <label key={setting.key} className="setting-row">
                <span className="setting-key">{setting.key}</span>
                <input
                  type="text"
                  value={settings[setting.key] ?? ''}
                  placeholder={(updatingDeployment ? updatingDeployment.deployment.config[setting.key] : setting.defaultValue) ?? ''}
                  onChange={(event) => setSettings({ ...settings, [setting.key]: event.target.value })}
                  onBlur={() => {
                    if (['python', 'loader', 'workers'].includes(setting.key)) warmUp();
                  }}
                  data-testid={`deploy-setting-${setting.key}`}
                />
                <span className="hint setting-description">{setting.description}</span>
              </label>
            ))}
          </details>
        )}
        {settingsTarget && settingsTarget.secrets.length > 0 && (
          <TargetCredentials target={settingsTarget} config={updatingDeployment ? { ...updatingDeployment.deployment.config, ...config } : config} />
        )}
      </form>
      {targets.status === 'error' && targets.error && <ErrorMessage title="Could not list the targets" message={targets.error} />}
      {action.status === 'error' && action.error && (
        <div data-testid="deploy-error">
          <ErrorMessage title="Could not deploy" message={action.error} />
        </div>
      )}
    </ModalDialog>
  );
}
