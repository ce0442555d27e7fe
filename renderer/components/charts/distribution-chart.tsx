// A column's distribution as bars (recharts): a histogram's bins or a category's values, with
// either one side's counts, or a reference and a current side's shares drawn over each other on
// the same bars (two x axes with one domain, so that the bars overlap exactly): the current side
// filled, the reference side as outlines over it.
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../../models/charts/chart-scales';

/** One bar: what it covers, and each side's height. */
export interface DistributionBar {
  /** The short label under the bar (a bin's lower edge, a value). */
  readonly label: string;
  /** What the tooltip says it covers ("10 – 20", "DE"). */
  readonly title: string;
  readonly current: number;
  /** The reference side's height, for overlaid distributions. */
  readonly reference?: number;
}

/** Props of {@link DistributionChart}. */
export interface DistributionChartProps {
  readonly bars: readonly DistributionBar[];
  readonly width: number;
  readonly height: number;
  /** Whether heights are shares (0..1, shown as percentages) or counts. */
  readonly heights: 'share' | 'count';
  /** Draws the reference side under the current one. */
  readonly overlay?: boolean;
  readonly testId?: string;
}

const TICK_STYLE = { fontSize: 10, fill: 'var(--chart-tick, #888)' };

function formatHeight(value: number, heights: 'share' | 'count'): string {
  return heights === 'share' ? `${formatNumber(Math.round(value * 1000) / 10)}%` : formatNumber(value);
}

function DistributionTooltip({
  active,
  payload,
  heights,
  overlay,
}: {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: DistributionBar }>;
  heights: 'share' | 'count';
  overlay: boolean;
}) {
  const bar = active ? payload?.[0]?.payload : undefined;
  if (!bar) return null;
  return (
    <div className="chart-tooltip-box">
      <div className="chart-tooltip-title">{bar.title}</div>
      {overlay && bar.reference !== undefined && (
        <div>
          <span className="swatch distribution-reference-swatch" /> reference {formatHeight(bar.reference, heights)}
        </div>
      )}
      <div>
        {overlay && <span className="swatch distribution-current-swatch" />} {overlay ? 'current ' : ''}
        {formatHeight(bar.current, heights)}
      </div>
    </div>
  );
}

/** Bars of a distribution, one side or two overlaid. */
export const DistributionChart = memo(function DistributionChart({ bars, width, height, heights, overlay = false, testId }: DistributionChartProps) {
  return (
    <div className="distribution-chart" data-testid={testId ?? 'distribution-chart'} data-bar-count={bars.length} style={{ width, height }}>
      <BarChart width={width} height={height} data={bars} margin={{ top: 6, right: 6, bottom: 0, left: 0 }} barCategoryGap={bars.length > 12 ? 1 : '12%'}>
        <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" vertical={false} />
        <XAxis xAxisId="current" dataKey="label" tick={TICK_STYLE} stroke="var(--chart-axis, #888)" interval="preserveStartEnd" minTickGap={8} height={18} />
        {overlay && <XAxis xAxisId="reference" dataKey="label" hide />}
        <YAxis tick={TICK_STYLE} stroke="var(--chart-axis, #888)" width={38} tickFormatter={(value: number) => formatHeight(value, heights)} tickCount={3} />
        <Tooltip cursor={{ fill: 'var(--row-hover)' }} content={<DistributionTooltip heights={heights} overlay={overlay} />} isAnimationActive={false} />
        <Bar xAxisId="current" dataKey="current" fill="var(--distribution-current)" fillOpacity={overlay ? 0.6 : 0.85} isAnimationActive={false} />
        {overlay && (
          <Bar xAxisId="reference" dataKey="reference" fill="none" stroke="var(--distribution-reference)" strokeWidth={1.5} isAnimationActive={false} />
        )}
      </BarChart>
    </div>
  );
});
