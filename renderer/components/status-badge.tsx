// A run's status as a small coloured badge.
import type { RunStatus } from '../../shared/models';

const LABELS: Record<RunStatus, string> = {
  RUNNING: 'Running',
  SCHEDULED: 'Scheduled',
  FINISHED: 'Finished',
  FAILED: 'Failed',
  KILLED: 'Killed',
};

/** Shows a run status; running runs get a pulsing dot. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`status-badge status-${status.toLowerCase()}`} data-status={status}>
      <span className="status-badge-dot" aria-hidden />
      {LABELS[status] ?? status}
    </span>
  );
}
