// Values read from pipeline, params and lock files, kept as DVC (Python) sees them: an int and a
// float are different things (`1` and `1.0` are written differently in dvc.lock, hashed
// differently in the run-cache, and interpolated differently into commands), mappings keep the
// order of the file, and their keys are strings.

/** A float as Python holds it; plain JavaScript numbers stand for Python ints. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A mapping in file order. */
export type PyMap = Map<string, PyValue>;

/** A value of a YAML, JSON or TOML file: None, bool, int (number), float, str, list or mapping. */
export type PyValue = null | boolean | number | PyFloat | string | PyValue[] | PyMap;

/** Whether a value is a mapping. */
export function isPyMap(value: PyValue | undefined): value is PyMap {
  return value instanceof Map;
}

/** Whether a value is a list. */
export function isPyList(value: PyValue | undefined): value is PyValue[] {
  return Array.isArray(value);
}

/** Whether a value is a scalar (not a list or a mapping). */
export function isPyScalar(value: PyValue): value is null | boolean | number | PyFloat | string {
  return !isPyMap(value) && !isPyList(value);
}

/** Python's type name of a value, for error messages ("Cannot interpolate data of type 'list'"). */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'int';
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'string') return 'str';
  return isPyList(value) ? 'list' : 'dict';
}

/**
 * Python's repr() of a float: the shortest digits that read back as the same number, written
 * with an exponent below 1e-4 and from 1e16 up (`1e-05`, `1e+16`), else with at least one
 * decimal (`1.0`, `0.0001`).
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-trip digits, as Python's repr does.
  const [mantissa = '', exponentText = '0'] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exponent < -4 || exponent >= 16) {
    const significand = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${significand}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  } else if (exponent >= 0) {
    const whole = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, '0');
    const fraction = digits.length > exponent + 1 ? digits.slice(exponent + 1) : '0';
    body = `${whole}.${fraction}`;
  } else {
    body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${body}` : body;
}

function quotePythonString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a value (strings quoted, containers written out). */
export function pythonRepr(value: PyValue): string {
  if (typeof value === 'string') return quotePythonString(value);
  if (isPyList(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isPyMap(value)) return `{${[...value].map(([key, item]) => `${quotePythonString(key)}: ${pythonRepr(item)}`).join(', ')}}`;
  return pythonStr(value);
}

/** Python's str() of a value: what `print(value)` shows. */
export function pythonStr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

function numericValue(value: PyValue): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** Python's `==`: 1 == 1.0 == True, mappings equal whatever their order, lists item by item. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = numericValue(a);
  const y = numericValue(b);
  if (x !== null || y !== null) return x !== null && y !== null && x === y;
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return a === b;
  if (isPyList(a) || isPyList(b)) {
    return isPyList(a) && isPyList(b) && a.length === b.length && a.every((item, index) => pyEquals(item, b[index]!));
  }
  if (!isPyMap(a) || !isPyMap(b) || a.size !== b.size) return false;
  for (const [key, item] of a) {
    if (!b.has(key) || !pyEquals(item, b.get(key)!)) return false;
  }
  return true;
}

/** A copy of a value deep enough that changing the copy's containers leaves the original as it was. */
export function pyClone(value: PyValue): PyValue {
  if (isPyList(value)) return value.map(pyClone);
  if (isPyMap(value)) return new Map([...value].map(([key, item]) => [key, pyClone(item)]));
  return value;
}

/** A value as plain JSON (floats as numbers, mappings as objects), for storage and events. */
export function pyToJson(value: PyValue): unknown {
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? value.value : pythonFloatRepr(value.value);
  if (isPyList(value)) return value.map(pyToJson);
  if (isPyMap(value)) return Object.fromEntries([...value].map(([key, item]) => [key, pyToJson(item)]));
  return value;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Compares two strings by Unicode code point, as Python's sort does (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** Sorts items by a string key as Python's sorted() sorts str (by code point); plain comparison when no key holds a surrogate. */
export function sortedByCodePoint<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const list = [...items];
  if (list.some((item) => SURROGATE.test(key(item)))) return list.sort((a, b) => compareCodePoints(key(a), key(b)));
  return list.sort((a, b) => {
    const left = key(a);
    const right = key(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/** Sorts strings as Python's sorted() does. */
export function pythonSorted(values: Iterable<string>): string[] {
  return sortedByCodePoint(values, (value) => value);
}
