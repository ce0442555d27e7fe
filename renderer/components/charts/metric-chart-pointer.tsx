// The pointer layer over a metric chart's plot area: a crosshair, a tooltip with every line's value
// at the hovered x (the line nearest the pointer is highlighted), and drag-to-zoom.
import { useEffect, useMemo, useState, type CSSProperties, type MouseEvent as ReactMouseEvent } from 'react';
import { nearestIndexByX } from '../../../shared/metric-alignment';
import { formatNumber, formatX, type AxisMapping, type XKind } from '../../models/charts/chart-scales';
import { formatMetricValue } from '../value-format';
import { smoothedValues, type ChartLine } from './chart-lines';
import type { PlotBox } from './metric-chart-view';

/** Props of {@link PointerLayer}. */
export interface PointerLayerProps {
  readonly box: PlotBox;
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

/** The pointer: crosshair, a tooltip with every line's value at the hovered x, and drag-to-zoom. */
export function PointerLayer({ box, mappings, linesRef, xKind, smoothing, onHighlight, onZoom, onResetZoom }: PointerLayerProps) {
  const [hover, setHover] = useState<Hover | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);

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
      if (row.line.dimmed || !Number.isFinite(row.value)) continue;
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
        <div
          className="metric-chart-tooltip"
          data-testid="chart-tooltip"
          style={tooltipPosition(hover, rows.length)}
        >
          <div className="metric-chart-tooltip-title">
            {xKind === 'step' ? 'step ' : ''}
            {formatX(first.x, xKind, span)}
            {first.step !== null && xKind !== 'step' ? ` · step ${formatNumber(first.step)}` : ''}
          </div>
          <div className="metric-chart-tooltip-rows" style={{ columnCount: Math.ceil(rows.length / 18) }}>
            {rows.map((row) => (
              <div key={row.line.id} className={row.line.dimmed ? 'metric-chart-tooltip-row is-dimmed' : 'metric-chart-tooltip-row'}>
                <span className="swatch" style={{ background: row.line.color }} />
                <span className="label">{row.line.label}</span>
                <span className="value">{formatMetricValue(row.value)}</span>
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

/** Beside the pointer, on the side with more room, in viewport coordinates (the tooltip is position: fixed). */
function tooltipPosition(hover: Hover, rowCount: number): CSSProperties {
  const columns = Math.ceil(rowCount / 18);
  const estimatedWidth = 60 + columns * 200;
  const onLeft = hover.clientX + 16 + estimatedWidth > window.innerWidth;
  return {
    left: onLeft ? undefined : hover.clientX + 16,
    right: onLeft ? window.innerWidth - hover.clientX + 16 : undefined,
    top: Math.max(8, Math.min(hover.clientY + 12, window.innerHeight - 40 - Math.min(rowCount, 18) * 18)),
  };
}
