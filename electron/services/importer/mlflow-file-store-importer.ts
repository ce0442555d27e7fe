// Brings an MLflow file store (an mlruns folder) into Cairn: experiments (matched by name),
// runs with MLflow's own run ids, params, tags, metric histories, dataset inputs and artifacts,
// MLflow 3 logged models with their own ids, then the model registry. Importing again adds nothing.
// The work is planned first (import-plan.ts: every meta.yaml read, every metric file sized), then
// each experiment's runs (run-import.ts) and logged models (logged-model-import.ts) are imported
// with their artifacts (artifact-import.ts), then the registry (registry-import.ts); import-report.ts
// keeps the counts, the skips and the progress. Each of those files says what an interruption leaves.
// Everything is read through source-tree.ts, which follows a symbolic link only where it stays inside.
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { RegistryStore } from '../registry/registry-store';
import type { TrackerImportStore, TrackerStore } from '../tracker/tracker-store';
import { ArtifactImport } from './artifact-import';
import { messageOf, type ImportContext, type TargetExperiment } from './import-context';
import { andLoggedModels, planImport, type PlannedExperiment } from './import-plan';
import { ImportReport } from './import-report';
import { LoggedModelImport } from './logged-model-import';
import { hasMetaFile, listExperimentFolders, listRegisteredModelFolders, listSubfolders, type MlflowExperiment } from './mlflow-file-store-reader';
import { importRegistry } from './registry-import';
import { RunImport } from './run-import';
import { SourceTree } from './source-tree';

export { IMPORT_SOURCE_TAG } from './import-context';

/** What to import, from where, into which stores. */
export interface MlflowImportOptions {
  /** The mlruns folder, or a folder holding one named mlruns. */
  readonly source: string;
  /** The tracker to import into (in a dry run it is only read). */
  readonly store: TrackerStore & TrackerImportStore;
  /** Where run artifact files are copied to; null only in a dry run. */
  readonly artifacts: ArtifactStore | null;
  /** The model registry; when null, registered models are skipped with a reason. */
  readonly registry: RegistryStore | null;
  /** The store of MLflow 3 logged models (only read in a dry run); when null, logged models are skipped with a reason. */
  readonly loggedModels: LoggedModelStore | null;
  /** Report what would be imported and write nothing. */
  readonly dryRun?: boolean;
  /** Import only the experiment with this name (and not the registry). */
  readonly experimentName?: string;
  /** Called as the import advances (after each chunk of metric points, each run and each logged model). */
  readonly onProgress?: (progress: MlflowImportProgress) => void;
  /** Metric points per logBatch call. */
  readonly metricChunkSize?: number;
}

/** How far an import has come. */
export interface MlflowImportProgress {
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly modelsDone: number;
  readonly modelsTotal: number;
  /** Metric points of runs and of logged models. */
  readonly metricPoints: number;
  /** Bytes of metric files read, of all the metric files of the runs and logged models to import. */
  readonly metricBytesDone: number;
  readonly metricBytesTotal: number;
  readonly elapsedMs: number;
}

/** Why something was not imported. */
export type ImportSkipKind =
  | 'already-imported'
  | 'symlink'
  | 'malformed'
  | 'remote-artifacts'
  | 'unknown-field'
  | 'unsupported'
  | 'conflict'
  | 'failed';

/** Something in the source that was not imported, and why. */
export interface ImportSkip {
  readonly kind: ImportSkipKind;
  /** What was skipped, in words ("run 5f2c… in experiment 'churn'"). */
  readonly subject: string;
  /** The file or folder concerned. */
  readonly path: string | null;
  /** The 1-based line in `path`, when there is one. */
  readonly line: number | null;
  readonly reason: string;
  /** How many times the same thing was skipped for the same reason (unknown fields, bad metric lines). */
  readonly count: number;
  /** For a symbolic link that was not followed ('symlink'), where it points. */
  readonly target?: string;
}

/** What an import brought in (or, in a dry run, would bring in), and what it skipped. */
export interface MlflowImportSummary {
  readonly source: string;
  readonly dryRun: boolean;
  readonly experimentsCreated: number;
  /** Source experiments whose runs went into an existing Cairn experiment of the same name. */
  readonly experimentsMatched: number;
  readonly experimentTags: number;
  readonly runs: number;
  /** Of `runs`, those an interrupted import had begun. */
  readonly runsResumed: number;
  readonly params: number;
  readonly tags: number;
  readonly metricPoints: number;
  readonly datasetInputs: number;
  /** Of runs and logged models. */
  readonly artifactFiles: number;
  readonly artifactBytes: number;
  /** MLflow 3 logged models, with their params, tags and metric points (which are their runs' points too). */
  readonly loggedModels: number;
  readonly loggedModelParams: number;
  readonly loggedModelTags: number;
  readonly loggedModelMetricPoints: number;
  readonly registeredModels: number;
  readonly modelVersions: number;
  readonly aliases: number;
  readonly skipped: readonly ImportSkip[];
  readonly elapsedMs: number;
}

/** Imports an MLflow file store into Cairn's stores; never throws for a malformed source file, only reports it. */
export async function importMlflowFileStore(options: MlflowImportOptions): Promise<MlflowImportSummary> {
  const tree = await openMlrunsFolder(options.source);
  if (!options.dryRun && !options.artifacts) throw new CairnError('INVALID_STATE', 'An import that writes needs an artifact store.');
  const report = new ImportReport(options.onProgress);
  const context: ImportContext = { root: tree.root, tree, options, dryRun: options.dryRun ?? false, report };
  return new MlflowFileStoreImport(context).run();
}

