// The Automations page (#/automations): the project folders whose cairn-automations.yaml the app's
// scheduler runs (a typed path adds one), each automation with its triggers and their state
// (armed, last fired, next scheduled time), Enable/Disable and Run now, and the project's audit
// trail, live as firings run here or in `cairn serve` / `cairn ct` beside the app.
import { useEffect, useState, type FormEvent } from 'react';
import type { AutomationFiring, AutomationState, AutomationSummary, TriggerKind } from '../../../shared/automation-models';
import type { AutomationProject } from '../../../shared/contract';
import { ErrorMessage } from '../../components/error-message';
import { formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useRoute } from '../../router';
import { useAppStore } from '../../use-app-store';
import { FiringOutcomeBadge, FiringRecord } from './firing-record';

const STARTER_FILE = `automations:
  retrain:
    data: {watch: data/incoming, reference: data/reference.csv, label: churned}
    triggers: [new-data, {drift: {drift_share: 0.5}}, {schedule: "0 3 * * 1"}, manual]
    action: {pipeline: ., new_data: {param: new_data}, model: {stage: train, path: model}}
    gate:
      rules: [metrics.accuracy >= production + 0.01]
    promote: {model: my-model, alias: champion}`;

const STATE_LABELS: Record<AutomationState, string> = {
  idle: 'Idle',
  running: 'Running',
  queued: 'Queued',
  'waiting-approval': 'Waits for approval',
  disabled: 'Disabled',
  invalid: 'Invalid',
};

