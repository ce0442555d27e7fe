// The run page's metric charts: one chart per metric, drawn from the store as the run logs.
import { useMemo } from 'react';
import type { ChartLine, LineSource } from '../../components/charts/chart-lines';
import { MetricChart } from '../../components/charts/metric-chart';
import { useAppStore } from '../../use-app-store';
import type { RunColorsSlice } from '../../stores/run-colors-slice';
import type { RunPageSlice } from '../../stores/run-page-slice';

/** The part of the app store a run chart reads. */
interface RunPageStore {
  getState(): RunPageSlice & RunColorsSlice;
  subscribe(listener: () => void): () => void;
}

function runLineSource(store: RunPageStore, key: string): LineSource {
  let last: { series: unknown; lines: readonly ChartLine[] } | null = null;
  return {
    getLines() {
      const state = store.getState();
      const { series, run, runId } = state.runPage;
      const one = series[key];
      if (last && last.series === one) return last.lines;
      const lines: ChartLine[] = one && runId ? [{ id: runId, label: run?.info.runName ?? runId, color: state.runColors.colorOf(runId), x: one.x, y: one.y, steps: one.steps }] : [];
      last = { series: one, lines };
      return lines;
    },
    subscribe: (listener) => store.subscribe(listener),
  };
}

function RunChartCard({ metricKey }: { metricKey: string }) {
  const xRange = useAppStore((s) => s.runPage.xRange);
  const rawCount = useAppStore((s) => s.runPage.series[metricKey]?.rawCount ?? 0);
  const zoomRunCharts = useAppStore((s) => s.zoomRunCharts);
  const source = useMemo(() => runLineSource(useAppStore, metricKey), [metricKey]);
  return (
    <div className="chart-card">
      <div className="chart-card-title">
        <span>{metricKey}</span>
        <span className="muted">{rawCount.toLocaleString()} points</span>
      </div>
      <MetricChart
        source={source}
        xKind="step"
        yScale="linear"
        smoothing={0}
        xRange={xRange}
        onZoom={(range) => void zoomRunCharts(range)}
        onResetZoom={() => void zoomRunCharts(null)}
        height={220}
        testId={`run-metric-chart-${metricKey}`}
      />
    </div>
  );
}

/** A chart per metric the run logged. */
export function RunCharts({ metricKeys }: { metricKeys: readonly string[] }) {
  const xRange = useAppStore((s) => s.runPage.xRange);
  const zoomRunCharts = useAppStore((s) => s.zoomRunCharts);
  if (metricKeys.length === 0) {
    return <p className="empty-state">No metrics yet. Log some with mlflow.log_metric("loss", value, step=step) and they are charted here as they arrive.</p>;
  }
  return (
    <>
      <div className="chart-toolbar">
        <span className="muted hint">Drag across a chart to zoom into steps; double-click to reset.</span>
        {xRange && (
          <button type="button" data-testid="run-reset-zoom" onClick={() => void zoomRunCharts(null)}>
            Reset zoom
          </button>
        )}
      </div>
      <div className="chart-grid">
        {metricKeys.map((key) => (
          <RunChartCard key={key} metricKey={key} />
        ))}
      </div>
    </>
  );
}
