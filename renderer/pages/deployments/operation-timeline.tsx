// One deployment operation as a timeline: each step with its outcome, how long it took (live while
// it runs) and what it found, or why it failed.
import type { DeployedModel, DeploymentOperation } from '../../../shared/deployments';
import { useTicking } from '../../components/use-ticking';
import { formatDuration, formatFullDateTime } from '../../components/value-format';
import { OutcomeBadge } from './deployment-badges';

const KIND_LABELS: Record<DeploymentOperation['kind'], string> = {
  create: 'Deploy',
  update: 'Update',
  rollback: 'Roll back',
  delete: 'Delete',
};

/** "fraud v3", or a dash. */
export function modelLabel(model: DeployedModel | null): string {
  return model ? `${model.name} v${model.version}` : '—';
}

/** What an operation did, in words: "Update fraud v2 → v3". */
export function operationTitle(operation: DeploymentOperation): string {
  const kind = KIND_LABELS[operation.kind];
  if (operation.kind === 'delete') return `${kind} (was serving ${modelLabel(operation.fromModel)})`;
  if (operation.fromModel && operation.model) return `${kind} ${modelLabel(operation.fromModel)} → v${operation.model.version}`;
  return `${kind} ${modelLabel(operation.model)}`;
}

/** The steps of an operation, live while it runs. */
export function OperationTimeline({ operation }: { operation: DeploymentOperation }) {
  const now = useTicking(operation.outcome === 'running');
  const total = (operation.endedAt ?? now) - operation.startedAt;
  // The failed step as the timeline words it ("Update the endpoint fraud"), not its internal name.
  const failedStepTitle = operation.failedStep
    ? ([...operation.steps].reverse().find((step) => step.name === operation.failedStep)?.title ?? operation.failedStep)
    : null;
  return (
    <div className="operation-timeline" data-testid="operation-timeline" data-outcome={operation.outcome}>
      <ol className="timeline-steps">
        {operation.steps.map((step) => (
          <li key={step.index} className={`timeline-step outcome-${step.outcome}`} data-testid="timeline-step" data-step={step.name} data-outcome={step.outcome}>
            <span className="timeline-marker" aria-hidden>
              {step.outcome === 'running' ? <span className="spinner" /> : step.outcome === 'succeeded' ? '✓' : step.outcome === 'failed' ? '✕' : '–'}
            </span>
            <span className="timeline-title">{step.title}</span>
            <span className="timeline-time" title={formatFullDateTime(step.startedAt)}>
              {formatDuration((step.endedAt ?? now) - step.startedAt)}
            </span>
            {step.detail && <span className={`timeline-detail ${step.outcome === 'failed' ? 'is-error' : ''}`}>{step.detail}</span>}
          </li>
        ))}
        {operation.outcome === 'running' && operation.steps.length === 0 && (
          <li className="timeline-step outcome-running">
            <span className="timeline-marker" aria-hidden>
              <span className="spinner" />
            </span>
            <span className="timeline-title">Starting…</span>
          </li>
        )}
      </ol>
      <div className="timeline-summary" role="status">
        <OutcomeBadge outcome={operation.outcome} />
        <span className="muted">
          {operation.outcome === 'running' ? 'for' : 'in'} {formatDuration(total)}
        </span>
        {operation.outcome === 'failed' && operation.error && (
          <span className="timeline-error" data-testid="operation-error">
            {failedStepTitle ? `${failedStepTitle}: ` : ''}
            {operation.error}
          </span>
        )}
      </div>
    </div>
  );
}
