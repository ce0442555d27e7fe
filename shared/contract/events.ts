// Every event the main side pushes to the renderer, with its payload type.
import type { AutomationNotice, FiringOutcome } from '../automation-models';
import type { DataJobProgress } from '../data-models';
import type { PipelineEvent } from '../pipelines';
import type { DeploymentEvent } from '../deployments';

/** What changed in the tracker, the model registry or the logged models, so that views showing it can refetch. */
export interface TrackerChange {
  /** Experiments whose contents changed (a logged model's experiment among them). */
  readonly experimentIds: readonly string[];
  readonly runIds: readonly string[];
  /** Which kinds of thing changed. */
  readonly entities: ReadonlyArray<
    'experiment' | 'run' | 'metric' | 'param' | 'tag' | 'registered-model' | 'model-version' | 'logged-model'
  >;
}

/** Whether the data folder's disk is full, pushed when that changes, so that the app can show a banner naming the folder. */
export interface StorageStatus {
  readonly dataDir: string;
  readonly diskFull: boolean;
}

/**
 * What pipeline executions did since the last batch, in order: stage states as they change and
 * the stages' output (consecutive output of one stage merged into one event, and cut to its end
 * when a stage prints faster than a window can show).
 */
export interface PipelineProgress {
  readonly events: readonly PipelineEvent[];
}

/** How far a long data call (started with a jobId) has come. */
export interface DataJobProgressEvent {
  readonly jobId: string;
  readonly progress: DataJobProgress;
}

/** Datasets whose versions, profiles or drift reports changed, so that views showing them can refetch. */
export interface DataChange {
  readonly datasetIds: readonly string[];
}

/**
 * What changed in the automations (in this process or another writing the same data folder: the app,
 * `cairn serve`, `cairn ct`): firings that began, moved a step or ended, and whether switches or
 * projects changed, so that the Automations page refetches; `notices` are the firings that just
 * reached an outcome a person should hear of.
 */
export interface AutomationsChange {
  readonly firings: ReadonlyArray<{ readonly id: number; readonly projectDir: string; readonly automation: string; readonly outcome: FiringOutcome }>;
  /** An automation was enabled or disabled, or a project added or removed. */
  readonly settings: boolean;
  readonly notices: readonly AutomationNotice[];
}

/** Every event the main side pushes, with its payload type. A new event adds one line here and one in contract-names.ts. */
export interface Events {
  'tracker.changed': TrackerChange;
  'storage.changed': StorageStatus;
  'pipelines.progress': PipelineProgress;
  /** A deployment operation began, a step of it changed, or it ended (in this process or another using the data folder). */
  'deploy.operation': DeploymentEvent;
  'data.progress': DataJobProgressEvent;
  'data.changed': DataChange;
  'automations.changed': AutomationsChange;
}