/** The field that adds a project folder by its path. */
function AddProjectForm() {
  const [path, setPath] = useState('');
  const action = useAppStore((state) => state.automationAction);
  const busy = action.status === 'working' && action.label.startsWith('Add ');
  const error = action.status === 'error' && action.label.startsWith('Add ') ? action.error : null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) return;
    if (await useAppStore.getState().addAutomationProject(path)) setPath('');
  };
  return (
    <form className="open-project-form automations-add" onSubmit={(event) => void submit(event)}>
      <label htmlFor="automation-project-path">Add a project folder holding cairn-automations.yaml</label>
      <div className="open-project-row">
        <input
          type="text"
          id="automation-project-path"
          data-testid="automation-project-input"
          placeholder="/path/to/project"
          value={path}
          spellCheck={false}
          onChange={(event) => setPath(event.target.value)}
        />
        <button type="submit" className="primary small" disabled={busy || !path.trim()} data-testid="add-automation-project">
          Add
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="automation-project-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** What to do when no project's automations run here yet. */
function AutomationsGettingStarted() {
  return (
    <section className="getting-started card" data-testid="automations-empty">
      <h2>No automations yet</h2>
      <p className="muted">
        An automation retrains a model by itself: when new data lands, drifts, fails its checks, when the production model decays, on a
        schedule or by hand, it runs the project’s pipeline, gates the candidate against the model holding the production alias, and
        promotes it only if it is better. Every decision is kept here with its evidence.
      </p>
      <p className="muted">
        Write a <code>cairn-automations.yaml</code> beside the project’s <code>dvc.yaml</code> (or run <code>cairn ci init</code> in the
        project folder for a starter file), then add the folder above. For example:
      </p>
      <div className="code-block">
        <pre>{STARTER_FILE}</pre>
      </div>
      <p className="muted">
        Try Cairn’s own example, <code>examples/continuous-training</code>: a churn model retrained when a drifted batch lands. From a
        terminal or a CI job, <code>cairn ct run</code> does what is due once.
      </p>
    </section>
  );
}

/** The last firing that a trigger of this kind caused, from the trail. */
function lastFiredBy(kind: TriggerKind, firings: readonly AutomationFiring[]): AutomationFiring | null {
  return (
    // A firing that new data woke but drift decided (its trigger) counts for both: each held.
    firings.find((firing) => firing.trigger.kind === kind || (kind !== 'schedule' && kind !== 'manual' && firing.evidence.some((item) => item.kind === kind && item.fired))) ?? null
  );
}

/** One automation: its state, its triggers with theirs, Run now and Enable/Disable. */
function AutomationCard({ automation, firings }: { automation: AutomationSummary; firings: readonly AutomationFiring[] }) {
  const now = Date.now();
  const mine = firings.filter((firing) => firing.automation === automation.name);
  const action = useAppStore((state) => state.automationAction);
  const manual = automation.triggers.some((trigger) => trigger.kind === 'manual');
  const running = automation.state === 'running';
  const actions = useAppStore.getState();
  return (
    <article className="automation-card card" data-testid="automation" data-automation={automation.name} data-state={automation.state}>
      <header className="automation-head">
        <div className="automation-title">
          <h3>{automation.name}</h3>
          {automation.description && <p className="muted">{automation.description}</p>}
        </div>
        <span className={`status-badge automation-${automation.state}`} data-testid="automation-state">
          <span className="status-badge-dot" aria-hidden />
          {STATE_LABELS[automation.state]}
        </span>
        <button
          type="button"
          className="small"
          data-testid="toggle-automation"
          aria-pressed={automation.enabled}
          disabled={action.status === 'working'}
          onClick={() => void actions.setAutomationEnabled(automation.projectDir, automation.name, !automation.enabled)}
        >
          {automation.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className="primary small"
          data-testid="run-automation"
          disabled={!manual || !automation.enabled || running}
          title={!manual ? "Add 'manual' to its triggers to run it by hand" : !automation.enabled ? 'Enable it first' : running ? 'It is running' : 'Run it now'}
          onClick={() => void actions.runAutomation(automation.projectDir, automation.name)}
        >
          Run now
        </button>
      </header>
      <table className="data-table automation-triggers" data-testid="automation-triggers">
        <thead>
          <tr>
            <th>Trigger</th>
            <th>State</th>
            <th>Last fired</th>
            <th>Next</th>
          </tr>
        </thead>
        <tbody>
          {automation.triggers.map((trigger, index) => {
            const last = lastFiredBy(trigger.kind, mine);
            const next = trigger.kind === 'schedule' && automation.enabled ? automation.nextScheduledAt : null;
            return (
              <tr key={index} data-testid="automation-trigger" data-kind={trigger.kind}>
                <td>
                  <code>{trigger.text}</code>
                </td>
                <td>{automation.enabled ? <span className="trigger-armed">armed</span> : <span className="faint">off</span>}</td>
                <td>
                  {last ? (
                    <a href={routeHref({ name: 'automations', firingId: last.id })} title={formatFullDateTime(last.startedAt)}>
                      {formatRelativeTime(last.startedAt, now)} (#{last.id})
                    </a>
                  ) : (
                    <span className="faint">never</span>
                  )}
                </td>
                <td>{next ? <span title={formatFullDateTime(next)}>{formatFullDateTime(next)}</span> : <span className="faint">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="automation-foot muted">
        {automation.promotes ? (
          <>
            Promotes to{' '}
            <a href={routeHref({ name: 'models', modelName: automation.promotes.model })}>
              {automation.promotes.model}@{automation.promotes.alias}
            </a>
            {automation.promotes.deployment && (
              <>
                {' '}
                and deploys <a href={routeHref({ name: 'deployments', deploymentName: automation.promotes.deployment })}>{automation.promotes.deployment}</a>
              </>
            )}
            {automation.promotes.approval && ' after a person approves'}
          </>
        ) : (
          'Runs the pipeline; promotes nothing'
        )}
        {automation.lastFiring && (
          <>
            {' · last: '}
            <FiringOutcomeBadge outcome={automation.lastFiring.outcome} />
          </>
        )}
      </p>
    </article>
  );
}

/** Downloads a project's trail as JSON. */
function exportTrail(project: AutomationProject, firings: readonly AutomationFiring[]): void {
  const blob = new Blob([JSON.stringify(firings, null, 2)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `automations-${project.projectDir.split('/').filter(Boolean).at(-1) ?? 'project'}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** A project: its automations and its audit trail. */
function ProjectSection({ project, openFiring }: { project: AutomationProject; openFiring: number | null }) {
  const view = useAppStore((state) => state.automationViews[project.projectDir]);
  const name = project.projectDir.split('/').filter(Boolean).at(-1) ?? project.projectDir;
  const actions = useAppStore.getState();
  return (
    <section className="automation-project" data-testid="automation-project" data-project={project.projectDir}>
      <div className="pipeline-toolbar">
        <div className="pipeline-title">
          <h2>{name}</h2>
          <code className="faint" title={project.projectDir}>
            {project.projectDir}
          </code>
        </div>
        <div className="app-header-spacer" />
        {view && view.firings.length > 0 && (
          <button type="button" className="ghost small" onClick={() => exportTrail(project, view.firings)} title="Download the audit trail as JSON">
            Export JSON
          </button>
        )}
        <button type="button" className="ghost small" title="Stop running its automations here (the audit trail stays)" onClick={() => void actions.removeAutomationProject(project.projectDir)}>
          Remove
        </button>
      </div>
      {(project.problem || (view?.status === 'error' && view.error)) && (
        <ErrorMessage
          title="Its automations file cannot be used; fix it and it is read again"
          message={project.problem ?? view?.error ?? ''}
          onRetry={() => void actions.loadAutomationProject(project.projectDir)}
        />
      )}
      {!view || (view.status === 'loading' && view.automations.length === 0) ? (
        <div className="loading-line">
          <span className="spinner" /> Reading the automations…
        </div>
      ) : (
        <>
          <div className="automation-cards">
            {view.automations.map((automation) => (
              <AutomationCard key={automation.name} automation={automation} firings={view.firings} />
            ))}
          </div>
          <h3 className="trail-title">Audit trail</h3>
          {view.firings.length === 0 ? (
            <p className="faint" data-testid="trail-empty">
              Nothing has fired yet. Firings appear here as they start, with every step live.
            </p>
          ) : (
            <div className="firing-trail card" data-testid="firing-trail">
              {view.firings.map((firing) => (
                <FiringRecord key={firing.id} firing={firing} open={firing.id === openFiring} />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The Automations page. */
export function AutomationsPage() {
  const route = useRoute();
  const openFiring = route.name === 'automations' ? route.firingId : null;
  const { items, status, error } = useAppStore((state) => state.automationProjects);
  const action = useAppStore((state) => state.automationAction);
  useEffect(() => {
    void useAppStore.getState().loadAutomationProjects();
  }, []);
  useEffect(() => {
    if (openFiring !== null && status === 'ready') document.getElementById(`firing-${openFiring}`)?.scrollIntoView({ block: 'start' });
  }, [openFiring, status]);
  const actionError = action.status === 'error' && !action.label.startsWith('Add ') ? action : null;
  return (
    <div className="page automations-page" data-testid="automations-page">
      <div className="page-header">
        <h1>Automations</h1>
      </div>
      <div className="card automations-add-card">
        <AddProjectForm />
      </div>
      {actionError && <ErrorMessage title={`${actionError.label} did not work`} message={actionError.error ?? ''} />}
      {status === 'error' && error && <ErrorMessage title="Could not load the automations" message={error} onRetry={() => void useAppStore.getState().loadAutomationProjects()} />}
      {status === 'loading' && items.length === 0 && (
        <div className="loading-line">
          <span className="spinner" /> Loading automations…
        </div>
      )}
      {status === 'ready' && items.length === 0 && <AutomationsGettingStarted />}
      {items.map((project) => (
        <ProjectSection key={project.projectDir} project={project} openFiring={openFiring} />
      ))}
      {status === 'ready' && <span data-testid="automations-ready" hidden />}
    </div>
  );
}
