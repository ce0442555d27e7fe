// MLflow 3's logged-model API under /api/2.0/mlflow/logged-models: create, get, finalize,
// delete, search, tags, params, and the listing and download of a logged model's files.
import { CairnError } from '../../../../shared/errors';
import type { LoggedModel, LoggedModelStatus } from '../../../../shared/models';
import { parseArtifactRelativePath } from '../../artifacts/artifact-path';
import type { LoggedModelOrder } from '../../logged-models/logged-model-store';
import { keyValueList, optionalInt, optionalString, requiredString, stringList, type MlflowArgs } from '../mlflow-request-args';
import { mlflowDouble } from '../mlflow-json';
import { pagedJsonText, type MlflowRoute } from '../mlflow-route';
import type { TrackingContext } from '../tracking-context';
import { fileInfoJson, sendArtifact } from './artifact-routes';

/** MLflow's LoggedModelStatus enum names, by Cairn's status. */
const STATUS_NAMES: Readonly<Record<LoggedModelStatus, string>> = {
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
};

/** MLflow's LoggedModel message as JSON ({info, data}); unset optional fields are left out. */
export function loggedModelJson(model: LoggedModel): Record<string, unknown> {
  const info: Record<string, unknown> = {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
    creation_timestamp_ms: model.creationTimestamp,
    last_updated_timestamp_ms: model.lastUpdatedTimestamp,
    artifact_uri: model.artifactLocation,
    status: STATUS_NAMES[model.status],
    tags: model.tags.map((tag) => ({ key: tag.key, value: tag.value })),
  };
  if (model.modelType !== null) info.model_type = model.modelType;
  if (model.sourceRunId !== null) info.source_run_id = model.sourceRunId;
  if (model.statusMessage !== null) info.status_message = model.statusMessage;
  const metrics = model.metrics.map((metric) => {
    const json: Record<string, unknown> = {
      key: metric.key,
      value: mlflowDouble(metric.value),
      timestamp: metric.timestamp,
      step: metric.step,
      run_id: metric.runId,
      model_id: model.modelId,
    };
    if (metric.datasetName !== null) json.dataset_name = metric.datasetName;
    if (metric.datasetDigest !== null) json.dataset_digest = metric.datasetDigest;
    return json;
  });
  const data: Record<string, unknown> = { params: model.params.map((param) => ({ key: param.key, value: param.value })) };
  if (metrics.length > 0) data.metrics = metrics;
  return { info, data };
}

/** The status a finalize request asks for: MLflow's enum name or number (2 ready, 3 upload failed). */
function finalStatus(args: MlflowArgs): Exclude<LoggedModelStatus, 'PENDING'> {
  const value = args.status;
  if (value === undefined || value === null || value === '') {
    throw new CairnError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'status'.");
  }
  const name = typeof value === 'number' ? value : typeof value === 'string' ? value.toUpperCase().replace(/^LOGGED_MODEL_/, '') : null;
  if (name === 2 || name === 'READY') return 'READY';
  if (name === 3 || name === 'UPLOAD_FAILED' || name === 'FAILED') return 'FAILED';
  throw new CairnError(
    'INVALID_PARAMETER_VALUE',
    `Invalid status ${JSON.stringify(value)} for finalizing a logged model: use LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`,
  );
}

/** order_by of a logged-model search: MLflow's {field_name, ascending} objects, or "field [ASC|DESC]" text. */
function orderArg(args: MlflowArgs): LoggedModelOrder[] {
  const value = args.order_by;
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === 'string') {
      const [fieldName = '', direction = 'ASC'] = item.trim().split(/\s+/);
      return { fieldName, ascending: direction.toUpperCase() !== 'DESC' };
    }
    const entry = item as Record<string, unknown> | null;
    if (!entry || typeof entry.field_name !== 'string' || entry.field_name === '') {
      throw new CairnError('INVALID_PARAMETER_VALUE', "Each order_by entry of a logged-model search needs a 'field_name'.");
    }
    return { fieldName: entry.field_name, ascending: entry.ascending !== false };
  });
}

