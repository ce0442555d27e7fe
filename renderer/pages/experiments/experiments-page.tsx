// The home page: every experiment with its run count and last update, a way to create one, and
// for a newcomer (no runs anywhere yet) the steps to log a first run.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { GettingStarted } from '../../components/getting-started';
import { formatCount, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { navigate } from '../../router';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { CreateExperimentForm } from './create-experiment-form';

/** The experiments list. */
export function ExperimentsPage() {
  const { items, status, error } = useAppStore((state) => state.experiments);
  const loadExperiments = useAppStore((state) => state.loadExperiments);
  useEffect(() => {
    void loadExperiments();
  }, [loadExperiments]);
  const totalRuns = items.reduce((sum, experiment) => sum + experiment.runCount, 0);
  const now = Date.now();

  return (
    <div className="page experiments-page">
      <div className="page-header">
        <h1>Experiments</h1>
        {items.length > 0 && <span className="pill">{formatCount(items.length)}</span>}
        <div className="spacer" />
        <CreateExperimentForm />
      </div>
      {status === 'error' && error && (
        <ErrorMessage title="Could not load the experiments" message={error} onRetry={() => void loadExperiments()} />
      )}
      {status === 'loading' && items.length === 0 && (
        <div className="loading-line">
          <span className="spinner" /> Loading experiments…
        </div>
      )}
      {items.length > 0 && (
        <div className="card table-card">
          <table className="data-table experiments-table" data-testid="experiments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="numeric-cell">Runs</th>
                <th>Last update</th>
              </tr>
            </thead>
            <tbody>
              {items.map((experiment) => (
                <tr
                  key={experiment.experimentId}
                  data-testid="experiment-row"
                  data-experiment-id={experiment.experimentId}
                  className="clickable-row"
                  onClick={(event) => {
                    if ((event.target as HTMLElement).closest('a')) return;
                    navigate({ name: 'runs', experimentId: experiment.experimentId });
                  }}
                >
                  <td>
                    <a href={routeHref({ name: 'runs', experimentId: experiment.experimentId })} data-testid="experiment-link">
                      {experiment.name}
                    </a>
                    <span className="faint experiment-id">#{experiment.experimentId}</span>
                  </td>
                  <td className="numeric-cell numeric" data-testid="experiment-run-count">
                    {formatCount(experiment.runCount)}
                  </td>
                  <td title={formatFullDateTime(experiment.lastUpdateTime)}>{formatRelativeTime(experiment.lastUpdateTime, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {status === 'ready' && totalRuns === 0 && (
        <GettingStarted
          title="Log your first run"
          intro="Cairn speaks MLflow's tracking API, so the mlflow code you already have logs here unchanged."
        />
      )}
      {status === 'ready' && <span data-testid="experiments-ready" hidden />}
    </div>
  );
}
