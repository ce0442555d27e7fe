// Parallel coordinates as a small SVG: one vertical axis per field (numeric, or categories spread
// evenly), one line per run colored by a chosen metric, and brushing: drag along an axis to keep
// only the runs whose value lies in the brushed span; click an axis to clear its brush.
import { useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { axisTicks, formatNumber } from '../../models/charts/chart-scales';
import type { ParallelAxis, ParallelBrush } from '../../models/charts/parallel-brushes';

/** Props of {@link ParallelCoordinates}. */
export interface ParallelCoordinatesProps {
  readonly runIds: readonly string[];
  readonly axes: readonly ParallelAxis[];
  readonly brushes: Readonly<Record<string, ParallelBrush>>;
  /** Runs that pass every brush. */
  readonly selected: ReadonlySet<string>;
  readonly colorOf: (runId: string) => string;
  readonly labelOf: (runId: string) => string;
  readonly onBrush: (axisId: string, brush: ParallelBrush | null) => void;
  readonly width: number;
  readonly height?: number;
}

const PAD = { top: 36, bottom: 22, left: 56, right: 56 };
/** Characters of a category or axis name shown before it is cut with an ellipsis. */
const CATEGORY_CHARS = 18;
const TITLE_CHARS = 22;

let measureContext: CanvasRenderingContext2D | null = null;

/** The width of a text in a font, measured on a canvas (an estimate where there is none). */
function textWidth(text: string, font: string): number {
  measureContext ??= typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 6.5;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

function shorten(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** Room at the sides for what the first axis writes to its left (tick labels, half its name) and the last axis to its right (half its name). */
function sidePadding(scales: readonly AxisScale[], font: { tick: string; title: string }): { left: number; right: number } {
  const first = scales[0];
  const last = scales.at(-1);
  if (!first || !last) return { left: PAD.left, right: PAD.right };
  const ticks = Math.max(0, ...first.ticks.map((tick) => textWidth(tick.label, font.tick)));
  const halfTitle = (scale: AxisScale) => textWidth(shorten(scale.axis.label, TITLE_CHARS), font.title) / 2;
  return {
    left: Math.ceil(Math.max(PAD.left, ticks + 12, halfTitle(first) + 4)),
    right: Math.ceil(Math.max(PAD.right, halfTitle(last) + 4)),
  };
}
const BRUSH_HIT_WIDTH = 28;
/** A brush reaches this many pixels past where the drag started and ended, so a line at an end is easy to catch. */
const BRUSH_SLACK_PX = 4;

interface AxisScale {
  readonly axis: ParallelAxis;
  readonly x: number;
  /** The y of a value, or null when it has none on this axis. */
  toY(value: number | string | null): number | null;
  /** The brush covering pixel span [y0, y1]. */
  brushFor(y0: number, y1: number): ParallelBrush;
  /** The pixel span a brush covers. */
  spanOf(brush: ParallelBrush): readonly [number, number] | null;
  readonly ticks: readonly { readonly y: number; readonly label: string }[];
}

function numericExtent(axis: ParallelAxis): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of axis.values.values()) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (!(min <= max)) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

function scaleAxis(axis: ParallelAxis, x: number, top: number, bottom: number): AxisScale {
  const height = bottom - top;
  if (axis.numeric) {
    const [min, max] = numericExtent(axis);
    const toY = (value: number | string | null) => (typeof value === 'number' && Number.isFinite(value) ? bottom - ((value - min) / (max - min)) * height : null);
    const fromY = (y: number) => min + ((bottom - y) / height) * (max - min);
    return {
      axis,
      x,
      toY,
      brushFor: (y0, y1) => ({ kind: 'range', min: fromY(Math.max(y0, y1) + BRUSH_SLACK_PX), max: fromY(Math.min(y0, y1) - BRUSH_SLACK_PX) }),
      spanOf: (brush) => (brush.kind === 'range' ? [toY(brush.max)!, toY(brush.min)!] : null),
      ticks: axisTicks([min, max], 5, { kind: 'value' }).map((value) => ({ y: toY(value)!, label: formatNumber(value) })),
    };
  }
  const count = Math.max(1, axis.categories.length);
  const yOf = (index: number) => top + ((index + 0.5) / count) * height;
  const positions = new Map(axis.categories.map((category, index) => [category, yOf(index)]));
  return {
    axis,
    x,
    toY: (value) => (value === null ? null : (positions.get(String(value)) ?? null)),
    brushFor: (y0, y1) => ({
      kind: 'categories',
      values: axis.categories.filter((category) => {
        const y = positions.get(category)!;
        return y >= Math.min(y0, y1) - BRUSH_SLACK_PX && y <= Math.max(y0, y1) + BRUSH_SLACK_PX;
      }),
    }),
    spanOf: (brush) => {
      if (brush.kind !== 'categories' || brush.values.length === 0) return null;
      const ys = brush.values.map((value) => positions.get(value) ?? top);
      return [Math.min(...ys) - 6, Math.max(...ys) + 6];
    },
    ticks: axis.categories.map((category, index) => ({ y: yOf(index), label: shorten(category, CATEGORY_CHARS) })),
  };
}

/** The fonts of the tick labels and axis names (those of the page's CSS; the system font before the chart is mounted). */
function getFonts(svg: SVGSVGElement | null): { tick: string; title: string } {
  const family = getComputedStyle(svg ?? document.body).fontFamily;
  return { tick: `10px ${family}`, title: `600 12px ${family}` };
}

/** Parallel coordinates with brushing, in SVG. */
export function ParallelCoordinates({ runIds, axes, brushes, selected, colorOf, labelOf, onBrush, width, height = 320 }: ParallelCoordinatesProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ axisId: string; from: number; to: number } | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const top = PAD.top;
  const bottom = height - PAD.bottom;
  const scales = useMemo(() => {
    // Placed once to learn the labels, then again with room for the outer axes' labels.
    const font = getFonts(svgRef.current);
    const place = (left: number, right: number) => {
      const usable = width - left - right;
      return axes.map((axis, i) => scaleAxis(axis, left + (axes.length === 1 ? usable / 2 : (usable * i) / (axes.length - 1)), top, bottom));
    };
    const padding = sidePadding(place(PAD.left, PAD.right), font);
    return place(padding.left, padding.right);
  }, [axes, width, top, bottom]);

  const paths = useMemo(
    () =>
      runIds.map((runId) => {
        let d = '';
        let pen = false;
        for (const scale of scales) {
          const y = scale.toY(scale.axis.values.get(runId) ?? null);
          if (y === null) {
            pen = false;
            continue;
          }
          d += `${pen ? 'L' : 'M'}${scale.x.toFixed(1)},${y.toFixed(1)}`;
          pen = true;
        }
        return { runId, d };
      }),
    [runIds, scales],
  );

  const pointerY = (event: ReactPointerEvent) => {
    const rect = svgRef.current!.getBoundingClientRect();
    return Math.min(bottom, Math.max(top, event.clientY - rect.top));
  };

  const endDrag = () => {
    if (!drag) return;
    const scale = scales.find((one) => one.axis.id === drag.axisId);
    setDrag(null);
    if (!scale) return;
    if (Math.abs(drag.to - drag.from) < 3) onBrush(drag.axisId, null);
    else onBrush(drag.axisId, scale.brushFor(drag.from, drag.to));
  };

  const anyBrush = Object.keys(brushes).length > 0;
  return (
    <svg
      ref={svgRef}
      className="parallel-coordinates"
      width={width}
      height={height}
      data-testid="parallel-coordinates"
      onPointerMove={(event) => drag && setDrag({ ...drag, to: pointerY(event) })}
      onPointerUp={endDrag}
      onPointerLeave={endDrag}
    >
      <g className="parallel-lines">
        {paths.map(({ runId, d }) => {
          const isSelected = !anyBrush || selected.has(runId);
          return (
            <path
              key={runId}
              d={d}
              className={isSelected ? 'parallel-line' : 'parallel-line is-filtered'}
              stroke={isSelected ? colorOf(runId) : undefined}
              strokeWidth={hovered === runId ? 3 : 1.4}
              onPointerEnter={() => setHovered(runId)}
              onPointerLeave={() => setHovered(null)}
            >
              <title>{labelOf(runId)}</title>
            </path>
          );
        })}
      </g>
      {scales.map((scale) => {
        const brush = brushes[scale.axis.id];
        const span = drag?.axisId === scale.axis.id ? ([Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] as const) : brush ? scale.spanOf(brush) : null;
        return (
          <g key={scale.axis.id} className="parallel-axis" data-testid={`parallel-axis-${scale.axis.id}`}>
            <line x1={scale.x} x2={scale.x} y1={top} y2={bottom} className="parallel-axis-line" />
            <text x={scale.x} y={top - 20} textAnchor="middle" className="parallel-axis-label">
              {shorten(scale.axis.label, TITLE_CHARS)}
            </text>
            {scale.ticks.map((tick, i) => (
              <text key={i} x={scale.x - 6} y={tick.y + 3} textAnchor="end" className="parallel-axis-tick">
                {tick.label}
              </text>
            ))}
            {span && <rect x={scale.x - 8} width={16} y={span[0]} height={Math.max(2, span[1] - span[0])} className="parallel-brush" />}
            <rect
              x={scale.x - BRUSH_HIT_WIDTH / 2}
              width={BRUSH_HIT_WIDTH}
              y={top}
              height={bottom - top}
              className="parallel-brush-target"
              data-testid={`parallel-brush-${scale.axis.id}`}
              onPointerDown={(event) => {
                event.preventDefault();
                const y = pointerY(event);
                setDrag({ axisId: scale.axis.id, from: y, to: y });
              }}
            />
          </g>
        );
      })}
    </svg>
  );
}
