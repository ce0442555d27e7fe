// Reads a project's dvc.yaml as DVC 3 defines it: checks its keys against DVC's schema, loads
// params.yaml and `vars` into the interpolation context, expands foreach and matrix stages into
// `name@key` stages exactly as DVC names them, resolves every `${...}`, and turns each stage
// into a StageSpec. Every problem found is reported with the file, line and stage; nothing runs.
import fs from 'node:fs';
import path from 'node:path';
import { checkExpressions, InterpolationContext, InterpolationError, interpolationText, isInterpolated, joinProjectPath } from './interpolation-context';
import type { DepSpec, OutSpec, ParamsSpec, PipelineIssue, StageSpec } from './pipeline-definition';
import { DataFileError, readDataFile, type ParsedDataFile } from './python-data-file';
import { isPyList, isPyMap, pythonStr, pyTypeName, type PyMap, type PyValue } from './python-value';

/** The pipeline file's name; Cairn reads the one at the project's root. */
export const PIPELINE_FILE = 'dvc.yaml';
/** The params file DVC reads by default. */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

const TOP_LEVEL_KEYS = new Set(['stages', 'vars', 'params', 'metrics', 'plots', 'artifacts', 'datasets']);
const STAGE_KEYS = new Set(['cmd', 'wdir', 'deps', 'params', 'vars', 'frozen', 'meta', 'desc', 'always_changed', 'outs', 'metrics', 'plots', 'matrix']);
const OUT_FLAGS = new Set(['cache', 'persist', 'checkpoint', 'remote', 'push', 'desc', 'type', 'labels', 'meta']);
const PLOT_FLAGS = new Set([...OUT_FLAGS, 'template', 'x', 'y', 'x_label', 'y_label', 'title', 'header']);
const INVALID_NAME = /[@:/\\]/;

/** What parsing a dvc.yaml gives: its stages in file order, or the problems that make it invalid. */
export interface ParsedPipelineFile {
  readonly stages: readonly StageSpec[];
  readonly issues: readonly PipelineIssue[];
}

/** Reads and resolves `<projectDir>/dvc.yaml`. */
export function parseDvcYaml(projectDir: string): ParsedPipelineFile {
  return new DvcYamlParser(projectDir).parse();
}

type KeyPath = readonly (string | number)[];

class DvcYamlParser {
  private readonly issues: PipelineIssue[] = [];
  private readonly stages: StageSpec[] = [];
  private readonly fileCache = new Map<string, PyValue>();
  private file!: ParsedDataFile;

  constructor(private readonly projectDir: string) {}

  parse(): ParsedPipelineFile {
    try {
      this.file = readDataFile(path.join(this.projectDir, PIPELINE_FILE), PIPELINE_FILE);
    } catch (error) {
      if (error instanceof DataFileError) return { stages: [], issues: [{ file: PIPELINE_FILE, line: error.line, stage: null, message: error.reason }] };
      throw error;
    }
    const root = this.file.value;
    if (!isPyMap(root)) {
      this.issue([], null, `expected a mapping at the top, got '${pyTypeName(root)}'`);
      return this.result();
    }
    for (const key of root.keys()) {
      if (!TOP_LEVEL_KEYS.has(key)) this.issue([key], null, `unknown key '${key}' (allowed: ${[...TOP_LEVEL_KEYS].join(', ')})`);
    }
    const context = new InterpolationContext();
    const vars = root.get('vars') ?? [];
    if (!isPyList(vars)) {
      this.issue(['vars'], null, "'vars' must be a list of file names and mappings");
    } else if (this.checkNoInterpolation(vars, ['vars'], null, 'vars')) {
      try {
        context.loadVars(vars, '', this.readVarsFile, this.exists, '', DEFAULT_PARAMS_FILE);
      } catch (error) {
        this.issueFrom(error, ['vars'], null, `failed to parse 'vars' in '${PIPELINE_FILE}'`);
        return this.result();
      }
    }
    const stages = root.get('stages') ?? new Map();
    if (!isPyMap(stages)) {
      this.issue(['stages'], null, "'stages' must be a mapping of stage names to definitions");
      return this.result();
    }
    for (const [name, definition] of stages) this.parseDefinition(name, definition, context);
    this.checkUniqueNames();
    return this.result();
  }

  private result(): ParsedPipelineFile {
    return this.issues.length ? { stages: [], issues: this.issues } : { stages: this.stages, issues: [] };
  }

