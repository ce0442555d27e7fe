// `${...}` interpolation in dvc.yaml, as DVC's parsing Context does it: values come from
// params.yaml (always loaded when it exists), the top-level and per-stage `vars` (files, parts of
// files, or inline mappings) and, inside foreach and matrix stages, `item` and `key`. A string that
// is exactly one `${...}` takes the value itself (a list for a foreach, a number); anything else is
// written into the text: booleans as true/false, floats as Python prints them, a mapping inside a
// `cmd` as `--key value` arguments. `\${` stays literal. Defining a name twice is an error.
import {
  isPyList,
  isPyMap,
  isPyScalar,
  pyClone,
  pyTypeName,
  pythonStr,
  type PyMap,
  type PyValue,
} from './python-value';

/** A `${...}` that cannot be resolved, or vars that cannot be loaded; the message is DVC's. */
export class InterpolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

/** Reads a vars or params file (a project-relative path) into a value; throws when it cannot. */
export type VarsFileReader = (projectPath: string) => PyValue;

const INTERPOLATION = /(?<!\\)\$\{(.*?)\}/g;
const EXPRESSION = /^[^.[\]]+(?:\.[^.[\]]+|\[[^.[\]]+\])*$/;

/** Whether text contains a `${...}`. */
export function isInterpolated(text: string): boolean {
  INTERPOLATION.lastIndex = 0;
  return INTERPOLATION.test(text);
}

/** Checks the syntax of every `${...}` in text (as DVC checks a stage before resolving it). */
export function checkExpressions(text: string): void {
  for (const match of text.matchAll(INTERPOLATION)) parseExpression(match[1]!);
}

function parseExpression(inner: string): string {
  if (!EXPRESSION.test(inner)) throw new InterpolationError(`\${${inner}} is not a valid expression: use names joined by '.' or '[index]'`);
  return inner;
}

/** Python's shlex.quote. */
function shellQuote(text: string): string {
  if (text === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

function flattenMapping(map: PyMap, prefix = '', into: Array<[string, PyValue]> = []): Array<[string, PyValue]> {
  for (const [key, value] of map) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPyMap(value)) flattenMapping(value, name, into);
    else into.push([name, value]);
  }
  return into;
}

/** DVC's to_str: how a value is written into a string. */
export function interpolationText(value: PyValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isPyMap(value)) {
    // A mapping in a command becomes arguments (DVC's default parsing config: bool store_true, list nargs).
    let result = '';
    for (const [key, item] of flattenMapping(value)) {
      if (typeof item === 'boolean') {
        if (item) result += `--${key} `;
      } else if (typeof item === 'string') {
        result += `--${key} ${shellQuote(item)} `;
      } else if (isPyList(item)) {
        item.forEach((element, index) => {
          if (isPyList(element) || isPyMap(element)) throw new InterpolationError(`Cannot interpolate nested iterable in '${key}'`);
          const text = typeof element === 'string' ? shellQuote(element) : pythonStr(element);
          result += index > 0 ? `${text} ` : `--${key} ${text} `;
        });
      } else {
        result += `--${key} ${pythonStr(item)} `;
      }
    }
    return result.trimEnd();
  }
  return pythonStr(value);
}

/** DVC's validate_value: only scalars are written into text, except a mapping into `cmd` and anything into `foreach`. */
function checkInterpolable(value: PyValue, field: string | null): void {
  if (value === null || isPyScalar(value)) return;
  if (field === null || field.includes('foreach')) return;
  if (isPyMap(value) && field === 'cmd') return;
  throw new InterpolationError(`Cannot interpolate data of type '${pyTypeName(value)}'`);
}

function pythonIndex(segment: string, length: number): number | null {
  if (!/^[-+]?\d+$/.test(segment)) return null;
  const index = Number(segment);
  const resolved = index < 0 ? length + index : index;
  return resolved >= 0 && resolved < length ? resolved : null;
}

