// The pointer layer over a metric chart's plot area: a crosshair, a tooltip with the lines' values
// at the hovered x (the line nearest the pointer is highlighted), and drag-to-zoom. The tooltip
// stays inside its chart, beside the pointer: with more lines than fit, it lists those whose value
// is nearest the pointer and says how many more there are.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type MouseEvent as ReactMouseEvent } from 'react';
import { nearestIndexByX } from '../../../shared/metric-alignment';
import { formatNumber, formatX, type AxisMapping, type XKind } from '../../models/charts/chart-scales';
import { numberFormatFor } from '../../models/number-format';
import { smoothedValues, type ChartLine } from './chart-lines';
import type { PlotBox } from './metric-chart-view';

/** Props of {@link PointerLayer}. */
export interface PointerLayerProps {
  readonly box: PlotBox;
  /** The whole chart's size: the tooltip stays within it. */
  readonly chart: { readonly width: number; readonly height: number };
  readonly mappings: { readonly x: AxisMapping; readonly y: AxisMapping };
  readonly linesRef: { readonly current: readonly ChartLine[] };
  readonly xKind: XKind;
  readonly smoothing: number;
  readonly onHighlight: (id: string | null) => void;
  readonly onZoom?: (range: [number, number]) => void;
  readonly onResetZoom?: () => void;
}

interface Hover {
  readonly px: number;
  readonly py: number;
  readonly clientX: number;
  readonly clientY: number;
}

const MIN_ZOOM_DRAG_PX = 5;
const TOOLTIP_ROW_PX = 17;
/** The tooltip's title, padding and border. */
const TOOLTIP_CHROME_PX = 42;
const TOOLTIP_WIDTH_PX = 230;

/** The pointer: crosshair, a tooltip with every line's value at the hovered x, and drag-to-zoom. */
export function PointerLayer({ box, chart, mappings, linesRef, xKind, smoothing, onHighlight, onZoom, onResetZoom }: PointerLayerProps) {
  const [hover, setHover] = useState<Hover | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);

  const locate = (event: ReactMouseEvent<HTMLDivElement>): Hover => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      px: Math.min(box.width, Math.max(0, event.clientX - rect.left)),
      py: event.clientY - rect.top,
      clientX: event.clientX,
      clientY: event.clientY,
    };
  };

  const rows = useMemo(() => {
    if (!hover) return [];
    const x = mappings.x.fromPixel(hover.px);
    const found = [];
    for (const line of linesRef.current) {
      const index = nearestIndexByX(line.x, x);
      if (index < 0) continue;
      const value = smoothedValues(line.y, smoothing)[index]!;
      found.push({ line, index, value, raw: line.y[index]!, x: line.x[index]!, step: line.steps?.[index] ?? null });
    }
    return found.sort((a, b) => (Number.isNaN(a.value) ? 1 : Number.isNaN(b.value) ? -1 : b.value - a.value));
  }, [hover, mappings, linesRef, smoothing]);

  // The line nearest the pointer vertically is drawn thicker.
  useEffect(() => {
    if (!hover || rows.length === 0) {
      onHighlight(null);
      return;
    }
    let nearest: string | null = null;
    let distance = Infinity;
    for (const row of rows) {
      if (row.line.dimmed || row.line.faded || !Number.isFinite(row.value)) continue;
      const gap = Math.abs(mappings.y.toPixel(row.value) - hover.py);
      if (gap < distance) {
        distance = gap;
        nearest = row.line.id;
      }
    }
    onHighlight(distance < 40 ? nearest : null);
  }, [rows, hover, mappings, onHighlight]);

  const finishDrag = (event: ReactMouseEvent<HTMLDivElement>) => {
    if (dragFrom === null) return;
    const to = locate(event).px;
    setDragFrom(null);
    if (Math.abs(to - dragFrom) >= MIN_ZOOM_DRAG_PX && onZoom) {
      const a = mappings.x.fromPixel(Math.min(dragFrom, to));
      const b = mappings.x.fromPixel(Math.max(dragFrom, to));
      onZoom([a, b]);
    }
  };

  const first = rows[0];
  const span = mappings.x.domain[1] - mappings.x.domain[0];
  const fits = Math.max(1, Math.floor((chart.height - TOOLTIP_CHROME_PX) / TOOLTIP_ROW_PX) - 1);
  const shown = useMemo(() => tooltipRows(rows, fits, hover ? mappings.y.fromPixel(hover.py) : 0), [rows, fits, hover, mappings]);
  const format = useMemo(() => numberFormatFor(rows.map((row) => row.value)), [rows]);

  // Placed from an estimate of its size, then moved inside the chart by its measured size.
  useLayoutEffect(() => {
    const tooltip = tooltipRef.current;
    if (!tooltip) return;
    // Two pixels inside: offsets are whole pixels, the chart's edges need not be.
    const maxTop = chart.height - box.top - tooltip.offsetHeight - 2;
    const maxLeft = chart.width - box.left - tooltip.offsetWidth - 2;
    const top = Math.max(-box.top, Math.min(tooltip.offsetTop, maxTop));
    const left = Math.max(-box.left, Math.min(tooltip.offsetLeft, maxLeft));
    if (top !== tooltip.offsetTop) tooltip.style.top = `${top}px`;
    if (left !== tooltip.offsetLeft) tooltip.style.left = `${left}px`;
  });
  return (
    <div
      className="metric-chart-pointer"
      style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
      data-testid="chart-pointer-layer"
      onMouseMove={(event) => setHover(locate(event))}
      onMouseLeave={() => {
        setHover(null);
        setDragFrom(null);
      }}
      onMouseDown={(event) => {
        if (event.button === 0) setDragFrom(locate(event).px);
      }}
      onMouseUp={finishDrag}
      onDoubleClick={onResetZoom}
    >
      {hover && <div className="metric-chart-crosshair" style={{ left: first ? mappings.x.toPixel(first.x) : hover.px }} />}
      {dragFrom !== null && hover && (
        <div
          className="metric-chart-selection"
          data-testid="chart-zoom-selection"
          style={{ left: Math.min(dragFrom, hover.px), width: Math.abs(hover.px - dragFrom) }}
        />
      )}
      {hover && first && dragFrom === null && (
        <div ref={tooltipRef} className="metric-chart-tooltip" data-testid="chart-tooltip" data-rows={rows.length} style={tooltipPosition(hover, shown.rows.length + (shown.more > 0 ? 1 : 0), box, chart)}>
          <div className="metric-chart-tooltip-title">
            {xKind === 'step' ? 'step ' : ''}
            {formatX(first.x, xKind, span)}
            {first.step !== null && xKind !== 'step' ? ` · step ${formatNumber(first.step)}` : ''}
          </div>
          <div className="metric-chart-tooltip-rows">
            {shown.rows.map((row) => (
              <div key={row.line.id} className={row.line.dimmed || row.line.faded ? 'metric-chart-tooltip-row is-dimmed' : 'metric-chart-tooltip-row'}>
                <span className="swatch" style={{ background: row.line.color }} />
                <span className="label">{row.line.label}</span>
                <span className="value">{format.format(row.value)}</span>
              </div>
            ))}
            {shown.more > 0 && <div className="metric-chart-tooltip-more muted">and {shown.more} more</div>}
          </div>
        </div>
      )}
    </div>
  );
}