  private issue(keyPath: KeyPath, stage: string | null, message: string): void {
    this.issues.push({ file: PIPELINE_FILE, line: this.file?.lineOf(keyPath) ?? null, stage, message });
  }

  private issueFrom(error: unknown, keyPath: KeyPath, stage: string | null, preamble: string): void {
    if (error instanceof InterpolationError) this.issue(keyPath, stage, `${preamble}: ${error.message}`);
    else if (error instanceof DataFileError) this.issue(keyPath, stage, `${preamble}: ${error.message}`);
    else throw error;
  }

  private readonly exists = (projectPath: string): boolean => fs.existsSync(path.join(this.projectDir, projectPath));

  private readonly readVarsFile = (projectPath: string): PyValue => {
    let value = this.fileCache.get(projectPath);
    if (value === undefined) {
      const absolute = path.join(this.projectDir, projectPath);
      if (!fs.existsSync(absolute)) throw new InterpolationError(`'${projectPath}' does not exist`);
      if (fs.statSync(absolute).isDirectory()) throw new InterpolationError(`'${projectPath}' is a directory`);
      value = readDataFile(absolute, projectPath).value;
      this.fileCache.set(projectPath, value);
    }
    return value;
  };

  /** DVC refuses `${...}` inside `vars`. */
  private checkNoInterpolation(value: PyValue, keyPath: KeyPath, stage: string | null, where: string): boolean {
    const strings: string[] = [];
    const collect = (item: PyValue): void => {
      if (typeof item === 'string') strings.push(item);
      else if (isPyList(item)) item.forEach(collect);
      else if (isPyMap(item)) {
        for (const [key, nested] of item) {
          strings.push(key);
          collect(nested);
        }
      }
    };
    collect(value);
    if (strings.some(isInterpolated)) {
      this.issue(keyPath, stage, `failed to parse '${where}' in '${PIPELINE_FILE}': interpolating is not allowed`);
      return false;
    }
    return true;
  }

  private parseDefinition(name: string, definition: PyValue, context: InterpolationContext): void {
    const keyPath = ['stages', name];
    if (INVALID_NAME.test(name) || name.trim() === '') {
      this.issue(keyPath, name, "invalid stage name: it must not be empty or contain '@', ':', '/' or '\\'");
      return;
    }
    if (!isPyMap(definition)) {
      this.issue(keyPath, name, `expected a mapping, got '${pyTypeName(definition)}'`);
      return;
    }
    if (definition.has('foreach') || definition.has('do')) {
      this.parseForeach(name, definition, context);
    } else if (definition.has('matrix')) {
      this.parseMatrix(name, definition, context);
    } else if (this.checkStageKeys(definition, keyPath, name) && this.checkSyntax(definition, keyPath, name)) {
      this.resolveStage(name, null, definition, keyPath, context);
    }
  }

  private checkStageKeys(definition: PyMap, keyPath: KeyPath, stage: string): boolean {
    let ok = true;
    for (const key of definition.keys()) {
      if (!STAGE_KEYS.has(key)) {
        this.issue([...keyPath, key], stage, `unknown key '${key}'`);
        ok = false;
      }
    }
    if (!definition.has('cmd')) {
      this.issue(keyPath, stage, "'cmd' is required");
      ok = false;
    }
    return ok;
  }

  private checkSyntax(definition: PyMap, keyPath: KeyPath, stage: string): boolean {
    for (const [key, value] of definition) {
      const strings: string[] = [];
      const collect = (item: PyValue): void => {
        if (typeof item === 'string') strings.push(item);
        else if (isPyList(item)) item.forEach(collect);
        else if (isPyMap(item)) {
          for (const [nested, inner] of item) {
            strings.push(nested);
            collect(inner);
          }
        }
      };
      collect(value);
      try {
        strings.forEach(checkExpressions);
      } catch (error) {
        this.issueFrom(error, [...keyPath, key], stage, `failed to parse 'stages.${stage}.${key}' in '${PIPELINE_FILE}'`);
        return false;
      }
    }
    return true;
  }

