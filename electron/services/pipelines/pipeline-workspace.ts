// Where a pipeline runs and keeps its data. A project with a `.dvc/` folder uses DVC's own cache
// (`.dvc/cache`, or `cache.dir` from .dvc/config or .dvc/config.local) and keeps the hash state in
// `.dvc/tmp`, so DVC and Cairn share both; a project without one uses a cache in Cairn's data
// folder. A variant runs in its own copy of the project under the data folder: the copy shares the
// project's cache, so its cached outs are restored from it instead of copied, and params
// overrides are written into the copy's params files only. The user's workspace is never changed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, parseDocument, Scalar, type Document } from 'yaml';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { DvcCache } from './dvc-cache';
import type { DvcLock } from './dvc-lock-file';
import { DEFAULT_PARAMS_FILE } from './dvc-yaml-parser';
import { gitRepositoryRoot } from './git-workspace';
import type { StageSpec } from './pipeline-definition';
import { parseDataText, parseYamlText } from './python-data-file';
import { pythonJsonDumps } from './python-json';
import { isPyList, isPyMap, PyFloat, type PyMap, type PyValue } from './python-value';

/** A place where a pipeline's commands run, with the cache and hash state it uses. */
export interface PipelineWorkspace {
  /** The user's project (the folder holding dvc.yaml). */
  readonly projectDir: string;
  /** Where commands run and outs are written: the project, or a variant's copy. */
  readonly root: string;
  readonly cache: DvcCache;
  /** Where the hash state is kept. */
  readonly stateFile: string;
  /** Whether the workspace is in a git repository (cached outs then get .gitignore lines). */
  readonly inGit: boolean;
  /** Whether this is a variant's copy. */
  readonly isCopy: boolean;
}

/** Cairn's folder for pipeline data inside its data folder. */
export function pipelinesDataDir(dataDir: string): string {
  return path.join(dataDir, 'pipelines');
}

/** The `[cache] dir` of a DVC config file, if it sets one. */
function configuredCacheDir(configFile: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(configFile, 'utf8');
  } catch {
    return null;
  }
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) section = header[1]!.replace(/^'|'$/g, '');
    else if (section === 'cache') {
      const setting = /^dir\s*=\s*(.+)$/.exec(line);
      if (setting) return setting[1]!.trim();
    }
  }
  return null;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The workspace of a project: the project itself. */
export function openWorkspace(projectDir: string, dataDir: string): PipelineWorkspace {
  const root = path.resolve(projectDir);
  const dvcDir = path.join(root, '.dvc');
  const hasDvc = fs.existsSync(dvcDir);
  let cacheDir = path.join(pipelinesDataDir(dataDir), 'cache');
  if (hasDvc) {
    const configured = configuredCacheDir(path.join(dvcDir, 'config.local')) ?? configuredCacheDir(path.join(dvcDir, 'config'));
    cacheDir = configured ? path.resolve(dvcDir, configured) : path.join(dvcDir, 'cache');
  }
  return {
    projectDir: root,
    root,
    cache: new DvcCache(cacheDir),
    stateFile: hasDvc ? path.join(dvcDir, 'tmp', 'cairn-hash-state.json') : path.join(pipelinesDataDir(dataDir), 'state', `${shortHash(root)}.json`),
    inGit: gitRepositoryRoot(root) !== null,
    isCopy: false,
  };
}

/** A params override: `[file:]key=value`, as `dvc exp run -S` takes it. */
export interface ParamOverride {
  /** The params file (relative to the project root). */
  readonly file: string;
  /** The dotted key. */
  readonly key: string;
  readonly value: PyValue;
  /** The override as written, for records. */
  readonly text: string;
}

/** Parses `[file:]key=value`; the value is read as YAML (`0.01` a float, `[1, 2]` a list, `abc` a string). */
export function parseParamOverride(text: string): ParamOverride {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new Error(`--set-param needs [file:]key=value, got '${text}'`);
  const target = text.slice(0, equals);
  const colon = target.lastIndexOf(':');
  const file = colon === -1 ? DEFAULT_PARAMS_FILE : target.slice(0, colon);
  const key = colon === -1 ? target : target.slice(colon + 1);
  if (!key || key.split('.').some((part) => part === '')) throw new Error(`--set-param: '${target}' is not a params key`);
  const value = parseYamlText(text.slice(equals + 1) || "''", '--set-param').value;
  return { file, key, value, text };
}

