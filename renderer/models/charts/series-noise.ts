// Whether a metric's curve is noisy: drawn raw, such a curve is a band in which the trend (and,
// with many runs, every run but the last drawn) disappears, and smoothing helps. The measure is
// how far each point lies from the midpoint of its neighbours, against the spread of the values:
// a trend, however steep, keeps points near that midpoint; noise does not.

/** Points a series needs before it is judged. */
const MIN_POINTS = 20;
/** Mean distance from the neighbours' midpoint, as a share of the spread, above which a series is noisy. */
const NOISY_ABOVE = 0.03;

/** The series' roughness: mean |y[i] − (y[i−1] + y[i+1]) / 2| over the spread of the middle 90% of values. */
export function seriesRoughness(y: ArrayLike<number>): number {
  const values: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]!)) values.push(y[i]!);
  if (values.length < MIN_POINTS) return 0;
  let total = 0;
  for (let i = 1; i < values.length - 1; i++) total += Math.abs(values[i]! - (values[i - 1]! + values[i + 1]!) / 2);
  const sorted = [...values].sort((a, b) => a - b);
  const spread = sorted[Math.floor(sorted.length * 0.95)]! - sorted[Math.floor(sorted.length * 0.05)]!;
  return spread > 0 ? total / (values.length - 2) / spread : 0;
}

/** Whether smoothing would help reading the series. */
export function isNoisy(y: ArrayLike<number>): boolean {
  return seriesRoughness(y) > NOISY_ABOVE;
}

/** The smoothing weight suggested for noisy curves of this many points: more points, more smoothing. */
export function suggestedSmoothing(points: number): number {
  return points > 2000 ? 0.95 : points > 300 ? 0.9 : 0.8;
}