/** The values `${...}` can name, and where each top-level name came from. */
export class InterpolationContext {
  private readonly data: PyMap;
  /** Where each leaf came from ('params.yaml', 'vars[0]', ...), keyed by its dotted path. */
  private readonly sources: Map<string, string>;
  /** Files merged in so far: null when whole, else the keys taken from it. */
  private readonly imports: Map<string, string[] | null>;
  private readonly reserved = new Set<string>();

  constructor(data: PyMap = new Map(), sources = new Map<string, string>(), imports = new Map<string, string[] | null>()) {
    this.data = data;
    this.sources = sources;
    this.imports = imports;
  }

  /** A copy whose changes leave this one as it is. */
  clone(): InterpolationContext {
    const copy = new InterpolationContext(pyClone(this.data) as PyMap, new Map(this.sources), new Map([...this.imports].map(([k, v]) => [k, v && [...v]])));
    for (const key of this.reserved) copy.reserved.add(key);
    return copy;
  }

  /** Whether a top-level name is defined. */
  has(name: string): boolean {
    return this.data.has(name);
  }

  /**
   * Loads `vars` entries: "file.yaml", "file.yaml:key1,key2" (relative to `wdir`) or inline mappings;
   * `defaultFile` (params.yaml) first when it exists. `stageName` names inline entries in errors.
   */
  loadVars(vars: readonly PyValue[], wdir: string, read: VarsFileReader, exists: (projectPath: string) => boolean, stageName = '', defaultFile?: string): void {
    if (defaultFile && exists(joinProjectPath(wdir, defaultFile))) this.mergeFile(defaultFile, wdir, read);
    vars.forEach((item, index) => {
      if (typeof item === 'string') {
        this.mergeFile(item, wdir, read);
      } else if (isPyMap(item)) {
        this.merge(item, `${stageName}${stageName ? '.' : ''}vars[${index}]`);
      } else {
        throw new InterpolationError(`vars[${index}] must be a file name or a mapping, got '${pyTypeName(item)}'`);
      }
    });
  }

  private mergeFile(item: string, wdir: string, read: VarsFileReader): void {
    const colon = item.indexOf(':');
    const file = colon === -1 ? item : item.slice(0, colon);
    const keysText = colon === -1 ? '' : item.slice(colon + 1);
    const projectPath = joinProjectPath(wdir, file);
    const keys = keysText ? keysText.split(',').filter(Boolean) : null;
    const imported = this.imports.get(projectPath);
    if (imported !== undefined) {
      if (!keys && imported === null) return;
      if (!keys && Array.isArray(imported)) throw new InterpolationError(`cannot load '${item}' as it's partially loaded already`);
      if (keys && imported === null) throw new InterpolationError(`cannot partially load '${item}' as it's already loaded.`);
      if (keys && imported && keys.some((key) => imported.includes(key))) {
        throw new InterpolationError(`cannot load '${item}' as it's partially loaded already`);
      }
    }
    const value = read(projectPath);
    if (!isPyMap(value)) throw new InterpolationError(`expected a dictionary, got '${pyTypeName(value)}' in file '${projectPath}'`);
    let selected: PyMap = value;
    if (keys) {
      selected = new Map();
      for (const key of keys) {
        if (!value.has(key)) throw new InterpolationError(`could not find '${key}' in '${projectPath}'`);
        selected.set(key, value.get(key)!);
      }
    }
    this.merge(selected, projectPath);
    if (imported === undefined) this.imports.set(projectPath, keys);
    else if (keys && imported) imported.push(...keys);
  }

  /** Merges a mapping in; a name defined twice is an error (mappings merge key by key). */
  merge(update: PyMap, source: string): void {
    const taken = [...update.keys()].filter((key) => this.reserved.has(key));
    if (taken.length) {
      throw new InterpolationError(`attempted to modify reserved key${taken.length > 1 ? 's' : ''} ${taken.map((k) => `'${k}'`).join(', ')} in '${source}'`);
    }
    this.mergeInto(this.data, update, source, '');
  }

