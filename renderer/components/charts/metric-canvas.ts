// Draws metric lines on a canvas. SVG paths for 100 runs × 1,000 points took 3.4 s to render in
// recharts here (4 charts, measured in Chromium); the same lines on a canvas take tens of
// milliseconds, so the chart draws its lines here and keeps recharts for the axes and grid.
// Many lines are stroked 1 pixel wide: Chromium's software rasterizer strokes 100 × 650 points
// in 12 ms at 1 px and in 130-280 ms at 1.5 px (measured here, by join style).
import { smoothedValues, type ChartLine, type Values } from './chart-lines';
import type { AxisMapping } from '../../models/charts/chart-scales';
import { withAlpha } from '../../models/run-colors/run-palette';

/** How to draw: the mappings, the smoothing, and which line the pointer is on. */
export interface DrawOptions {
  readonly x: AxisMapping;
  readonly y: AxisMapping;
  readonly width: number;
  readonly height: number;
  readonly smoothing: number;
  readonly highlightId: string | null;
  /** Color of lines outside the selection. */
  readonly dimmedColor: string;
}

/** Whether a value can be placed on the y-axis. */
function isDrawable(value: number, options: DrawOptions): boolean {
  return Number.isFinite(value) && (options.y.scale !== 'log' || value > 0);
}

function tracePath(context: CanvasRenderingContext2D, xs: Values, ys: ArrayLike<number>, options: DrawOptions): void {
  let drawing = false;
  for (let i = 0; i < xs.length; i++) {
    const value = ys[i]!;
    if (!isDrawable(value, options)) {
      drawing = false;
      continue;
    }
    const px = options.x.toPixel(xs[i]!);
    const py = options.y.toPixel(value);
    if (drawing) context.lineTo(px, py);
    else context.moveTo(px, py);
    drawing = true;
  }
  // A lone point between gaps would not show: draw it as a dot.
  if (xs.length === 1 && isDrawable(ys[0]!, options)) {
    const px = options.x.toPixel(xs[0]!);
    const py = options.y.toPixel(ys[0]!);
    context.moveTo(px - 1.5, py);
    context.lineTo(px + 1.5, py);
  }
}

function fillBand(context: CanvasRenderingContext2D, line: ChartLine, options: DrawOptions): void {
  const { band, x } = line;
  if (!band) return;
  context.beginPath();
  let start = 0;
  // One polygon per run of points where both edges are drawable.
  while (start < x.length) {
    while (start < x.length && !(isDrawable(band.lower[start]!, options) && isDrawable(band.upper[start]!, options))) start++;
    let end = start;
    while (end < x.length && isDrawable(band.lower[end]!, options) && isDrawable(band.upper[end]!, options)) end++;
    if (end > start) {
      for (let i = start; i < end; i++) {
        const px = options.x.toPixel(x[i]!);
        const py = options.y.toPixel(band.upper[i]!);
        if (i === start) context.moveTo(px, py);
        else context.lineTo(px, py);
      }
      for (let i = end - 1; i >= start; i--) context.lineTo(options.x.toPixel(x[i]!), options.y.toPixel(band.lower[i]!));
      context.closePath();
    }
    start = end;
  }
  context.fillStyle = withAlpha(line.color, 0.16);
  context.fill();
}

/** Lines above which every line is drawn 1 pixel wide. */
const THIN_FROM_LINES = 12;

function strokeLine(
  context: CanvasRenderingContext2D,
  line: ChartLine,
  options: DrawOptions,
  emphasis: 'dimmed' | 'faded' | 'normal' | 'highlight',
  width: number,
): void {
  const smoothing = options.smoothing;
  if (smoothing > 0 && emphasis !== 'dimmed' && emphasis !== 'faded') {
    // The raw series, faint behind its smoothed line.
    context.beginPath();
    tracePath(context, line.x, line.y, options);
    context.strokeStyle = withAlpha(line.color, 0.22);
    context.lineWidth = 1;
    context.stroke();
  }
  context.beginPath();
  tracePath(context, line.x, smoothedValues(line.y, smoothing), options);
  context.strokeStyle = emphasis === 'dimmed' ? options.dimmedColor : emphasis === 'faded' ? withAlpha(line.color, 0.16) : line.color;
  context.lineWidth = emphasis === 'highlight' ? width + 1 : emphasis === 'faded' ? 1 : width;
  context.stroke();
}

/**
 * Clears the canvas and draws every line: bands, then dimmed and faded lines, then the rest, a
 * focused line and the one under the pointer last. Returns the points drawn.
 */
export function drawMetricLines(context: CanvasRenderingContext2D, lines: readonly ChartLine[], options: DrawOptions): number {
  context.clearRect(0, 0, options.width, options.height);
  context.save();
  context.beginPath();
  context.rect(0, 0, options.width, options.height);
  context.clip();
  context.lineJoin = 'round';
  const width = lines.length > THIN_FROM_LINES ? 1 : 1.5;
  let points = 0;
  for (const line of lines) if (line.band && !line.dimmed) fillBand(context, line, options);
  for (const line of lines) if (line.dimmed) strokeLine(context, line, options, 'dimmed', 1);
  for (const line of lines) if (line.faded && !line.dimmed) strokeLine(context, line, options, 'faded', 1);
  let highlighted: ChartLine | null = null;
  for (const line of lines) {
    points += line.x.length;
    if (line.dimmed || line.faded) continue;
    if (line.id === options.highlightId) highlighted = line;
    else strokeLine(context, line, options, line.focused ? 'highlight' : 'normal', line.focused ? width + 0.5 : width);
  }
  if (highlighted) strokeLine(context, highlighted, options, 'highlight', width);
  context.restore();
  return points;
}
