// The compare view (#/compare?runs=a,b,c): 2 to 500 runs as metric charts, parallel
// coordinates, a scatter and a diff table, kept live while the runs log.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { MAX_COMPARED_RUNS } from '../../../shared/contract';
import { useAppStore } from '../../use-app-store';
import { ErrorMessage } from '../../components/error-message';
import { useRoute } from '../../router';
import { routeHref } from '../../models/routes';
import { CompareCharts } from './compare-charts';
import { COMPARE_MARKS } from './compare-marks';
import { runLabel } from './compare-lines';
import { DiffPanel, ParallelPanel, ScatterPanel } from './compare-panels';
import { selectComparedRuns, selectRunColors } from './compare-selection';

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

function CompareHeader() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const colors = useAppStore((s) => selectRunColors(s.compare));
  const missing = useAppStore((s) => s.compare.runIds.length) - runs.length;
  return (
    <header className="page-header">
      <h1>Comparing {runs.length} runs</h1>
      {missing > 0 && <span className="muted">{missing} of the chosen runs no longer exist.</span>}
      <div className="run-chips">
        {runs.slice(0, HEADER_CHIPS).map((run) => (
          <a key={run.info.runId} className="run-chip" href={routeHref({ name: 'run', runId: run.info.runId })} title={run.info.runId}>
            <span className="swatch" style={{ background: colors.get(run.info.runId) }} />
            {runLabel(run, run.info.runId)}
            {run.info.status === 'RUNNING' && <span className="run-chip-live" title="running" />}
          </a>
        ))}
        {runs.length > HEADER_CHIPS && <span className="muted">and {runs.length - HEADER_CHIPS} more</span>}
      </div>
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