  private mergeInto(into: PyMap, update: PyMap, source: string, prefix: string): void {
    for (const [key, value] of update) {
      const dotted = prefix ? `${prefix}.${key}` : key;
      const existing = into.get(key);
      if (isPyMap(existing) && isPyMap(value)) {
        this.mergeInto(existing, value, source, dotted);
      } else if (existing !== undefined) {
        const previous = this.sources.get(dotted) ?? this.sourceAbove(dotted) ?? '<local>';
        throw new InterpolationError(`cannot redefine '${dotted}' from '${source}' as it already exists in '${previous}'`);
      } else {
        into.set(key, pyClone(value));
        this.sources.set(dotted, source);
      }
    }
  }

  private sourceAbove(dotted: string): string | undefined {
    const parts = dotted.split('.');
    for (let length = parts.length - 1; length > 0; length--) {
      const source = this.sources.get(parts.slice(0, length).join('.'));
      if (source) return source;
    }
    return undefined;
  }

  /** Runs `body` with `values` (item, key) defined and reserved, then removes them. */
  withReserved<T>(values: PyMap, body: () => T): T {
    const previous = new Map<string, PyValue | undefined>();
    for (const [key, value] of values) {
      previous.set(key, this.data.get(key));
      this.data.set(key, value);
      this.reserved.add(key);
    }
    try {
      return body();
    } finally {
      for (const [key, value] of previous) {
        this.reserved.delete(key);
        if (value === undefined) this.data.delete(key);
        else this.data.set(key, value);
      }
    }
  }

  /** The value an expression (`train.lr`, `models[0]`, ` item.name `) names. */
  select(expression: string): PyValue {
    const normalized = expression.replaceAll('[', '.').replaceAll(']', '');
    let node: PyValue = this.data;
    for (const raw of normalized.split('.')) {
      const segment = raw.trim();
      if (isPyMap(node) && node.has(segment)) {
        node = node.get(segment)!;
      } else if (isPyList(node) && pythonIndex(segment, node.length) !== null) {
        node = node[pythonIndex(segment, node.length)!]!;
      } else {
        throw new InterpolationError(`Could not find '${expression}'`);
      }
    }
    return node;
  }

  /** Resolves every `${...}` in a value (strings, list items, mapping keys and values). `field` is the stage key it sits under. */
  resolve(value: PyValue, field: string | null): PyValue {
    if (typeof value === 'string') return this.resolveString(value, field);
    if (isPyList(value)) return value.map((item) => this.resolve(item, field));
    if (isPyMap(value)) {
      const resolved: PyMap = new Map();
      for (const [key, item] of value) {
        const resolvedKey = this.resolveString(key, field);
        resolved.set(typeof resolvedKey === 'string' ? resolvedKey : interpolationText(resolvedKey), this.resolve(item, field));
      }
      return resolved;
    }
    return value;
  }

  /** Resolves a string: exactly one `${...}` gives the value itself, anything else the text with values written in. */
  resolveString(text: string, field: string | null): PyValue {
    const matches = [...text.matchAll(INTERPOLATION)];
    if (matches.length === 0) return text.replaceAll('\\${', '${');
    if (matches.length === 1 && matches[0]![0] === text) {
      const value = this.select(parseExpression(matches[0]![1]!));
      checkInterpolable(value, field);
      return pyClone(value);
    }
    let result = '';
    let index = 0;
    for (const match of matches) {
      const value = this.select(parseExpression(match[1]!));
      checkInterpolable(value, field);
      result += text.slice(index, match.index) + interpolationText(value);
      index = match.index + match[0].length;
    }
    return (result + text.slice(index)).replaceAll('\\${', '${');
  }
}

/** Joins a project-relative folder and a relative path into a normalized project-relative path ('/'-separated). */
export function joinProjectPath(folder: string, relative: string): string {
  const parts: string[] = [];
  for (const part of `${folder}/${relative}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
