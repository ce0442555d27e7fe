// MLflow's model registry API: /api/2.0/mlflow/registered-models/... and model-versions/...,
// with MLflow's request fields, defaults, response fields and errors.
import type { ModelVersion, RegisteredModel, Tag } from '../../../../shared/models';
import {
  keyValueList,
  optionalBool,
  optionalInt,
  optionalString,
  requiredString,
  stringList,
  type MlflowArgs,
} from '../mlflow-request-args';
import { pagedJsonText, type MlflowRoute } from '../mlflow-route';
import type { TrackingContext } from '../tracking-context';

function tagsJson(tags: readonly Tag[]): { key: string; value: string }[] {
  return tags.map((tag) => ({ key: tag.key, value: tag.value }));
}

/** MLflow's ModelVersion message as JSON; unset optional fields are left out, as MLflow leaves them. */
export function modelVersionJson(version: ModelVersion): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: version.name,
    version: version.version,
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    current_stage: version.currentStage,
    source: version.source,
    status: version.status,
    tags: tagsJson(version.tags),
    aliases: [...version.aliases],
  };
  if (version.description !== null) json.description = version.description;
  if (version.userId !== null) json.user_id = version.userId;
  if (version.runId !== null) json.run_id = version.runId;
  if (version.runLink !== null) json.run_link = version.runLink;
  if (version.statusMessage) json.status_message = version.statusMessage;
  if (version.modelId !== null) json.model_id = version.modelId;
  return json;
}

/** MLflow's RegisteredModel message as JSON. */
export function registeredModelJson(model: RegisteredModel): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    latest_versions: model.latestVersions.map(modelVersionJson),
    tags: tagsJson(model.tags),
    aliases: model.aliases.map((alias) => ({ alias: alias.alias, version: alias.version })),
  };
  if (model.description !== null) json.description = model.description;
  return json;
}

/** A version argument: MLflow sends it as a string; a JSON integer is accepted too. */
function versionArg(args: MlflowArgs): string {
  const value = args.version;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return requiredString(args, 'version');
}

function searchArgs(args: MlflowArgs) {
  return {
    filter: optionalString(args, 'filter'),
    maxResults: optionalInt(args, 'max_results'),
    orderBy: stringList(args, 'order_by'),
    pageToken: optionalString(args, 'page_token') || undefined,
  };
}

