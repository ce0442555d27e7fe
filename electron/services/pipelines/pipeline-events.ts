// What a pipeline execution tells its watchers while it runs (the CLI's live display, the app's
// Pipelines page): the plan, each stage's state as it changes, the stages' output in batches, and
// the end. The types are plain serialisable objects declared in shared/pipelines.ts, so they cross
// IPC and HTTP unchanged.
import type { PipelineEvent } from '../../../shared/pipelines';

export { FINAL_STAGE_STATES, type ExecutionStatus, type PipelineEvent, type PlannedStage, type StageState } from '../../../shared/pipelines';

/** Receives events. */
export type PipelineEventListener = (event: PipelineEvent) => void;
