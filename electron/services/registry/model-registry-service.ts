// The model registry's work as the app (and a continuous-training trigger) does it, over the same
// registry store the MLflow-compatible API uses, so an `mlflow` client sees every change at once:
// register a run's logged model, aliases, stages, archive, edits, deletion with a plan of what
// goes, a version's lineage (version → logged model → run → datasets → pipeline stage) and two
// versions compared. What the store already does (tags, descriptions, aliases) is called as is.
import { CairnError } from '../../../shared/errors';
import type {
  ComparedValue,
  LineageRun,
  ModelVersionComparison,
  ModelVersionLineage,
  RegisterModelRequest,
  RegistryDeletionPlan,
} from '../../../shared/model-registry';
import type { Deployment } from '../../../shared/deployments';
import type { ModelVersion, ModelVersionStage, Run, Tag } from '../../../shared/models';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { TrackerStore } from '../tracker/tracker-store';
import { parseModelUri, uriScheme } from './model-source';
import type { RegistryStore } from './registry-store';

/** What the registry service works over. */
export interface ModelRegistryServiceOptions {
  readonly registry: RegistryStore;
  readonly tracker: TrackerStore;
  readonly loggedModels: LoggedModelStore;
  /** The deployments, when the deploy service runs beside it (a deletion plan names those it touches). */
  readonly deployments?: () => readonly Deployment[];
}

const PIPELINE_TAGS = { project: 'cairn.pipeline.project', stage: 'cairn.pipeline.stage', execution: 'cairn.pipeline.execution' } as const;

function tagValue(tags: readonly Tag[], key: string): string | null {
  return tags.find((tag) => tag.key === key)?.value ?? null;
}

function compare<T>(keys: Iterable<string>, a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): ComparedValue<T>[] {
  return [...new Set(keys)]
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    .map((key) => {
      const left = a.get(key) ?? null;
      const right = b.get(key) ?? null;
      return { key, a: left, b: right, differs: !Object.is(left, right) };
    });
}

/** Registry work beyond single store calls. */
export class ModelRegistryService {
  constructor(private readonly options: ModelRegistryServiceOptions) {}

