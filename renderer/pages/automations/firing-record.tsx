// One firing of the audit trail: what woke it and who or what did, its evidence, the pipeline run,
// the gate with the candidate's and production's metrics side by side and each rule's values, the
// decision and why, what was promoted and deployed, and its steps with their times (live while it
// runs, with Cancel). Every run, model version, pipeline and deployment it names is a link.
import { useEffect, useState } from 'react';
import { STEP_VERDICT_LABELS, type AutomationFiring, type EvaluatedModel, type FiringOutcome, type FiringStep, type FiringStepOutcome, type GateRuleResult } from '../../../shared/automation-models';
import { useTicking } from '../../components/use-ticking';
import { formatDuration, formatFullDateTime, formatMetricValue, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';

const OUTCOME_LABELS: Record<FiringOutcome, string> = {
  running: 'Running',
  'waiting-approval': 'Waits for approval',
  promoted: 'Promoted',
  completed: 'Completed',
  rejected: 'Rejected',
  'nothing-to-do': 'Nothing to do',
  failed: 'Failed',
  superseded: 'Superseded',
  cancelled: 'Cancelled',
};

/** The mark beside a finished step (a running one shows a spinner). */
const STEP_MARKS: Record<Exclude<FiringStepOutcome, 'running'>, string> = {
  succeeded: '✓',
  failed: '✕',
  skipped: '–',
  cancelled: '⊘',
};

/** The mark beside a step that ran to its end but whose verdict was no (failed checks, a rejected candidate). */
const NEGATIVE_VERDICT_MARK = '✗';

/** A step's outcome in words beside its title, for a step that was cancelled or whose verdict was negative. */
function StepOutcomeBadge({ step }: { step: FiringStep }) {
  if (step.verdict) {
    return (
      <span className="status-badge step-negative" data-testid="firing-step-outcome">
        <span className="status-badge-dot" aria-hidden />
        {STEP_VERDICT_LABELS[step.verdict]}
      </span>
    );
  }
  if (step.outcome !== 'cancelled') return null;
  return (
    <span className="status-badge step-cancelled" data-testid="firing-step-outcome">
      <span className="status-badge-dot" aria-hidden />
      Cancelled
    </span>
  );
}

/** How a firing ended, or where it stands, as a badge. */
export function FiringOutcomeBadge({ outcome }: { outcome: FiringOutcome }) {
  return (
    <span className={`status-badge firing-${outcome}`} data-testid="firing-outcome" data-outcome={outcome}>
      <span className="status-badge-dot" aria-hidden />
      {OUTCOME_LABELS[outcome]}
    </span>
  );
}

function RunLink({ runId, children }: { runId: string | null; children?: React.ReactNode }) {
  if (!runId) return <>{children}</>;
  return (
    <a href={routeHref({ name: 'run', runId })} data-testid="firing-run-link">
      {children ?? `run ${runId.slice(0, 8)}`}
    </a>
  );
}

function ModelLink({ model }: { model: EvaluatedModel }) {
  if (model.name && model.version) {
    return (
      <a href={routeHref({ name: 'model-version', modelName: model.name, version: model.version })} data-testid="firing-model-link">
        {model.name} v{model.version}
      </a>
    );
  }
  return <RunLink runId={model.runId}>{model.source}</RunLink>;
}

function metricText(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatMetricValue(value);
}

/** The candidate's and production's metrics on the gate's data, side by side. */
function MetricsSideBySide({ candidate, production }: { candidate: EvaluatedModel; production: EvaluatedModel | null }) {
  const names = [...new Set([...Object.keys(candidate.metrics), ...Object.keys(production?.metrics ?? {})])].sort();
  if (names.length === 0) return null;
  return (
    <table className="data-table firing-metrics" data-testid="firing-metrics">
      <thead>
        <tr>
          <th>Metric</th>
          <th>
            Candidate (<ModelLink model={candidate} />)
          </th>
          <th>Production {production ? <>(<ModelLink model={production} />)</> : <span className="faint">(none yet)</span>}</th>
          <th>Difference</th>
        </tr>
      </thead>
      <tbody>
        {names.map((name) => {
          const a = candidate.metrics[name];
          const b = production?.metrics[name];
          const delta = typeof a === 'number' && typeof b === 'number' ? a - b : null;
          return (
            <tr key={name} data-testid="firing-metric" data-metric={name}>
              <td>{name}</td>
              <td className="numeric">{metricText(a)}</td>
              <td className="numeric">{metricText(b)}</td>
              <td className="numeric">{delta === null ? '—' : `${delta > 0 ? '+' : ''}${formatMetricValue(delta)}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RuleValues({ rule }: { rule: GateRuleResult }) {
  return <span className="faint">{Object.entries(rule.values).map(([key, value]) => `${key} ${metricText(value)}`).join(' · ')}</span>;
}

/** The candidate, named by the version its promotion registered once it has one. */
function registeredCandidate(firing: AutomationFiring): EvaluatedModel {
  const { candidate, promotion } = firing;
  if (candidate!.version || !promotion?.version) return candidate!;
  return { ...candidate!, name: promotion.model, version: promotion.version };
}

/** The gate's rules with their values and verdicts. */
function GateRules({ firing }: { firing: AutomationFiring }) {
  const gate = firing.gate!;
  // The required checks are decided on the new data before anything is trained; with no candidate, the gate stopped there.
  const beforeTraining = !gate.data && !firing.candidate;
  return (
    <div className="firing-section" data-testid="firing-gate" data-passed={gate.passed}>
      <h4>
        Gate: {gate.passed ? 'passed' : 'failed'}
        {gate.data && (
          <span className="faint">
            {' '}
            on {gate.data.rows} rows ({gate.data.kind === 'holdout' ? 'a holdout of the new data' : gate.data.path})
          </span>
        )}
        {beforeTraining && <span className="faint"> on the new data's required checks, before anything was trained</span>}
      </h4>
      <ul className="gate-rules">
        {gate.rules.map((rule, index) => (
          <li key={index} className={rule.passed ? 'is-passed' : 'is-failed'} data-testid="gate-rule" data-passed={rule.passed}>
            <span className="gate-verdict" aria-label={rule.passed ? 'passed' : 'failed'}>
              {rule.passed ? '✓' : '✕'}
            </span>
            <code>{rule.rule}</code>
            <span>{rule.detail}</span>
            <RuleValues rule={rule} />
            {rule.runId && <RunLink runId={rule.runId}>check run</RunLink>}
          </li>
        ))}
      </ul>
      {firing.candidate && <MetricsSideBySide candidate={registeredCandidate(firing)} production={firing.production} />}
    </div>
  );
}

/** What the firing promoted (or proposed) and where it deployed it. */
function Promotion({ firing }: { firing: AutomationFiring }) {
  const promotion = firing.promotion!;
  return (
    <div className="firing-section" data-testid="firing-promotion" data-state={promotion.state}>
      <h4>Promotion: {promotion.state}</h4>
      <p>
        {promotion.version ? (
          <a href={routeHref({ name: 'model-version', modelName: promotion.model, version: promotion.version })}>
            {promotion.model} v{promotion.version}
          </a>
        ) : (
          promotion.model
        )}{' '}
        → @{promotion.alias}
        {promotion.previousVersion && (
          <>
            {' '}
            (was{' '}
            <a href={routeHref({ name: 'model-version', modelName: promotion.model, version: promotion.previousVersion })}>v{promotion.previousVersion}</a>)
          </>
        )}
        {promotion.deployment && (
          <>
            {'; '}
            <a href={routeHref({ name: 'deployments', deploymentName: promotion.deployment.name })}>{promotion.deployment.name}</a> on {promotion.deployment.target} (
            {promotion.deployment.kind}
            {promotion.deployment.outcome ? `, ${promotion.deployment.outcome}` : ''}
            {promotion.deployment.compensationOperationId ? ', rolled back' : ''})
          </>
        )}
      </p>
      {promotion.error && <p className="is-error">{promotion.error}</p>}
    </div>
  );
}

/** A firing of the trail: its summary line, and its whole record when open. */
export function FiringRecord({ firing, open }: { firing: AutomationFiring; open: boolean }) {
  const running = firing.outcome === 'running';
  const clock = useTicking(running, 500);
  const now = running ? clock : Date.now();
  // Opened while it runs, waits for a person or is linked to; it stays open when it ends, until closed by hand.
  const wantsOpen = open || running || firing.outcome === 'waiting-approval';
  const [expanded, setExpanded] = useState(wantsOpen);
  useEffect(() => {
    if (wantsOpen) setExpanded(true);
  }, [wantsOpen]);
  const action = useAppStore((state) => state.automationAction);
  const cancelling = action.status === 'working' && action.label.startsWith(`Cancel firing #${firing.id} `);
  const actions = useAppStore.getState();
  return (
    <details
      className={`firing-record outcome-${firing.outcome}`}
      open={expanded}
      onToggle={(event) => setExpanded(event.currentTarget.open)}
      data-testid="firing"
      data-firing={firing.id}
      data-outcome={firing.outcome}
      id={`firing-${firing.id}`}
    >
      <summary className="firing-summary">
        <span className="firing-id">#{firing.id}</span>
        <strong>{firing.automation}</strong>
        <FiringOutcomeBadge outcome={firing.outcome} />
        <span className="muted firing-trigger">
          {firing.trigger.kind}: {firing.trigger.detail}
        </span>
        <span className="faint firing-when" title={formatFullDateTime(firing.startedAt)}>
          {formatRelativeTime(firing.startedAt, now)} · {running ? 'for' : 'took'} {formatDuration((firing.endedAt ?? now) - firing.startedAt)}
        </span>
      </summary>
      <div className="firing-body">
        <p className="firing-cause faint">
          Started by {firing.actor.user} via {firing.actor.via}
        </p>
        {firing.reason && (
          <p className="firing-reason" data-testid="firing-reason">
            {firing.reason}
          </p>
        )}
        {running && !firing.promotion && (
          <button type="button" className="danger small" disabled={cancelling} data-testid="cancel-firing" onClick={() => void actions.cancelAutomationFiring(firing)}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {firing.outcome === 'waiting-approval' && (
          <div className="firing-approval" data-testid="firing-approval">
            <span>The candidate passed the gate. Promote it?</span>
            <button type="button" className="primary small" data-testid="approve-firing" onClick={() => void actions.decideAutomationFiring(firing, 'approved')}>
              Approve
            </button>
            <button type="button" className="small" data-testid="reject-firing" onClick={() => void actions.decideAutomationFiring(firing, 'rejected')}>
              Reject
            </button>
          </div>
        )}
        {firing.approval?.decidedBy && (
          <p className="faint">
            {firing.approval.decision} by {firing.approval.decidedBy.user} via {firing.approval.decidedBy.via}
            {firing.approval.comment ? `: ${firing.approval.comment}` : ''}
          </p>
        )}
        {firing.evidence.length > 0 && (
          <div className="firing-section" data-testid="firing-evidence">
            <h4>Evidence</h4>
            <ul>
              {firing.evidence.map((item, index) => (
                <li key={index} data-kind={item.kind} data-fired={item.fired}>
                  <strong>{item.kind}</strong> {item.fired ? 'fired' : 'did not fire'}: {item.summary} {item.runId && <RunLink runId={item.runId} />}
                </li>
              ))}
            </ul>
          </div>
        )}
        {firing.newData && (
          <p className="faint">
            New data: {firing.newData.files.map((file) => file.path).join(', ')}
            {firing.newData.rows !== null && ` (${firing.newData.rows} rows`}
            {firing.newData.holdoutRows !== null && `, ${firing.newData.holdoutRows} held out for the gate`}
            {firing.newData.rows !== null && ')'}
          </p>
        )}
        {firing.pipeline && (
          <div className="firing-section" data-testid="firing-pipeline">
            <h4>
              Pipeline <a href={routeHref({ name: 'pipelines', projectDir: firing.pipeline.projectDir })}>execution {firing.pipeline.executionId.slice(0, 8)}</a>: {firing.pipeline.status}
            </h4>
            <p className="chip-list">
              {firing.pipeline.parentRunId && <RunLink runId={firing.pipeline.parentRunId}>parent run</RunLink>}
              {firing.pipeline.stages.map((stage) => (
                <span key={stage.name} className="chip">
                  <RunLink runId={stage.runId}>{stage.name}</RunLink> {stage.state}
                </span>
              ))}
            </p>
          </div>
        )}
        {firing.gate && <GateRules firing={firing} />}
        {firing.promotion && <Promotion firing={firing} />}
        <ol className="timeline-steps firing-steps" aria-label="Steps">
          {firing.steps.map((step) => (
            <li
              key={step.index}
              className={`timeline-step outcome-${step.outcome}${step.verdict ? ' is-negative' : ''}`}
              data-testid="firing-step"
              data-step={step.name}
              data-outcome={step.outcome}
              data-verdict={step.verdict ?? undefined}
            >
              <span className="timeline-marker" data-testid="firing-step-mark" aria-hidden>
                {step.outcome === 'running' ? <span className="spinner" /> : step.verdict ? NEGATIVE_VERDICT_MARK : STEP_MARKS[step.outcome]}
              </span>
              <span className="timeline-title">
                {step.title}
                <StepOutcomeBadge step={step} />
              </span>
              <span className="timeline-time" title={formatFullDateTime(step.startedAt)}>
                {formatDuration((step.endedAt ?? now) - step.startedAt)}
              </span>
              {step.detail && <span className={`timeline-detail ${step.outcome === 'failed' ? 'is-error' : ''}`}>{step.detail}</span>}
            </li>
          ))}
        </ol>
      </div>
    </details>
  );
}
