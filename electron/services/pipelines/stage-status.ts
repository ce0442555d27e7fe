// Whether a stage is up to date, decided as `dvc status` / `dvc repro` decide it (dvc/stage/__init__.py
// `changed`, dvc/output.py `status`, dvc/dependency/param.py `workspace_status`): a stage changed
// when its command text differs from dvc.lock's, when it is always_changed or has neither deps nor
// outs, when a dep's md5 or a tracked param's value differs (or is missing), or when an out is
// missing, modified, or no longer in the cache. Frozen stages have their deps and params left unchecked. Before a stage's first run
// its existing deps are "modified" and its params files "new", as DVC reports them.
import path from 'node:path';
import type { ContentHasher, PathDigest } from './content-hasher';
import type { DvcCache } from './dvc-cache';
import type { LockedStage } from './dvc-lock-file';
import type { ParamsSpec, StageSpec } from './pipeline-definition';
import { DataFileError, readDataFile } from './python-data-file';
import { isPyList, isPyMap, pyEquals, type PyMap, type PyValue } from './python-value';

/** How an entry differs from dvc.lock, in DVC's words. */
export type EntryStatus = 'modified' | 'deleted' | 'new' | 'not in cache';

/** One reason a stage is not up to date. */
export type StageChange =
  | { readonly kind: 'command' }
  | { readonly kind: 'always-changed' }
  | { readonly kind: 'dep'; readonly path: string; readonly status: EntryStatus }
  /** `key` is null when the whole params file is new or deleted. */
  | { readonly kind: 'param'; readonly file: string; readonly key: string | null; readonly status: EntryStatus }
  | { readonly kind: 'out'; readonly path: string; readonly status: EntryStatus };

/** A stage compared with dvc.lock, with the hashes and values read on the way. */
export interface StageInspection {
  readonly stage: StageSpec;
  readonly locked: LockedStage | null;
  /** Digests of the deps by their path in the stage (null: missing). */
  readonly deps: ReadonlyMap<string, PathDigest | null>;
  /** The values each params file gives the stage (null: the file is missing). */
  readonly params: ReadonlyMap<string, PyMap | null>;
  /** Digests of the outs by their path in the stage (null: missing). */
  readonly outs: ReadonlyMap<string, PathDigest | null>;
  readonly changes: readonly StageChange[];
}

/** A params file that does not hold a key a stage reads. */
export class MissingParamsError extends Error {
  constructor(
    readonly file: string,
    readonly keys: readonly string[],
  ) {
    super(`Parameters '${keys.join(', ')}' are missing from '${file}'.`);
    this.name = 'MissingParamsError';
  }
}

