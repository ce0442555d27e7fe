// Plain, readonly entities shared by the main side and the renderer.
// The store turns database rows into these; rows never leave the store.

/** Whether an entity is live or in the trash (MLflow's lifecycle_stage). */
export type LifecycleStage = 'active' | 'deleted';

/** Which lifecycle stages a listing includes (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** A run's state, with MLflow's names. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A key/value tag on an experiment or a run. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** A logged parameter; immutable once logged. */
export interface Param {
  readonly key: string;
  readonly value: string;
}

/** A named group of runs. */
export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  /** Milliseconds since the epoch. */
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly Tag[];
}

/** An experiment as listed in the UI, with its run count. */
export interface ExperimentSummary extends Experiment {
  readonly runCount: number;
}

/** One point of a metric's step series. value may be NaN or ±Infinity. */
export interface MetricPoint {
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly value: number;
}

/** The latest point of a metric (highest step, then latest timestamp), with its extremes. */
export interface LatestMetric extends MetricPoint {
  readonly key: string;
  /** Smallest and largest non-NaN value ever logged; null when every value was NaN. */
  readonly min: number | null;
  readonly max: number | null;
}

/** A run's identity and timing (MLflow's RunInfo). */
export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  /** Null while the run has not ended. */
  readonly endTime: number | null;
  readonly lifecycleStage: LifecycleStage;
  readonly userId: string;
  readonly artifactUri: string;
  /** The parent run for nested runs (MLflow's mlflow.parentRunId tag). */
  readonly parentRunId: string | null;
}

/** A dataset a run used (MLflow's DatasetInput), as logged through log-inputs. */
export interface RunDataset {
  readonly name: string;
  /** Identifies the dataset's content among datasets of the same name. */
  readonly digest: string;
  /** Where it came from: the source's kind (e.g. 'local', 's3', 'http') and its description (often JSON). */
  readonly sourceType: string | null;
  readonly source: string | null;
  /** Its schema and summary statistics as the client sent them (often JSON text); null when not sent. */
  readonly schema: string | null;
  readonly profile: string | null;
  /** How the run used it (the mlflow.data.context input tag: 'training', 'eval', ...). */
  readonly context: string | null;
  /** Every input tag the client sent with it, context included. */
  readonly tags: readonly Tag[];
}

/** A logged model a run produced (MLflow 3's ModelOutput). */
export interface RunModelOutput {
  readonly modelId: string;
  readonly step: number;
}

/** A run with everything logged to it except metric histories. */
export interface Run {
  readonly info: RunInfo;
  readonly params: readonly Param[];
  readonly metrics: readonly LatestMetric[];
  readonly tags: readonly Tag[];
  /** The datasets it used, in the order they were first logged. */
  readonly datasets: readonly RunDataset[];
  /** The logged models it produced. */
  readonly modelOutputs: readonly RunModelOutput[];
  /** The ids of the logged models it used as inputs. */
  readonly modelInputs: readonly string[];
}

/** A page of a paged listing; nextPageToken is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** A file or folder among an artifact root's contents; path is relative to the root listed. */
export interface ArtifactFileInfo {
  readonly path: string;
  readonly isDir: boolean;
  /** Size in bytes; null for folders. */
  readonly fileSize: number | null;
}

/** A model version's stage (MLflow's deprecated but still used stage workflow). */
export type ModelVersionStage = 'None' | 'Staging' | 'Production' | 'Archived';

/** A model version's registration status, with MLflow's names. */
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

/** One numbered version of a registered model. */
export interface ModelVersion {
  readonly name: string;
  /** The version number as text ("1", "2", ...), as MLflow sends it. */
  readonly version: string;
  /** Milliseconds since the epoch. */
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  readonly userId: string | null;
  readonly currentStage: ModelVersionStage;
  /** Where the model's files were registered from (runs:/, models:/, mlflow-artifacts:/ ...). */
  readonly source: string;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
  readonly tags: readonly Tag[];
  readonly aliases: readonly string[];
  /** The MLflow 3 logged model this version was registered from, if any. */
  readonly modelId: string | null;
}

/** An alias (such as "champion") pointing at one version of a registered model. */
export interface RegisteredModelAlias {
  readonly alias: string;
  readonly version: string;
}

/** A named model in the registry, with its latest version per stage. */
export interface RegisteredModel {
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  /** The highest-numbered version in each stage that has one. */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly Tag[];
  readonly aliases: readonly RegisteredModelAlias[];
}

/** The models a run produced or registered: its MLflow 3 logged models and the registry versions made from it. */
export interface RunModels {
  readonly loggedModels: readonly LoggedModel[];
  readonly modelVersions: readonly ModelVersion[];
}

/** Whether a logged model's files are complete (MLflow's LoggedModelStatus without its prefix). */
export type LoggedModelStatus = 'PENDING' | 'READY' | 'FAILED';

/** One metric point logged with a logged model's id, and the dataset it was computed on when named. */
export interface LoggedModelMetric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
  readonly runId: string;
  readonly datasetName: string | null;
  readonly datasetDigest: string | null;
}

/** A model logged by an MLflow 3 client: an entity of its own with files, params, tags and metrics. */
export interface LoggedModel {
  /** "m-" followed by 32 hex digits. */
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  /** Where its files live, e.g. mlflow-artifacts:/1/models/m-.../artifacts. */
  readonly artifactLocation: string;
  /** Milliseconds since the epoch. */
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string | null;
  readonly modelType: string | null;
  readonly sourceRunId: string | null;
  readonly lifecycleStage: LifecycleStage;
  readonly tags: readonly Tag[];
  readonly params: readonly Param[];
  /** The metrics logged with its id, by key, then step and timestamp. */
  readonly metrics: readonly LoggedModelMetric[];
}
