// Imports one run, resumably:
//   1. importRun writes the run row, params and tags in one transaction (the run is active);
//   2. metric histories follow through logBatch in chunks, streamed from the files, then the
//      dataset inputs, then the artifact files;
//   3. completeRunImport writes the cairn.import.source tag and the run's own lifecycle stage in
//      one transaction. Only then is the run complete.
// A run without cairn.import.source was interrupted: the next import resumes it, writing
// everything again. That is harmless: params must be equal, tags are overwritten with the same
// values, identical metric points and dataset inputs are ignored, artifact files are replaced.
// Everything that decides whether a run can be imported (meta.yaml, params, tags, inputs) is
// read before anything is written, so a malformed run is skipped whole.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import { RUN_NAME_TAG, USER_TAG } from '../../../shared/mlflow-tags';
import type { LifecycleStage, Run, Tag } from '../../../shared/models';
import type { DatasetInput, MetricInput } from '../tracker/tracker-store';
import { artifactUriIn, type ArtifactImport } from './artifact-import';
import { IMPORT_SOURCE_TAG, messageOf, type ImportContext, type TargetExperiment } from './import-context';
import type { PlannedRun } from './import-plan';
import { streamMetricChunks } from './metric-import';
import { MalformedSourceError, parseMetricLine, readDatasetInputs, readKeyValueFolder, type MlflowExperiment } from './mlflow-file-store-reader';

/** Imports runs, and remembers the lifecycle stage each imported run ends in. */
export class RunImport {
  /** The lifecycle stage each run imported (or, in a dry run, to be imported) ends in. */
  private readonly importedStages = new Map<string, LifecycleStage>();

  constructor(
    private readonly context: ImportContext,
    private readonly artifacts: ArtifactImport,
  ) {}

  /** Imports a run into the target experiment; what cannot be imported is reported, never thrown. */
  async importRun(experiment: MlflowExperiment, target: TargetExperiment, planned: PlannedRun): Promise<void> {
    const { dryRun, report, options } = this.context;
    const { meta } = planned;
    const subject = `run ${meta.runId} in experiment '${experiment.name}'`;
    const existing = await this.findRun(meta.runId);
    const cairnUri = existing?.info.artifactUri ?? artifactUriIn(target, `${meta.runId}/artifacts`);
    const plan = await this.artifacts.plan(meta.runId, meta.artifactUri, meta.folder, cairnUri, 'run');
    if (existing?.tags.some((tag) => tag.key === IMPORT_SOURCE_TAG)) {
      report.skip('already-imported', subject, meta.folder, null, 'already imported');
      return;
    }
    if (existing && existing.info.experimentId !== target.experimentId) {
      report.skip('conflict', subject, meta.folder, null, `Cairn already has a run with this id in experiment ${existing.info.experimentId}`);
      return;
    }
    if (existing && existing.info.lifecycleStage !== 'active') {
      report.skip('conflict', subject, meta.folder, null, 'an earlier import of this run was interrupted and the run was deleted in Cairn since');
      return;
    }

    let params: Tag[];
    let tags: Tag[];
    let inputs: DatasetInput[];
    try {
      const tree = this.context.tree;
      params = await readKeyValueFolder(tree, path.join(meta.folder, 'params'));
      tags = (await readKeyValueFolder(tree, path.join(meta.folder, 'tags'))).filter((tag) => tag.key !== IMPORT_SOURCE_TAG);
      inputs = await readDatasetInputs(tree, meta.folder, experiment.folder);
    } catch (error) {
      if (error instanceof MalformedSourceError) report.skipMalformed(subject, error);
      else report.skip('malformed', subject, meta.folder, null, messageOf(error));
      return;
    }
    if (plan.skip) report.skip(plan.skip.kind, `artifacts of ${subject}`, meta.folder, null, plan.skip.reason);

    const tagValue = (key: string) => tags.find((tag) => tag.key === key)?.value;
    const store = options.store;
    let step = 'writing the run';
    try {
      if (!dryRun) {
        if (existing) {
          await store.logBatch(meta.runId, { params, tags });
        } else {
          await store.importRun({
            runId: meta.runId,
            experimentId: target.experimentId!,
            runName: meta.runName ?? tagValue(RUN_NAME_TAG) ?? '',
            status: meta.status,
            startTime: meta.startTime ?? 0,
            endTime: meta.endTime,
            userId: meta.userId ?? tagValue(USER_TAG) ?? '',
            artifactUri: plan.cairnUri,
            params,
            tags,
          });
        }
      }
      step = 'importing metrics';
      await streamMetricChunks(this.context, planned.metricFiles, parseMetricLine, `run ${meta.runId}`, (chunk) => this.writeMetrics(meta.runId, chunk));
      step = 'recording dataset inputs';
      if (!dryRun && inputs.length > 0) await store.logInputs(meta.runId, inputs);
      step = 'copying artifacts';
      if (plan.sourceFolder) await this.artifacts.copy(plan, subject);
      step = 'completing the run';
      if (!dryRun) {
        await store.completeRunImport(meta.runId, {
          tags: [{ key: IMPORT_SOURCE_TAG, value: this.context.root }],
          lifecycleStage: meta.lifecycleStage,
          deletedTime: meta.deletedTime,
        });
      }
    } catch (error) {
      report.skip(
        'failed',
        subject,
        meta.folder,
        null,
        `${step} failed: ${messageOf(error)}` +
          (dryRun || step === 'writing the run' ? '' : '; the run stays incomplete (no cairn.import.source tag) and the next import resumes it'),
      );
      return;
    }
    const { counters } = report;
    counters.runs++;
    this.importedStages.set(meta.runId, meta.lifecycleStage);
    if (existing) counters.runsResumed++;
    counters.params += params.length;
    counters.tags += tags.length;
    counters.datasetInputs += inputs.length;
  }

  /** The lifecycle stage of a run this import brought in, else of the run in Cairn; undefined when Cairn has no such run. */
  async lifecycleStageOf(runId: string): Promise<LifecycleStage | undefined> {
    return this.importedStages.get(runId) ?? (await this.findRun(runId))?.info.lifecycleStage;
  }

  private async writeMetrics(runId: string, metrics: MetricInput[]): Promise<void> {
    if (!this.context.dryRun) await this.context.options.store.logBatch(runId, { metrics });
    this.context.report.counters.metricPoints += metrics.length;
    this.context.report.reportProgress();
  }

  private async findRun(runId: string): Promise<Run | null> {
    try {
      return await this.context.options.store.getRun(runId);
    } catch (error) {
      if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    }
  }
}
