// Axes of the metric chart: nice domains and ticks, value-to-pixel mappings (linear and log),
// and tick labels for steps, wall time, durations and metric values.

/** What the chart's x values are. */
export type XKind = 'step' | 'wall' | 'relative' | 'metric';
/** How the y-axis maps values. */
export type YScale = 'linear' | 'log';

/** Maps data values to pixels and back along one axis. */
export interface AxisMapping {
  readonly domain: readonly [number, number];
  readonly scale: YScale;
  toPixel(value: number): number;
  fromPixel(pixel: number): number;
}

/** A mapping of `domain` onto the pixel range [from, to] (to may be smaller, as for y). */
export function axisMapping(domain: readonly [number, number], from: number, to: number, scale: YScale = 'linear'): AxisMapping {
  const forward = scale === 'log' ? Math.log10 : (value: number) => value;
  const backward = scale === 'log' ? (value: number) => 10 ** value : (value: number) => value;
  const low = forward(domain[0]);
  const span = forward(domain[1]) - low || 1;
  const ratio = (to - from) / span;
  return {
    domain,
    scale,
    toPixel: (value) => from + (forward(value) - low) * ratio,
    fromPixel: (pixel) => backward(low + (pixel - from) / ratio),
  };
}

const TICK_MULTIPLES = [1, 2, 2.5, 5, 10];
/** Steps are whole numbers: no 2.5 (ticks at 2.5, 7.5, 12.5 mean nothing), and never below 1. */
const WHOLE_MULTIPLES = [1, 2, 5, 10];

/** A step between ticks: 1, 2, 2.5 or 5 times a power of ten (whole steps: 1, 2 or 5, at least 1), giving about `count` ticks over span. */
function niceStep(span: number, count: number, whole = false): number {
  const raw = whole ? Math.max(1, span / Math.max(1, count)) : span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  return power * (whole ? WHOLE_MULTIPLES : TICK_MULTIPLES).find((multiple) => multiple * power >= raw)!;
}

/** The distance between the ticks axisTicks puts on a linear axis. */
export function tickStep(domain: readonly [number, number], count: number, kind: XKind | 'value'): number {
  const span = domain[1] - domain[0];
  if (kind === 'wall') return timeStep(span, count, 1);
  if (kind === 'relative') return timeStep(span, count, SECOND);
  return niceStep(span, count, kind === 'step');
}

const SECOND = 1000;
const TIME_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, 60 * SECOND,
  2 * 60 * SECOND, 5 * 60 * SECOND, 10 * 60 * SECOND, 15 * 60 * SECOND, 30 * 60 * SECOND, 3600 * SECOND, 2 * 3600 * SECOND,
  3 * 3600 * SECOND, 6 * 3600 * SECOND, 12 * 3600 * SECOND, 24 * 3600 * SECOND, 2 * 86_400 * SECOND, 7 * 86_400 * SECOND,
];

/** Tick step for time spans (in the axis unit: ms for wall time, seconds for relative time). */
function timeStep(span: number, count: number, unitMs: number): number {
  const rawMs = (span * unitMs) / Math.max(1, count);
  const stepMs = TIME_STEPS_MS.find((candidate) => candidate >= rawMs) ?? niceStep(rawMs, 1);
  return stepMs / unitMs;
}

/** The data extent widened to tick boundaries (linear) or powers of ten (log). */
export function niceDomain(min: number, max: number, scale: YScale, pad = 0): [number, number] {
  if (scale === 'log') {
    const low = 10 ** Math.floor(Math.log10(min));
    const high = 10 ** Math.ceil(Math.log10(max));
    return [low, high === low ? high * 10 : high];
  }
  if (min === max) {
    const half = Math.abs(min) * 0.1 || 1;
    return [min - half, max + half];
  }
  const padding = (max - min) * pad;
  return [min - padding, max + padding];
}

/** About `count` ticks inside the domain, at round values of the axis' kind. */
export function axisTicks(domain: readonly [number, number], count: number, options: { kind: XKind | 'value'; scale?: YScale }): number[] {
  const [low, high] = domain;
  if (!(high > low)) return [low];
  if (options.scale === 'log') {
    const ticks: number[] = [];
    const first = Math.ceil(Math.log10(low));
    const last = Math.floor(Math.log10(high));
    const every = Math.max(1, Math.ceil((last - first + 1) / count));
    for (let power = first; power <= last; power += every) ticks.push(10 ** power);
    return ticks;
  }
  const step = tickStep(domain, count, options.kind);
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    // Snap away floating error (0.30000000000000004).
    ticks.push(Number.parseFloat(tick.toPrecision(12)));
  }
  return ticks;
}

/** Rounds away floating error (0.30000000000000004). */
function clean(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

/**
 * Widens [min, max] to whole tick steps, so that the axes move rarely while a run logs, and puts a
 * tick at each end and every step between: the lowest and the highest ticks are the domain's ends,
 * so both are labelled.
 */
export function snappedAxis(min: number, max: number, count: number, kind: XKind | 'value', scale: YScale): { domain: [number, number]; ticks: number[] } {
  if (scale === 'log') {
    const domain = niceDomain(min, max, 'log');
    return { domain, ticks: axisTicks(domain, count, { kind, scale }) };
  }
  const [low, high] = niceDomain(min, max, 'linear');
  const step = tickStep([low, high], count, kind);
  const first = clean(Math.floor(low / step + 1e-9) * step);
  const last = clean(Math.ceil(high / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) ticks.push(clean(first + i * step));
  return { domain: [first, last], ticks };
}

/** A compact number: 1.2k, 3.5M, 0.0012, 1.23e-7. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1e15 || magnitude < 1e-4) return value.toExponential(2).replace(/\.?0+e/, 'e');
  if (magnitude >= 1e9) return `${trim(value / 1e9)}B`;
  if (magnitude >= 1e6) return `${trim(value / 1e6)}M`;
  if (magnitude >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return Number.parseFloat(value.toPrecision(4)).toString();
}

/** A duration in seconds as an axis label: 45s, 2m 30s, 3h 5m. */
function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  if (rest < 60) return `${sign}${trim(rest)}s`;
  rest = Math.round(rest);
  const hours = Math.floor(rest / 3600);
  const minutes = Math.floor((rest % 3600) / 60);
  const secs = rest % 60;
  if (hours > 0) return `${sign}${hours}h${minutes ? ` ${minutes}m` : ''}`;
  return `${sign}${minutes}m${secs ? ` ${secs}s` : ''}`;
}

/** An x-axis tick or tooltip label for a value of the given kind; `span` is the visible range. */
export function formatX(value: number, kind: XKind, span: number): string {
  if (kind === 'wall') {
    const date = new Date(value);
    const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: span < 10 * 60 * SECOND ? '2-digit' : undefined });
    return span > 86_400 * SECOND ? `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}` : time;
  }
  if (kind === 'relative') return formatSeconds(value);
  return formatNumber(value);
}
