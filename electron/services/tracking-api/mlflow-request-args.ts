// Reading a request's arguments as MLflow's handlers do: a GET's query values arrive as strings
// (a repeated key as an array), a JSON body's as JSON values. Missing required values and values
// of the wrong type are answered with MLflow's INVALID_PARAMETER_VALUE messages.
import { CairnError } from '../../../shared/errors';
import type { Tag } from '../../../shared/models';

/** A request's arguments as a route receives them. */
export type MlflowArgs = Readonly<Record<string, unknown>>;

const DOCS_HINT = ' See the API docs for more information about request parameters.';

function missing(name: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.${DOCS_HINT}`);
}

function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'dict';
  return 'str';
}

function invalid(name: string, value: unknown): CairnError {
  return new CairnError(
    'INVALID_PARAMETER_VALUE',
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied. Hint: Value was of type '${pythonTypeName(value)}'.${DOCS_HINT}`,
  );
}

/** A string argument, or undefined when absent (null counts as absent). */
export function optionalString(args: MlflowArgs, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, value);
  return value;
}

/** A string argument that must be present and non-empty. */
export function requiredString(args: MlflowArgs, name: string): string {
  const value = optionalString(args, name);
  if (value === undefined || value === '') throw missing(name);
  return value;
}

/** An integer argument (a JSON number or a numeric query string), or undefined when absent. */
export function optionalInt(args: MlflowArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw invalid(name, value);
  return number;
}

/** A boolean argument (true/false, or 'true'/'false' in a query), or undefined when absent. */
export function optionalBool(args: MlflowArgs, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase() === 'true';
  throw invalid(name, value);
}

/** A repeated string argument: a JSON array of strings, or one or more query values. */
export function stringList(args: MlflowArgs, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw invalid(name, value);
  return list;
}

/** A repeated {key, value} argument (tags, params); a missing value reads as ''. */
export function keyValueList(args: MlflowArgs, name: string): Tag[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(name, value);
  return value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalid(name, value);
    const entry = item as Record<string, unknown>;
    if (typeof entry.key !== 'string' || entry.key === '') throw missing(`${name}[${index}].key`);
    const entryValue = entry.value ?? '';
    if (typeof entryValue !== 'string') throw invalid(`${name}[${index}].value`, entryValue);
    return { key: entry.key, value: entryValue };
  });
}
