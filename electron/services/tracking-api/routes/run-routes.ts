// MLflow's run routes: create, get, update, delete, restore, search, the logging calls
// (log-metric, log-parameter, set-tag, delete-tag, log-batch), log-inputs, MLflow 2.x's
// log-model and MLflow 3's runs/outputs. Every input is checked before anything is written, and
// each write is one transaction, so a refused request leaves the tracker as it was.
import { CairnError } from '../../../../shared/errors';
import type { Tag } from '../../../../shared/models';
import { decodePageToken, encodePageToken } from '../../tracker/page-token';
import { RUN_NAME_TAG } from '../../../../shared/mlflow-tags';
import type { DatasetInput, MetricInput } from '../../tracker/tracker-store';
import {
  DATASET_FIELD_LIMITS,
  limitedString,
  MAX_BATCH_LOG_REQUEST_SIZE,
  validateBatchLimits,
  validateEntityName,
  validateParam,
  validateParamKeysUnique,
  validateTag,
} from '../mlflow-entity-validation';
import { runInfoJson, runJson, runJsonText } from '../mlflow-entity-json';
import { optionalInt, optionalString, requiredString, stringList, type MlflowArgs } from '../mlflow-request-args';
import { pagedJsonText, type MlflowRoute } from '../mlflow-route';
import {
  invalidParameter,
  maxResultsArg,
  missingParameter,
  objectList,
  optionalObject,
  optionalRunStatus,
  requiredRunId,
  toDouble,
  toInt64,
  viewTypeArg,
} from '../tracking-request-args';
import type { TrackingContext } from '../tracking-context';

/** MLflow's default and largest page of runs. */
const RUN_SEARCH_LIMITS = { fallback: 1000, max: 50_000 } as const;

/** MLflow's run id format: a letter or digit, then up to 255 letters, digits, underscores or dashes. */
const RUN_ID_FORMAT = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** The fields a model description must have for MLflow's log-model. */
const LOGGED_MODEL_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;

type JsonRecord = Readonly<Record<string, unknown>>;

function runTags(args: MlflowArgs): Tag[] {
  return objectList(args, 'tags').map((tag, index) => validateTag(tag.key, tag.value, `tags[${index}].`));
}

/** experiment_ids, a JSON list of strings; numbers are taken too, as some non-Python clients send them. */
function experimentIdList(args: MlflowArgs): string[] {
  const value = args.experiment_ids;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter('experiment_ids', value, 'Expected a list of experiment ids.');
  return value.map((id: unknown) => {
    if (typeof id === 'string') return id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
    throw invalidParameter('experiment_ids', value, 'Experiment ids are strings.');
  });
}

/** One metric of a log-batch or log-metric; `path` prefixes field names in errors. */
function readMetric(raw: JsonRecord, path: string): MetricInput {
  const key = validateEntityName('Metric', raw.key, `${path}key`);
  const rawValue = raw.value;
  if (rawValue === undefined || rawValue === null || rawValue === '') throw missingParameter(`${path}value`);
  const value = typeof rawValue === 'number' ? rawValue : toDouble(rawValue, `${path}value`);
  const rawTimestamp = raw.timestamp;
  if (rawTimestamp === undefined || rawTimestamp === null || rawTimestamp === '') throw missingParameter(`${path}timestamp`);
  const timestamp =
    typeof rawTimestamp === 'number' && Number.isSafeInteger(rawTimestamp) ? rawTimestamp : toInt64(rawTimestamp, `${path}timestamp`);
  if (timestamp < 0) {
    throw invalidParameter(`${path}timestamp`, rawTimestamp, 'Timestamp must be a nonnegative long (64-bit integer).');
  }
  const rawStep = raw.step;
  const step =
    rawStep === undefined || rawStep === null
      ? 0
      : typeof rawStep === 'number' && Number.isSafeInteger(rawStep)
        ? rawStep
        : toInt64(rawStep, `${path}step`);
  // MLflow 3 clients link a metric to a logged model and the dataset it was computed on.
  const modelId = optionalLink(raw.model_id, `${path}model_id`);
  if (modelId === undefined) return { key, value, timestamp, step };
  return {
    key,
    value,
    timestamp,
    step,
    modelId,
    datasetName: optionalLink(raw.dataset_name, `${path}dataset_name`),
    datasetDigest: optionalLink(raw.dataset_digest, `${path}dataset_digest`),
  };
}

