// MLflow's rules for what may be logged (mlflow/utils/validation.py): which metric, param and tag
// names are allowed, how long keys and values may be, and how much one log-batch may carry.
// Over-long param and tag values are truncated, as MLflow's server does by default
// (MLFLOW_TRUNCATE_LONG_VALUES); every other breach is an INVALID_PARAMETER_VALUE.
import { CairnError } from '../../../shared/errors';
import { quotedValue } from '../../../shared/quoted-value';
import type { Param, Tag } from '../../../shared/models';
import { invalidParameter, missingParameter } from './tracking-request-args';

/** The largest log-batch request body, in bytes. */
export const MAX_BATCH_LOG_REQUEST_SIZE = 1_000_000;
const MAX_METRICS_PER_BATCH = 1000;
const MAX_PARAMS_TAGS_PER_BATCH = 100;
const MAX_ENTITIES_PER_BATCH = 1000;
const MAX_ENTITY_KEY_LENGTH = 250;
const MAX_PARAM_VAL_LENGTH = 6000;
const MAX_TAG_VAL_LENGTH = 8000;
const MAX_EXPERIMENT_NAME_LENGTH = 500;
const MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000;
const MAX_DATASET_NAME_SIZE = 500;
const MAX_DATASET_DIGEST_SIZE = 36;
const MAX_DATASET_SOURCE_SIZE = 65_535;
const MAX_DATASET_SCHEMA_SIZE = 1_048_575;
const MAX_DATASET_PROFILE_SIZE = 16_777_215;
const MAX_INPUT_TAG_KEY_SIZE = 255;
const MAX_INPUT_TAG_VALUE_SIZE = 500;

/** Letters, digits, underscores, dashes, periods, spaces, colons and slashes (Python's \w is Unicode-aware). */
const VALID_NAME = /^[\p{L}\p{N}_\-. :/]*$/u;
const BAD_CHARACTER_MESSAGE =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** Python's posixpath.normpath. */
function posixNormpath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  if (path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!initialSlashes && parts.length === 0) || parts.at(-1) === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined || '.';
}

/** Names are used as file names in some stores, so they must not resolve to another name. */
function pathNotUnique(name: string): boolean {
  const normalized = posixNormpath(name);
  return normalized !== name || normalized === '.' || normalized.startsWith('..') || normalized.startsWith('/');
}

// Names seen valid before, so that a log-batch of a thousand points checks each key once.
const knownValidNames = new Set<string>();
const KNOWN_VALID_NAMES_LIMIT = 100_000;

/** Checks a metric, param or tag name as MLflow does; `path` names the field in errors (e.g. "metrics[3].key"). */
export function validateEntityName(kind: 'Metric' | 'Param' | 'Tag', name: unknown, path: string): string {
  if (typeof name === 'string' && knownValidNames.has(name)) return name;
  if (name === undefined || name === null || name === '') throw missingParameter(path);
  if (typeof name !== 'string') throw invalidParameter(path, name, `${kind} names are strings.`);
  if (!VALID_NAME.test(name)) throw invalidParameter(path, name, BAD_CHARACTER_MESSAGE);
  if (pathNotUnique(name)) {
    throw invalidParameter(
      path,
      name,
      `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. ` +
        `This name would resolve to '${posixNormpath(name)}'`,
    );
  }
  if (name.length > MAX_ENTITY_KEY_LENGTH) throw exceedsMaximumLength(path, MAX_ENTITY_KEY_LENGTH);
  if (knownValidNames.size >= KNOWN_VALID_NAMES_LIMIT) knownValidNames.clear();
  knownValidNames.add(name);
  return name;
}

function exceedsMaximumLength(path: string, limit: number): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `'${path}' exceeds the maximum length of ${limit} characters`);
}

function stringValue(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidParameter(path, value, 'Values are strings.');
  return value;
}

/** A param to log: a valid key, and a value cut to MLflow's 6000 characters. */
export function validateParam(key: unknown, value: unknown, path: string): Param {
  const name = validateEntityName('Param', key, `${path}key`);
  return { key: name, value: stringValue(value, `${path}value`).slice(0, MAX_PARAM_VAL_LENGTH) };
}

/** A run tag to set: a valid key, and a value cut to MLflow's 8000 characters. */
export function validateTag(key: unknown, value: unknown, path: string): Tag {
  const name = validateEntityName('Tag', key, `${path}key`);
  return { key: name, value: stringValue(value, `${path}value`).slice(0, MAX_TAG_VAL_LENGTH) };
}

/** An experiment tag to set: a valid key (at most 250 characters, as for runs) and a value of at most 5000. */
export function validateExperimentTag(key: unknown, value: unknown, path: string): Tag {
  const name = validateEntityName('Tag', key, `${path}key`);
  const text = stringValue(value, `${path}value`);
  if (text.length > MAX_EXPERIMENT_TAG_VAL_LENGTH) throw exceedsMaximumLength(`${path}value`, MAX_EXPERIMENT_TAG_VAL_LENGTH);
  return { key: name, value: text };
}

/** An experiment name: non-empty, at most 500 characters. */
export function validateExperimentName(name: string, path: string): string {
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) throw exceedsMaximumLength(path, MAX_EXPERIMENT_NAME_LENGTH);
  return name;
}

function batchLimit(entityName: string, limit: number, length: number): void {
  if (length > limit) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. ` +
        `Please split up ${entityName} across multiple requests and try again.`,
    );
  }
}

/** Refuses a log-batch over MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 in all. */
export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  batchLimit('metrics', MAX_METRICS_PER_BATCH, metrics);
  batchLimit('params', MAX_PARAMS_TAGS_PER_BATCH, params);
  batchLimit('tags', MAX_PARAMS_TAGS_PER_BATCH, tags);
  batchLimit('metrics, params, and tags', MAX_ENTITIES_PER_BATCH, metrics + params + tags);
}

/** Refuses a log-batch that logs one param key twice. */
export function validateParamKeysUnique(params: readonly Param[]): void {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const param of params) {
    if (seen.has(param.key)) duplicates.push(param.key);
    seen.add(param.key);
  }
  if (duplicates.length > 0) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Duplicate parameter keys have been submitted: ${quotedValue(duplicates)}. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
}

/** A field of a dataset or input tag that must be a string within a size limit. */
export function limitedString(value: unknown, path: string, limit: number, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw missingParameter(path);
    return null;
  }
  if (typeof value !== 'string') throw invalidParameter(path, value, 'Values are strings.');
  if (value.length > limit) throw exceedsMaximumLength(path, limit);
  return value;
}

/** MLflow's size limits of a Dataset message's fields. */
export const DATASET_FIELD_LIMITS = {
  name: MAX_DATASET_NAME_SIZE,
  digest: MAX_DATASET_DIGEST_SIZE,
  source: MAX_DATASET_SOURCE_SIZE,
  schema: MAX_DATASET_SCHEMA_SIZE,
  profile: MAX_DATASET_PROFILE_SIZE,
  inputTagKey: MAX_INPUT_TAG_KEY_SIZE,
  inputTagValue: MAX_INPUT_TAG_VALUE_SIZE,
} as const;
