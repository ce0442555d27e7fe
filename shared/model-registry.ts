// What the model registry's work in the app shows beyond MLflow's own entities: where a version
// came from (lineage), two versions side by side, and what a deletion removes. Plain readonly types.
import type { LoggedModel, ModelVersion, RunDataset, RunStatus, Tag } from './models';

/** The run a version was registered from, as its lineage shows it. */
export interface LineageRun {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly experimentName: string | null;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly userId: string;
  /** The script or notebook that produced it (mlflow.source.name), when logged. */
  readonly sourceName: string | null;
  /** The code version (mlflow.source.git.commit), when logged. */
  readonly gitCommit: string | null;
}

/** The pipeline stage a run belongs to, when a pipeline ran it (its cairn.pipeline.project, .stage and .execution tags). */
export interface LineagePipelineStage {
  readonly project: string | null;
  readonly stage: string | null;
  /** The pipeline execution the run was part of. */
  readonly execution: string | null;
}

/** Where a model version came from: version → logged model → run → datasets → pipeline stage. */
export interface ModelVersionLineage {
  readonly version: ModelVersion;
  /** The MLflow 3 logged model it was registered from, if any. */
  readonly loggedModel: LoggedModel | null;
  /** The run, or null when the version names none (or its run is gone). */
  readonly run: LineageRun | null;
  /** The datasets the run used (training, evaluation, ...). */
  readonly datasets: readonly RunDataset[];
  readonly pipelineStage: LineagePipelineStage | null;
  /** Why a link is missing, in words (e.g. "The run was deleted."). */
  readonly gaps: readonly string[];
}

/** One key compared across two versions' runs. */
export interface ComparedValue<T> {
  readonly key: string;
  /** null where that version's run has no such key. */
  readonly a: T | null;
  readonly b: T | null;
  readonly differs: boolean;
}

/** Two versions side by side: their runs' params, latest metrics, and datasets. */
export interface ModelVersionComparison {
  readonly a: ModelVersionLineage;
  readonly b: ModelVersionLineage;
  /** Every param of either run, by key. */
  readonly params: readonly ComparedValue<string>[];
  /** Every metric of either run (its latest value), by key; b − a where both have one. */
  readonly metrics: readonly (ComparedValue<number> & { readonly delta: number | null })[];
  /** Datasets by name: each side's digest and how the run used it. */
  readonly datasets: readonly ComparedValue<string>[];
}

/** What deleting a registered model, or one version of it, would remove; shown before asking to confirm. */
export interface RegistryDeletionPlan {
  readonly name: string;
  /** Null when the whole model goes. */
  readonly version: string | null;
  /** The versions that go, with their stages and aliases. */
  readonly versions: readonly Pick<ModelVersion, 'version' | 'currentStage' | 'aliases' | 'description'>[];
  /** Aliases that go with them. */
  readonly aliases: readonly string[];
  readonly tags: readonly Tag[];
  /** Deployments serving (or able to roll back to) a version that goes: they keep serving their copy. */
  readonly deployments: readonly { readonly name: string; readonly target: string; readonly version: string; readonly serving: boolean }[];
  /** The plan in words, for the confirmation dialog and the CLI. */
  readonly summary: string;
}

/** Register a run's logged model (runs:/<run>/<path>) or an MLflow 3 logged model as a new model or a new version of one. */
export interface RegisterModelRequest {
  readonly name: string;
  /** runs:/<run id>/<artifact path>, or models:/m-<id> for an MLflow 3 logged model. */
  readonly source: string;
  readonly description?: string;
  readonly tags?: readonly Tag[];
  /** An alias to point at the new version, e.g. "candidate". */
  readonly alias?: string;
}
