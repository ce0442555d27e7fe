// Two executions side by side: for each stage of either, how its state, the params it read, its
// metrics and its outs differ, so a view can show what a variant changed and what came of it.
import type { ExecutionRecord, ExecutionStageRecord } from './pipeline-execution-store';

/** A value that differs between the two executions (undefined: absent on that side). */
export interface ValueChange {
  readonly key: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** One stage compared. */
export interface StageComparison {
  readonly stage: string;
  readonly a: ExecutionStageRecord | null;
  readonly b: ExecutionStageRecord | null;
  readonly stateChanged: boolean;
  readonly params: readonly ValueChange[];
  readonly metrics: readonly ValueChange[];
  /** Outs whose md5 differs (or that only one side has). */
  readonly outs: readonly string[];
}

/** Two executions compared, stage by stage (in the order of `a`, then stages only `b` has). */
export interface ExecutionComparison {
  readonly a: ExecutionRecord;
  readonly b: ExecutionRecord;
  readonly stages: readonly StageComparison[];
}

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

function flatParams(stage: ExecutionStageRecord | null): Record<string, unknown> | null {
  if (!stage?.params) return null;
  const flat: Record<string, unknown> = {};
  for (const [file, values] of Object.entries(stage.params)) {
    for (const [key, value] of Object.entries(values)) flat[file === 'params.yaml' ? key : `${file}:${key}`] = value;
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
