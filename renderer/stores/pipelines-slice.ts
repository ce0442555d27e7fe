// The Pipelines page's state: the opened projects, the open project's DAG, params, status and
// executions, the executions started or watched in this window with each stage's state and the
// end of its output (from the pushed `pipelines.progress` events), and two executions compared.
import type { StateCreator } from 'zustand';
import type { PipelineProgress } from '../../shared/contract';
import type {
  ExecutionComparison,
  ExecutionDetail,
  ExecutionRecord,
  PipelineEvent,
  PipelineOverview,
  PipelineProject,
  PipelineStatus,
  PlannedStage,
  StageState,
} from '../../shared/pipelines';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import type { ListStatus } from './experiments-slice';

/** The most characters of a stage's output kept in the window (older output is in the stage's run). */
export const LIVE_LOG_CHARS = 200_000;

/** A stage of a live execution. */
export interface LiveStage {
  readonly state: StageState;
  readonly reason: string | null;
  readonly runId: string | null;
  readonly exitCode: number | null;
}

/** An execution as this window saw it: its plan, each stage's state and the end of its output. */
export interface LiveExecution {
  readonly executionId: string;
  readonly projectDir: string;
  readonly workspaceDir: string;
  readonly parentRunId: string | null;
  readonly plan: readonly PlannedStage[];
  readonly stages: Readonly<Record<string, LiveStage>>;
  readonly logs: Readonly<Record<string, string>>;
  readonly status: 'running' | 'succeeded' | 'failed' | 'stopped';
  readonly warnings: readonly string[];
}

/** What a run asks for. */
export interface PipelineRunRequest {
  readonly targets?: readonly string[];
  readonly force?: boolean;
  readonly downstream?: boolean;
  readonly setParams?: readonly string[];
}

/** The open project's data. */
export interface OpenPipelineProject {
  readonly projectDir: string;
  readonly overview: PipelineOverview | null;
  readonly status: PipelineStatus | null;
  readonly executions: readonly ExecutionRecord[];
  /** The newest execution with its stages (their runs), when there is one. */
  readonly latest: ExecutionDetail | null;
  readonly loadStatus: ListStatus;
  readonly error: string | null;
  /** What the status check said when it failed (the DAG still shows). */
  readonly statusError: string | null;
}

/** The pipelines slice of the app store. */
export interface PipelinesSlice {
  readonly pipelineProjects: {
    readonly items: readonly PipelineProject[];
    readonly status: ListStatus;
    readonly error: string | null;
    /** Whether the app offers a folder picker (the desktop app); the browser mode takes a typed path. */
    readonly folderPicker: boolean;
  };
  readonly pipelineProject: OpenPipelineProject | null;
  /** Executions seen in this window, by id. */
  readonly liveExecutions: Readonly<Record<string, LiveExecution>>;
  /** The execution whose states the DAG shows (the newest one started or watched for the open project). */
  readonly shownExecutionId: string | null;
  /** Why the last run, stop or open failed, for the person to act on. */
  readonly pipelineActionError: string | null;
  readonly executionComparison: { readonly data: ExecutionComparison | null; readonly status: ListStatus; readonly error: string | null };
  loadPipelineProjects(): Promise<void>;
  /** Opens a folder (refused unless it holds a dvc.yaml); resolves to its absolute path, or null when refused. */
  openPipelineProject(projectDir: string): Promise<string | null>;
  /** Asks for a folder with the desktop app's picker and opens it; resolves to its absolute path, or null when cancelled or refused. */
  pickPipelineProject(): Promise<string | null>;
  closePipelineProject(projectDir: string): Promise<void>;
  /** Loads a project's overview, status and executions. */
  loadPipelineProject(projectDir: string): Promise<void>;
  runPipeline(request: PipelineRunRequest): Promise<void>;
  stopPipelineExecution(executionId: string): Promise<void>;
  comparePipelineExecutions(a: string, b: string): Promise<void>;
  clearPipelineComparison(): void;
  /** Applies a batch of pushed events. */
  applyPipelineProgress(progress: PipelineProgress): void;
  /** Subscribes to the pushed progress; returns the function that stops it. */
  watchPipelines(): () => void;
}

