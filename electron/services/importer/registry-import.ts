// Imports the model registry (<mlruns>/models), after the runs and logged models: registered models
// with their tags, versions with their numbers, stages and tags, and aliases. A model Cairn already
// has receives the versions it lacks; a version whose source lies in an imported run's or logged
// model's local artifact folder points at Cairn's copy of it.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { ImportedModelVersion, RegistryStore } from '../registry/registry-store';
import type { ArtifactImport } from './artifact-import';
import { messageOf, type ImportContext } from './import-context';
import {
  listRegisteredModelFolders,
  MalformedSourceError,
  readRegisteredModel,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
} from './mlflow-file-store-reader';

/** Imports every registered model of the source; what cannot be imported is reported, never thrown. */
export async function importRegistry(context: ImportContext, artifacts: ArtifactImport): Promise<void> {
  const { report } = context;
  for (const folder of await listRegisteredModelFolders(context.tree)) {
    let read: { model: MlflowRegisteredModel; malformed: MalformedSourceError[] };
    try {
      read = await readRegisteredModel(context.tree, folder);
    } catch (error) {
      if (!(error instanceof MalformedSourceError)) throw error;
      report.skipMalformed(`registered model folder ${path.basename(folder)}`, error);
      continue;
    }
    const { model } = read;
    for (const error of read.malformed) report.skipMalformed(`part of registered model '${model.name}'`, error);
    report.noteUnknownFields('registered model meta.yaml', model.unknownFields, path.join(folder, 'meta.yaml'));
    for (const version of model.versions) {
      report.noteUnknownFields('model version meta.yaml', version.unknownFields, path.join(version.folder, 'meta.yaml'));
    }
    const registry = context.options.registry;
    if (!registry) {
      report.skip('unsupported', `registered model '${model.name}' (${model.versions.length} version(s))`, folder, null, 'no model registry store is available');
      continue;
    }
    try {
      await importRegisteredModel(context, artifacts, registry, model);
    } catch (error) {
      report.skip('failed', `registered model '${model.name}'`, folder, null, messageOf(error));
    }
  }
}

async function importRegisteredModel(context: ImportContext, artifacts: ArtifactImport, registry: RegistryStore, model: MlflowRegisteredModel): Promise<void> {
  const { dryRun, report } = context;
  const now = Date.now();
  const existing = await registry.getRegisteredModel(model.name).catch((error: unknown) => {
    if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  });
  if (existing) {
    report.skip('already-imported', `registered model '${model.name}'`, model.folder, null, 'a registered model of this name exists; its missing versions are added');
  } else {
    if (!dryRun) {
      await registry.importRegisteredModel({
        name: model.name,
        description: model.description,
        creationTimestamp: model.creationTimestamp ?? now,
        lastUpdatedTimestamp: model.lastUpdatedTimestamp ?? model.creationTimestamp ?? now,
        tags: model.tags,
      });
    }
    report.counters.registeredModels++;
  }
  const present = new Set<number>();
  for (const version of model.versions) {
    const subject = `version ${version.version} of registered model '${model.name}'`;
    if (version.currentStage === 'Deleted_Internal') {
      report.skip('unsupported', subject, version.folder, null, 'MLflow had deleted this version');
      continue;
    }
    const known = existing ? await registry.getModelVersion(model.name, String(version.version)).then(() => true, () => false) : false;
    if (known) {
      report.skip('already-imported', subject, version.folder, null, 'this version number exists in Cairn');
      present.add(version.version);
      continue;
    }
    if (!dryRun) await registry.importModelVersion(importedVersion(artifacts, model.name, version, now));
    report.counters.modelVersions++;
    present.add(version.version);
  }
  const aliases = existing?.aliases ?? [];
  for (const alias of model.aliases) {
    const subject = `alias '${alias.alias}' of registered model '${model.name}'`;
    if (aliases.some((own) => own.alias === alias.alias && own.version === String(alias.version))) {
      report.skip('already-imported', subject, model.folder, null, 'already set');
    } else if (!present.has(alias.version)) {
      report.skip('malformed', subject, path.join(model.folder, 'aliases', alias.alias), null, `it points at version ${alias.version}, which was not imported`);
    } else {
      if (!dryRun) await registry.setRegisteredModelAlias(model.name, alias.alias, String(alias.version));
      report.counters.aliases++;
    }
  }
}

function importedVersion(artifacts: ArtifactImport, name: string, version: MlflowModelVersion, now: number): ImportedModelVersion {
  return {
    name,
    version: version.version,
    creationTimestamp: version.creationTimestamp ?? now,
    lastUpdatedTimestamp: version.lastUpdatedTimestamp ?? version.creationTimestamp ?? now,
    description: version.description,
    userId: version.userId,
    currentStage: version.currentStage as Exclude<MlflowModelVersion['currentStage'], 'Deleted_Internal'>,
    source: artifacts.mapModelSource(version.source, version),
    storageLocation: version.storageLocation === null ? null : artifacts.mapModelSource(version.storageLocation, version),
    runId: version.runId,
    runLink: version.runLink,
    status: version.status,
    statusMessage: version.statusMessage,
    modelId: version.modelId,
    tags: version.tags,
  };
}
