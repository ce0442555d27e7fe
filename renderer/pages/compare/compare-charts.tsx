// The compare view's metric charts: one chart per charted metric with one line per run (or per
// group), the settings they share (metrics, x-axis, y scale, smoothing, grouping, zoom), and the
// performance marks the UI benchmark reads: all charts drawn, and a smoothing change redrawn.
import { useCallback, useMemo, useRef } from 'react';
import type { MetricXAxis } from '../../../shared/metric-series';
import type { XKind } from '../../models/charts/chart-scales';
import { MetricChart } from '../../components/charts/metric-chart';
import { useAppStore } from '../../use-app-store';
import { compareLineSource } from './compare-lines';
import { COMPARE_MARKS } from './compare-marks';
import { selectComparedRuns, selectNoisyMetrics, selectRunGroups } from './compare-selection';
import { suggestedSmoothing } from '../../models/charts/series-noise';
import { FieldSelect } from './field-select';
import { listFields } from './run-fields';

function xAxisValue(xAxis: MetricXAxis): string {
  return typeof xAxis === 'string' ? xAxis : `metric:${xAxis.metric}`;
}

function parseXAxis(value: string): MetricXAxis {
  if (value.startsWith('metric:')) return { metric: value.slice('metric:'.length) };
  return value as 'step' | 'wall' | 'relative';
}

function xKindOf(xAxis: MetricXAxis): XKind {
  return typeof xAxis === 'string' ? xAxis : 'metric';
}

const X_AXIS_NAMES = { step: 'step', wall: 'wall time', relative: 'time since start' } as const;

/** What the charts' x-axis shows, in words. */
function xAxisName(xAxis: MetricXAxis): string {
  return typeof xAxis === 'string' ? X_AXIS_NAMES[xAxis] : xAxis.metric;
}

/** Counts chart draws so that "every chart has drawn" can be marked once per occasion. */
function useDrawMarks(chartKeys: readonly string[]) {
  const waiting = useRef<{ keys: Set<string>; mark: string } | null>(null);
  const openedDrawn = useRef(false);
  const openKeys = useRef(new Set<string>());

  const expectRedraw = useCallback(
    (mark: string) => {
      waiting.current = { keys: new Set(chartKeys), mark };
    },
    [chartKeys],
  );

  const onDrawn = useCallback(
    (key: string, points: number) => {
      if (points === 0) return;
      if (!openedDrawn.current) {
        openKeys.current.add(key);
        if (chartKeys.every((chartKey) => openKeys.current.has(chartKey))) {
          openedDrawn.current = true;
          performance.mark(COMPARE_MARKS.chartsDrawn);
        }
      }
      const pending = waiting.current;
      if (pending) {
        pending.keys.delete(key);
        if (pending.keys.size === 0) {
          waiting.current = null;
          performance.mark(pending.mark);
        }
      }
    },
    [chartKeys],
  );
  return { expectRedraw, onDrawn };
}

