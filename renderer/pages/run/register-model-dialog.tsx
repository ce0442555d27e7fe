// The Register dialog of the run page: registers one of the run's model folders (runs:/<run>/<path>)
// or logged models (models:/m-<id>) as a new registered model or a new version of an existing one,
// optionally pointing an alias at it; then opens the new version on its model's page.
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';

/** Props of {@link RegisterModelDialog}. */
export interface RegisterModelDialogProps {
  /** What to register: runs:/<run>/<path> or models:/m-<id>. */
  readonly source: string;
  /** The name offered for a new model (the folder's or logged model's name). */
  readonly suggestedName: string;
  onClose(): void;
}

/** Registers `source` under a model name picked or typed. */
export function RegisterModelDialog({ source, suggestedName, onClose }: RegisterModelDialogProps) {
  const models = useAppStore((state) => state.registeredModels.items);
  const action = useAppStore((state) => state.registryAction);
  const [name, setName] = useState(suggestedName);
  const [alias, setAlias] = useState('');
  useEffect(() => {
    const state = useAppStore.getState();
    state.clearRegistryAction();
    void state.loadRegisteredModels();
  }, []);
  const existing = models.find((model) => model.name === name.trim());
  const working = action.status === 'working';
  const submit = async () => {
    if (!name.trim()) return;
    const version = await useAppStore.getState().registerModel({ name: name.trim(), source, ...(alias.trim() ? { alias: alias.trim() } : {}) });
    if (version) {
      onClose();
      navigate({ name: 'model-version', modelName: version.name, version: version.version });
    }
  };
  return (
    <ModalDialog
      title="Register this model"
      onClose={onClose}
      testId="register-dialog"
      actions={
        <>
          <button type="button" onClick={onClose} disabled={working}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={working || !name.trim()} onClick={() => void submit()} data-testid="register-submit">
            {working ? 'Registering…' : existing ? `Add version to ${existing.name}` : 'Register new model'}
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
        <p className="hint">
          From <code>{source}</code>
        </p>
        <label className="form-row">
          <span className="form-label">Model</span>
          <input type="text" list="register-model-names" value={name} autoFocus onChange={(event) => setName(event.target.value)} data-testid="register-name" />
          <datalist id="register-model-names">
            {models.map((model) => (
              <option key={model.name} value={model.name} />
            ))}
          </datalist>
        </label>
        <p className="hint form-hint" data-testid="register-outcome">
          {existing
            ? `${existing.name} exists: this becomes its next version.`
            : name.trim()
              ? `A new registered model named ${name.trim()}, with this as version 1.`
              : 'Name a new model, or pick an existing one to add a version to it.'}
        </p>
        <label className="form-row">
          <span className="form-label">Alias</span>
          <input type="text" value={alias} placeholder="optional, e.g. candidate" onChange={(event) => setAlias(event.target.value)} data-testid="register-alias" />
        </label>
      </form>
      {action.status === 'error' && action.error && (
        <div data-testid="register-error">
          <ErrorMessage title="Could not register" message={action.error} />
        </div>
      )}
    </ModalDialog>
  );
}
