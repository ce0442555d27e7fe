// Finds what a deployment is asked to serve: a models:/ URI resolved through the model registry
// to one version (models:/name/3, models:/name@champion, models:/name/Production,
// models:/name/latest), and that version's MLflow model folder through the artifact store. The
// folder is then copied into the deployment's own folder, so the endpoint keeps what it serves
// even if the version's files or the version itself go away.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../../shared/errors';
import type { DeployedModel } from '../../../shared/deployments';
import type { ModelVersion } from '../../../shared/models';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import { parseModelUri, uriScheme } from '../registry/model-source';
import type { RegistryStore } from '../registry/registry-store';
import type { TrackerStore } from '../tracker/tracker-store';

/** The stores a model version's files are found through. */
export interface ModelFileStores {
  readonly registry: RegistryStore;
  readonly artifacts: ArtifactStore;
  readonly tracker: TrackerStore;
  readonly loggedModels: LoggedModelStore;
}

/** A model version resolved from a URI, with the folder holding its MLmodel file. */
export interface ResolvedModelVersion {
  readonly version: ModelVersion;
  readonly model: DeployedModel;
  readonly folder: string;
}

/** Resolves a models:/ URI to one registered version; INVALID_PARAMETER_VALUE or RESOURCE_DOES_NOT_EXIST with what to do. */
export async function resolveModelUri(registry: RegistryStore, uri: string): Promise<{ version: ModelVersion; model: DeployedModel }> {
  const parsed = parseModelUri(uri);
  let version: ModelVersion | undefined;
  if (parsed.kind === 'logged-model') {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `${uri} names a logged model, not a registered version: register it first, then deploy models:/<name>/<version> or models:/<name>@<alias>.`,
    );
  } else if (parsed.kind === 'version') {
    version = await registry.getModelVersion(parsed.name, parsed.version);
  } else if (parsed.kind === 'alias') {
    version = await registry.getModelVersionByAlias(parsed.name, parsed.alias);
  } else {
    const versions = await registry.getLatestVersions(parsed.name, parsed.kind === 'stage' ? [parsed.stage] : []);
    version = [...versions].sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (!version) {
      const where = parsed.kind === 'stage' ? ` in stage ${parsed.stage}` : '';
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Registered model '${parsed.name}' has no version${where}.`);
    }
  }
  if (version.status !== 'READY') {
    throw new CairnError('INVALID_STATE', `${version.name} version ${version.version} is ${version.status}, not READY: it cannot be deployed.`);
  }
  return { version, model: { name: version.name, version: version.version, uri } };
}

/** The local folder holding a version's MLmodel file. */
export async function modelVersionFolder(stores: ModelFileStores, version: ModelVersion): Promise<string> {
  const location = await stores.registry.getModelVersionDownloadUri(version.name, version.version);
  const candidates: Array<() => Promise<string>> = [];
  const scheme = uriScheme(location);
  if (scheme === 'mlflow-artifacts') {
    candidates.push(() => stores.artifacts.artifactFilePath(location, ''));
  } else if (scheme === 'runs') {
    const match = /^runs:\/\/?([^/]+)\/?(.*)$/.exec(location);
    if (match) {
      const [, runId, relative] = match as unknown as [string, string, string];
      candidates.push(async () => stores.artifacts.artifactFilePath((await stores.tracker.getRun(runId)).info.artifactUri, relative));
    }
  } else if (scheme === 'file') {
    candidates.push(async () => fileURLToPath(location));
  } else if (scheme === '' && path.isAbsolute(location)) {
    candidates.push(async () => location);
  }
  // An MLflow 3 version registered from runs:/ may keep its files with its logged model instead.
  if (version.modelId) {
    const modelId = version.modelId;
    candidates.push(async () => stores.artifacts.artifactFilePath((await stores.loggedModels.getLoggedModel(modelId, { allowDeleted: true })).artifactLocation, ''));
  }
  if (candidates.length === 0) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `${version.name} version ${version.version} keeps its files at ${location}, outside this data folder; Cairn deploys models whose files it holds.`,
    );
  }
  const reasons: string[] = [];
  for (const candidate of candidates) {
    try {
      const folder = await candidate();
      if (fs.existsSync(path.join(folder, 'MLmodel'))) return folder;
      reasons.push(`${folder} has no MLmodel file`);
    } catch (error) {
      reasons.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new CairnError(
    'RESOURCE_DOES_NOT_EXIST',
    `The files of ${version.name} version ${version.version} (${location}) are not an MLflow model here: ${reasons.join('; ')}.`,
  );
}

/** Copies a model folder into `target` (created; what was there is replaced); returns the bytes copied. */
export async function copyModelFolder(source: string, target: string): Promise<number> {
  await fs.promises.rm(target, { recursive: true, force: true });
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.cp(source, target, { recursive: true, dereference: true, errorOnExist: false });
  let bytes = 0;
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await fs.promises.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else bytes += (await fs.promises.stat(full)).size;
    }
  };
  await walk(target);
  return bytes;
}
