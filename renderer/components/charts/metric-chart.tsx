// A metric chart: recharts draws the axes and grid, a canvas over the plot area draws the lines
// (see metric-canvas.ts for why), and a transparent layer on top handles the pointer: a tooltip
// with every line's value at the hovered x, and drag-to-zoom. Lines come from a LineSource the
// chart subscribes to, so points logged while a run is live are drawn without a React render;
// only a change of the axes' domain renders the (memoized) recharts part again.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type MouseEvent as ReactMouseEvent } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis, usePlotArea } from 'recharts';
import { nearestIndexByX } from '../../../shared/metric-alignment';
import { lineExtents, smoothedValues, type ChartLine, type LineSource } from './chart-lines';
import { axisMapping, axisTicks, formatNumber, formatX, niceDomain, type AxisMapping, type XKind, type YScale } from '../../models/charts/chart-scales';
import { formatMetricValue } from '../value-format';
import { drawMetricLines } from './metric-canvas';

/** Props of {@link MetricChart}. */
export interface MetricChartProps {
  readonly source: LineSource;
  readonly xKind: XKind;
  readonly yScale: YScale;
  /** Debiased EMA weight in [0, 1). */
  readonly smoothing: number;
  /** The zoomed x-range, or null to fit the data. */
  readonly xRange: readonly [number, number] | null;
  readonly onZoom?: (range: [number, number]) => void;
  readonly onResetZoom?: () => void;
  /** Called after each draw of the lines, with the number of points drawn. */
  readonly onDrawn?: (points: number) => void;
  readonly height?: number;
  readonly testId?: string;
  /** Shown over the empty axes instead of "No points to draw yet." (e.g. while loading). */
  readonly emptyMessage?: string;
}

interface ChartView {
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
}

interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const MARGIN = { top: 10, right: 16, bottom: 0, left: 0 };
const Y_AXIS_WIDTH = 58;
const X_AXIS_HEIGHT = 26;
const NO_DATA: never[] = [];
/**
 * The axes drawn before there are lines: mounting recharts is the costly part of a chart's first
 * render, so it happens while the series are still being fetched, and the chart keeps its layout.
 */
const EMPTY_VIEW: ChartView = { xDomain: [0, 1], yDomain: [0, 1], xTicks: [0, 0.5, 1], yTicks: [0, 0.5, 1] };
const X_TICK = { fontSize: 11, fill: 'var(--chart-tick, #888)', className: 'chart-x-tick' };
const Y_TICK = { fontSize: 11, fill: 'var(--chart-tick, #888)', className: 'chart-y-tick' };

