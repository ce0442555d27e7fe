// Parallel coordinates' data: one axis per field with every run's value, and brushes that keep
// only the runs whose values lie in the brushed spans. Shared by the chart and the compare state.

/** One axis: a field's values for every run. */
export interface ParallelAxis {
  readonly id: string;
  readonly label: string;
  readonly numeric: boolean;
  /** Value per run id; null when the run lacks the field. */
  readonly values: ReadonlyMap<string, number | string | null>;
  /** Sorted categories (categorical axes). */
  readonly categories: readonly string[];
}

/** A brushed span of one axis, in its own terms. */
export type ParallelBrush = { readonly kind: 'range'; readonly min: number; readonly max: number } | { readonly kind: 'categories'; readonly values: readonly string[] };

/** The runs that pass every brush (a run lacking a brushed field does not). */
export function runsPassingBrushes(runIds: readonly string[], axes: readonly ParallelAxis[], brushes: Readonly<Record<string, ParallelBrush>>): Set<string> {
  const active = axes.filter((axis) => brushes[axis.id]);
  return new Set(
    runIds.filter((runId) =>
      active.every((axis) => {
        const brush = brushes[axis.id]!;
        const value = axis.values.get(runId) ?? null;
        if (value === null) return false;
        return brush.kind === 'range' ? typeof value === 'number' && value >= brush.min && value <= brush.max : brush.values.includes(String(value));
      }),
    ),
  );
}
