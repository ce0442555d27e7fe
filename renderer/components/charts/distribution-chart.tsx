// A column's distribution as bars in a small plain SVG: a histogram's bins or a category's values,
// with either one side's counts, or a reference and a current side's shares drawn over each other
// on the same bars: the current side filled, the reference side as outlines over it. Hovering a
// bar shows what it covers and its heights. Each side is one SVG path of rectangles, not a chart
// library nor an element per bar, because a Data page draws forty of these at once.
import { memo, useState, type MouseEvent } from 'react';
import type { Bar } from '../../models/data/distribution-bars';
import { distributionLayout, formatHeight, type DistributionHeights } from '../../models/data/distribution-layout';

/** One bar: what it covers, and each side's height. */
export type DistributionBar = Bar;

/** Props of {@link DistributionChart}. */
export interface DistributionChartProps {
  readonly bars: readonly DistributionBar[];
  readonly width: number;
  readonly height: number;
  /** Whether heights are shares (0..1, shown as percentages) or counts. */
  readonly heights: DistributionHeights;
  /** Draws the reference side over the current one, as outlines. */
  readonly overlay?: boolean;
  readonly testId?: string;
}

const TOOLTIP_OFFSET = 10;

/** What the hovered bar covers and its heights. */
function DistributionTooltip({ bar, heights, overlay, left, right }: { bar: DistributionBar; heights: DistributionHeights; overlay: boolean; left: number | null; right: number | null }) {
  return (
    <div
      className="chart-tooltip-box distribution-tooltip"
      role="tooltip"
      data-testid="distribution-tooltip"
      style={right !== null ? { right } : { left: left ?? 0 }}
    >
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
  const [hovered, setHovered] = useState<number | null>(null);
  const layout = distributionLayout(bars, width, height, heights);
  const { plot } = layout;
  const onMouseMove = (event: MouseEvent<SVGSVGElement>) => {
    const x = event.clientX - event.currentTarget.getBoundingClientRect().left;
    const band = layout.bars[0]?.bandWidth ?? 0;
    const index = band > 0 && x >= plot.left && x < plot.right ? Math.floor((x - plot.left) / band) : null;
    setHovered(index !== null && index < bars.length ? index : null);
  };
  const hoveredPlace = hovered === null ? undefined : layout.bars[hovered];
  const hoveredBar = hovered === null ? undefined : bars[hovered];
  return (
    <div className="distribution-chart" data-testid={testId ?? 'distribution-chart'} data-bar-count={bars.length} style={{ width, height }}>
      <svg width={width} height={height} role="img" aria-label={`${overlay ? 'Reference and current distributions' : 'Distribution'}, ${bars.length} bars`} onMouseMove={onMouseMove} onMouseLeave={() => setHovered(null)}>
        {hoveredPlace && <rect className="distribution-hover" x={hoveredPlace.bandX} y={plot.top} width={hoveredPlace.bandWidth} height={plot.bottom - plot.top} />}
        <g className="distribution-grid">
          {layout.heightTicks.map((tick) => (
            <line key={tick.label} x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} />
          ))}
        </g>
        <g className="distribution-series distribution-series-current" fillOpacity={overlay ? 0.6 : 0.85}>
          <path className="distribution-bars" d={layout.currentPath} />
        </g>
        {overlay && layout.referencePath !== null && (
          <g className="distribution-series distribution-series-reference">
            <path className="distribution-bars" d={layout.referencePath} />
          </g>
        )}
        <g className="distribution-axis">
          <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} />
          <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} />
        </g>
        <g className="distribution-ticks">
          {layout.heightTicks.map((tick) => (
            <text key={tick.label} x={plot.left - 4} y={tick.y} textAnchor="end" dominantBaseline="middle">
              {tick.label}
            </text>
          ))}
          {layout.barLabels.map((label) => (
            <text key={label.index} x={label.x} y={plot.bottom + 4} textAnchor="middle" dominantBaseline="hanging">
              {label.label}
            </text>
          ))}
        </g>
      </svg>
      {hoveredPlace && hoveredBar && (
        <DistributionTooltip
          bar={hoveredBar}
          heights={heights}
          overlay={overlay}
          // Beside the bar, on the side with more room.
          left={hoveredPlace.bandX > width / 2 ? null : hoveredPlace.bandX + hoveredPlace.bandWidth + TOOLTIP_OFFSET}
          right={hoveredPlace.bandX > width / 2 ? width - hoveredPlace.bandX + TOOLTIP_OFFSET : null}
        />
      )}
    </div>
  );
});