/** The model registry routes over the context's registry store. */
export function registryRoutes(context: TrackingContext): MlflowRoute[] {
  const { registry } = context;
  const latestVersions: MlflowRoute['handle'] = async ({ args }) => {
    const versions = await registry.getLatestVersions(requiredString(args, 'name'), stringList(args, 'stages'));
    return { model_versions: versions.map(modelVersionJson) };
  };
  return [
    {
      method: 'POST',
      path: 'registered-models/create',
      async handle({ args }) {
        const model = await registry.createRegisteredModel({
          name: requiredString(args, 'name'),
          tags: keyValueList(args, 'tags'),
          description: optionalString(args, 'description'),
        });
        return { registered_model: registeredModelJson(model) };
      },
    },
    {
      method: 'GET',
      path: 'registered-models/get',
      async handle({ args }) {
        return { registered_model: registeredModelJson(await registry.getRegisteredModel(requiredString(args, 'name'))) };
      },
    },
    {
      method: 'PATCH',
      path: 'registered-models/update',
      async handle({ args }) {
        const model = await registry.updateRegisteredModel(requiredString(args, 'name'), optionalString(args, 'description'));
        return { registered_model: registeredModelJson(model) };
      },
    },
    {
      method: 'POST',
      path: 'registered-models/rename',
      async handle({ args }) {
        const model = await registry.renameRegisteredModel(requiredString(args, 'name'), requiredString(args, 'new_name'));
        return { registered_model: registeredModelJson(model) };
      },
    },
    {
      method: 'DELETE',
      path: 'registered-models/delete',
      async handle({ args }) {
        await registry.deleteRegisteredModel(requiredString(args, 'name'));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'registered-models/search',
      async handle({ args }) {
        const page = await registry.searchRegisteredModels(searchArgs(args));
        return pagedJsonText('registered_models', page.items.map((model) => JSON.stringify(registeredModelJson(model))), page.nextPageToken);
      },
    },
    { method: 'POST', path: 'registered-models/get-latest-versions', handle: latestVersions },
    { method: 'GET', path: 'registered-models/get-latest-versions', handle: latestVersions },
    {
      method: 'POST',
      path: 'registered-models/set-tag',
      async handle({ args }) {
        await registry.setRegisteredModelTag(requiredString(args, 'name'), {
          key: requiredString(args, 'key'),
          value: optionalString(args, 'value') ?? '',
        });
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'registered-models/delete-tag',
      async handle({ args }) {
        await registry.deleteRegisteredModelTag(requiredString(args, 'name'), requiredString(args, 'key'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'registered-models/alias',
      async handle({ args }) {
        await registry.setRegisteredModelAlias(requiredString(args, 'name'), requiredString(args, 'alias'), versionArg(args));
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'registered-models/alias',
      async handle({ args }) {
        await registry.deleteRegisteredModelAlias(requiredString(args, 'name'), requiredString(args, 'alias'));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'registered-models/alias',
      async handle({ args }) {
        const version = await registry.getModelVersionByAlias(requiredString(args, 'name'), requiredString(args, 'alias'));
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'POST',
      path: 'model-versions/create',
      async handle({ args }) {
        const version = await registry.createModelVersion({
          name: requiredString(args, 'name'),
          source: requiredString(args, 'source'),
          runId: optionalString(args, 'run_id'),
          runLink: optionalString(args, 'run_link'),
          tags: keyValueList(args, 'tags'),
          description: optionalString(args, 'description'),
          modelId: optionalString(args, 'model_id'),
        });
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'GET',
      path: 'model-versions/get',
      async handle({ args }) {
        return { model_version: modelVersionJson(await registry.getModelVersion(requiredString(args, 'name'), versionArg(args))) };
      },
    },
    {
      method: 'PATCH',
      path: 'model-versions/update',
      async handle({ args }) {
        const version = await registry.updateModelVersion(requiredString(args, 'name'), versionArg(args), optionalString(args, 'description'));
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'POST',
      path: 'model-versions/transition-stage',
      async handle({ args }) {
        const version = await registry.transitionModelVersionStage(
          requiredString(args, 'name'),
          versionArg(args),
          requiredString(args, 'stage'),
          optionalBool(args, 'archive_existing_versions') ?? false,
        );
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'DELETE',
      path: 'model-versions/delete',
      async handle({ args }) {
        await registry.deleteModelVersion(requiredString(args, 'name'), versionArg(args));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'model-versions/search',
      async handle({ args }) {
        const page = await registry.searchModelVersions(searchArgs(args));
        return pagedJsonText('model_versions', page.items.map((version) => JSON.stringify(modelVersionJson(version))), page.nextPageToken);
      },
    },
    {
      method: 'GET',
      path: 'model-versions/get-download-uri',
      async handle({ args }) {
        return { artifact_uri: await registry.getModelVersionDownloadUri(requiredString(args, 'name'), versionArg(args)) };
      },
    },
    {
      method: 'POST',
      path: 'model-versions/set-tag',
      async handle({ args }) {
        await registry.setModelVersionTag(requiredString(args, 'name'), versionArg(args), {
          key: requiredString(args, 'key'),
          value: optionalString(args, 'value') ?? '',
        });
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'model-versions/delete-tag',
      async handle({ args }) {
        await registry.deleteModelVersionTag(requiredString(args, 'name'), versionArg(args), requiredString(args, 'key'));
        return {};
      },
    },
  ];
}