  private parseForeach(name: string, definition: PyMap, context: InterpolationContext): void {
    const keyPath = ['stages', name];
    const extra = [...definition.keys()].filter((key) => key !== 'foreach' && key !== 'do');
    for (const key of extra) this.issue([...keyPath, key], name, `unknown key '${key}' beside 'foreach' and 'do'`);
    const template = definition.get('do');
    if (!definition.has('foreach')) this.issue(keyPath, name, "'do' needs a 'foreach'");
    if (!isPyMap(template)) {
      this.issue([...keyPath, 'do'], name, "'do' must be a stage definition (a mapping)");
      return;
    }
    if (extra.length || !definition.has('foreach')) return;
    const doPath = [...keyPath, 'do'];
    if (!this.checkStageKeys(template, doPath, name) || !this.checkSyntax(template, doPath, name)) return;
    let iterable: PyValue;
    try {
      iterable = context.resolve(definition.get('foreach')!, null);
    } catch (error) {
      this.issueFrom(error, [...keyPath, 'foreach'], name, `failed to parse 'stages.${name}.foreach' in '${PIPELINE_FILE}'`);
      return;
    }
    if (!isPyMap(iterable) && !isPyList(iterable)) {
      this.issue([...keyPath, 'foreach'], name, `failed to resolve 'stages.${name}.foreach' in '${PIPELINE_FILE}': expected list/dictionary, got ${pyTypeName(iterable)}`);
      return;
    }
    // DVC's keys: a mapping's keys; a list of scalars' values; a list holding lists or mappings, the indexes.
    const members = new Map<string, PyValue>();
    if (isPyMap(iterable)) {
      for (const [key, value] of iterable) members.set(key, value);
    } else if (iterable.some((item) => isPyMap(item) || isPyList(item))) {
      iterable.forEach((value, index) => members.set(String(index), value));
    } else {
      for (const value of iterable) members.set(interpolationText(value), value);
    }
    for (const [key, value] of members) {
      const generated = `${name}@${key}`;
      const temporary: PyMap = new Map([['item', value]]);
      if (isPyMap(iterable)) temporary.set('key', key);
      context.withReserved(temporary, () => this.resolveStage(generated, name, template, doPath, context));
    }
  }

  private parseMatrix(name: string, definition: PyMap, context: InterpolationContext): void {
    const keyPath = ['stages', name];
    if (!this.checkStageKeys(definition, keyPath, name) || !this.checkSyntax(definition, keyPath, name)) return;
    let matrix: PyValue;
    try {
      matrix = context.resolve(definition.get('matrix')!, null);
    } catch (error) {
      this.issueFrom(error, [...keyPath, 'matrix'], name, `failed to parse 'stages.${name}.matrix' in '${PIPELINE_FILE}'`);
      return;
    }
    if (!isPyMap(matrix) || [...matrix.values()].some((values) => !isPyList(values))) {
      this.issue([...keyPath, 'matrix'], name, "'matrix' must map each name to a list of values");
      return;
    }
    const template: PyMap = new Map([...definition].filter(([key]) => key !== 'matrix'));
    const names = [...matrix.keys()];
    const lists = [...matrix.values()] as PyValue[][];
    if (lists.some((values) => values.length === 0)) return;
    // itertools.product over the lists, in key order; each value named by itself, or `name<index>` when it is a list or mapping.
    const indexes = names.map(() => 0);
    for (;;) {
      const item: PyMap = new Map();
      const fragments: string[] = [];
      names.forEach((varName, position) => {
        const value = lists[position]![indexes[position]!]!;
        item.set(varName, value);
        fragments.push(isPyMap(value) || isPyList(value) ? `${varName}${indexes[position]}` : interpolationText(value));
      });
      const key = fragments.join('-');
      context.withReserved(
        new Map<string, PyValue>([
          ['key', key],
          ['item', item],
        ]),
        () => this.resolveStage(`${name}@${key}`, name, template, keyPath, context),
      );
      let position = names.length - 1;
      while (position >= 0 && ++indexes[position]! >= lists[position]!.length) indexes[position--] = 0;
      if (position < 0) break;
    }
  }