/** An optional id or name a metric carries: a non-empty string of at most 500 characters, or absent. */
function optionalLink(raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return limitedString(raw, path, 500, true)!;
}

function readInputTags(raw: unknown, path: string): Tag[] {
  if (raw === undefined || raw === null) return [];
  return objectList({ tags: raw }, 'tags').map((tag, index) => ({
    key: limitedString(tag.key, `${path}[${index}].key`, DATASET_FIELD_LIMITS.inputTagKey, true)!,
    value: limitedString(tag.value, `${path}[${index}].value`, DATASET_FIELD_LIMITS.inputTagValue, true)!,
  }));
}

/** One DatasetInput of log-inputs: the dataset, with MLflow's required fields and size limits, and its tags. */
function readDatasetInput(raw: JsonRecord, index: number): DatasetInput {
  const path = `datasets[${index}]`;
  const dataset = optionalObject(raw, 'dataset');
  if (!dataset) throw missingParameter(`${path}.dataset`);
  const text = (name: string, limit: number, required: boolean) =>
    limitedString(dataset[name], `${path}.dataset.${name}`, limit, required);
  return {
    name: text('name', DATASET_FIELD_LIMITS.name, true)!,
    digest: text('digest', DATASET_FIELD_LIMITS.digest, true)!,
    sourceType: text('source_type', DATASET_FIELD_LIMITS.source, true)!,
    source: text('source', DATASET_FIELD_LIMITS.source, true)!,
    schema: text('schema', DATASET_FIELD_LIMITS.schema, false),
    profile: text('profile', DATASET_FIELD_LIMITS.profile, false),
    tags: readInputTags(raw.tags, `${path}.tags`),
  };
}

/** Python's repr of a set of strings, as MLflow's messages show one. */
function pythonSet(names: readonly string[]): string {
  return `{${names.map((name) => `'${name}'`).join(', ')}}`;
}