/** The metric charts with their shared settings. */
export function CompareCharts() {
  const chartKeys = useAppStore((s) => s.compare.chartKeys);
  const xAxis = useAppStore((s) => s.compare.xAxis);
  const yScale = useAppStore((s) => s.compare.yScale);
  const smoothing = useAppStore((s) => s.compare.smoothing);
  const xRange = useAppStore((s) => s.compare.xRange);
  const groupBy = useAppStore((s) => s.compare.groupBy);
  const seriesStatus = useAppStore((s) => s.compare.seriesStatus);
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const groups = useAppStore((s) => selectRunGroups(s.compare));
  const noisy = useAppStore((s) => selectNoisyMetrics(s.compare));
  const hintDismissed = useAppStore((s) => s.compare.smoothingHintDismissed);
  const actions = useAppStore.getState();
  const smoothNoisy = () => {
    const series = useAppStore.getState().compare.series;
    const points = Math.max(0, ...noisy.flatMap((key) => Object.values(series[key] ?? {}).map((one) => one.x.length)));
    performance.mark(COMPARE_MARKS.smoothingStart);
    expectRedraw(COMPARE_MARKS.smoothingDrawn);
    actions.setCompareSmoothing(suggestedSmoothing(points));
  };
  const fields = useMemo(() => listFields(runs), [runs]);
  const { expectRedraw, onDrawn } = useDrawMarks(chartKeys);
  const xKind = xKindOf(xAxis);

  const toggleKey = (key: string, on: boolean) => {
    const next = on ? [...chartKeys, key] : chartKeys.filter((one) => one !== key);
    void actions.setCompareChartKeys(fields.metrics.map((field) => field.key).filter((one) => next.includes(one)));
  };

  return (
    <section className="compare-section" data-testid="compare-charts" data-series-status={seriesStatus}>
      <div className="chart-toolbar">
        <details className="metric-picker">
          <summary data-testid="compare-metric-picker">
            Metrics ({chartKeys.length}/{fields.metrics.length})
          </summary>
          <div className="metric-picker-list">
            {fields.metrics.map((field) => (
              <label key={field.key}>
                <input type="checkbox" checked={chartKeys.includes(field.key)} onChange={(event) => toggleKey(field.key, event.target.checked)} />
                {field.key}
              </label>
            ))}
          </div>
        </details>
        <label className="field-select">
          <span>X-axis</span>
          <select data-testid="compare-x-axis" value={xAxisValue(xAxis)} onChange={(event) => void actions.setCompareXAxis(parseXAxis(event.target.value))}>
            <option value="step">Step</option>
            <option value="wall">Wall time</option>
            <option value="relative">Time since start</option>
            <optgroup label="Another metric">
              {fields.metrics.map((field) => (
                <option key={field.key} value={`metric:${field.key}`}>
                  {field.key}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="compare-y-log"
            checked={yScale === 'log'}
            onChange={(event) => actions.setCompareYScale(event.target.checked ? 'log' : 'linear')}
          />
          Log y
        </label>
        <label className="smoothing">
          <span>Smoothing</span>
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            data-testid="compare-smoothing"
            onChange={(event) => {
              performance.mark(COMPARE_MARKS.smoothingStart);
              expectRedraw(COMPARE_MARKS.smoothingDrawn);
              actions.setCompareSmoothing(Number(event.target.value));
            }}
          />
          <output data-testid="compare-smoothing-value">{smoothing.toFixed(2)}</output>
        </label>
        {smoothing === 0 && noisy.length > 0 && !hintDismissed && (
          <span className="smoothing-hint" data-testid="smoothing-hint" role="status">
            {noisy.length === chartKeys.length ? 'These curves are noisy.' : `${noisy.join(', ')} ${noisy.length === 1 ? 'is' : 'are'} noisy.`}
            <button type="button" className="small primary" onClick={smoothNoisy} data-testid="smoothing-apply">
              Smooth
            </button>
            <button type="button" className="small ghost" onClick={actions.dismissSmoothingHint} aria-label="Dismiss the suggestion" data-testid="smoothing-dismiss">
              ×
            </button>
          </span>
        )}
        <FieldSelect
          label="Group by"
          value={groupBy}
          fields={fields}
          kinds={['params', 'tags']}
          noneLabel="No grouping"
          onChange={(fieldId) => actions.setCompareGroupBy(fieldId)}
          testId="compare-group-by"
        />
        {xRange && (
          <button type="button" data-testid="compare-reset-zoom" onClick={() => void actions.zoomCompare(null)}>
            Reset zoom
          </button>
        )}
        <span className="muted hint">Drag across a chart to zoom; double-click to reset.</span>
      </div>
      {groups.length > 0 && (
        <div className="chart-legend" data-testid="compare-group-legend">
          {groups.map((group) => (
            <span key={group.label} className="chart-legend-item">
              <span className="swatch" style={{ background: group.color }} />
              {group.label}
              <span className="muted">({group.runIds.length})</span>
            </span>
          ))}
          <span className="muted">mean ± 1 std</span>
        </div>
      )}
      {chartKeys.length === 0 ? (
        <p className="empty-state">These runs logged no metrics. Metrics logged with mlflow.log_metric appear here as charts.</p>
      ) : (
        <div className="chart-grid">
          {chartKeys.map((key) => (
            <CompareChartCard key={key} metricKey={key} xKind={xKind} xName={xAxisName(xAxis)} onDrawn={onDrawn} />
          ))}
        </div>
      )}
    </section>
  );
}

interface CompareChartCardProps {
  readonly metricKey: string;
  readonly xKind: XKind;
  readonly xName: string;
  readonly onDrawn: (key: string, points: number) => void;
}

function CompareChartCard({ metricKey, xKind, xName, onDrawn }: CompareChartCardProps) {
  const yScale = useAppStore((s) => s.compare.yScale);
  const smoothing = useAppStore((s) => s.compare.smoothing);
  const xRange = useAppStore((s) => s.compare.xRange);
  const loading = useAppStore((s) => !s.compare.series[metricKey] && s.compare.seriesStatus === 'loading');
  const zoomCompare = useAppStore((s) => s.zoomCompare);
  const source = useMemo(() => compareLineSource(useAppStore, metricKey), [metricKey]);
  const handleDrawn = useCallback((points: number) => onDrawn(metricKey, points), [onDrawn, metricKey]);
  return (
    <div className="chart-card">
      <div className="chart-card-title">
        <span>{metricKey}</span>
        <span className="muted">{loading ? 'loading…' : `by ${xName}`}</span>
      </div>
      <MetricChart
        source={source}
        xKind={xKind}
        yScale={yScale}
        smoothing={smoothing}
        xRange={xRange}
        onZoom={(range) => void zoomCompare(range)}
        onResetZoom={() => void zoomCompare(null)}
        onDrawn={handleDrawn}
        testId={`metric-chart-${metricKey}`}
        emptyMessage={loading ? 'Loading…' : undefined}
      />
    </div>
  );
}
