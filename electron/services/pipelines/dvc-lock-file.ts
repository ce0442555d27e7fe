// dvc.lock as DVC 3 reads and writes it (dvc/stage/serialize.py, to_single_stage_lockfile):
//
//   schema: '2.0'
//   stages:
//     <name>:
//       cmd: <as in dvc.yaml after interpolation>
//       deps:            sorted by path
//       - path: data/raw.csv
//         hash: md5
//         md5: 22a1a2931c8370d3aeedd7183606fd7f
//         size: 14445097
//       params:          params.yaml first, then other files by name; keys sorted
//         params.yaml:
//           train.lr: 0.01
//       outs:            sorted by path; folders with nfiles and an md5 ending in .dir
//
// Entries of stages a run did not touch are written back exactly as they were read (unknown
// fields included), in their order; new stages are appended, as DVC's modify_yaml does.
import fs from 'node:fs';
import type { PathDigest } from './content-hasher';
import { dumpDvcYaml } from './dvc-yaml-writer';
import type { StageSpec } from './pipeline-definition';
import { readDataFile } from './python-data-file';
import { isPyList, isPyMap, pythonSorted, sortedByCodePoint, type PyMap, type PyValue } from './python-value';

/** The lock file's name beside dvc.yaml. */
export const LOCK_FILE = 'dvc.lock';
const LOCK_SCHEMA = '2.0';

/** A dep or out as dvc.lock records it. */
export interface LockedItem {
  /** Relative to the stage's wdir. */
  readonly path: string;
  /** The md5 (a folder's ends in .dir); null when the entry has none. */
  readonly md5: string | null;
}

/** One stage's entry in dvc.lock. */
export interface LockedStage {
  readonly cmd: PyValue;
  readonly deps: ReadonlyMap<string, LockedItem>;
  /** Param values by params file (as written under `params`). */
  readonly params: ReadonlyMap<string, PyMap>;
  readonly outs: ReadonlyMap<string, LockedItem>;
  /** The entry as read, written back unchanged when the stage is not updated. */
  readonly raw: PyMap;
}

/** A dvc.lock that is not what DVC 3 writes. */
export class LockFileError extends Error {
  constructor(message: string) {
    super(`${LOCK_FILE}: ${message}`);
    this.name = 'LockFileError';
  }
}

function lockedItems(value: PyValue | undefined, stage: string, key: string): Map<string, LockedItem> {
  const items = new Map<string, LockedItem>();
  if (value === undefined || value === null) return items;
  if (!isPyList(value)) throw new LockFileError(`'${key}' of stage '${stage}' must be a list`);
  for (const item of value) {
    if (!isPyMap(item) || typeof item.get('path') !== 'string') throw new LockFileError(`each of '${key}' of stage '${stage}' needs a 'path'`);
    const md5 = item.get('md5');
    items.set(item.get('path') as string, { path: item.get('path') as string, md5: typeof md5 === 'string' ? md5 : null });
  }
  return items;
}

/** Turns a parsed lock stage entry into a LockedStage. */
function lockedStageFrom(name: string, entry: PyValue): LockedStage {
  if (!isPyMap(entry)) throw new LockFileError(`stage '${name}' must be a mapping`);
  const cmd = entry.get('cmd');
  if (typeof cmd !== 'string' && !isPyList(cmd)) throw new LockFileError(`stage '${name}' needs a 'cmd'`);
  const params = new Map<string, PyMap>();
  const paramsValue = entry.get('params');
  if (isPyMap(paramsValue)) {
    for (const [file, values] of paramsValue) if (isPyMap(values)) params.set(file, values);
  }
  return { cmd, deps: lockedItems(entry.get('deps'), name, 'deps'), params, outs: lockedItems(entry.get('outs'), name, 'outs'), raw: entry };
}

/** A read dvc.lock: its stages, and its whole content to write back. */
export interface DvcLock {
  readonly stages: ReadonlyMap<string, LockedStage>;
  readonly raw: PyMap;
}

