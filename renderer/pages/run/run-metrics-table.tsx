// The run's metrics as numbers, above their charts: each metric's latest value and the smallest
// and largest ever logged, each with the step it was logged at (as MLflow's run page lists them).
import { useMemo, useState } from 'react';
import type { LatestMetric } from '../../../shared/models';
import { numberFormatFor } from '../../models/number-format';
import { useAppStore } from '../../use-app-store';

/** Rows above which the table gets a filter box. */
const FILTER_FROM_ROWS = 12;

function Step({ step }: { step: number | null | undefined }) {
  return <td className="run-metric-step">{step === null || step === undefined ? '' : step.toLocaleString('en-US')}</td>;
}

/** Latest, min and max of every metric the run logged, with their steps. */
export function RunMetricsTable({ metrics }: { metrics: readonly LatestMetric[] }) {
  const extremes = useAppStore((s) => s.runPage.extremes);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const sorted = [...metrics].sort((a, b) => a.key.localeCompare(b.key));
    return needle ? sorted.filter((metric) => metric.key.toLowerCase().includes(needle)) : sorted;
  }, [metrics, filter]);
  if (metrics.length === 0) return null;
  return (
    <>
      {metrics.length > FILTER_FROM_ROWS && (
        <input className="table-filter" type="search" placeholder="Filter metrics…" value={filter} onChange={(event) => setFilter(event.target.value)} />
      )}
      <table className="data-table run-metrics-table" data-testid="run-metrics">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="numeric">Latest</th>
            <th className="run-metric-step">step</th>
            <th className="numeric">Min</th>
            <th className="run-metric-step">step</th>
            <th className="numeric">Max</th>
            <th className="run-metric-step">step</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((metric) => {
            const found = extremes[metric.key];
            // The main side's min and max are exact; the steps come from the series once loaded.
            const min = found?.min ?? (metric.min === null ? null : { value: metric.min, step: null });
            const max = found?.max ?? (metric.max === null ? null : { value: metric.max, step: null });
            // One format for the row: the latest, min and max read together.
            const format = numberFormatFor([metric.value, min?.value ?? Number.NaN, max?.value ?? Number.NaN]);
            return (
              <tr key={metric.key} data-metric={metric.key}>
                <th scope="row">{metric.key}</th>
                <td className="numeric" data-testid="metric-latest">
                  {format.format(metric.value)}
                </td>
                <Step step={metric.step} />
                <td className="numeric" data-testid="metric-min">
                  {min ? format.format(min.value) : ''}
                </td>
                <Step step={min?.step} />
                <td className="numeric" data-testid="metric-max">
                  {max ? format.format(max.value) : ''}
                </td>
                <Step step={max?.step} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