  private resolveStage(name: string, group: string | null, definition: PyMap, keyPath: KeyPath, outer: InterpolationContext): void {
    let context = outer;
    let wdir = '';
    try {
      const wdirValue = definition.get('wdir');
      if (wdirValue !== undefined && wdirValue !== null && wdirValue !== '') {
        wdir = joinProjectPath('', interpolationText(context.resolveString(pythonStr(wdirValue), 'wdir')));
      }
    } catch (error) {
      this.issueFrom(error, [...keyPath, 'wdir'], name, `failed to parse 'stages.${name}.wdir' in '${PIPELINE_FILE}'`);
      return;
    }
    const vars = definition.get('vars');
    if (vars !== undefined) {
      if (!isPyList(vars)) {
        this.issue([...keyPath, 'vars'], name, "'vars' must be a list");
        return;
      }
      if (!this.checkNoInterpolation(vars, [...keyPath, 'vars'], name, `stages.${name}.vars`)) return;
      context = outer.clone();
      try {
        context.loadVars(vars, wdir, this.readVarsFile, this.exists, name);
      } catch (error) {
        this.issueFrom(error, [...keyPath, 'vars'], name, `failed to parse 'stages.${name}.vars' in '${PIPELINE_FILE}'`);
        return;
      }
    }
    const resolved: PyMap = new Map();
    for (const [key, value] of definition) {
      if (key === 'vars') continue;
      try {
        resolved.set(key, context.resolve(value, key));
      } catch (error) {
        this.issueFrom(error, [...keyPath, key], name, `failed to parse 'stages.${name}.${key}' in '${PIPELINE_FILE}'`);
        return;
      }
    }
    const stage = new StageBuilder(this.projectDir, name, group, wdir, keyPath, (where, message) => this.issue(where, name, message)).build(resolved);
    if (stage) this.stages.push({ ...stage, line: this.file.lineOf(group ? ['stages', group] : ['stages', name]) });
  }

  private checkUniqueNames(): void {
    const seen = new Set<string>();
    for (const stage of this.stages) {
      if (seen.has(stage.name)) this.issue(['stages', stage.group ?? stage.name], stage.name, `stage '${stage.name}' is defined more than once`);
      seen.add(stage.name);
    }
  }
}

/** Turns a resolved stage mapping into a StageSpec, reporting what does not fit DVC's schema. */
class StageBuilder {
  private ok = true;

  constructor(
    private readonly projectDir: string,
    private readonly name: string,
    private readonly group: string | null,
    private readonly wdir: string,
    private readonly keyPath: KeyPath,
    private readonly report: (keyPath: KeyPath, message: string) => void,
  ) {}

  private fail(key: string, message: string): void {
    this.ok = false;
    this.report([...this.keyPath, key], message);
  }

  build(resolved: PyMap): Omit<StageSpec, 'line'> | null {
    const wdirPath = path.join(this.projectDir, this.wdir);
    if (this.wdir.startsWith('..')) this.fail('wdir', `stage working dir '${this.wdir}' is outside of the project`);
    else if (!fs.existsSync(wdirPath)) this.fail('wdir', `stage working dir '${this.wdir}' does not exist`);
    else if (!fs.statSync(wdirPath).isDirectory()) this.fail('wdir', `stage working dir '${this.wdir}' is not a directory`);

    const cmd = resolved.get('cmd');
    let commands: string[] = [];
    if (typeof cmd === 'string' && cmd.trim() !== '') {
      commands = splitLines(cmd);
    } else if (isPyList(cmd) && cmd.length > 0 && cmd.every((item) => typeof item === 'string')) {
      commands = cmd;
    } else {
      this.fail('cmd', "'cmd' must be a non-empty string or a list of strings");
    }
    const deps: DepSpec[] = this.stringList(resolved, 'deps').map((written) => this.location(written));
    const params = this.params(resolved.get('params'));
    const outs = [
      ...this.outs(resolved.get('outs'), 'out', 'outs'),
      ...this.outs(resolved.get('metrics'), 'metric', 'metrics'),
      ...this.outs(resolved.get('plots'), 'plot', 'plots'),
    ];
    const frozen = this.bool(resolved, 'frozen');
    const alwaysChanged = this.bool(resolved, 'always_changed');
    const desc = resolved.get('desc');
    if (desc !== undefined && desc !== null && typeof desc !== 'string') this.fail('desc', "'desc' must be a string");
    if (!this.ok) return null;
    return {
      name: this.name,
      group: this.group,
      cmd: typeof cmd === 'string' ? cmd : (cmd as string[]),
      commands,
      wdir: this.wdir,
      deps,
      params,
      outs,
      frozen,
      alwaysChanged,
      desc: typeof desc === 'string' ? desc : null,
    };
  }

  private bool(resolved: PyMap, key: string): boolean {
    const value = resolved.get(key);
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(key, `'${key}' must be true or false`);
    return value === true;
  }

  private stringList(resolved: PyMap, key: string): string[] {
    const value = resolved.get(key);
    if (value === undefined || value === null) return [];
    if (!isPyList(value) || value.some((item) => typeof item !== 'string')) {
      this.fail(key, `'${key}' must be a list of paths`);
      return [];
    }
    return value as string[];
  }

