// The Pipelines page (#/pipelines): the dvc.yaml projects the user opened (a typed path opens
// one, or the folder picker in the desktop app), and the open project (#/pipelines?project=...): its DAG with each stage's state, Run,
// Force, Stop, the selected stage with its live output and tracked run, the params editor that
// queues variants, and the executions with a comparison of two.
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PipelineOverview, StageStatusView } from '../../../shared/pipelines';
import { ErrorMessage } from '../../components/error-message';
import { formatRelativeTime } from '../../components/value-format';
import { displayOutlook, displayState, type StageDisplay } from '../../models/pipelines/stage-display';
import { routeHref } from '../../models/routes';
import { navigate, useRoute } from '../../router';
import type { LiveExecution } from '../../stores/pipelines-slice';
import { useAppStore } from '../../use-app-store';
import { ExecutionHistory } from './execution-history';
import { ParamsEditor } from './params-editor';
import { PipelineDag } from './pipeline-dag';
import { StagePanel } from './stage-panel';

/** The field that opens a project folder by its path. */
function OpenProjectForm() {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const error = useAppStore((state) => (state.pipelineProject === null ? state.pipelineActionError : null));
  const folderPicker = useAppStore((state) => state.pipelineProjects.folderPicker);
  const opened = (projectDir: string | null) => {
    if (!projectDir) return;
    setPath('');
    navigate({ name: 'pipelines', projectDir });
  };
  const pick = async () => {
    setBusy(true);
    const projectDir = await useAppStore.getState().pickPipelineProject();
    setBusy(false);
    opened(projectDir);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) return;
    setBusy(true);
    const projectDir = await useAppStore.getState().openPipelineProject(path);
    setBusy(false);
    opened(projectDir);
  };
  return (
    <form className="open-project-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor="open-project-path">Open a project folder</label>
      {folderPicker && (
        <button type="button" className="small open-project-pick" disabled={busy} onClick={() => void pick()} data-testid="pick-project-folder">
          Choose folder…
        </button>
      )}
      <div className="open-project-row">
        <input
          type="text"
          id="open-project-path"
          data-testid="open-project-input"
          placeholder="/path/to/project"
          value={path}
          spellCheck={false}
          onChange={(event) => setPath(event.target.value)}
        />
        <button type="submit" className="primary small" disabled={busy || !path.trim()} data-testid="open-project">
          Open
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="open-project-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The opened projects, linked. */
function ProjectList({ current }: { current: string | null }) {
  const { items, status, error } = useAppStore((state) => state.pipelineProjects);
  const now = Date.now();
  if (status === 'error' && error) return <ErrorMessage title="Could not list the projects" message={error} />;
  if (items.length === 0) return status === 'ready' ? <p className="faint">No projects opened yet.</p> : null;
  return (
    <ul className="project-list" data-testid="project-list">
      {items.map((project) => (
        <li key={project.projectDir} className={project.projectDir === current ? 'is-current' : undefined}>
          <a
            href={routeHref({ name: 'pipelines', projectDir: project.projectDir })}
            aria-current={project.projectDir === current ? 'page' : undefined}
            data-testid="project-link"
            title={project.projectDir}
          >
            <span className="project-name">{project.name}</span>
            <span className="faint project-meta">
              {!project.hasPipeline
                ? 'no dvc.yaml any more'
                : project.lastExecutionAt
                  ? `ran ${formatRelativeTime(project.lastExecutionAt, now)}`
                  : project.openedAt === null
                    ? 'run from the CLI'
                    : 'not run yet'}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** What to do when no project is open. */
function PipelinesGettingStarted() {
  return (
    <section className="getting-started card" data-testid="pipelines-empty">
      <h2>Open a pipeline</h2>
      <p className="muted">
        Cairn runs DVC pipelines unchanged: choose a folder that holds a <code>dvc.yaml</code> (Choose folder… in the desktop app) or type
        its path in the field on the left and press Open. Try Cairn’s own example, <code>examples/pipeline</code> (a scikit-learn pipeline: prepare → featurize → train two models →
        evaluate).
      </p>
      <p className="muted">
        Its stages are drawn as a graph; Run runs what changed (independent stages at once) and every stage becomes a tracked run with its
        params, metrics and output. Runs from the CLI (<code>cairn pipeline run</code>) show up here too.
      </p>
    </section>
  );
}

/** How a stage is shown: the followed execution's state while it runs, else what a run would do now (or how the last run ended). */
function stageDisplayOf(name: string, live: LiveExecution | null, status: ReadonlyMap<string, StageStatusView>): StageDisplay {
  const liveStage = live?.stages[name];
  const outlook = status.get(name);
  if (liveStage && live?.status === 'running') return displayState(liveStage.state, liveStage.reason, liveStage.exitCode);
  const failed = liveStage && ['failed', 'killed', 'blocked', 'cancelled'].includes(liveStage.state);
  if (outlook && !failed && (outlook.outlook !== 'up-to-date' || !liveStage)) return displayOutlook(outlook);
  if (liveStage) return displayState(liveStage.state, liveStage.reason, liveStage.exitCode);
  return { label: 'checking…', tone: 'neutral', reason: null };
}

/** The issues of an invalid pipeline. */
function PipelineIssues({ overview }: { overview: PipelineOverview }) {
  return (
    <div className="error-state" role="alert" data-testid="pipeline-issues">
      <div className="error-body">
        <span className="error-title">This pipeline cannot run. Fix its files and open it again:</span>
        <ul>
          {overview.issues.map((issue, index) => (
            <li key={index}>
              <code>
                {issue.file}
                {issue.line ? `:${issue.line}` : ''}
              </code>
              {issue.stage ? ` stage '${issue.stage}': ` : ': '}
              {issue.message}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="small" onClick={() => void useAppStore.getState().loadPipelineProject(overview.projectDir)}>
        Check again
      </button>
    </div>
  );
}

/** An open project. */
function ProjectView({ projectDir }: { projectDir: string }) {
  const project = useAppStore((state) => state.pipelineProject);
  const { liveExecutions, shownExecutionId, actionError, comparison } = useAppStore(
    useShallow((state) => ({
      liveExecutions: state.liveExecutions,
      shownExecutionId: state.shownExecutionId,
      actionError: state.pipelineActionError,
      comparison: state.executionComparison,
    })),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const actions = useAppStore.getState();

  if (!project || project.projectDir !== projectDir || (project.loadStatus === 'loading' && !project.overview)) {
    return (
      <div className="loading-line">
        <span className="spinner" /> Reading the pipeline…
      </div>
    );
  }
  if (project.loadStatus === 'error' && project.error) {
    return <ErrorMessage title={`Could not open ${projectDir}`} message={project.error} onRetry={() => void actions.loadPipelineProject(projectDir)} />;
  }
  const overview = project.overview!;
  const pipeline = overview.pipeline;
  const live = shownExecutionId ? (liveExecutions[shownExecutionId] ?? null) : null;
  const running = Object.values(liveExecutions).filter((execution) => execution.projectDir === projectDir && execution.status === 'running');
  const statusByStage = new Map((project.status?.stages ?? []).map((stage) => [stage.name, stage]));
  const display = (name: string) => stageDisplayOf(name, live, statusByStage);
  const willRun = project.status?.stages.filter((stage) => stage.outlook === 'will-run').length ?? null;
  const stage = pipeline?.stages.find((item) => item.name === selected) ?? pipeline?.stages[0] ?? null;
  const latestStage = project.latest?.stages.find((item) => item.stage === stage?.name);
  const name = projectDir.split('/').filter(Boolean).at(-1) ?? projectDir;

  return (
    <div className="pipeline-project" data-testid="pipeline-project" data-project={projectDir}>
      <div className="pipeline-toolbar">
        <div className="pipeline-title">
          <h2>{name}</h2>
          <code className="faint" title={projectDir}>
            {projectDir}
          </code>
        </div>
        <div className="app-header-spacer" />
        <span className="muted" data-testid="pipeline-summary">
          {running.length > 0
            ? 'Running…'
            : project.statusError
              ? ''
              : willRun === null
                ? 'Checking what changed…'
                : willRun === 0
                  ? 'Everything is up to date'
                  : `${willRun} of ${pipeline?.stages.length ?? 0} stages will run`}
        </span>
        {running.length > 0 ? (
          <button type="button" className="danger" data-testid="stop-pipeline" onClick={() => running.forEach((execution) => void actions.stopPipelineExecution(execution.executionId))}>
            Stop
          </button>
        ) : (
          <>
            <button type="button" disabled={!pipeline} data-testid="force-run-pipeline" title="Run every stage, even those up to date" onClick={() => void actions.runPipeline({ force: true })}>
              Force run
            </button>
            <button type="button" className="primary" disabled={!pipeline} data-testid="run-pipeline" onClick={() => void actions.runPipeline({})}>
              Run
            </button>
          </>
        )}
        <button type="button" className="ghost small" title="Forget this project (its runs stay)" onClick={() => void actions.closePipelineProject(projectDir).then(() => navigate({ name: 'pipelines', projectDir: null }))}>
          Close
        </button>
      </div>
      {actionError && <ErrorMessage title="That did not work" message={actionError} />}
      {project.statusError && <ErrorMessage title="Could not tell what would run" message={project.statusError} />}
      {live && live.warnings.length > 0 && (
        <div className="warning-line" role="status">
          {live.warnings.join(' · ')}
        </div>
      )}
      {!pipeline && <PipelineIssues overview={overview} />}
      {pipeline && (
        <>
          <PipelineDag pipeline={pipeline} display={display} selected={stage?.name ?? null} onSelect={setSelected} />
          <div className="pipeline-columns">
            {stage && (
              <StagePanel
                key={stage.name}
                stage={stage}
                display={display(stage.name)}
                runId={live?.stages[stage.name]?.runId ?? latestStage?.runId ?? null}
                log={live?.logs[stage.name] ?? ''}
                live={live?.status === 'running'}
                running={running.length > 0}
                onRun={(options) => void actions.runPipeline(options)}
              />
            )}
            <ParamsEditor params={overview.params} onRunVariant={(setParams) => void actions.runPipeline({ setParams })} />
          </div>
          <ExecutionHistory
            executions={project.executions}
            comparison={comparison}
            onCompare={(a, b) => void actions.comparePipelineExecutions(a, b)}
            onClearComparison={actions.clearPipelineComparison}
          />
        </>
      )}
    </div>
  );
}

/** The Pipelines page. */
export function PipelinesPage() {
  const route = useRoute();
  const projectDir = route.name === 'pipelines' ? route.projectDir : null;
  useEffect(() => {
    void useAppStore.getState().loadPipelineProjects();
  }, []);
  useEffect(() => {
    if (projectDir !== null) void useAppStore.getState().loadPipelineProject(projectDir);
  }, [projectDir]);
  const ready = useAppStore((state) => state.pipelineProjects.status === 'ready');
  return (
    <div className="page pipelines-page">
      <div className="page-header">
        <h1>Pipelines</h1>
      </div>
      <div className="pipelines-layout">
        <aside className="pipelines-sidebar card" aria-label="Projects">
          <OpenProjectForm />
          <ProjectList current={projectDir} />
        </aside>
        <div className="pipelines-main">{projectDir === null ? <PipelinesGettingStarted /> : <ProjectView key={projectDir} projectDir={projectDir} />}</div>
      </div>
      {ready && <span data-testid="pipelines-ready" hidden />}
    </div>
  );
}