/** The mlruns folder itself, or its `mlruns` subfolder; INVALID_PARAMETER_VALUE when neither is an MLflow file store. */
async function openMlrunsFolder(source: string): Promise<SourceTree> {
  const absolute = path.resolve(source);
  const stats = await fs.promises.stat(absolute).catch(() => null);
  if (!stats?.isDirectory()) throw new CairnError('INVALID_PARAMETER_VALUE', `${absolute} is not a folder.`);
  for (const candidate of [absolute, path.join(absolute, 'mlruns')]) {
    if (!(await fs.promises.stat(candidate).catch(() => null))?.isDirectory()) continue;
    const tree = await SourceTree.open(candidate);
    if ((await listRegisteredModelFolders(tree)).length > 0) return tree;
    for (const found of await listExperimentFolders(tree)) if (await hasMetaFile(tree, found.folder)) return tree;
  }
  throw new CairnError(
    'INVALID_PARAMETER_VALUE',
    `${absolute} is not an MLflow file store: it has no <experiment id>/meta.yaml (and no mlruns folder that has one).`,
  );
}

/** One import: the parts that import runs, logged models and artifacts, sharing one context and report. */
class MlflowFileStoreImport {
  private readonly artifacts: ArtifactImport;
  private readonly runs: RunImport;
  private readonly models: LoggedModelImport;

  constructor(private readonly context: ImportContext) {
    this.artifacts = new ArtifactImport(context);
    this.runs = new RunImport(context, this.artifacts);
    this.models = new LoggedModelImport(context, this.artifacts, this.runs);
  }

  async run(): Promise<MlflowImportSummary> {
    const { root, report, options, dryRun } = this.context;
    const plan = await planImport(this.context);
    report.plan(
      plan.flatMap((entry) => entry.runs),
      plan.flatMap((entry) => entry.models),
    );
    for (const entry of plan) await this.importExperiment(entry);
    if (options.experimentName === undefined) {
      await importRegistry(this.context, this.artifacts);
    } else if ((await listRegisteredModelFolders(this.context.tree)).length > 0) {
      report.skip('unsupported', 'the model registry', path.join(root, 'models'), null, 'only a full import (without --experiment) brings in registered models');
    }
    for (const link of this.context.tree.skippedLinks()) report.skipLink(link, root);
    return report.summary(root, dryRun);
  }

  private async importExperiment(entry: PlannedExperiment): Promise<void> {
    const { experiment } = entry;
    const { report } = this.context;
    for (const folder of entry.reserved) await this.skipReservedFolder(experiment, folder);
    const contents = `its ${entry.runs.length} run(s)${andLoggedModels(entry.models.length)}`;
    let target: TargetExperiment | null;
    try {
      target = await this.resolveExperiment(experiment, contents);
    } catch (error) {
      report.skip('failed', `experiment '${experiment.name}' and ${contents}`, experiment.folder, null, messageOf(error));
      target = null;
    }
    if (target === null) {
      for (const run of entry.runs) report.finishRun(run);
      for (const model of entry.models) report.finishModel(model);
      return;
    }
    for (const run of entry.runs) {
      await this.runs.importRun(experiment, target, run);
      report.finishRun(run);
    }
    for (const model of entry.models) {
      await this.models.importLoggedModel(experiment, target, model);
      report.finishModel(model);
    }
  }

  /** Finds the Cairn experiment of the same name, or creates it (deleted when MLflow had deleted it); null to skip its contents. */
  private async resolveExperiment(experiment: MlflowExperiment, contents: string): Promise<TargetExperiment | null> {
    const { dryRun, report } = this.context;
    const { counters } = report;
    const store = this.context.options.store;
    const name = experiment.name.trim();
    const existing = await store.getExperimentByName(name);
    if (existing) {
      if (existing.lifecycleStage === 'deleted' && experiment.lifecycleStage === 'active') {
        report.skip(
          'conflict',
          `experiment '${name}' and ${contents}`,
          experiment.folder,
          null,
          `Cairn's experiment '${name}' is deleted; restore it in Cairn and import again`,
        );
        return null;
      }
      counters.experimentsMatched++;
      // An existing experiment receives the tags it lacks; tags it has keep their values.
      const missing = experiment.tags.filter((tag) => !existing.tags.some((own) => own.key === tag.key));
      if (missing.length > 0 && existing.lifecycleStage === 'active') {
        if (!dryRun) for (const tag of missing) await store.setExperimentTag(existing.experimentId, tag);
        counters.experimentTags += missing.length;
      }
      return { experimentId: existing.experimentId, artifactLocation: existing.artifactLocation };
    }
    counters.experimentsCreated++;
    counters.experimentTags += experiment.tags.length;
    if (dryRun) return { experimentId: null, artifactLocation: null };
    const created = await store.createExperiment({ name, tags: experiment.tags });
    if (experiment.lifecycleStage === 'deleted') await store.deleteExperiment(created.experimentId);
    return { experimentId: created.experimentId, artifactLocation: created.artifactLocation };
  }

  private async skipReservedFolder(experiment: MlflowExperiment, folder: string): Promise<void> {
    const full = path.join(experiment.folder, folder);
    const count = (await listSubfolders(this.context.tree, full)).length;
    if (folder === 'traces' && count > 0) {
      this.context.report.skip('unsupported', `${count} trace(s) of experiment '${experiment.name}'`, full, null, 'Cairn does not store traces');
    }
  }
}
