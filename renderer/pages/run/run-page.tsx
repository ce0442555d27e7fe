// The run page (#/runs/:runId): overview, metrics (their numbers, then their charts), params,
// tags, models, artifacts, datasets (with the profiles of those in the data catalog) and the note
// of one run, kept live while the run logs. A section with nothing in it (no note, no datasets)
// shrinks to one line at the end, so that it does not push the useful parts down.
import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useRoute } from '../../router';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { ArtifactsBrowser } from './artifacts-browser';
import { RunCharts } from './run-charts';
import { RunData } from './run-data';
import { KeyValueTable, RunDatasets, RunOverview, RunTags } from './run-details';
import { RunMetricsTable } from './run-metrics-table';
import { RunModels } from './run-models';
import { RunNote } from './run-note';
import { NOTE_TAG } from '../../../shared/mlflow-tags';

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
  const runColor = useAppStore.getState().runColors.colorOf(run.info.runId);
  const hasNote = run.tags.some((tag) => tag.key === NOTE_TAG && tag.value.trim() !== '');
  const hasDatasets = run.datasets.length > 0;
  return (
    <div className="page run-page" data-testid="run-page">
      <header className="page-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs" data-testid="run-breadcrumbs">
          <a href={routeHref({ name: 'experiments' })}>Experiments</a>
          <span aria-hidden>/</span>
          <a href={routeHref({ name: 'runs', experimentId: run.info.experimentId })}>{experimentName ?? `Experiment ${run.info.experimentId}`}</a>
          <span aria-hidden>/</span>
        </nav>
        <span className="swatch run-swatch" style={{ background: runColor }} data-testid="run-color" data-color={runColor} title="This run's colour in every chart and table" />
        <h1 data-testid="run-name">{run.info.runName}</h1>
        {run.info.lifecycleStage === 'deleted' && <span className="pill danger">deleted</span>}
      </header>
      <RunOverview run={run} parentRun={parentRun} childRuns={childRuns} />
      {hasNote && (
        <section className="run-section">
          <h2>Note</h2>
          <RunNote run={run} />
        </section>
      )}
      <section className="run-section">
        <h2>Metrics</h2>
        <RunMetricsTable metrics={run.metrics} />
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
      {hasDatasets && (
        <section className="run-section">
          <h2>Datasets</h2>
          <RunDatasets run={run} />
        </section>
      )}
      <RunData runId={run.info.runId} />
      <RunModels />
      <section className="run-section" data-testid="run-artifacts">
        <h2>Artifacts</h2>
        <ArtifactsBrowser />
      </section>
      {(!hasNote || !hasDatasets) && (
        <div className="run-empty-sections">
          {!hasNote && (
            <section className="run-section is-compact" data-testid="run-note-section">
              <h2>Note</h2>
              <RunNote run={run} />
            </section>
          )}
          {!hasDatasets && (
            <section className="run-section is-compact">
              <h2>Datasets</h2>
              <RunDatasets run={run} />
            </section>
          )}
        </div>
      )}
      {seriesStatus !== 'loading' && <span data-testid="run-page-ready" hidden />}
    </div>
  );
}
