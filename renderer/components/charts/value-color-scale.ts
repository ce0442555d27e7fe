// A sequential color scale for coloring runs by a metric (parallel coordinates, scatter): violet
// through blue, teal and green to amber. Viridis-like, but both ends are kept at mid lightness so
// that thin lines read on the light theme (no pale yellow) and on the dark one (no near-black).

const STOPS: readonly (readonly [number, number, number])[] = [
  [128, 90, 213],
  [59, 118, 208],
  [22, 156, 146],
  [86, 170, 60],
  [224, 146, 16],
];

/** The color of t in [0, 1] (clamped); NaN gives grey. */
function scaleColor(t: number): string {
  if (Number.isNaN(t)) return '#9a9a9a';
  const position = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const index = Math.min(STOPS.length - 2, Math.floor(position));
  const within = position - index;
  const from = STOPS[index]!;
  const to = STOPS[index + 1]!;
  const channel = (c: 0 | 1 | 2) => Math.round(from[c] + (to[c] - from[c]) * within);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/** A function coloring values by where they lie between min and max. */
export function valueColorScale(values: Iterable<number | null>): (value: number | null) => string {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const span = max - min;
  return (value) => (value === null || !Number.isFinite(value) ? scaleColor(Number.NaN) : scaleColor(span > 0 ? (value - min) / span : 0.5));
}

/** CSS for a legend bar of the scale. */
export const SCALE_GRADIENT_CSS = `linear-gradient(to right, ${STOPS.map((_, i) => scaleColor(i / (STOPS.length - 1))).join(', ')})`;
