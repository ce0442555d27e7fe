// Imports one MLflow 3 logged model, after the runs of its experiment:
//   1. its metric points are logged, with its id, to the runs that logged them (logBatch keeps them
//      with the model too); a point whose run is not an active run in Cairn is skipped and reported;
//   2. its artifact files are copied;
//   3. importLoggedModel writes it with its tags and params in one transaction. Only then is it in Cairn.
// An interrupted model is therefore not in Cairn, and the next import writes all of it again:
// identical metric points are ignored, artifact files are replaced. A model that is in Cairn is skipped.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { LoggedModel, Tag } from '../../../shared/models';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { MetricInput } from '../tracker/tracker-store';
import { artifactUriIn, type ArtifactImport } from './artifact-import';
import { messageOf, type ImportContext, type TargetExperiment } from './import-context';
import type { PlannedLoggedModel } from './import-plan';
import { streamMetricChunks } from './metric-import';
import { parseLoggedModelMetricLine, readKeyValueFolder, type LoggedModelMetricPoint, type MlflowExperiment, type MlflowLoggedModel } from './mlflow-file-store-reader';
import type { RunImport } from './run-import';

/** Imports logged models; their metric points go to the runs the run import brought in (or Cairn had). */
export class LoggedModelImport {
  /** Why a run cannot take a logged model's metric points, by run id; null when it can. */
  private readonly metricRunRefusals = new Map<string, string | null>();

  constructor(
    private readonly context: ImportContext,
    private readonly artifacts: ArtifactImport,
    private readonly runs: RunImport,
  ) {}

  /** Imports a logged model into the target experiment; what cannot be imported is reported, never thrown. */
  async importLoggedModel(experiment: MlflowExperiment, target: TargetExperiment, planned: PlannedLoggedModel): Promise<void> {
    const { dryRun, report } = this.context;
    const { meta } = planned;
    const subject = `logged model ${meta.modelId} in experiment '${experiment.name}'`;
    const loggedModels = this.context.options.loggedModels;
    if (!loggedModels) {
      report.skip('unsupported', subject, meta.folder, null, 'no logged-model store is available');
      return;
    }
    const existing = await findLoggedModel(loggedModels, meta.modelId);
    const cairnUri = existing?.artifactLocation ?? artifactUriIn(target, `models/${meta.modelId}/artifacts`);
    const plan = await this.artifacts.plan(meta.modelId, meta.artifactLocation, meta.folder, cairnUri, 'logged model');
    if (existing) {
      if (existing.experimentId === target.experimentId) {
        report.skip('already-imported', subject, meta.folder, null, 'already imported');
      } else {
        report.skip('conflict', subject, meta.folder, null, `Cairn already has a logged model with this id in experiment ${existing.experimentId}`);
      }
      return;
    }

    let params: Tag[];
    let tags: Tag[];
    try {
      params = await readKeyValueFolder(this.context.tree, path.join(meta.folder, 'params'));
      tags = await readKeyValueFolder(this.context.tree, path.join(meta.folder, 'tags'));
    } catch (error) {
      report.skip('malformed', subject, meta.folder, null, messageOf(error));
      return;
    }
    if (plan.skip) report.skip(plan.skip.kind, `artifacts of ${subject}`, meta.folder, null, plan.skip.reason);

    const now = Date.now();
    let step = 'importing metrics';
    try {
      await this.importMetrics(meta, planned);
      step = 'copying artifacts';
      if (plan.sourceFolder) await this.artifacts.copy(plan, subject);
      step = 'writing the logged model';
      if (!dryRun) {
        await loggedModels.importLoggedModel({
          modelId: meta.modelId,
          experimentId: target.experimentId!,
          name: meta.name,
          artifactLocation: plan.cairnUri,
          creationTimestamp: meta.creationTimestamp ?? meta.lastUpdatedTimestamp ?? now,
          lastUpdatedTimestamp: meta.lastUpdatedTimestamp ?? meta.creationTimestamp ?? now,
          status: meta.status,
          statusMessage: meta.statusMessage,
          modelType: meta.modelType,
          sourceRunId: meta.sourceRunId,
          lifecycleStage: meta.lifecycleStage,
          tags,
          params,
        });
      }
    } catch (error) {
      report.skip(
        'failed',
        subject,
        meta.folder,
        null,
        `${step} failed: ${messageOf(error)}` + (dryRun ? '' : '; the logged model is not in Cairn, and the next import brings it in whole'),
      );
      return;
    }
    report.counters.loggedModels++;
    report.counters.loggedModelParams += params.length;
    report.counters.loggedModelTags += tags.length;
  }

  /**
   * Streams a logged model's metric files into logBatch calls, with the model's id, on the runs
   * that logged the points. Points of a run that is not an active run in Cairn are counted and reported.
   */
  private async importMetrics(model: MlflowLoggedModel, planned: PlannedLoggedModel): Promise<void> {
    const { dryRun, report, options } = this.context;
    const refused = new Map<string, { reason: string; count: number }>();
    const write = async (chunk: LoggedModelMetricPoint[]) => {
      const byRun = new Map<string, MetricInput[]>();
      for (const point of chunk) {
        const metrics = byRun.get(point.runId);
        if (metrics) metrics.push(point.metric);
        else byRun.set(point.runId, [point.metric]);
      }
      for (const [runId, metrics] of byRun) {
        const refusal = await this.refusalOfMetricRun(runId);
        if (refusal !== null) {
          const seen = refused.get(runId);
          if (seen) seen.count += metrics.length;
          else refused.set(runId, { reason: refusal, count: metrics.length });
          continue;
        }
        if (!dryRun) await options.store.logBatch(runId, { metrics });
        report.counters.loggedModelMetricPoints += metrics.length;
      }
      report.reportProgress();
    };
    const parseLine = (key: string, line: string) => parseLoggedModelMetricLine(key, model.modelId, line);
    await streamMetricChunks(this.context, planned.metricFiles, parseLine, `logged model ${model.modelId}`, write);
    report.addSkips(
      [...refused].map(([runId, { reason, count }]) => ({
        kind: 'unsupported' as const,
        subject: `${count} metric point(s) of logged model ${model.modelId} logged in run ${runId}`,
        path: path.join(model.folder, 'metrics'),
        line: null,
        reason,
        count,
      })),
    );
  }

  /** Why a run cannot take a logged model's metric points (Cairn logs them to active runs only); null when it can. */
  private async refusalOfMetricRun(runId: string): Promise<string | null> {
    const known = this.metricRunRefusals.get(runId);
    if (known !== undefined) return known;
    const stage = await this.runs.lifecycleStageOf(runId);
    const refusal =
      stage === undefined
        ? `the run ${runId} is not in Cairn (it was not imported)`
        : stage === 'active'
          ? null
          : `the run ${runId} is deleted, and Cairn logs metrics to active runs only`;
    this.metricRunRefusals.set(runId, refusal);
    return refusal;
  }
}

/** The logged model with this id, deleted or not; null when Cairn has none. */
async function findLoggedModel(store: LoggedModelStore, modelId: string): Promise<LoggedModel | null> {
  try {
    return await store.getLoggedModel(modelId, { allowDeleted: true });
  } catch (error) {
    if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  }
}
