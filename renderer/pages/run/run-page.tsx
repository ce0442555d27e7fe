// The run page (#/runs/:runId): overview, metric charts, params, tags, note, datasets,
// artifacts and models of one run, kept live while the run logs.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useRoute } from '../../router';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { ArtifactsBrowser } from './artifacts-browser';
import { RunCharts } from './run-charts';
import { KeyValueTable, RunDatasets, RunOverview, RunTags } from './run-details';
import { RunModels } from './run-models';
import { RunNote } from './run-note';

/** One run: overview, params, metric charts, tags, note, artifacts, datasets and models. */
export function RunPage() {
  const route = useRoute();
  const runId = route.name === 'run' ? route.runId : null;
  const run = useAppStore((s) => s.runPage.run);
  const status = useAppStore((s) => s.runPage.status);
  const error = useAppStore((s) => s.runPage.error);
  const seriesStatus = useAppStore((s) => s.runPage.seriesStatus);
  const parentRun = useAppStore((s) => s.runPage.parentRun);
  const childRuns = useAppStore((s) => s.runPage.childRuns);
  const experimentName = useAppStore((s) => s.experiments.items.find((one) => one.experimentId === s.runPage.run?.info.experimentId)?.name);

  useEffect(() => {
    if (runId) void useAppStore.getState().openRunPage(runId);
  }, [runId]);
  useEffect(() => {
    // The breadcrumb names the experiment once the list is known.
    const state = useAppStore.getState();
    if (state.experiments.status === 'idle') void state.loadExperiments();
  }, []);

  if (status === 'error' || (status === 'ready' && !run)) {
    return (
      <div className="page run-page" data-testid="run-page">
        <ErrorMessage
          title="Could not open this run"
          message={error ?? 'It was not found.'}
          onRetry={runId ? () => void useAppStore.getState().openRunPage(runId) : undefined}
        />
      </div>
    );
  }
  if (!run || run.info.runId !== runId) {
    return (
      <div className="page run-page" data-testid="run-page">
        <div className="loading-line">
          <span className="spinner" /> Loading run…
        </div>
      </div>
    );
  }
  const metricKeys = run.metrics.map((metric) => metric.key).sort();
  return (
    <div className="page run-page" data-testid="run-page">
      <header className="page-header">
        <div className="breadcrumbs muted">
          <a href={routeHref({ name: 'runs', experimentId: run.info.experimentId })}>{experimentName ?? `Experiment ${run.info.experimentId}`}</a>
          <span>/</span>
          <span>Run</span>
        </div>
        <h1 data-testid="run-name">{run.info.runName}</h1>
        {run.info.lifecycleStage === 'deleted' && <span className="pill danger">deleted</span>}
      </header>
      <RunOverview run={run} parentRun={parentRun} childRuns={childRuns} />
      <section className="run-section">
        <h2>Metrics</h2>
        <RunCharts metricKeys={metricKeys} />
      </section>
      <div className="run-columns">
        <section className="run-section">
          <h2>Parameters</h2>
          <KeyValueTable rows={run.params} testId="run-params" empty="No parameters. Log them with mlflow.log_param(key, value)." />
        </section>
        <section className="run-section">
          <h2>Tags</h2>
          <RunTags run={run} />
        </section>
      </div>
      <section className="run-section">
        <h2>Note</h2>
        <RunNote run={run} />
      </section>
      <section className="run-section">
        <h2>Datasets</h2>
        <RunDatasets run={run} />
      </section>
      <RunModels />
      <section className="run-section" data-testid="run-artifacts">
        <h2>Artifacts</h2>
        <ArtifactsBrowser />
      </section>
      {seriesStatus !== 'loading' && <span data-testid="run-page-ready" hidden />}
    </div>
  );
}
