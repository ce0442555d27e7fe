// Two executions side by side: for each stage of either, how its state, the params it read, its
// metrics and its outs differ, so a view can show what a variant changed and what came of it.
import type { ExecutionComparison, ExecutionRecord, ExecutionStageRecord, ValueChange } from '../../../shared/pipelines';

export type { ExecutionComparison, StageComparison, ValueChange } from '../../../shared/pipelines';

function changes(a: Readonly<Record<string, unknown>> | null, b: Readonly<Record<string, unknown>> | null): ValueChange[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  const result: ValueChange[] = [];
  for (const key of keys) {
    const left = a?.[key];
    const right = b?.[key];
    if (JSON.stringify(left) !== JSON.stringify(right)) result.push({ key, a: left, b: right });
  }
  return result;
}

/** Adds `value` to `flat` under `key`, a section (a non-empty mapping) as one entry per leaf (`train.lr`). */
function addLeaves(flat: Record<string, unknown>, key: string, value: unknown): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [child, inner] of Object.entries(value)) addLeaves(flat, `${key}.${child}`, inner);
  } else {
    flat[key] = value;
  }
}

/** A stage's params by leaf key (`file:` before the keys of a file other than params.yaml). */
function flatParams(stage: ExecutionStageRecord | null): Record<string, unknown> | null {
  if (!stage?.params) return null;
  const flat: Record<string, unknown> = {};
  for (const [file, values] of Object.entries(stage.params)) {
    for (const [key, value] of Object.entries(values)) addLeaves(flat, file === 'params.yaml' ? key : `${file}:${key}`, value);
  }
  return flat;
}

function outMd5s(stage: ExecutionStageRecord | null): Record<string, unknown> | null {
  return stage?.outs ? Object.fromEntries(stage.outs.map((out) => [out.path, out.md5])) : null;
}

/** Compares two recorded executions. */
export function compareExecutions(
  a: { execution: ExecutionRecord; stages: readonly ExecutionStageRecord[] },
  b: { execution: ExecutionRecord; stages: readonly ExecutionStageRecord[] },
): ExecutionComparison {
  const names = [...new Set([...a.stages.map((stage) => stage.stage), ...b.stages.map((stage) => stage.stage)])];
  return {
    a: a.execution,
    b: b.execution,
    stages: names.map((name) => {
      const left = a.stages.find((stage) => stage.stage === name) ?? null;
      const right = b.stages.find((stage) => stage.stage === name) ?? null;
      return {
        stage: name,
        a: left,
        b: right,
        stateChanged: left?.state !== right?.state,
        params: changes(flatParams(left), flatParams(right)),
        metrics: changes(left?.metrics ?? null, right?.metrics ?? null),
        outs: changes(outMd5s(left), outMd5s(right)).map((change) => change.key),
      };
    }),
  };
}
