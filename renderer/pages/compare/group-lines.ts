// Grouped runs in the metric charts: the runs of a group are resampled on one x grid (linear
// interpolation inside each run's own x extent) and drawn as their mean with a ±1 std band.
import type { ChartLine } from '../../components/charts/chart-lines';
import type { MetricSeries } from '../../../shared/metric-series';

/** Grid points of a group's mean line. */
const GROUP_GRID_POINTS = 400;

/** Linear interpolation of a sorted series at x; NaN outside its extent or next to a non-finite value. */
function interpolate(xs: Float64Array, ys: Float64Array, x: number, from: number): { value: number; index: number } {
  let i = from;
  while (i < xs.length - 1 && xs[i + 1]! < x) i++;
  const x0 = xs[i]!;
  const x1 = xs[i + 1];
  if (x < x0 || x1 === undefined) return { value: x === x0 ? ys[i]! : Number.NaN, index: i };
  const t = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
  return { value: ys[i]! + (ys[i + 1]! - ys[i]!) * t, index: i };
}

/** The mean ± std of a group's series as one chart line. */
export function groupLine(id: string, label: string, color: string, members: readonly MetricSeries[]): ChartLine {
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const member of members) {
    if (member.x.length === 0) continue;
    xMin = Math.min(xMin, member.x[0]!);
    xMax = Math.max(xMax, member.x.at(-1)!);
  }
  const count = xMin < xMax ? GROUP_GRID_POINTS : xMin === xMax ? 1 : 0;
  const x = Array.from({ length: count }, (_, i) => (count === 1 ? xMin : xMin + ((xMax - xMin) * i) / (count - 1)));
  const sums = new Float64Array(count);
  const squares = new Float64Array(count);
  const counts = new Uint32Array(count);
  for (const member of members) {
    let cursor = 0;
    for (let i = 0; i < count; i++) {
      const found = interpolate(member.x, member.y, x[i]!, cursor);
      cursor = found.index;
      if (!Number.isFinite(found.value)) continue;
      sums[i] = sums[i]! + found.value;
      squares[i] = squares[i]! + found.value * found.value;
      counts[i] = counts[i]! + 1;
    }
  }
  const mean = new Array<number>(count);
  const lower = new Array<number>(count);
  const upper = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const n = counts[i]!;
    const average = n ? sums[i]! / n : Number.NaN;
    const std = n ? Math.sqrt(Math.max(0, squares[i]! / n - average * average)) : Number.NaN;
    mean[i] = average;
    lower[i] = average - std;
    upper[i] = average + std;
  }
  return { id, label: `${label} (${members.length} runs)`, color, x, y: mean, steps: null, band: { lower, upper } };
}
