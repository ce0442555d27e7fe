// A metric chart: recharts draws the axes and grid (metric-chart-axes.tsx), a canvas over the plot
// area draws the lines (see metric-canvas.ts for why), and a transparent layer on top handles the
// pointer (metric-chart-pointer.tsx). Lines come from a LineSource the chart subscribes to, so
// points logged while a run is live are drawn without a React render; only a change of the axes'
// domain (metric-chart-view.ts) renders the (memoized) recharts part again.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { axisMapping, type XKind, type YScale } from '../../models/charts/chart-scales';
import type { ChartLine, LineSource } from './chart-lines';
import { drawMetricLines } from './metric-canvas';
import { ChartAxes } from './metric-chart-axes';
import { PointerLayer } from './metric-chart-pointer';
import { computeView, EMPTY_VIEW, sameView, type ChartView, type PlotBox } from './metric-chart-view';

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
      container.dataset.focusedLine = linesRef.current.find((line) => line.focused)?.id ?? '';
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
              chart={{ width, height }}
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