/** A tooltip row: a line's value at the hovered x. */
interface TooltipRow {
  readonly line: ChartLine;
  readonly value: number;
}

/**
 * The rows a tooltip of `fits` rows shows, sorted by value: all of them when they fit, else those
 * whose value is nearest the pointer's (a run singled out is always among them).
 */
export function tooltipRows<Row extends TooltipRow>(rows: readonly Row[], fits: number, pointerValue: number): { rows: Row[]; more: number } {
  if (rows.length <= fits) return { rows: [...rows], more: 0 };
  const distance = (row: Row) => (row.line.focused ? -1 : Number.isFinite(row.value) ? Math.abs(row.value - pointerValue) : Infinity);
  const nearest = new Set([...rows].sort((a, b) => distance(a) - distance(b)).slice(0, fits));
  return { rows: rows.filter((row) => nearest.has(row)), more: rows.length - fits };
}

/** Beside the pointer, on the side with more room, inside the chart (coordinates relative to the plot area). */
function tooltipPosition(hover: Hover, rowCount: number, box: PlotBox, chart: { width: number; height: number }): CSSProperties {
  const height = TOOLTIP_CHROME_PX + rowCount * TOOLTIP_ROW_PX;
  const right = chart.width - box.left;
  const onLeft = hover.px + 14 + TOOLTIP_WIDTH_PX > right && hover.px > right - hover.px;
  const left = onLeft ? Math.max(-box.left, hover.px - 14 - TOOLTIP_WIDTH_PX) : hover.px + 14;
  const top = Math.max(-box.top, Math.min(hover.py - height / 2, chart.height - box.top - height));
  return { left, top, maxWidth: TOOLTIP_WIDTH_PX };
}
