// Readers for the tracking routes' arguments beyond the generic ones of mlflow-request-args.ts:
// run ids, doubles, enums and result limits, refused with MLflow's INVALID_PARAMETER_VALUE messages.
import { CairnError } from '../../../shared/errors';
import { RUN_STATUSES, type RunStatus, type ViewType } from '../../../shared/models';
import { quotedValue } from '../../../shared/quoted-value';
import { optionalString, type MlflowArgs } from './mlflow-request-args';

/** MLflow's "Invalid value ... for parameter ... supplied" error, quoting at most a short prefix of the value. */
export function invalidParameter(name: string, value: unknown, reason?: string): CairnError {
  return new CairnError(
    'INVALID_PARAMETER_VALUE',
    `Invalid value ${quotedValue(value)} for parameter '${name}' supplied${reason ? `: ${reason}` : '.'}`,
  );
}

/** MLflow's "Missing value for required parameter" error. */
export function missingParameter(name: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.`);
}

/** The run a request names: run_id, or run_uuid, which older clients send instead. */
export function requiredRunId(args: MlflowArgs): string {
  const runId = optionalString(args, 'run_id') || optionalString(args, 'run_uuid');
  if (!runId) throw missingParameter('run_id');
  return runId;
}

const NON_FINITE_SPELLINGS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** Reads a double as protobuf's JSON does: a number, a numeric string, or "NaN", "Infinity", "-Infinity". */
export function toDouble(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = NON_FINITE_SPELLINGS[value];
    if (special !== undefined) return special;
    if (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  }
  throw invalidParameter(name, value, 'Please specify value as a valid double (64-bit floating point).');
}

/** Reads an int64 as protobuf's JSON does: an integral number or a string of digits. */
export function toInt64(value: unknown, name: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw invalidParameter(name, value, 'Must be a valid long (64-bit integer).');
  }
  return number;
}

const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

/** A ViewType argument, by name or by its protobuf number (1, 2, 3); ACTIVE_ONLY when absent. */
export function viewTypeArg(args: MlflowArgs, name: string): ViewType {
  const value = args[name];
  if (value === undefined || value === null || value === '') return 'ACTIVE_ONLY';
  if (typeof value === 'string' && (VIEW_TYPES as readonly string[]).includes(value)) return value as ViewType;
  const number = typeof value === 'string' ? Number(value) : value;
  if (number === 1 || number === 2 || number === 3) return VIEW_TYPES[number - 1]!;
  throw invalidParameter(name, value, `Must be one of ${VIEW_TYPES.join(', ')}.`);
}

/** A RunStatus argument, by name or by its protobuf number (1 to 5), or undefined when absent. */
export function optionalRunStatus(args: MlflowArgs, name: string): RunStatus | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= RUN_STATUSES.length) {
    return RUN_STATUSES[number - 1];
  }
  throw invalidParameter(name, value, `Must be one of ${RUN_STATUSES.join(', ')}.`);
}

/** A max_results argument: a default when absent, otherwise an integer from 1 to `max`. */
export function maxResultsArg(args: MlflowArgs, limits: { readonly fallback: number; readonly max: number }): number {
  const value = args.max_results;
  if (value === undefined || value === null || value === '') return limits.fallback;
  const maxResults = toInt64(value, 'max_results');
  if (maxResults < 1) throw invalidParameter('max_results', value, 'It must be a positive integer.');
  if (maxResults > limits.max) throw invalidParameter('max_results', value, `It must be at most ${limits.max}.`);
  return maxResults;
}

/** A JSON object argument (a message field), or undefined when absent. */
export function optionalObject(args: MlflowArgs, name: string): Readonly<Record<string, unknown>> | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(name, value, 'Expected an object.');
  return value as Record<string, unknown>;
}

/** A repeated message argument: a JSON array of objects (empty when absent). */
export function objectList(args: MlflowArgs, name: string): ReadonlyArray<Readonly<Record<string, unknown>>> {
  const value = args[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    throw invalidParameter(name, value, 'Expected a list of objects.');
  }
  return value as Array<Record<string, unknown>>;
}
