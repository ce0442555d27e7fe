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

/** A run with everything logged to it except metric histories. */
export interface Run {
  readonly info: RunInfo;
  readonly params: readonly Param[];
  readonly metrics: readonly LatestMetric[];
  readonly tags: readonly Tag[];
}

/** A page of a paged listing; nextPageToken is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}