  /**
   * The path as DVC records it (as written when relative, which DVC keeps verbatim: `./data`,
   * `src/utils/`; relative to the wdir when written absolute inside the project), and the
   * normalized path relative to the project root (absolute for a path outside it).
   */
  private location(written: string): { path: string; projectPath: string } {
    const absolute = path.isAbsolute(written) ? path.normalize(written) : path.join(this.projectDir, this.wdir, written);
    const fromRoot = path.relative(this.projectDir, absolute);
    if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return { path: written, projectPath: absolute };
    const projectPath = fromRoot.split(path.sep).join('/');
    if (!path.isAbsolute(written)) return { path: written, projectPath };
    const fromWdir = path.posix.relative(this.wdir, projectPath);
    return { path: fromWdir === '' ? '.' : fromWdir, projectPath };
  }

  private params(value: PyValue | undefined): ParamsSpec[] {
    if (value === undefined || value === null) return [];
    if (!isPyList(value)) {
      this.fail('params', "'params' must be a list of keys and {file: [keys]} mappings");
      return [];
    }
    // DVC's _merge_params: a file listed with no keys is tracked whole, and then its listed keys are ignored.
    const whole = new Set<string>();
    for (const item of value) {
      if (isPyMap(item)) for (const [file, keys] of item) if (keys === null || (isPyList(keys) && keys.length === 0)) whole.add(file);
    }
    const byFile = new Map<string, string[]>();
    const add = (file: string, keys: string[]): void => {
      const list = byFile.get(file) ?? [];
      byFile.set(file, whole.has(file) ? [] : [...list, ...keys]);
    };
    for (const item of value) {
      if (typeof item === 'string') {
        if (!whole.has(DEFAULT_PARAMS_FILE)) add(DEFAULT_PARAMS_FILE, [item]);
      } else if (isPyMap(item)) {
        for (const [file, keys] of item) {
          if (whole.has(file)) add(file, []);
          else if (isPyList(keys) && keys.every((key) => typeof key === 'string')) add(file, keys);
          else this.fail('params', `expected a list of params for params file '${file}', got '${pyTypeName(keys)}'`);
        }
      } else {
        this.fail('params', `only keys and {file: [keys]} mappings are allowed in 'params', got '${pyTypeName(item)}'`);
      }
    }
    return [...byFile].map(([file, keys]) => {
      const location = this.location(file);
      return { file: location.path, projectPath: location.projectPath, keys: [...new Set(keys)] };
    });
  }

  private outs(value: PyValue | undefined, kind: OutSpec['kind'], key: string): OutSpec[] {
    if (value === undefined || value === null) return [];
    if (!isPyList(value)) {
      this.fail(key, `'${key}' must be a list`);
      return [];
    }
    // DVC's _merge_data: a path given twice has its flags merged.
    const flagsByPath = new Map<string, Map<string, PyValue>>();
    for (const item of value) {
      if (typeof item === 'string') {
        flagsByPath.set(item, flagsByPath.get(item) ?? new Map<string, PyValue>());
      } else if (isPyMap(item)) {
        for (const [written, flags] of item) {
          const merged = flagsByPath.get(written) ?? new Map<string, PyValue>();
          const entries = kind === 'plot' && isPyList(flags) ? flags : [flags];
          for (const entry of entries) {
            if (!isPyMap(entry)) {
              this.fail(key, `expected a mapping of flags for '${written}', got '${pyTypeName(entry)}'`);
              continue;
            }
            for (const [flag, flagValue] of entry) {
              if (!(kind === 'plot' ? PLOT_FLAGS : OUT_FLAGS).has(flag)) this.fail(key, `unknown flag '${flag}' for '${written}'`);
              merged.set(flag, flagValue);
            }
          }
          flagsByPath.set(written, merged);
        }
      } else {
        this.fail(key, `'${key}' items must be paths or {path: flags} mappings, got '${pyTypeName(item)}'`);
      }
    }
    const outs: OutSpec[] = [];
    for (const [written, flags] of flagsByPath) {
      const location = this.location(written);
      if (path.isAbsolute(location.projectPath)) {
        this.fail(key, `output '${written}' is outside of the project (DVC 3 does not cache external outputs)`);
        continue;
      }
      for (const flag of ['cache', 'persist'] as const) {
        const flagValue = flags.get(flag);
        if (flagValue !== undefined && typeof flagValue !== 'boolean') this.fail(key, `'${flag}' of '${written}' must be true or false`);
      }
      outs.push({ ...location, kind, cache: flags.get('cache') !== false, persist: flags.get('persist') === true });
    }
    return outs;
  }
}

/** Python's str.splitlines(): the commands of a multi-line `cmd`. */
function splitLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- Python's splitlines() breaks at these separators too.
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
