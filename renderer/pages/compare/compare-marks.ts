// The performance marks the compare charts set, read by bench/ui-compare-bench.ts.

/** Names of the performance marks: the view asked to open, every chart drawn after that, and a smoothing change redrawn. */
export const COMPARE_MARKS = {
  open: 'cairn:compare-open',
  chartsDrawn: 'cairn:compare-charts-drawn',
  smoothingStart: 'cairn:smoothing-start',
  smoothingDrawn: 'cairn:smoothing-drawn',
} as const;