/** The logged-model routes over the context's logged-model and artifact stores. */
export function loggedModelRoutes(context: TrackingContext): MlflowRoute[] {
  const { loggedModels, artifacts } = context;
  const modelIdOf = (pathParams: Readonly<Record<string, string>>) => pathParams.model_id ?? '';
  return [
    {
      method: 'POST',
      path: 'logged-models',
      async handle({ args }) {
        const model = await loggedModels.createLoggedModel({
          experimentId: requiredString(args, 'experiment_id'),
          name: optionalString(args, 'name'),
          modelType: optionalString(args, 'model_type'),
          sourceRunId: optionalString(args, 'source_run_id'),
          params: keyValueList(args, 'params'),
          tags: keyValueList(args, 'tags'),
        });
        return { model: loggedModelJson(model) };
      },
    },
    {
      method: 'POST',
      path: 'logged-models/search',
      async handle({ args }) {
        const page = await loggedModels.searchLoggedModels({
          experimentIds: stringList(args, 'experiment_ids'),
          filter: optionalString(args, 'filter'),
          orderBy: orderArg(args),
          maxResults: optionalInt(args, 'max_results'),
          pageToken: optionalString(args, 'page_token') || undefined,
        });
        return pagedJsonText('models', page.items.map((model) => JSON.stringify(loggedModelJson(model))), page.nextPageToken);
      },
    },
    {
      method: 'GET',
      path: 'logged-models/:model_id',
      async handle({ args, pathParams }) {
        const allowDeleted = String(args.allow_deleted).toLowerCase() === 'true';
        return { model: loggedModelJson(await loggedModels.getLoggedModel(modelIdOf(pathParams), { allowDeleted })) };
      },
    },
    {
      method: 'PATCH',
      path: 'logged-models/:model_id',
      async handle({ args, pathParams }) {
        return { model: loggedModelJson(await loggedModels.finalizeLoggedModel(modelIdOf(pathParams), finalStatus(args))) };
      },
    },
    {
      method: 'DELETE',
      path: 'logged-models/:model_id',
      async handle({ pathParams }) {
        await loggedModels.deleteLoggedModel(modelIdOf(pathParams));
        return {};
      },
    },
    {
      method: 'PATCH',
      path: 'logged-models/:model_id/tags',
      async handle({ args, pathParams }) {
        await loggedModels.setLoggedModelTags(modelIdOf(pathParams), keyValueList(args, 'tags'));
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'logged-models/:model_id/tags/:tag_key',
      async handle({ pathParams }) {
        await loggedModels.deleteLoggedModelTag(modelIdOf(pathParams), pathParams.tag_key ?? '');
        return {};
      },
    },
    {
      method: 'POST',
      path: 'logged-models/:model_id/params',
      async handle({ args, pathParams }) {
        await loggedModels.logLoggedModelParams(modelIdOf(pathParams), keyValueList(args, 'params'));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'logged-models/:model_id/artifacts/directories',
      async handle({ args, pathParams }) {
        const model = await loggedModels.getLoggedModel(modelIdOf(pathParams));
        const files = await artifacts.listArtifacts(model.artifactLocation, optionalString(args, 'artifact_directory_path') ?? '');
        return { root_uri: model.artifactLocation, files: files.map(fileInfoJson) };
      },
    },
    {
      method: 'GET',
      path: 'logged-models/:model_id/artifacts/files',
      async handle({ args, pathParams }, response) {
        const file = optionalString(args, 'artifact_file_path');
        if (!file) throw new CairnError('BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
        const model = await loggedModels.getLoggedModel(modelIdOf(pathParams));
        return sendArtifact(response, await artifacts.openArtifact(model.artifactLocation, parseArtifactRelativePath(file)));
      },
    },
  ];
}
