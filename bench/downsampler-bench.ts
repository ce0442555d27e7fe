// How long the metric downsampler takes to reduce a 1,000,000-step series to a 1,000-point chart.
import { performance } from 'node:perf_hooks';
import {
  downsampleMetricColumns,
  downsampleMetricPoints,
  type MetricColumns,
} from '../electron/services/metrics/metric-downsampler';
import type { MetricPoint } from '../shared/models';
import { median, type BenchFigure } from './bench-result';

const SERIES_LENGTH = 1_000_000;
const BUDGET = 1000;
const WARM_UP_RUNS = 3;
const MEASURED_RUNS = 15;

/** Median times to downsample a 1,000,000-step series to 1,000 points: from columns, with scattered NaN, from point objects, zoomed. */
export async function runDownsamplerBench(): Promise<BenchFigure[]> {
  const columns = lossCurveColumns(SERIES_LENGTH, 0);
  const columnsWithNaN = lossCurveColumns(SERIES_LENGTH, 0.0001);
  const points: MetricPoint[] = Array.from(columns.values, (value, i) => ({
    step: columns.steps[i]!,
    timestamp: columns.timestamps[i]!,
    value,
  }));
  const zoomedRange = [SERIES_LENGTH * 0.25, SERIES_LENGTH * 0.75] as const;
  const series = `${SERIES_LENGTH.toLocaleString('en')} steps to ${BUDGET.toLocaleString('en')} points`;
  return [
    {
      name: `downsample ${series} (Float64Array columns), median`,
      value: await medianMilliseconds(() => downsampleMetricColumns(columns, { budget: BUDGET })),
      unit: 'ms',
      target: '≤ 100 ms',
    },
    {
      name: `downsample ${series} (columns, about 100 NaN scattered), median`,
      value: await medianMilliseconds(() => downsampleMetricColumns(columnsWithNaN, { budget: BUDGET })),
      unit: 'ms',
      target: '≤ 100 ms',
    },
    {
      name: `downsample ${series} (MetricPoint objects), median`,
      value: await medianMilliseconds(() => downsampleMetricPoints(points, { budget: BUDGET })),
      unit: 'ms',
      target: 'none set',
    },
    {
      name: `downsample the middle half of ${series} (zoom), median`,
      value: await medianMilliseconds(() => downsampleMetricColumns(columns, { budget: BUDGET, xRange: zoomedRange })),
      unit: 'ms',
      target: '≤ 100 ms',
    },
  ];
}

/** A noisy, decaying loss curve with occasional spikes and NaN at the given rate, one point per step, a second apart. */
function lossCurveColumns(length: number, nanRate: number): MetricColumns {
  let seed = 12345;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const steps = new Float64Array(length);
  const timestamps = new Float64Array(length);
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    steps[i] = i;
    timestamps[i] = 1_700_000_000_000 + i * 1000;
    const noise = (random() - 0.5) * 0.2;
    const spike = random() < 0.0005 ? random() * 5 : 0;
    values[i] = random() < nanRate ? Number.NaN : 2 * Math.exp(-i / 200_000) + noise + spike;
  }
  return { steps, timestamps, values };
}

async function medianMilliseconds(downsample: () => unknown): Promise<number> {
  for (let run = 0; run < WARM_UP_RUNS; run++) downsample();
  const samples: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    const started = performance.now();
    downsample();
    samples.push(performance.now() - started);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return median(samples);
}