/** The run routes over the context's tracker store. */
export function runRoutes(context: TrackingContext): MlflowRoute[] {
  const { store } = context;
  return [
    {
      method: 'POST',
      path: 'runs/create',
      async handle({ args }) {
        // An absent experiment means the Default experiment, as in MLflow.
        const experimentId = optionalString(args, 'experiment_id') || '0';
        const runName = optionalString(args, 'run_name') || undefined;
        const startTime = optionalInt(args, 'start_time');
        const userId = optionalString(args, 'user_id');
        const tags = runTags(args);
        const tagName = tags.find((tag) => tag.key === RUN_NAME_TAG)?.value;
        if (runName && tagName && runName !== tagName) {
          throw new CairnError(
            'INVALID_PARAMETER_VALUE',
            `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values ` +
              `(run_name='${runName}', ${RUN_NAME_TAG}='${tagName}').`,
          );
        }
        const run = await store.createRun({ experimentId, runName, startTime, userId, tags });
        return { run: runJson(run) };
      },
    },
    {
      method: 'GET',
      path: 'runs/get',
      async handle({ args }) {
        return { run: runJson(await store.getRun(requiredRunId(args))) };
      },
    },
    {
      method: 'POST',
      path: 'runs/update',
      async handle({ args }) {
        const runId = requiredRunId(args);
        const info = await store.updateRun(runId, {
          status: optionalRunStatus(args, 'status'),
          endTime: optionalInt(args, 'end_time'),
          runName: optionalString(args, 'run_name') || undefined,
        });
        return { run_info: runInfoJson(info) };
      },
    },
    {
      method: 'POST',
      path: 'runs/delete',
      async handle({ args }) {
        await store.deleteRun(requiredString(args, 'run_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/restore',
      async handle({ args }) {
        await store.restoreRun(requiredString(args, 'run_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-metric',
      async handle({ args }) {
        const runId = requiredRunId(args);
        await store.logBatch(runId, { metrics: [readMetric(args, '')] });
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-parameter',
      async handle({ args }) {
        const runId = requiredRunId(args);
        await store.logBatch(runId, { params: [validateParam(args.key, args.value, '')] });
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/set-tag',
      async handle({ args }) {
        const runId = requiredRunId(args);
        await store.logBatch(runId, { tags: [validateTag(args.key, args.value, '')] });
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/delete-tag',
      async handle({ args }) {
        await store.deleteTag(requiredString(args, 'run_id'), requiredString(args, 'key'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-batch',
      maxBodyBytes: MAX_BATCH_LOG_REQUEST_SIZE,
      async handle({ args }) {
        const runId = requiredString(args, 'run_id');
        if (!RUN_ID_FORMAT.test(runId)) throw invalidParameter('run_id', runId);
        const rawMetrics = objectList(args, 'metrics');
        const rawParams = objectList(args, 'params');
        const rawTags = objectList(args, 'tags');
        validateBatchLimits(rawMetrics.length, rawParams.length, rawTags.length);
        const metrics = new Array<MetricInput>(rawMetrics.length);
        for (let i = 0; i < rawMetrics.length; i++) metrics[i] = readMetric(rawMetrics[i]!, `metrics[${i}].`);
        const params = rawParams.map((param, i) => validateParam(param.key, param.value, `params[${i}].`));
        const tags = rawTags.map((tag, i) => validateTag(tag.key, tag.value, `tags[${i}].`));
        validateParamKeysUnique(params);
        await store.logBatch(runId, { metrics, params, tags });
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/search',
      async handle({ args }) {
        const maxResults = maxResultsArg(args, RUN_SEARCH_LIMITS);
        const pageToken = optionalString(args, 'page_token') || undefined;
        const page = await store.searchRuns({
          experimentIds: experimentIdList(args),
          filter: optionalString(args, 'filter') ?? '',
          orderBy: stringList(args, 'order_by'),
          maxResults,
          pageToken,
          viewType: viewTypeArg(args, 'run_view_type'),
        });
        // MLflow hands out a next-page token whenever a page is full, even when it ends exactly at the last run.
        const nextPageToken =
          page.nextPageToken ??
          (page.items.length === maxResults ? encodePageToken(decodePageToken(pageToken) + maxResults) : undefined);
        // Written as text around each run's own JSON text, which is kept while the run is unchanged.
        return pagedJsonText('runs', page.items.map(runJsonText), nextPageToken);
      },
    },
    {
      method: 'POST',
      path: 'runs/log-inputs',
      async handle({ args }) {
        const runId = requiredString(args, 'run_id');
        const datasets = objectList(args, 'datasets').map(readDatasetInput);
        // MLflow 3's model inputs: the logged models the run used.
        const modelIds = objectList(args, 'models').map((model, index) => {
          if (typeof model.model_id !== 'string' || !model.model_id) throw missingParameter(`models[${index}].model_id`);
          return model.model_id;
        });
        await store.logInputs(runId, datasets, modelIds);
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/outputs',
      async handle({ args }) {
        const runId = requiredString(args, 'run_id');
        if (args.models === undefined || args.models === null) throw missingParameter('models');
        const models = objectList(args, 'models').map((model, index) => {
          if (typeof model.model_id !== 'string' || !model.model_id) throw missingParameter(`models[${index}].model_id`);
          if (model.step === undefined || model.step === null) throw missingParameter(`models[${index}].step`);
          return { modelId: model.model_id, step: toInt64(model.step, `models[${index}].step`) };
        });
        await store.logOutputs(runId, models);
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-model',
      async handle({ args }) {
        const runId = requiredString(args, 'run_id');
        const modelJson = requiredString(args, 'model_json');
        let model: unknown;
        try {
          model = JSON.parse(modelJson);
        } catch {
          model = undefined;
        }
        if (model === null || typeof model !== 'object' || Array.isArray(model)) {
          throw new CairnError('INVALID_PARAMETER_VALUE', `Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
        }
        const missing = LOGGED_MODEL_FIELDS.filter((field) => !Object.hasOwn(model, field));
        if (missing.length > 0) {
          throw new CairnError('INVALID_PARAMETER_VALUE', `Model json is missing mandatory fields: ${pythonSet(missing)}`);
        }
        await store.recordLoggedModel(runId, model as Record<string, unknown>);
        return {};
      },
    },
  ];
}
