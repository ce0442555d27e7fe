// Smoothing of metric curves, with the same semantics as TensorBoard's scalar charts
// (tensorboard/components/vz_line_chart2/line-chart.ts, resmoothDataset), so that a curve
// smoothed in Cairn looks like the same curve smoothed in TensorBoard:
// - a first-order low-pass filter started at 0, `ema = weight · ema + (1 − weight) · value`,
//   divided by the debias weight 1 − weight^k (k = finite values seen so far), so that early
//   points are not pulled towards 0;
// - non-finite values (NaN, ±Infinity) are passed through as they are and neither update the
//   average nor count towards k;
// - a series whose values are all equal is returned as it is (TensorBoard #786: the debiased
//   average of a constant is that constant only up to rounding).
// Runs in the renderer: no Node imports.

/** TensorBoard's debiased exponential moving average of a series; weight in [0, 1), 0 leaves values unchanged. */
export function debiasedExponentialMovingAverage(values: ArrayLike<number>, weight: number): Float64Array {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const smoothed = Float64Array.from(values);
  if (isConstant(smoothed)) return smoothed;
  let average = 0;
  let finiteCount = 0;
  for (let i = 0; i < smoothed.length; i++) {
    const value = smoothed[i]!;
    if (!Number.isFinite(value)) continue;
    average = average * weight + (1 - weight) * value;
    finiteCount++;
    smoothed[i] = average / (1 - Math.pow(weight, finiteCount));
  }
  return smoothed;
}

/** Whether every value equals the first (NaN equals nothing, as in TensorBoard). */
function isConstant(values: Float64Array): boolean {
  const first = values[0];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== first) return false;
  }
  return true;
}
