// The confirmation before a registered model or one version is deleted: what goes (versions,
// aliases, tags), what stays (the runs and their files), and the deployments it touches.
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { StageBadge } from '../../components/model-badges';
import { useAppStore } from '../../use-app-store';

/** Shown while a deletion is being confirmed (the store's deletionPlan). */
export function DeleteModelDialog({ onDeleted }: { onDeleted: (deletedWholeModel: boolean) => void }) {
  const plan = useAppStore((state) => state.deletionPlan);
  const action = useAppStore((state) => state.registryAction);
  if (!plan) return null;
  const cancel = () => useAppStore.getState().cancelDeletion();
  const what = plan.version === null ? `the model ${plan.name}` : `version ${plan.version} of ${plan.name}`;
  const working = action.status === 'working';
  return (
    <ModalDialog
      title={`Delete ${what}?`}
      onClose={cancel}
      testId="delete-model-dialog"
      actions={
        <>
          <button type="button" onClick={cancel} disabled={working}>
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            disabled={plan.status !== 'ready' || working}
            data-testid="delete-model-confirm"
            onClick={() => void useAppStore.getState().confirmDeletion().then((deleted) => deleted && onDeleted(plan.version === null))}
          >
            {working ? 'Deleting…' : 'Delete'}
          </button>
        </>
      }
    >
      {plan.status === 'loading' && (
        <div className="loading-line">
          <span className="spinner" /> Finding what it would remove…
        </div>
      )}
      {plan.status === 'error' && plan.error && <ErrorMessage title="Could not plan the deletion" message={plan.error} />}
      {plan.value && (
        <div className="deletion-plan" data-testid="deletion-plan">
          <p data-testid="deletion-summary">{plan.value.summary}</p>
          <ul className="deletion-list">
            {plan.value.versions.map((version) => (
              <li key={version.version}>
                <span className="version-number">v{version.version}</span> <StageBadge stage={version.currentStage} />
                {version.aliases.map((alias) => (
                  <span key={alias} className="alias-chip">
                    @{alias}
                  </span>
                ))}
                {version.description && <span className="muted"> {version.description}</span>}
              </li>
            ))}
          </ul>
          {plan.value.deployments.length > 0 && (
            <p className="deletion-deployments" data-testid="deletion-deployments">
              Deployments touched: {plan.value.deployments.map((d) => `${d.name} (${d.serving ? `serves v${d.version}` : `can roll back to v${d.version}`})`).join(', ')}. They keep their own copy of
              the files.
            </p>
          )}
        </div>
      )}
      {action.status === 'error' && action.error && <ErrorMessage title="Could not delete" message={action.error} />}
    </ModalDialog>
  );
}