/** dpath.get with '.' as separator: a nested key, list items by index. */
function valueAt(config: PyValue, key: string): PyValue | undefined {
  let node: PyValue | undefined = config;
  for (const segment of key.split('.')) {
    if (isPyMap(node)) node = node.get(segment);
    else if (isPyList(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * The values a stage reads from a params file, as DVC records them: each listed key (dotted) with
 * its value, or every top-level key when the whole file is tracked; null when the file is missing.
 */
export function readStageParams(root: string, spec: ParamsSpec): PyMap | null {
  const absolute = path.isAbsolute(spec.projectPath) ? spec.projectPath : path.join(root, spec.projectPath);
  let config: PyValue;
  try {
    config = readDataFile(absolute, spec.projectPath).value;
  } catch (error) {
    if (error instanceof DataFileError && error.reason === 'does not exist') return null;
    throw error;
  }
  if (!isPyMap(config)) throw new DataFileError(spec.projectPath, null, 'a params file must hold a mapping');
  if (spec.keys.length === 0) return config;
  const values: PyMap = new Map();
  for (const key of spec.keys) {
    const value = valueAt(config, key);
    if (value !== undefined) values.set(key, value);
  }
  return values;
}

/** What inspecting needs from the workspace. */
export interface InspectionContext {
  readonly root: string;
  readonly hasher: ContentHasher;
  readonly cache: DvcCache;
}

function itemStatus(current: PathDigest | null, lockedMd5: string | null): EntryStatus | null {
  if (current === null) return 'deleted';
  if (lockedMd5 === null || current.md5 !== lockedMd5) return 'modified';
  return null;
}

/** Compares a stage with its dvc.lock entry (null when it has none). */
export async function inspectStage(stage: StageSpec, locked: LockedStage | null, context: InspectionContext): Promise<StageInspection> {
  const digests = await context.hasher.digest([...stage.deps.map((dep) => dep.projectPath), ...stage.outs.map((out) => out.projectPath)]);
  const deps = new Map(stage.deps.map((dep) => [dep.path, digests.get(dep.projectPath) ?? null]));
  const outs = new Map(stage.outs.map((out) => [out.path, digests.get(out.projectPath) ?? null]));
  const params = new Map(stage.params.map((spec) => [spec.file, readStageParams(context.root, spec)]));
  const changes: StageChange[] = [];

  if (!stage.frozen) {
    for (const dep of stage.deps) {
      const status = itemStatus(deps.get(dep.path)!, locked?.deps.get(dep.path)?.md5 ?? null);
      if (status) changes.push({ kind: 'dep', path: dep.path, status });
    }
    for (const spec of stage.params) {
      const actual = params.get(spec.file)!;
      const recorded = locked?.params.get(spec.file);
      if (actual === null) {
        changes.push({ kind: 'param', file: spec.file, key: null, status: 'deleted' });
        continue;
      }
      if (recorded === undefined) {
        changes.push({ kind: 'param', file: spec.file, key: null, status: 'new' });
        continue;
      }
      const keys = spec.keys.length ? spec.keys : [...new Set([...actual.keys(), ...recorded.keys()])];
      for (const key of keys) {
        let status: EntryStatus | null = null;
        if (!actual.has(key)) status = 'deleted';
        else if (!recorded.has(key)) status = 'new';
        else if (!pyEquals(actual.get(key)!, recorded.get(key)!)) status = 'modified';
        if (status) changes.push({ kind: 'param', file: spec.file, key, status });
      }
    }
  }
  for (const out of stage.outs) {
    const lockedMd5 = locked?.outs.get(out.path)?.md5 ?? null;
    const status = lockedMd5 !== null && out.cache && !context.cache.has(lockedMd5) ? 'not in cache' : itemStatus(outs.get(out.path)!, lockedMd5);
    if (status) changes.push({ kind: 'out', path: out.path, status });
  }
  // A stage with neither deps nor outs (a "callback" stage in DVC) is always changed, as is one marked always_changed.
  const callback = stage.deps.length + stage.params.length + stage.outs.length === 0;
  if (stage.alwaysChanged || callback) changes.push({ kind: 'always-changed' });
  if (locked && !pyEquals(locked.cmd, typeof stage.cmd === 'string' ? stage.cmd : [...stage.cmd])) changes.push({ kind: 'command' });
  return { stage, locked, deps, params, outs, changes };
}

/** A change in words, as `dvc status` puts it ("modified: data/raw.csv"). */
export function describeChange(change: StageChange): string {
  switch (change.kind) {
    case 'command':
      return 'changed command';
    case 'always-changed':
      return 'always changed';
    case 'dep':
      return `dep ${change.status}: ${change.path}`;
    case 'out':
      return `out ${change.status}: ${change.path}`;
    case 'param':
      return change.key === null ? `params ${change.status}: ${change.file}` : `param ${change.status}: ${change.file}:${change.key}`;
  }
}

/** Whether the stage's deps and params are as dvc.lock has them (its inputs did not change). */
export function inputsUnchanged(inspection: StageInspection): boolean {
  return !inspection.changes.some((change) => change.kind === 'dep' || change.kind === 'param' || change.kind === 'command');
}
