// A deployment's health and an operation's outcome as small coloured badges.
import type { DeploymentHealth, DeploymentOutcome } from '../../../shared/deployments';

const HEALTH_LABELS: Record<DeploymentHealth, string> = {
  serving: 'Serving',
  starting: 'Starting',
  stopped: 'Stopped',
  failed: 'Failed',
  unknown: 'Unknown',
};

const OUTCOME_LABELS: Record<DeploymentOutcome, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What a check of the target found: serving, starting, stopped, failed. */
export function HealthBadge({ health, title }: { health: DeploymentHealth; title?: string }) {
  return (
    <span className={`status-badge health-${health}`} data-testid="deployment-health" data-health={health} title={title}>
      <span className="status-badge-dot" aria-hidden />
      {HEALTH_LABELS[health]}
    </span>
  );
}

/** How an operation or a step stands. */
export function OutcomeBadge({ outcome }: { outcome: DeploymentOutcome }) {
  return (
    <span className={`status-badge outcome-${outcome}`} data-outcome={outcome}>
      <span className="status-badge-dot" aria-hidden />
      {OUTCOME_LABELS[outcome]}
    </span>
  );
}
