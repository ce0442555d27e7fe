// The runs of one experiment (#/experiments/:id): toolbar, and the table, or what to do when
// there is nothing to show yet.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { GettingStarted } from '../../components/getting-started';
import { RunsTable } from '../../components/tables/runs-table';
import { formatCount } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { RunsToolbar } from './runs-toolbar';

/** The runs page of an experiment. */
export function RunsPage({ experimentId }: { experimentId: string }) {
  const view = useAppStore((state) => state.runsTable.views[experimentId]);
  const experimentName = useAppStore((state) => state.experiments.items.find((e) => e.experimentId === experimentId)?.name ?? null);
  const experimentsLoaded = useAppStore((state) => state.experiments.status !== 'idle');

  useEffect(() => {
    const state = useAppStore.getState();
    void state.openRunsTable(experimentId);
  }, [experimentId]);
  useEffect(() => {
    if (!experimentsLoaded) void useAppStore.getState().loadExperiments();
  }, [experimentsLoaded]);

  const data = view?.data ?? null;
  const title = experimentName ?? `Experiment ${experimentId}`;
  const hasRuns = data !== null && data.runIds.length > 0;
  // A filtered first window is not counted: the count follows with every match.
  const count = data === null ? '' : data.total === null ? `${formatCount(data.runIds.length)}+` : formatCount(data.total);
  return (
    <div className="page runs-page">
      <div className="page-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <a href={routeHref({ name: 'experiments' })}>Experiments</a>
          <span aria-hidden>/</span>
        </nav>
        <h1 data-testid="experiment-title">{title}</h1>
        {data && (
          <span className="pill" data-testid="run-count">
            {view?.filter ? `${count} matching` : `${count} ${data.total === 1 ? 'run' : 'runs'}`}
          </span>
        )}
        {view?.loadingRest && (
          <span className="hint loading-inline">
            <span className="spinner" /> loading {data?.total === null || data?.total === undefined ? 'every matching run' : `all ${formatCount(data.total)} runs`}…
          </span>
        )}
      </div>
      {view?.status === 'error' && view.error && (
        <ErrorMessage title="Could not load the runs" message={view.error} onRetry={() => void useAppStore.getState().reloadRunsTable()}>
          <a className="button small" href={routeHref({ name: 'experiments' })}>
            All experiments
          </a>
        </ErrorMessage>
      )}
      {view && data && (hasRuns || view.filter) && <RunsToolbar view={view} data={data} />}
      {(!view || (view.status === 'loading' && !data)) && (
        <div className="loading-line">
          <span className="spinner" /> Loading runs…
        </div>
      )}
      {view && data && hasRuns && (
        <>
          <div className="runs-table-frame card">
            <RunsTable view={view} data={data} />
          </div>
          {!data.complete && !view.loadingRest && (
            <p className="hint">
              Showing the first {formatCount(data.runIds.length)} of {count} matching runs. Narrow the filter to see
              the others.
            </p>
          )}
        </>
      )}
      {view && data && !hasRuns && view.filter && (
        <div className="empty-state card" data-testid="no-match">
          <h2>No run matches this filter</h2>
          <p>
            <code>{view.filter}</code>
          </p>
          <button type="button" onClick={() => void useAppStore.getState().clearRunsFilter()} data-testid="clear-filter">
            Clear the filter
          </button>
        </div>
      )}
      {view && data && !hasRuns && !view.filter && (
        <GettingStarted
          title="No runs in this experiment yet"
          intro="Log runs to it with the mlflow client; they appear here as they start, and their metrics update live."
          experimentName={experimentName ?? 'demo'}
        />
      )}
      {view?.status === 'ready' && !view.busy && (
        <span data-testid="runs-table-ready" data-total={data?.total ?? undefined} data-filter={view.filter} hidden />
      )}
    </div>
  );
}
