// The pipelines capability: the dvc.yaml projects the user opened, a project's DAG, params and
// status, running it (all, one stage, from a stage, with params overrides) and stopping it, the
// executions' history, two executions compared, and a stage's output.
import { z } from 'zod';
import type {
  ExecutionComparison,
  ExecutionDetail,
  ExecutionRecord,
  PipelineOverview,
  PipelineProjects,
  PipelineStatus,
  StageLogTail,
} from '../pipelines';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';

/** The name of a call of the pipelines capability. */
export type PipelinesCallName = CapabilityCallName<'pipelines'>;

/** The most executions one history call lists. */
export const MAX_LISTED_EXECUTIONS = 500;

const projectDir = z.string().trim().min(1, 'type the path of a folder holding a dvc.yaml').max(4096);
const executionId = z.string().min(1).max(64).regex(/^[0-9a-f]+$/, 'execution ids are hexadecimal');
const stageName = z.string().min(1).max(500);
/** A params override as `dvc exp run -S` takes it: `train.lr=0.01`. */
const paramOverride = z.string().max(10_000).regex(/^[^=\s]+=/, 'an override is written key=value, e.g. train.lr=0.01');

/** The calls of the pipelines capability. */
export const pipelinesCalls = {
  /** The projects opened in the app and those run from the CLI, most recent first. */
  listPipelineProjects: defineCall<PipelineProjects>()(z.object({}).strict()),
  /**
   * Asks the person for a project folder with the desktop app's folder picker; resolves to the
   * chosen folder, or null when they cancelled (open it with openPipelineProject). Refused in the
   * browser mode, which has no picker: there the folder's path is typed.
   */
  pickPipelineFolder: defineCall<{ projectDir: string | null }>()(z.object({}).strict()),
  /** Opens a folder holding a dvc.yaml (remembered across restarts); a folder without one is refused and nothing is remembered. */
  openPipelineProject: defineCall<PipelineOverview>()(z.object({ projectDir }).strict()),
  /** Forgets an opened project (its executions and runs stay). */
  closePipelineProject: defineCall<{ closed: boolean }>()(z.object({ projectDir }).strict()),
  /** A project's stages, edges and params, or the issues that make its pipeline invalid. */
  getPipelineOverview: defineCall<PipelineOverview>()(z.object({ projectDir }).strict()),
  /** What a run would do now, stage by stage, and why (as `dvc status`). */
  getPipelineStatus: defineCall<PipelineStatus>()(z.object({ projectDir }).strict()),
  /** Starts an execution; resolves once it runs. Overrides run it as a variant in its own copy of the project. */
  runPipeline: defineCall<{ executionId: string }>()(
    z
      .object({
        projectDir,
        targets: z.array(stageName).max(1000).default([]),
        force: z.boolean().default(false),
        downstream: z.boolean().default(false),
        jobs: z.number().int().min(1).max(256).optional(),
        setParams: z.array(paramOverride).max(1000).default([]),
      })
      .strict(),
  ),
  /** Stops a running execution (its running stages' process trees are ended); false when it was not running here. */
  stopPipelineExecution: defineCall<{ stopped: boolean }>()(z.object({ executionId }).strict()),
  /** Past and running executions of a project, newest first. */
  listPipelineExecutions: defineCall<ExecutionRecord[]>()(
    z.object({ projectDir, limit: z.number().int().min(1).max(MAX_LISTED_EXECUTIONS).default(50) }).strict(),
  ),
  /** One execution with its stages. */
  getPipelineExecution: defineCall<ExecutionDetail>()(z.object({ executionId }).strict()),
  /** Two executions side by side: which stages, params and metrics changed. */
  comparePipelineExecutions: defineCall<ExecutionComparison>()(z.object({ a: executionId, b: executionId }).strict()),
  /** The end of a stage's output in an execution this app ran (a finished stage's whole log is its run's artifact). */
  getStageLog: defineCall<StageLogTail>()(z.object({ executionId, stage: stageName }).strict()),
} satisfies CapabilityCalls<PipelinesCallName>;