function applyEvent(executions: Record<string, LiveExecution>, event: PipelineEvent): void {
  if (event.type === 'execution-started') {
    executions[event.executionId] = {
      executionId: event.executionId,
      projectDir: event.projectDir,
      workspaceDir: event.workspaceDir,
      parentRunId: event.parentRunId,
      plan: event.stages,
      stages: Object.fromEntries(event.stages.map((stage) => [stage.name, { state: 'waiting', reason: null, runId: null, exitCode: null }])),
      logs: {},
      status: 'running',
      warnings: [],
    };
    return;
  }
  const execution = executions[event.executionId];
  if (!execution) return;
  switch (event.type) {
    case 'stage-state':
      executions[event.executionId] = {
        ...execution,
        stages: { ...execution.stages, [event.stage]: { state: event.state, reason: event.reason, runId: event.runId, exitCode: event.exitCode } },
      };
      return;
    case 'stage-log': {
      const text = (execution.logs[event.stage] ?? '') + event.text;
      executions[event.executionId] = {
        ...execution,
        logs: { ...execution.logs, [event.stage]: text.length > LIVE_LOG_CHARS ? text.slice(text.indexOf('\n', text.length - LIVE_LOG_CHARS) + 1) : text },
      };
      return;
    }
    case 'warning':
      executions[event.executionId] = { ...execution, warnings: [...execution.warnings, event.message] };
      return;
    case 'execution-finished':
      executions[event.executionId] = { ...execution, status: event.status };
  }
}

