// The pipeline's DAG as DVC builds it: a stage depends on another when one of its deps (or
// params files) is one of the other's outs, lies inside an out folder, or is a folder holding
// an out. Building it also checks what makes a pipeline invalid across stages: an out written
// by two stages, an out inside another out, a cycle, and a dep that nothing writes and that
// does not exist. Planning picks the stages a run covers (targets with what they need, or with
// what follows them) in an order where every stage comes after what it depends on.
import fs from 'node:fs';
import path from 'node:path';
import { PIPELINE_FILE } from './dvc-yaml-parser';
import type { PipelineIssue, StageSpec } from './pipeline-definition';

/** The stages and the edges between them. */
export interface PipelineGraph {
  /** Every stage by name, in dvc.yaml order. */
  readonly stages: ReadonlyMap<string, StageSpec>;
  /** The stages in an order where each comes after the stages it depends on (dvc.yaml order among equals). */
  readonly order: readonly string[];
  /** For each stage, the stages whose outs it reads. */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  /** For each stage, the stages that read its outs. */
  readonly downstream: ReadonlyMap<string, readonly string[]>;
}

/** The graph of the stages, or the issues that make them invalid together. */
export function buildPipelineGraph(projectDir: string, stages: readonly StageSpec[]): { graph: PipelineGraph; issues: PipelineIssue[] } {
  const issues: PipelineIssue[] = [];
  const report = (stage: StageSpec, message: string): void => {
    issues.push({ file: PIPELINE_FILE, line: stage.line, stage: stage.name, message });
  };

  // Outs by project path; the same path twice is an error.
  const writer = new Map<string, StageSpec>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      const other = writer.get(out.projectPath);
      if (other) report(stage, `output '${out.projectPath}' is specified in stages '${other.name}' and '${stage.name}'`);
      else writer.set(out.projectPath, stage);
    }
  }
  const sortedOuts = [...writer.keys()].sort();
  for (const outPath of sortedOuts) {
    const parent = ancestors(outPath).find((ancestor) => writer.has(ancestor));
    if (parent) report(writer.get(outPath)!, `output '${outPath}' (stage '${writer.get(outPath)!.name}') is inside output '${parent}' (stage '${writer.get(parent)!.name}')`);
  }

  /** The stages whose outs a path overlaps: the out it is or lies in, or the outs inside it. */
  const writersOf = (projectPath: string): StageSpec[] => {
    const found = new Set<StageSpec>();
    for (const candidate of [projectPath, ...ancestors(projectPath)]) {
      const stage = writer.get(candidate);
      if (stage) found.add(stage);
    }
    const prefix = `${projectPath}/`;
    for (let i = lowerBound(sortedOuts, prefix); i < sortedOuts.length && sortedOuts[i]!.startsWith(prefix); i++) found.add(writer.get(sortedOuts[i]!)!);
    return [...found];
  };

  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>(stages.map((stage) => [stage.name, []]));
  for (const stage of stages) {
    const needs = new Set<string>();
    const inputs = [...stage.deps.map((dep) => dep.projectPath), ...stage.params.map((params) => params.projectPath)];
    for (const input of inputs) {
      const producers = path.isAbsolute(input) ? [] : writersOf(input);
      if (stage.outs.some((out) => out.projectPath === input)) {
        report(stage, `'${input}' is both a dependency and an output of the stage (circular dependency)`);
        continue;
      }
      for (const producer of producers) needs.add(producer.name);
      if (producers.length === 0 && !fs.existsSync(path.isAbsolute(input) ? input : path.join(projectDir, input))) {
        report(stage, `dependency '${input}' does not exist and no stage writes it`);
      }
    }
    upstream.set(stage.name, [...needs]);
    for (const name of needs) downstream.get(name)?.push(stage.name);
  }

  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const cycle = findCycle(stages.map((stage) => stage.name), upstream);
  if (cycle) report(byName.get(cycle[0]!)!, `the pipeline has a cycle: ${[...cycle, cycle[0]].join(' -> ')} (each needs the next)`);

  const graph: PipelineGraph = { stages: byName, order: cycle ? [] : topologicalOrder(stages.map((s) => s.name), upstream), upstream, downstream };
  return { graph, issues };
}

/** The folders above a '/'-separated path, nearest first. */
function ancestors(projectPath: string): string[] {
  const result: string[] = [];
  let index = projectPath.lastIndexOf('/');
  while (index > 0) {
    result.push(projectPath.slice(0, index));
    index = projectPath.lastIndexOf('/', index - 1);
  }
  return result;
}

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function findCycle(names: readonly string[], upstream: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 'open');
    stack.push(name);
    for (const next of upstream.get(name) ?? []) {
      if (state.get(next) === 'open') return stack.slice(stack.indexOf(next));
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of names) {
    if (!state.has(name)) {
      const found = visit(name);
      if (found) return found;
    }
  }
  return null;
}

function topologicalOrder(names: readonly string[], upstream: ReadonlyMap<string, readonly string[]>): string[] {
  const position = new Map(names.map((name, index) => [name, index]));
  const placed = new Set<string>();
  const order: string[] = [];
  const place = (name: string): void => {
    if (placed.has(name)) return;
    placed.add(name);
    for (const need of [...(upstream.get(name) ?? [])].sort((a, b) => position.get(a)! - position.get(b)!)) place(need);
    order.push(name);
  };
  names.forEach(place);
  return order;
}

/** Targets that name no stage. */
export class UnknownTargetError extends Error {
  constructor(readonly targets: readonly string[]) {
    super(`no stage named ${targets.map((t) => `'${t}'`).join(', ')} in ${PIPELINE_FILE}`);
    this.name = 'UnknownTargetError';
  }
}

/** The stages a target names: a stage, or every stage of a foreach/matrix group; `dvc.yaml:` before it is allowed. */
function stagesOfTarget(graph: PipelineGraph, target: string): string[] {
  const name = target.startsWith(`${PIPELINE_FILE}:`) ? target.slice(PIPELINE_FILE.length + 1) : target;
  if (graph.stages.has(name)) return [name];
  return [...graph.stages.values()].filter((stage) => stage.group === name).map((stage) => stage.name);
}

/**
 * The stages a run covers, in dependency order: every stage when there are no targets; else the
 * targets with what they need (a frozen stage's own upstream is left out, as DVC does), or with
 * --downstream the targets and what follows them.
 */
export function planStages(graph: PipelineGraph, targets: readonly string[], downstream: boolean): string[] {
  if (targets.length === 0) return [...graph.order];
  const unknown: string[] = [];
  const starts: string[] = [];
  for (const target of targets) {
    const found = stagesOfTarget(graph, target);
    if (found.length === 0) unknown.push(target);
    starts.push(...found);
  }
  if (unknown.length) throw new UnknownTargetError(unknown);
  const selected = new Set<string>();
  const walk = (name: string): void => {
    if (selected.has(name)) return;
    selected.add(name);
    const next = downstream
      ? (graph.downstream.get(name) ?? []).filter((child) => !graph.stages.get(child)!.frozen)
      : graph.stages.get(name)!.frozen
        ? []
        : (graph.upstream.get(name) ?? []);
    next.forEach(walk);
  };
  starts.forEach(walk);
  return graph.order.filter((name) => selected.has(name));
}
