// The columns the compare view plots and diffs: a run's params, latest metric values and tags,
// each named by a field id such as "param:lr" or "metric:val_loss".
import { isMlflowSystemTag } from '../../../shared/mlflow-tags';
import type { Run } from '../../../shared/models';

/** What a field reads from a run. */
export type FieldKind = 'param' | 'metric' | 'tag';

/** One column of the compare view. */
export interface RunField {
  /** `${kind}:${key}` */
  readonly id: string;
  readonly kind: FieldKind;
  readonly key: string;
}

/** A field's value for one run: numbers for metrics (and numeric params), text otherwise, null when missing. */
export type FieldValue = number | string | null;

/** The field with the given id. */
export function parseFieldId(id: string): RunField {
  const at = id.indexOf(':');
  const kind = id.slice(0, at) as FieldKind;
  return { id, kind, key: id.slice(at + 1) };
}

function fieldId(kind: FieldKind, key: string): string {
  return `${kind}:${key}`;
}

/** Every param, metric and tag key present in any of the runs, sorted. System tags (mlflow.*) are left out. */
export function listFields(runs: readonly Run[]): { params: RunField[]; metrics: RunField[]; tags: RunField[] } {
  const keys = { param: new Set<string>(), metric: new Set<string>(), tag: new Set<string>() };
  for (const run of runs) {
    for (const param of run.params) keys.param.add(param.key);
    for (const metric of run.metrics) keys.metric.add(metric.key);
    for (const tag of run.tags) if (!isMlflowSystemTag(tag.key)) keys.tag.add(tag.key);
  }
  const fields = (kind: FieldKind) => [...keys[kind]].sort().map((key) => ({ id: fieldId(kind, key), kind, key }));
  return { params: fields('param'), metrics: fields('metric'), tags: fields('tag') };
}

/** The raw value of a field for a run (params and tags as text). */
export function rawFieldValue(run: Run, field: RunField): FieldValue {
  if (field.kind === 'metric') return run.metrics.find((metric) => metric.key === field.key)?.value ?? null;
  const entries = field.kind === 'param' ? run.params : run.tags;
  return entries.find((entry) => entry.key === field.key)?.value ?? null;
}

function asNumber(text: string): number | null {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** A field's values for many runs: numbers when every present value is numeric, text otherwise. */
export interface FieldColumn {
  readonly field: RunField;
  readonly numeric: boolean;
  readonly values: ReadonlyMap<string, FieldValue>;
  /** Sorted distinct text values (categorical columns). */
  readonly categories: readonly string[];
}

/** Reads a field for every run, deciding whether it is numeric (as metrics are) or categorical. */
export function fieldColumn(runs: readonly Run[], field: RunField): FieldColumn {
  const raw = runs.map((run) => [run.info.runId, rawFieldValue(run, field)] as const);
  const numeric =
    field.kind === 'metric' || raw.every(([, value]) => value === null || typeof value === 'number' || asNumber(value) !== null);
  const values = new Map<string, FieldValue>();
  const categories = new Set<string>();
  for (const [runId, value] of raw) {
    if (value === null) values.set(runId, null);
    else if (numeric) values.set(runId, typeof value === 'number' ? value : asNumber(value));
    else {
      values.set(runId, String(value));
      categories.add(String(value));
    }
  }
  return { field, numeric, values, categories: [...categories].sort() };
}

/** A readable name for a field: the key, with its kind when that is not obvious. */
export function fieldLabel(field: RunField): string {
  return field.kind === 'metric' ? field.key : `${field.key} (${field.kind})`;
}
