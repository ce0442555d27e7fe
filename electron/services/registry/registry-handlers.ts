// The handlers of the registry capability's calls (shared/contract/registry.ts): registered models,
// their versions, and the models a run produced, over the registry and logged-model stores; the
// registry's work (register, aliases, stages, edits, deletion, lineage, comparison) through the
// model registry service, over the same store the MLflow-compatible API writes.
import type { RegistryCallName } from '../../../shared/contract';
import type { Page } from '../../../shared/models';
import type { CallHandlerTable } from '../api/call-handler-table';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { TrackerStore } from '../tracker/tracker-store';
import type { ModelRegistryService } from './model-registry-service';
import type { RegistryStore } from './registry-store';

/** What the registry capability's handlers need. */
export interface RegistryHandlerServices {
  /** The tracker, to tell a run that does not exist from one without models. */
  readonly store: TrackerStore;
  /** The model registry. */
  readonly registry: RegistryStore;
  /** MLflow 3 logged models. */
  readonly loggedModels: LoggedModelStore;
  /** Registry work beyond single store calls. */
  readonly modelRegistry: ModelRegistryService;
}

/** Every item of a paged search, page after page. */
async function everyPage<T>(search: (pageToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let pageToken: string | undefined;
  do {
    const page = await search(pageToken);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}

/** The handlers of the registry capability. */
export function createRegistryHandlers(services: RegistryHandlerServices): CallHandlerTable<RegistryCallName> {
  const { registry, modelRegistry } = services;
  return {
    getRunModels: async (request) => {
      await services.store.getRun(request.runId);
      const [loggedModels, modelVersions] = await Promise.all([
        everyPage((pageToken) =>
          services.loggedModels.searchLoggedModels({ filter: `source_run_id = '${request.runId}'`, maxResults: 1000, pageToken }),
        ),
        everyPage((pageToken) => registry.searchModelVersions({ filter: `run_id = '${request.runId}'`, maxResults: 1000, pageToken })),
      ]);
      return { loggedModels, modelVersions };
    },
    listRegisteredModels: async () =>
      everyPage((pageToken) => registry.searchRegisteredModels({ orderBy: ['last_updated_timestamp DESC'], maxResults: 1000, pageToken })),
    listModelVersions: async (request) => {
      await registry.getRegisteredModel(request.name);
      const versions = await everyPage((pageToken) =>
        registry.searchModelVersions({ filter: `name = '${request.name.replaceAll("'", "''")}'`, maxResults: 1000, pageToken }),
      );
      return versions.sort((a, b) => Number(b.version) - Number(a.version));
    },
    listRunModelFolders: async (request) => modelRegistry.runModelFolders(request.runId),
    getRegisteredModel: async (request) => registry.getRegisteredModel(request.name),
    listLoggedModels: async (request) => modelRegistry.listLoggedModels(request.maxResults),
    registerModel: async (request) => modelRegistry.register(request),
    setModelAlias: async (request) => ({ previousVersion: await modelRegistry.setAlias(request.name, request.alias, request.version) }),
    deleteModelAlias: async (request) => {
      await modelRegistry.deleteAlias(request.name, request.alias);
      return {};
    },
    transitionModelVersionStage: async (request) =>
      modelRegistry.transitionStage(request.name, request.version, request.stage, request.archiveExisting),
    archiveModelVersion: async (request) => modelRegistry.archive(request.name, request.version),
    setModelDescription: async (request) => {
      await modelRegistry.setDescription(request.name, request.version, request.description);
      return {};
    },
    setModelTag: async (request) => {
      await modelRegistry.setTag(request.name, request.version, request.key, request.value);
      return {};
    },
    planModelDeletion: async (request) => modelRegistry.planDeletion(request.name, request.version),
    deleteModel: async (request) => modelRegistry.delete(request.name, request.version),
    getModelVersionLineage: async (request) => modelRegistry.lineage(request.name, request.version),
    compareModelVersions: async (request) => modelRegistry.compare(request.a, request.b),
  };
}