/** Reads dvc.lock; an absent file is an empty lock. */
export function readDvcLock(file: string): DvcLock {
  if (!fs.existsSync(file)) return { stages: new Map(), raw: new Map() };
  const value = readDataFile(file, LOCK_FILE).value;
  if (!isPyMap(value)) throw new LockFileError('expected a mapping');
  if (value.size === 0) return { stages: new Map(), raw: new Map() };
  if (value.get('schema') !== LOCK_SCHEMA) {
    const schema = value.get('schema');
    throw new LockFileError(`schema '${typeof schema === 'string' ? schema : schema === undefined || schema === null ? '(none)' : JSON.stringify(schema)}' is not supported: Cairn reads DVC 3's lock files (schema '2.0'); run \`dvc repro\` once with DVC 3 to upgrade it`);
  }
  const stagesValue = value.get('stages') ?? new Map();
  if (!isPyMap(stagesValue)) throw new LockFileError("'stages' must be a mapping");
  const stages = new Map<string, LockedStage>();
  for (const [name, entry] of stagesValue) stages.set(name, lockedStageFrom(name, entry));
  return { stages, raw: value };
}

/** A dep or out entry: path, hash: md5, md5, size, then nfiles for a folder or isexec for an executable file. */
function itemEntry(itemPath: string, digest: PathDigest): PyMap {
  const entry: PyMap = new Map<string, PyValue>([
    ['path', itemPath],
    ['hash', 'md5'],
    ['md5', digest.md5],
    ['size', digest.size],
  ]);
  if (digest.kind === 'dir') entry.set('nfiles', digest.nfiles);
  else if (digest.isExec) entry.set('isexec', true);
  return entry;
}

/** What a stage's lock entry is built from: the hashes of its deps and outs and the params it read, by path. */
export interface StageRecord {
  readonly deps: ReadonlyMap<string, PathDigest>;
  /** Values by params file path (as in the stage's spec). */
  readonly params: ReadonlyMap<string, PyMap>;
  readonly outs: ReadonlyMap<string, PathDigest>;
}

/** The `cmd`, `deps` and `params` of a stage's entry. */
function entryHead(stage: StageSpec, deps: ReadonlyMap<string, PathDigest>, paramValues: ReadonlyMap<string, PyMap>): PyMap {
  const entry: PyMap = new Map<string, PyValue>([['cmd', typeof stage.cmd === 'string' ? stage.cmd : [...stage.cmd]]]);
  const sortedDeps = sortedByCodePoint(stage.deps, (dep) => dep.path);
  if (sortedDeps.length) entry.set('deps', sortedDeps.map((dep) => itemEntry(dep.path, deps.get(dep.path)!)));
  const files = pythonSorted(stage.params.map((params) => params.file));
  if (files.length) {
    const params: PyMap = new Map();
    // The default params file first, then the others by name; each file's keys sorted (not recursively).
    const ordered = files.includes('params.yaml') ? ['params.yaml', ...files.filter((file) => file !== 'params.yaml')] : files;
    for (const file of ordered) {
      const values = paramValues.get(file) ?? new Map();
      params.set(file, new Map(pythonSorted(values.keys()).map((key) => [key, values.get(key)!])));
    }
    entry.set('params', params);
  }
  return entry;
}

/** A stage's dvc.lock entry, with keys, sorting and order as DVC writes them. */
export function lockEntry(stage: StageSpec, record: StageRecord): PyMap {
  const entry = entryHead(stage, record.deps, record.params);
  const outs = sortedByCodePoint(stage.outs, (out) => out.path);
  if (outs.length) entry.set('outs', outs.map((out) => itemEntry(out.path, record.outs.get(out.path)!)));
  return entry;
}

/** What the run-cache key of a stage is computed from: its entry before it ran, outs as paths only. */
export function stageRunKeyEntry(stage: StageSpec, deps: ReadonlyMap<string, PathDigest>, params: ReadonlyMap<string, PyMap>): PyMap {
  const entry = entryHead(stage, deps, params);
  entry.set('outs', pythonSorted(stage.outs.map((out) => out.path)));
  return entry;
}

/** The text of dvc.lock with some stages' entries replaced or appended. */
export function dvcLockText(lock: DvcLock, updates: ReadonlyMap<string, PyMap>): string {
  const root: PyMap = new Map(lock.raw);
  root.set('schema', LOCK_SCHEMA);
  const stages: PyMap = new Map();
  for (const [name, stage] of lock.stages) stages.set(name, updates.get(name) ?? stage.raw);
  for (const [name, entry] of updates) if (!stages.has(name)) stages.set(name, entry);
  root.set('stages', stages);
  // schema stays the first key, as DVC writes it.
  const ordered: PyMap = new Map([['schema', LOCK_SCHEMA]]);
  for (const [key, value] of root) if (key !== 'schema') ordered.set(key, value);
  return dumpDvcYaml(ordered);
}
