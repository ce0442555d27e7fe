// A cloud target's credentials in the Deploy dialog: each secret the target can use (an access
// key, a token) with whether the OS keychain holds it, a field to send a new value once (it is
// never shown back), and "Test connection", which runs the target's check with the settings as
// entered and lists what it found, each failure in words a user can act on. Everything comes from
// the target's description (DeployTargetInfo), so a target registered on the main side (Azure
// ML, ...) gets this panel without changes here.
import { useEffect, useState } from 'react';
import type { DeployTargetInfo } from '../../../shared/deployments';
import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../use-app-store';

/** Props of {@link TargetCredentials}. */
export interface TargetCredentialsProps {
  readonly target: DeployTargetInfo;
  /** The settings as entered (empty ones left out): what "Test connection" checks. */
  readonly config: Readonly<Record<string, string>>;
}

/** The secrets and "Test connection" of a cloud target. */
export function TargetCredentials({ target, config }: TargetCredentialsProps) {
  const credentials = useAppStore((state) => state.deployCredentials);
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    setValues({});
    void useAppStore.getState().loadTargetSecrets(target.name);
  }, [target.name]);
  const mine = credentials.target === target.name;
  const working = credentials.secretStatus === 'working';

  const keep = async (key: string, value: string | null) => {
    // The value goes to the main side once; the field is emptied whether or not it was kept.
    setValues((current) => ({ ...current, [key]: '' }));
    await useAppStore.getState().saveTargetSecret(target.name, key, value);
  };
  const check = credentials.check;

  return (
    <section className="target-credentials" data-testid="target-credentials" aria-label={`${target.title} credentials`}>
      <h3>Credentials</h3>
      <p className="hint">
        Kept only in the OS keychain and never shown again. Without them Cairn uses the cloud's own credentials on this machine ({target.secrets.map((s) => s.fallback).join('; ')}).
      </p>
      {target.secrets.map((secret) => {
        const inKeychain = mine && credentials.secrets.some((s) => s.key === secret.key && s.inKeychain);
        const value = values[secret.key] ?? '';
        return (
          <div key={secret.key} className="secret-row" data-testid="target-secret" data-key={secret.key} data-in-keychain={inKeychain ? 'true' : 'false'}>
            <label className="setting-row">
              <span className="setting-key">{secret.key}</span>
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={value}
                placeholder={inKeychain ? 'In the keychain (type to replace)' : 'Not kept (paste to keep it)'}
                onChange={(event) => setValues({ ...values, [secret.key]: event.target.value })}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' && value) {
                    event.preventDefault();
                    void keep(secret.key, value);
                  }
                }}
                data-testid={`secret-input-${secret.key}`}
              />
              <span className="hint setting-description">{secret.description}</span>
            </label>
            <div className="secret-actions">
              <span className={`secret-state ${inKeychain ? 'is-kept' : ''}`} data-testid="secret-state">
                {inKeychain ? '✓ in the keychain' : 'not kept'}
              </span>
              <button type="button" disabled={!value || working} onClick={() => void keep(secret.key, value)} data-testid={`secret-save-${secret.key}`}>
                Keep in keychain
              </button>
              {inKeychain && (
                <button type="button" disabled={working} onClick={() => void keep(secret.key, null)} data-testid={`secret-forget-${secret.key}`}>
                  Forget
                </button>
              )}
            </div>
          </div>
        );
      })}
      {mine && credentials.secretStatus === 'error' && credentials.secretError && (
        <div data-testid="secret-error">
          <ErrorMessage title="The secret was not kept" message={credentials.secretError} />
        </div>
      )}
      <div className="connection-test">
        <button
          type="button"
          onClick={() => void useAppStore.getState().testDeployConnection(target.name, config)}
          disabled={check.status === 'working'}
          data-testid="test-connection"
        >
          {check.status === 'working' ? 'Testing…' : 'Test connection'}
        </button>
        {check.status === 'working' && <span className="spinner" />}
      </div>
      {mine && check.status === 'done' && check.result && (
        <ul className="connection-checks" data-testid="connection-result" data-ok={check.result.ok ? 'true' : 'false'}>
          {check.result.checks.map((item) => (
            <li key={item.name} className={item.ok ? 'is-ok' : 'is-failed'} data-testid="connection-check" data-ok={item.ok ? 'true' : 'false'}>
              <span className="check-mark" aria-label={item.ok ? 'passed' : 'failed'}>
                {item.ok ? '✓' : '✗'}
              </span>{' '}
              <strong>{item.name}</strong>: {item.message}
            </li>
          ))}
        </ul>
      )}
      {mine && check.status === 'error' && check.error && <ErrorMessage title="Could not test the connection" message={check.error} />}
    </section>
  );
}