  /**
   * Registers a run's logged model (runs:/<run>/<path>) or an MLflow 3 logged model (models:/m-<id>)
   * as the next version of `name`, creating the registered model when there is none, as
   * mlflow.register_model does; optionally points an alias at the new version.
   */
  async register(request: RegisterModelRequest): Promise<ModelVersion> {
    const { registry, tracker, loggedModels } = this.options;
    let runId: string | undefined;
    let modelId: string | undefined;
    const scheme = uriScheme(request.source);
    if (scheme === 'runs') {
      const match = /^runs:\/\/?([^/]+)\/(.+)$/.exec(request.source);
      if (!match) throw new CairnError('INVALID_PARAMETER_VALUE', `Expected runs:/<run id>/<artifact path>, got '${request.source}'.`);
      runId = (await tracker.getRun(match[1]!)).info.runId;
    } else if (scheme === 'models') {
      const parsed = parseModelUri(request.source);
      if (parsed.kind !== 'logged-model') {
        throw new CairnError('INVALID_PARAMETER_VALUE', `Register from a run (runs:/...) or a logged model (models:/m-...), not '${request.source}'.`);
      }
      const logged = await loggedModels.getLoggedModel(parsed.modelId);
      modelId = logged.modelId;
      runId = logged.sourceRunId ?? undefined;
    } else {
      throw new CairnError('INVALID_PARAMETER_VALUE', `Register from a run (runs:/<run id>/<path>) or a logged model (models:/m-<id>), not '${request.source}'.`);
    }
    try {
      await registry.getRegisteredModel(request.name);
    } catch (error) {
      if ((error as CairnError).code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
      try {
        await registry.createRegisteredModel({ name: request.name });
      } catch (raced) {
        // Another client created it in between: register into it.
        if ((raced as CairnError).code !== 'RESOURCE_ALREADY_EXISTS') throw raced;
      }
    }
    const version = await registry.createModelVersion({
      name: request.name,
      source: request.source,
      runId,
      modelId,
      description: request.description,
      tags: request.tags,
    });
    if (request.alias) await registry.setRegisteredModelAlias(request.name, request.alias, version.version);
    return request.alias ? registry.getModelVersion(request.name, version.version) : version;
  }

  /** Points an alias at a version (moving it when it pointed elsewhere); returns the version it pointed at before, if any. */
  async setAlias(name: string, alias: string, version: string): Promise<string | null> {
    const before = await this.options.registry.getModelVersionByAlias(name, alias).then(
      (found) => found.version,
      () => null,
    );
    await this.options.registry.setRegisteredModelAlias(name, alias, version);
    return before;
  }

  /** Removes an alias. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.options.registry.deleteRegisteredModelAlias(name, alias);
  }

  /** Moves a version to a stage; with archiveExisting the stage's other versions go to Archived. */
  async transitionStage(name: string, version: string, stage: ModelVersionStage, archiveExisting = false): Promise<ModelVersion> {
    return this.options.registry.transitionModelVersionStage(name, version, stage, archiveExisting);
  }

  /** Archives a version (its stage becomes Archived). */
  async archive(name: string, version: string): Promise<ModelVersion> {
    return this.options.registry.transitionModelVersionStage(name, version, 'Archived', false);
  }

  /** Sets a registered model's description (version undefined) or a version's. */
  async setDescription(name: string, version: string | undefined, description: string): Promise<void> {
    if (version === undefined) await this.options.registry.updateRegisteredModel(name, description);
    else await this.options.registry.updateModelVersion(name, version, description);
  }

  /** Sets (value given) or removes (null) a tag of a registered model (version undefined) or of a version. */
  async setTag(name: string, version: string | undefined, key: string, value: string | null): Promise<void> {
    const { registry } = this.options;
    if (version === undefined) {
      if (value === null) await registry.deleteRegisteredModelTag(name, key);
      else await registry.setRegisteredModelTag(name, { key, value });
    } else if (value === null) await registry.deleteModelVersionTag(name, version, key);
    else await registry.setModelVersionTag(name, version, { key, value });
  }

  /** What deleting a registered model (version undefined) or one version would remove, in data and in words. */
  async planDeletion(name: string, version?: string): Promise<RegistryDeletionPlan> {
    const { registry } = this.options;
    const model = await registry.getRegisteredModel(name);
    const all = await this.versionsOf(name);
    const going = version === undefined ? all : [await registry.getModelVersion(name, version)];
    const goingNumbers = new Set(going.map((v) => v.version));
    const aliases = model.aliases.filter((a) => goingNumbers.has(a.version)).map((a) => a.alias);
    const deployments = (this.options.deployments?.() ?? []).flatMap((d) => {
      const touched = [];
      if (d.model?.name === name && goingNumbers.has(d.model.version)) touched.push({ name: d.name, target: d.target, version: d.model.version, serving: true });
      if (d.previousModel?.name === name && goingNumbers.has(d.previousModel.version)) {
        touched.push({ name: d.name, target: d.target, version: d.previousModel.version, serving: false });
      }
      return touched;
    });
    const what = version === undefined ? `the registered model ${name} with its ${all.length} version${all.length === 1 ? '' : 's'}` : `${name} version ${version}`;
    const parts = [`Deletes ${what}`];
    if (aliases.length) parts.push(`the alias${aliases.length === 1 ? '' : 'es'} ${aliases.map((a) => `@${a}`).join(', ')}`);
    if (version === undefined && model.tags.length) parts.push(`${model.tags.length} tag${model.tags.length === 1 ? '' : 's'}`);
    let summary = `${parts.join(', ')}. The runs and their files stay.`;
    for (const d of deployments) {
      summary += d.serving
        ? ` Deployment ${d.name} (${d.target}) serves version ${d.version}: it keeps serving its own copy, but cannot be updated to it again.`
        : ` Deployment ${d.name} (${d.target}) could roll back to version ${d.version}: it still can, from its own copy.`;
    }
    return {
      name,
      version: version ?? null,
      versions: going.map((v) => ({ version: v.version, currentStage: v.currentStage, aliases: v.aliases, description: v.description })),
      aliases,
      tags: version === undefined ? model.tags : [],
      deployments,
      summary,
    };
  }

  /** Deletes what planDeletion describes; returns the plan that was carried out. */
  async delete(name: string, version?: string): Promise<RegistryDeletionPlan> {
    const plan = await this.planDeletion(name, version);
    if (version === undefined) await this.options.registry.deleteRegisteredModel(name);
    else await this.options.registry.deleteModelVersion(name, version);
    return plan;
  }

  /** Where a version came from: its logged model, run, the run's datasets and pipeline stage. */
  async lineage(name: string, version: string): Promise<ModelVersionLineage> {
    const { registry, tracker, loggedModels } = this.options;
    const found = await registry.getModelVersion(name, version);
    const gaps: string[] = [];
    const loggedModel = found.modelId
      ? await loggedModels.getLoggedModel(found.modelId, { allowDeleted: true }).catch(() => {
          gaps.push(`The logged model ${found.modelId} is not in this tracker.`);
          return null;
        })
      : null;
    const runId = found.runId ?? loggedModel?.sourceRunId ?? null;
    let run: Run | null = null;
    if (runId) {
      run = await tracker.getRun(runId).catch(() => {
        gaps.push(`The run ${runId} is not in this tracker.`);
        return null;
      });
      if (run?.info.lifecycleStage === 'deleted') gaps.push('The run is in the trash.');
    } else {
      gaps.push(`The version names no run (its source is ${found.source}).`);
    }
    if (run && run.datasets.length === 0) gaps.push('The run logged no datasets.');
    const experimentName = run ? await tracker.getExperiment(run.info.experimentId).then((e) => e.name, () => null) : null;
    const lineageRun: LineageRun | null = run && {
      runId: run.info.runId,
      runName: run.info.runName,
      experimentId: run.info.experimentId,
      experimentName,
      status: run.info.status,
      startTime: run.info.startTime,
      endTime: run.info.endTime,
      userId: run.info.userId,
      sourceName: tagValue(run.tags, 'mlflow.source.name'),
      gitCommit: tagValue(run.tags, 'mlflow.source.git.commit'),
    };
    const stage = run
      ? {
          project: tagValue(run.tags, PIPELINE_TAGS.project),
          stage: tagValue(run.tags, PIPELINE_TAGS.stage),
          execution: tagValue(run.tags, PIPELINE_TAGS.execution),
        }
      : null;
    return {
      version: found,
      loggedModel,
      run: lineageRun,
      datasets: run?.datasets ?? [],
      pipelineStage: stage && (stage.project || stage.stage || stage.execution) ? stage : null,
      gaps,
    };
  }

  /** Two versions (of one model or two) side by side: params, latest metrics and datasets of their runs. */
  async compare(a: { name: string; version: string }, b: { name: string; version: string }): Promise<ModelVersionComparison> {
    const [left, right] = await Promise.all([this.lineage(a.name, a.version), this.lineage(b.name, b.version)]);
    const [runA, runB] = await Promise.all([left, right].map((l) => (l.run ? this.options.tracker.getRun(l.run.runId) : Promise.resolve(null))));
    const params = (run: Run | null) => new Map((run?.params ?? []).map((p) => [p.key, p.value]));
    const metrics = (run: Run | null) => new Map((run?.metrics ?? []).map((m) => [m.key, m.value]));
    const datasets = (lineage: ModelVersionLineage) =>
      new Map(lineage.datasets.map((d) => [d.name, `${d.digest}${d.context ? ` (${d.context})` : ''}`]));
    const [paramsA, paramsB, metricsA, metricsB] = [params(runA!), params(runB!), metrics(runA!), metrics(runB!)];
    return {
      a: left,
      b: right,
      params: compare([...paramsA.keys(), ...paramsB.keys()], paramsA, paramsB),
      metrics: compare([...metricsA.keys(), ...metricsB.keys()], metricsA, metricsB).map((m) => ({
        ...m,
        delta: m.a !== null && m.b !== null ? m.b - m.a : null,
      })),
      datasets: compare([...datasets(left).keys(), ...datasets(right).keys()], datasets(left), datasets(right)),
    };
  }

  private async versionsOf(name: string): Promise<ModelVersion[]> {
    const versions: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.options.registry.searchModelVersions({ filter: `name = '${name.replaceAll("'", "''")}'`, maxResults: 1000, pageToken });
      versions.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return versions.sort((x, y) => Number(x.version) - Number(y.version));
  }
}