/** Builds the pipelines slice. */
export function createPipelinesSlice({ api }: SliceContext): StateCreator<AppState, [], [], PipelinesSlice> {
  return (set, get) => {
    let generation = 0;
    const updateProject = (projectDir: string, patch: Partial<OpenPipelineProject>) =>
      set((state) => (state.pipelineProject?.projectDir === projectDir ? { pipelineProject: { ...state.pipelineProject, ...patch } } : {}));
    const refreshAfterRun = async (projectDir: string) => {
      const [status, executions] = await Promise.allSettled([api.getPipelineStatus({ projectDir }), api.listPipelineExecutions({ projectDir })]);
      const newest = executions.status === 'fulfilled' ? executions.value[0] : undefined;
      const latest = newest ? await api.getPipelineExecution({ executionId: newest.executionId }).catch(() => null) : null;
      updateProject(projectDir, {
        ...(status.status === 'fulfilled' ? { status: status.value, statusError: null } : { statusError: describeError(status.reason) }),
        ...(executions.status === 'fulfilled' ? { executions: executions.value, latest } : {}),
      });
      void get().loadPipelineProjects();
    };
    return {
      pipelineProjects: { items: [], status: 'idle', error: null, folderPicker: false },
      pipelineProject: null,
      liveExecutions: {},
      shownExecutionId: null,
      pipelineActionError: null,
      executionComparison: { data: null, status: 'idle', error: null },

      async loadPipelineProjects() {
        if (get().pipelineProjects.status !== 'ready') set((state) => ({ pipelineProjects: { ...state.pipelineProjects, status: 'loading', error: null } }));
        try {
          const { projects, folderPicker } = await api.listPipelineProjects({});
          set({ pipelineProjects: { items: projects, status: 'ready', error: null, folderPicker } });
        } catch (error) {
          set((state) => ({ pipelineProjects: { ...state.pipelineProjects, status: 'error', error: describeError(error) } }));
        }
      },

      async openPipelineProject(projectDir) {
        set({ pipelineActionError: null });
        try {
          const overview = await api.openPipelineProject({ projectDir });
          void get().loadPipelineProjects();
          return overview.projectDir;
        } catch (error) {
          set({ pipelineActionError: describeError(error) });
          return null;
        }
      },

      async pickPipelineProject() {
        set({ pipelineActionError: null });
        let picked: string | null;
        try {
          picked = (await api.pickPipelineFolder({})).projectDir;
        } catch (error) {
          set({ pipelineActionError: describeError(error) });
          return null;
        }
        return picked === null ? null : get().openPipelineProject(picked);
      },

      async closePipelineProject(projectDir) {
        try {
          await api.closePipelineProject({ projectDir });
          if (get().pipelineProject?.projectDir === projectDir) set({ pipelineProject: null });
          await get().loadPipelineProjects();
        } catch (error) {
          set({ pipelineActionError: describeError(error) });
        }
      },

      async loadPipelineProject(projectDir) {
        const mine = ++generation;
        const current = get().pipelineProject;
        if (current?.projectDir !== projectDir) {
          const shown = Object.values(get().liveExecutions).filter((execution) => execution.projectDir === projectDir).at(-1);
          set({
            pipelineProject: { projectDir, overview: null, status: null, executions: [], latest: null, loadStatus: 'loading', error: null, statusError: null },
            shownExecutionId: shown?.executionId ?? null,
            pipelineActionError: null,
            executionComparison: { data: null, status: 'idle', error: null },
          });
        }
        try {
          const overview = await api.getPipelineOverview({ projectDir });
          if (mine !== generation) return;
          updateProject(projectDir, { overview, loadStatus: 'ready', error: null });
          if (overview.pipeline) await refreshAfterRun(projectDir);
        } catch (error) {
          if (mine === generation) updateProject(projectDir, { loadStatus: 'error', error: describeError(error) });
        }
      },

      async runPipeline(request) {
        const project = get().pipelineProject;
        if (!project) return;
        set({ pipelineActionError: null });
        try {
          const { executionId } = await api.runPipeline({
            projectDir: project.projectDir,
            targets: [...(request.targets ?? [])],
            force: request.force ?? false,
            downstream: request.downstream ?? false,
            setParams: [...(request.setParams ?? [])],
          });
          set({ shownExecutionId: executionId });
          void api.listPipelineExecutions({ projectDir: project.projectDir }).then(
            (executions) => updateProject(project.projectDir, { executions }),
            () => {},
          );
        } catch (error) {
          set({ pipelineActionError: describeError(error) });
        }
      },

      async stopPipelineExecution(executionId) {
        try {
          await api.stopPipelineExecution({ executionId });
        } catch (error) {
          set({ pipelineActionError: describeError(error) });
        }
      },

      async comparePipelineExecutions(a, b) {
        set({ executionComparison: { data: null, status: 'loading', error: null } });
        try {
          set({ executionComparison: { data: await api.comparePipelineExecutions({ a, b }), status: 'ready', error: null } });
        } catch (error) {
          set({ executionComparison: { data: null, status: 'error', error: describeError(error) } });
        }
      },

      clearPipelineComparison() {
        set({ executionComparison: { data: null, status: 'idle', error: null } });
      },

      applyPipelineProgress(progress) {
        const executions = { ...get().liveExecutions };
        for (const event of progress.events) applyEvent(executions, event);
        const project = get().pipelineProject;
        const started = progress.events.filter((event) => event.type === 'execution-started' && event.projectDir === project?.projectDir).at(-1);
        set({ liveExecutions: executions, ...(started ? { shownExecutionId: started.executionId } : {}) });
        const finished = progress.events.some((event) => event.type === 'execution-finished' && executions[event.executionId]?.projectDir === project?.projectDir);
        if (project && (finished || started)) void refreshAfterRun(project.projectDir);
      },

      watchPipelines() {
        return api.onEvent('pipelines.progress', (progress) => get().applyPipelineProgress(progress));
      },
    };
  };
}
