// On a registered model version's page: the drift of the newest data against the data the
// version's run trained on, one line per training dataset, each linking to the dataset's page.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

/** The drift of each training dataset's newest version against the version trained on; nothing while there is none. */
export function TrainingDataDrift({ runId }: { runId: string }) {
  const drift = useAppStore((state) => (state.trainingDrift?.runId === runId ? state.trainingDrift : null));
  useEffect(() => {
    void useAppStore.getState().loadTrainingDrift(runId);
  }, [runId]);
  if (!drift || drift.status === 'loading') return null;
  if (drift.status === 'error' && drift.error) return <ErrorMessage title="Could not tell the drift of the training data" message={drift.error} />;
  if (drift.items.length === 0) return null;
  return (
    <div className="training-drift" data-testid="training-drift">
      <h3>Data since training</h3>
      <ul>
        {drift.items.map((item) => (
          <li key={item.trainedVersion.versionId} data-testid="training-drift-item" data-drift={item.report?.dataset.drift ?? false}>
            <a href={routeHref({ name: 'data', datasetName: item.datasetName, versionId: item.newestVersion?.versionId ?? item.trainedVersion.versionId })}>
              <strong>{item.datasetName}</strong>
            </a>
            {': '}
            {item.error ? (
              <span className="form-error">{item.error}</span>
            ) : !item.report ? (
              <span className="muted">no newer data than what it was trained on.</span>
            ) : (
              <span>
                <span className={`pill ${item.report.dataset.drift ? 'danger' : 'success'}`}>{item.report.dataset.drift ? 'drift' : 'no drift'}</span>{' '}
                the newest data ({item.newestVersion?.path.split('/').at(-1)}) against the training data:{' '}
                {item.report.dataset.driftedColumns} of {item.report.dataset.testedColumns} columns drifted
                {item.report.columns.some((column) => column.drift)
                  ? ` (${item.report.columns
                      .filter((column) => column.drift)
                      .slice(0, 4)
                      .map((column) => column.column)
                      .join(', ')})`
                  : ''}
                .
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