function setIn(map: PyMap, keys: readonly string[], value: PyValue): void {
  const [first, ...rest] = keys;
  if (rest.length === 0) {
    map.set(first!, value);
    return;
  }
  let child = map.get(first!);
  if (!isPyMap(child)) {
    child = new Map();
    map.set(first!, child);
  }
  setIn(child, rest, value);
}

/** A YAML node for a value that reads back as the same value (a float keeps its `.0`). */
function yamlNodeValue(doc: Document, value: PyValue): unknown {
  if (value instanceof PyFloat) {
    const node = new Scalar(value.value);
    if (Number.isInteger(value.value)) node.minFractionDigits = 1;
    return node;
  }
  if (isPyList(value)) return doc.createNode(value.map((item) => yamlNodeValue(doc, item)));
  if (isPyMap(value)) return doc.createNode(Object.fromEntries([...value].map(([key, item]) => [key, yamlNodeValue(doc, item)])));
  return value;
}

function tomlValue(value: PyValue): unknown {
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof PyFloat) return value.value;
  if (isPyList(value)) return value.map(tomlValue);
  if (isPyMap(value)) return Object.fromEntries([...value].map(([key, item]) => [key, tomlValue(item)]));
  return value;
}

/** Writes overrides into the params files under `root` (YAML keeps its comments and layout). */
export function applyParamOverrides(root: string, overrides: readonly ParamOverride[]): void {
  const byFile = new Map<string, ParamOverride[]>();
  for (const override of overrides) byFile.set(override.file, [...(byFile.get(override.file) ?? []), override]);
  for (const [file, fileOverrides] of byFile) {
    const absolute = path.join(root, file);
    const text = fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : '';
    const extension = path.extname(file).toLowerCase();
    if (extension === '.json' || extension === '.toml') {
      const value = text.trim() ? parseDataText(text, file).value : new Map();
      if (!isPyMap(value)) throw new Error(`${file}: a params file must hold a mapping`);
      for (const override of fileOverrides) setIn(value, override.key.split('.'), override.value);
      const written = extension === '.json' ? pythonJsonDumps(value, { sortKeys: false }) : stringifyToml(tomlValue(value));
      if (extension === '.toml') parseToml(written);
      fs.writeFileSync(absolute, `${written}\n`);
      continue;
    }
    const doc = parseDocument(text);
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    if (doc.contents !== null && !isMap(doc.contents) && !(isScalar(doc.contents) && doc.contents.value === null)) {
      throw new Error(`${file}: a params file must hold a mapping`);
    }
    for (const override of fileOverrides) doc.setIn(override.key.split('.'), yamlNodeValue(doc, override.value));
    fs.writeFileSync(absolute, doc.toString());
  }
}

/** Folders and files never copied into a variant's workspace. */
function skippedInCopy(relative: string): boolean {
  return relative === '.git' || relative === '.dvc/cache' || relative === '.dvc/tmp';
}

/**
 * Makes a variant's copy of a project under the data folder. Cached outs that dvc.lock records
 * and the cache holds are left out (the run restores them from the cache); everything else is
 * copied (as reflinks where the file system can).
 */
export async function createVariantWorkspace(project: PipelineWorkspace, dataDir: string, id: string, stages: readonly StageSpec[], lock: DvcLock): Promise<PipelineWorkspace> {
  const root = path.join(pipelinesDataDir(dataDir), 'workspaces', id);
  const restorable = new Set<string>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      const md5 = lock.stages.get(stage.name)?.outs.get(out.path)?.md5;
      if (out.cache && md5 && project.cache.has(md5)) restorable.add(out.projectPath);
    }
  }
  const copy = async (relative: string): Promise<void> => {
    const source = path.join(project.root, relative);
    const target = path.join(root, relative);
    const stat = await fs.promises.lstat(source);
    if (stat.isDirectory()) {
      await fs.promises.mkdir(target, { recursive: true });
      for (const name of await fs.promises.readdir(source)) {
        const child = relative ? `${relative}/${name}` : name;
        if (!skippedInCopy(child) && !restorable.has(child)) await copy(child);
      }
    } else if (stat.isSymbolicLink()) {
      await fs.promises.symlink(await fs.promises.readlink(source), target);
    } else if (stat.isFile()) {
      await fs.promises.copyFile(source, target, fs.constants.COPYFILE_FICLONE);
    }
  };
  await fs.promises.rm(root, { recursive: true, force: true });
  await copy('');
  return {
    projectDir: project.projectDir,
    root,
    cache: project.cache,
    stateFile: path.join(pipelinesDataDir(dataDir), 'state', `${shortHash(root)}.json`),
    inGit: false,
    isCopy: true,
  };
}