/** Widens [min, max] to whole tick steps so that the axes move rarely while a run logs. */
function snapToTicks(min: number, max: number, kind: XKind | 'value', scale: YScale): [number, number] {
  if (scale === 'log') return niceDomain(min, max, 'log');
  const [low, high] = niceDomain(min, max, 'linear');
  const ticks = axisTicks([low, high], 5, { kind });
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : high - low;
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

function computeView(lines: readonly ChartLine[], xKind: XKind, yScale: YScale, xRange: readonly [number, number] | null): ChartView | null {
  const extents = lineExtents(lines, yScale, xRange);
  if (!extents) return null;
  const xDomain = xRange ? ([xRange[0], xRange[1]] as const) : snapToTicks(extents.x[0], extents.x[1], xKind, 'linear');
  const yDomain = snapToTicks(extents.y[0], extents.y[1], 'value', yScale);
  return {
    xDomain,
    yDomain,
    xTicks: axisTicks(xDomain, 6, { kind: xKind }),
    yTicks: axisTicks(yDomain, 5, { kind: 'value', scale: yScale }),
  };
}

function sameView(a: ChartView | null, b: ChartView | null): boolean {
  if (a === null || b === null) return a === b;
  return a.xDomain[0] === b.xDomain[0] && a.xDomain[1] === b.xDomain[1] && a.yDomain[0] === b.yDomain[0] && a.yDomain[1] === b.yDomain[1];
}

/** Reports recharts' plot area (inside the margins and axes) to the canvas and pointer layers. */
function PlotAreaProbe({ onChange }: { onChange: (box: PlotBox) => void }) {
  const area = usePlotArea();
  useLayoutEffect(() => {
    if (area) onChange({ left: area.x, top: area.y, width: area.width, height: area.height });
  }, [area?.x, area?.y, area?.width, area?.height, onChange]);
  return null;
}

interface AxesProps {
  readonly width: number;
  readonly height: number;
  readonly view: ChartView;
  readonly xKind: XKind;
  readonly yScale: YScale;
  readonly onPlotArea: (box: PlotBox) => void;
}

/**
 * The recharts part: grid and axes only; renders again only when the domain or size changes. Its
 * few ticks are all shown (interval 0): recharts then skips measuring each label in the DOM,
 * which forces a layout per label.
 */
const ChartAxes = memo(function ChartAxes({ width, height, view, xKind, yScale, onPlotArea }: AxesProps) {
  const span = view.xDomain[1] - view.xDomain[0];
  return (
    <LineChart width={width} height={height} data={NO_DATA} margin={MARGIN}>
      <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" />
      <XAxis
        type="number"
        dataKey="x"
        domain={view.xDomain as [number, number]}
        ticks={view.xTicks as number[]}
        allowDataOverflow
        height={X_AXIS_HEIGHT}
        tick={X_TICK}
        stroke="var(--chart-axis, #888)"
        tickFormatter={(value: number) => formatX(value, xKind, span)}
        interval={0}
      />
      <YAxis
        type="number"
        domain={view.yDomain as [number, number]}
        ticks={view.yTicks as number[]}
        scale={yScale}
        allowDataOverflow
        width={Y_AXIS_WIDTH}
        tick={Y_TICK}
        stroke="var(--chart-axis, #888)"
        tickFormatter={formatNumber}
        interval={0}
      />
      <PlotAreaProbe onChange={onPlotArea} />
    </LineChart>
  );
});

/** A metric chart of one or many lines, with a hover tooltip and drag-to-zoom. */
export function MetricChart({ source, xKind, yScale, smoothing, xRange, onZoom, onResetZoom, onDrawn, height = 240, testId, emptyMessage }: MetricChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [plot, setPlot] = useState<PlotBox | null>(null);
  const linesRef = useRef<readonly ChartLine[]>(source.getLines());
  const [view, setView] = useState<ChartView | null>(() => computeView(linesRef.current, xKind, yScale, xRange));
  const viewRef = useRef(view);
  viewRef.current = view;
  const highlightRef = useRef<string | null>(null);
  const settings = useRef({ xKind, yScale, xRange, smoothing, onDrawn });
  settings.current = { xKind, yScale, xRange, smoothing, onDrawn };

  const mappings = useMemo(() => {
    if (!view || !plot) return null;
    return {
      x: axisMapping(view.xDomain, 0, plot.width, 'linear'),
      y: axisMapping(view.yDomain, plot.height, 0, yScale),
    };
  }, [view, plot, yScale]);
  const mappingsRef = useRef(mappings);
  mappingsRef.current = mappings;

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const current = mappingsRef.current;
    if (!canvas || !current || !plot) return;
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.round(plot.width * ratio);
    const pixelHeight = Math.round(plot.height * ratio);
    if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
    }
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    // Reading a CSS variable can force a style recalculation: only when some line needs it.
    const dimmedColor = linesRef.current.some((line) => line.dimmed)
      ? getComputedStyle(canvas).getPropertyValue('--chart-dimmed').trim() || 'rgba(128, 128, 128, 0.18)'
      : '';
    const points = drawMetricLines(context, linesRef.current, {
      x: current.x,
      y: current.y,
      width: plot.width,
      height: plot.height,
      smoothing: settings.current.smoothing,
      highlightId: highlightRef.current,
      dimmedColor,
    });
    const container = containerRef.current;
    if (container) {
      container.dataset.pointCount = String(points);
      container.dataset.lineCount = String(linesRef.current.length);
      container.dataset.drawn = String(Number(container.dataset.drawn ?? 0) + 1);
    }
    settings.current.onDrawn?.(points);
  }, [plot]);

  // One draw per frame, however many changes asked for one.
  const frame = useRef(0);
  const drawRef = useRef(draw);
  drawRef.current = draw;
  const scheduleDraw = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      drawRef.current();
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Live lines: redraw in place; render again only when the axes must move.
  useEffect(() => {
    const refresh = () => {
      const lines = source.getLines();
      if (lines === linesRef.current) return;
      linesRef.current = lines;
      const { xKind: kind, yScale: scale, xRange: range } = settings.current;
      const next = computeView(lines, kind, scale, range);
      if (!sameView(next, viewRef.current)) {
        setView(next);
        return;
      }
      scheduleDraw();
    };
    refresh();
    return source.subscribe(refresh);
  }, [source, scheduleDraw]);

  // A new x-axis, scale or zoom: new domain.
  useEffect(() => {
    const next = computeView(linesRef.current, xKind, yScale, xRange);
    if (!sameView(next, viewRef.current)) setView(next);
  }, [xKind, yScale, xRange]);

  useLayoutEffect(scheduleDraw, [scheduleDraw, draw, mappings, smoothing]);

  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(container);
    return () => observer.disconnect();
  }, []);

  const setHighlight = useCallback(
    (id: string | null) => {
      if (highlightRef.current === id) return;
      highlightRef.current = id;
      draw();
    },
    [draw],
  );

  const emptyText = emptyMessage ?? (yScale === 'log' ? 'No positive values to draw on a log scale.' : 'No points to draw yet.');
  return (
    <div ref={containerRef} className="metric-chart" style={{ height }} data-testid={testId} data-ready={view ? 'true' : 'empty'}>
      {width > 0 && (
        <>
          <ChartAxes width={width} height={height} view={view ?? EMPTY_VIEW} xKind={xKind} yScale={yScale} onPlotArea={setPlot} />
          {!view && (
            <div className="metric-chart-empty" style={plot ? { left: plot.left, top: plot.top, width: plot.width, height: plot.height } : undefined}>
              {emptyText}
            </div>
          )}
          {view && plot && (
            <canvas
              ref={canvasRef}
              className="metric-chart-canvas"
              style={{ left: plot.left, top: plot.top, width: plot.width, height: plot.height }}
            />
          )}
          {view && plot && mappings && (
            <PointerLayer
              box={plot}
              mappings={mappings}
              linesRef={linesRef}
              xKind={xKind}
              smoothing={smoothing}
              onHighlight={setHighlight}
              onZoom={onZoom}
              onResetZoom={onResetZoom}
            />
          )}
        </>
      )}
    </div>
  );
}

interface PointerLayerProps {
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
function PointerLayer({ box, mappings, linesRef, xKind, smoothing, onHighlight, onZoom, onResetZoom }: PointerLayerProps) {
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
