// The compare view (#/compare?runs=a,b,c): 2 to 500 runs as metric charts, parallel
// coordinates, a scatter, a diff table and the runs' datasets side by side, kept live while the
// runs log.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { MAX_COMPARED_RUNS } from '../../../shared/call-limits';
import { useAppStore } from '../../use-app-store';
import { ErrorMessage } from '../../components/error-message';
import { useRoute } from '../../router';
import { routeHref } from '../../models/routes';
import { CompareCharts } from './compare-charts';
import { CompareData } from './compare-data';
import { COMPARE_MARKS } from './compare-marks';
import { runLabel } from './compare-lines';
import { DiffPanel, ParallelPanel, ScatterPanel } from './compare-panels';
import { selectComparedRuns, selectRunColors } from './compare-selection';
import { ArrowLeftIcon, ExternalIcon } from '../../components/icons';

/** Run chips shown in the header before "and N more". */
const HEADER_CHIPS = 24;

/** Points per series: about one compare chart's width (two charts a row) in device pixels. */
function chartPointBudget(): number {
  const chartWidth = (window.innerWidth - 96) / 2;
  return Math.round(Math.min(2000, Math.max(300, chartWidth * (window.devicePixelRatio || 1))));
}

/**
 * Mounts a panel once it nears the viewport and the charts have their series: the panels below
 * the charts (a scatter, a table of every run) cost layout time the charts should not wait for.
 */
function WhenVisible({ children, testId }: { children: ReactNode; testId: string }) {
  const placeholder = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  const chartsLoading = useAppStore((s) => s.compare.seriesStatus === 'loading');
  useEffect(() => {
    const element = placeholder.current;
    if (!element || seen) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && setSeen(true), { rootMargin: '300px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  if (seen && !chartsLoading) return children;
  return <section ref={placeholder} className="compare-section is-deferred" data-testid={testId} />;
}

/** Where the compared runs come from: the experiment (or experiments), with a way back to its runs. */
function CompareContext() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const experiments = useAppStore((s) => s.experiments.items);
  const experimentsLoaded = useAppStore((s) => s.experiments.status !== 'idle');
  useEffect(() => {
    if (!experimentsLoaded) void useAppStore.getState().loadExperiments();
  }, [experimentsLoaded]);
  const ids = [...new Set(runs.map((run) => run.info.experimentId))];
  const nameOf = (id: string) => experiments.find((experiment) => experiment.experimentId === id)?.name ?? `Experiment ${id}`;
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs" data-testid="compare-breadcrumbs">
      <a href={routeHref({ name: 'experiments' })}>Experiments</a>
      <span aria-hidden>/</span>
      {ids.map((id, index) => (
        <span key={id} className="breadcrumb-item">
          {index > 0 && <span aria-hidden>, </span>}
          <a href={routeHref({ name: 'runs', experimentId: id })} data-testid="compare-experiment-link">
            {nameOf(id)}
          </a>
        </span>
      ))}
      <span aria-hidden>/</span>
      <span>Compare</span>
    </nav>
  );
}

function CompareHeader() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const colors = useAppStore((s) => selectRunColors(s.compare));
  const pinned = useAppStore((s) => s.compare.pinnedRunId);
  const missing = useAppStore((s) => s.compare.runIds.length) - runs.length;
  const experimentId = runs[0]?.info.experimentId;
  const actions = useAppStore.getState();
  return (
    <header className="page-header compare-header">
      <CompareContext />
      <div className="compare-title">
        <h1>Comparing {runs.length} runs</h1>
        {experimentId !== undefined && (
          <a className="button small" href={routeHref({ name: 'runs', experimentId })} data-testid="compare-back">
            <ArrowLeftIcon /> Back to the runs
          </a>
        )}
        {missing > 0 && <span className="muted">{missing} of the chosen runs no longer exist.</span>}
      </div>
      <div className="run-chips" onMouseLeave={() => actions.setHoveredRun(null)} data-testid="run-chips">
        {runs.slice(0, HEADER_CHIPS).map((run) => {
          const runId = run.info.runId;
          const isPinned = pinned === runId;
          return (
            <span key={runId} className={`run-chip${isPinned ? ' is-pinned' : ''}`} data-testid="run-chip" data-run-id={runId}>
              <button
                type="button"
                className="run-chip-focus"
                aria-pressed={isPinned}
                title={`${run.info.runName || runId}: ${isPinned ? 'click to show every run alike' : 'click to keep this run on top in the charts'}`}
                onMouseEnter={() => actions.setHoveredRun(runId)}
                onFocus={() => actions.setHoveredRun(runId)}
                onBlur={() => actions.setHoveredRun(null)}
                onClick={() => actions.togglePinnedRun(runId)}
              >
                <span className="swatch" style={{ background: colors.get(runId) }} data-color={colors.get(runId)} />
                <span className="run-chip-name">{runLabel(run, runId)}</span>
                {run.info.status === 'RUNNING' && <span className="run-chip-live" title="running" />}
              </button>
              <a className="run-chip-open" href={routeHref({ name: 'run', runId })} title="Open the run's page" aria-label={`Open ${runLabel(run, runId)}`}>
                <ExternalIcon />
              </a>
            </span>
          );
        })}
        {runs.length > HEADER_CHIPS && <span className="muted">and {runs.length - HEADER_CHIPS} more</span>}
      </div>
      <p className="hint compare-chips-hint">Point at a run to single it out in the charts; click it to keep it singled out.</p>
    </header>
  );
}

