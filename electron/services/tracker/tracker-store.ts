// The tracker store interface. The SQLite store implements it today; a server backend
// (PostgreSQL) can implement it later without touching its callers.
import type {
  Experiment,
  ExperimentSummary,
  LifecycleStage,
  MetricPoint,
  Page,
  Param,
  Run,
  RunInfo,
  RunModelOutput,
  RunStatus,
  Tag,
  ViewType,
} from '../../../shared/models';

/** A metric point as logged; value may be NaN or ±Infinity. */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
  /** The MLflow 3 logged model the point measures, if any: it is then kept with that model too. */
  readonly modelId?: string;
  /** The dataset the point was computed on, when the client names it. */
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** What createRun needs; everything but the experiment is optional. */
export interface CreateRunInput {
  readonly experimentId: string;
  readonly runName?: string;
  readonly startTime?: number;
  readonly userId?: string;
  readonly tags?: readonly Tag[];
}

/** A run that is already over, written whole: created, logged and ended at once. */
export interface FinishedRunInput extends CreateRunInput {
  readonly status: RunStatus;
  readonly endTime: number;
  readonly params?: readonly Param[];
  readonly metrics?: readonly MetricInput[];
  readonly inputs?: readonly DatasetInput[];
}

/** Fields of a run that can change after creation. */
export interface UpdateRunInput {
  readonly status?: RunStatus;
  readonly endTime?: number;
  readonly runName?: string;
}

/** A batch of things logged to one run in one transaction. */
export interface LogBatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: readonly Param[];
  readonly tags?: readonly Tag[];
}

/** A dataset input as logged through MLflow's log-inputs: the dataset and the input's tags. */
export interface DatasetInput {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string | null;
  readonly profile?: string | null;
  /** The input's tags; mlflow.data.context among them says how the run used the dataset. */
  readonly tags: readonly Tag[];
}

/** A run as another tracker recorded it (an MLflow import), written with its own id, times and status. */
export interface ImportedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number | null;
  readonly userId: string;
  readonly artifactUri: string;
  readonly params: readonly Param[];
  readonly tags: readonly Tag[];
}

/** How an imported run's import ends: the tags that mark it complete, and its lifecycle stage. */
export interface RunImportCompletion {
  readonly tags: readonly Tag[];
  readonly lifecycleStage: LifecycleStage;
  /** When a deleted run was deleted (milliseconds since the epoch); now when null. */
  readonly deletedTime: number | null;
}

/** A search over runs, in MLflow's terms (filter and order_by in MLflow's grammar). */
export interface SearchRunsQuery {
  readonly experimentIds: readonly string[];
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly viewType?: ViewType;
}

/** A search over experiments, in MLflow's terms. */
export interface SearchExperimentsQuery {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly viewType?: ViewType;
}

/** A request for a metric's history; the page is in step order. */
export interface MetricHistoryQuery {
  readonly runId: string;
  readonly key: string;
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/**
 * A page of a metric's history already written as MLflow's JSON: `metricsJson` is the text of an
 * array of Metric messages ({key, value, timestamp, step}, NaN and ±Infinity as strings), in step order.
 */
export interface MetricHistoryJsonPage {
  readonly metricsJson: string;
  /** How many points the page holds. */
  readonly count: number;
  readonly nextPageToken?: string;
}

/** What a write changed, announced after it commits. */
export interface StoreChange {
  readonly entity: 'experiment' | 'run' | 'metric' | 'param' | 'tag';
  readonly experimentId: string;
  readonly runId?: string;
}

/** The tracking store: experiments, runs, params, metric series and tags. Every write resolves only after it is committed. */
export interface TrackerStore {
  createExperiment(input: { name: string; artifactLocation?: string; tags?: readonly Tag[] }): Promise<Experiment>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Resolves to null when no experiment has that name. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  listExperiments(viewType: ViewType): Promise<ExperimentSummary[]>;
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;
  /** Removes a tag of an active experiment; RESOURCE_DOES_NOT_EXIST when it has no tag with that key. */
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input: CreateRunInput): Promise<Run>;
  /**
   * Writes a run that is already over (created, its params, tags, metrics and dataset inputs
   * logged, ended) as one write, committed with the other writes of this turn of the event loop;
   * resolves with its id once committed.
   */
  recordFinishedRun(input: FinishedRunInput): Promise<string>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, update: UpdateRunInput): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Records datasets a run used; a dataset already recorded for the run is left as it was. */
  logInputs(runId: string, datasets: readonly DatasetInput[], modelIds?: readonly string[]): Promise<void>;
  /** Records logged models a run produced, at their steps. */
  logOutputs(runId: string, models: readonly RunModelOutput[]): Promise<void>;
  /** Appends an MLflow 2.x model description (the MLmodel as JSON) to the run's mlflow.log-model.history tag. */
  recordLoggedModel(runId: string, model: Readonly<Record<string, unknown>>): Promise<void>;
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>;
  getMetricHistory(query: MetricHistoryQuery): Promise<Page<MetricPoint>>;
  /** The same page as getMetricHistory, as MLflow's JSON text: a long history is answered without building an object per point. */
  getMetricHistoryJson(query: MetricHistoryQuery): Promise<MetricHistoryJsonPage>;

  /** Registers a listener called after each committed write; returns the unsubscribe function. */
  onChange(listener: (change: StoreChange) => void): () => void;
}

/**
 * The writes only an import from another tracker (`cairn import`) needs, beside a TrackerStore's
 * own: runs written with their own ids, times and status. Every write resolves only after it is committed.
 */
export interface TrackerImportStore {
  /**
   * Writes a run from another tracker with its own id, times, status, params and tags, in one
   * transaction; RESOURCE_ALREADY_EXISTS when the id is taken. The run is active until
   * completeRunImport, so its metrics and inputs can follow through logBatch and logInputs.
   */
  importRun(run: ImportedRun): Promise<RunInfo>;
  /** Ends an import begun with importRun: writes the completion tags and the final lifecycle stage in one transaction. */
  completeRunImport(runId: string, completion: RunImportCompletion): Promise<void>;
}