/** Several runs side by side: metric charts, parallel coordinates, a scatter and a diff table. */
export function ComparePage() {
  const route = useRoute();
  const runIdsParam = route.name === 'compare' ? route.runIds.join(',') : '';
  const status = useAppStore((s) => s.compare.status);
  const error = useAppStore((s) => s.compare.error);
  const seriesStatus = useAppStore((s) => s.compare.seriesStatus);
  const runIds = runIdsParam ? [...new Set(runIdsParam.split(','))] : [];
  const tooFew = runIds.length < 2;
  const tooMany = runIds.length > MAX_COMPARED_RUNS;

  useEffect(() => {
    if (!runIdsParam) return;
    const ids = [...new Set(runIdsParam.split(','))];
    if (ids.length < 2 || ids.length > MAX_COMPARED_RUNS) return;
    performance.mark(COMPARE_MARKS.open);
    void useAppStore.getState().openCompare(ids, chartPointBudget());
  }, [runIdsParam]);


  if (tooFew || tooMany) {
    return (
      <div className="page compare-page" data-testid="compare-page">
        <p className="empty-state">
          {tooFew
            ? 'Choose at least two runs to compare: tick them in the runs table and press Compare.'
            : `Cairn compares up to ${MAX_COMPARED_RUNS} runs at once; ${runIds.length} were chosen. Narrow the selection in the runs table.`}
        </p>
      </div>
    );
  }
  if (status === 'error') {
    return (
      <div className="page compare-page" data-testid="compare-page">
        <ErrorMessage title="Could not load these runs" message={error ?? ''} onRetry={() => void useAppStore.getState().openCompare(runIds, chartPointBudget())} />
      </div>
    );
  }
  return (
    <div className="page compare-page" data-testid="compare-page">
      {status === 'ready' ? (
        <>
          <CompareHeader />
          <CompareCharts />
          <WhenVisible testId="compare-parallel">
            <ParallelPanel />
          </WhenVisible>
          <WhenVisible testId="compare-scatter">
            <ScatterPanel />
          </WhenVisible>
          <WhenVisible testId="compare-diff">
            <DiffPanel />
          </WhenVisible>
          <WhenVisible testId="compare-data-deferred">
            <CompareData />
          </WhenVisible>
          {seriesStatus !== 'loading' && <span data-testid="compare-ready" hidden />}
        </>
      ) : (
        <div className="loading-line">
          <span className="spinner" /> Loading runs…
        </div>
      )}
    </div>
  );
}
