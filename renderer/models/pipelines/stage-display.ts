// How the Pipelines page shows where a stage stands: from the execution the page follows when
// the stage is in its plan, else from the project's status (what a run would do now).
import type { StageOutlook, StageState, StageStatusView } from '../../../shared/pipelines';

/** The colour family of a state. */
export type StageTone = 'running' | 'success' | 'cached' | 'stale' | 'danger' | 'neutral';

/** A stage's state as shown: a short label, its tone, and why, when known. */
export interface StageDisplay {
  readonly label: string;
  readonly tone: StageTone;
  readonly reason: string | null;
}

const STATE_DISPLAY: Readonly<Record<StageState, { label: string; tone: StageTone }>> = {
  waiting: { label: 'waiting', tone: 'neutral' },
  checking: { label: 'checking', tone: 'running' },
  running: { label: 'running', tone: 'running' },
  restoring: { label: 'restoring', tone: 'running' },
  done: { label: 'done', tone: 'success' },
  restored: { label: 'restored from cache', tone: 'cached' },
  skipped: { label: 'up to date', tone: 'cached' },
  frozen: { label: 'frozen', tone: 'neutral' },
  failed: { label: 'failed', tone: 'danger' },
  killed: { label: 'stopped', tone: 'danger' },
  blocked: { label: 'not run: upstream failed', tone: 'neutral' },
  cancelled: { label: 'cancelled', tone: 'neutral' },
};

const OUTLOOK_DISPLAY: Readonly<Record<StageOutlook, { label: string; tone: StageTone }>> = {
  'up-to-date': { label: 'up to date', tone: 'cached' },
  'will-run': { label: 'will run', tone: 'stale' },
  'after-upstream': { label: 'runs if upstream changes', tone: 'stale' },
  frozen: { label: 'frozen', tone: 'neutral' },
};

/** A stage's state in an execution, shown. */
export function displayState(state: StageState, reason: string | null, exitCode: number | null): StageDisplay {
  const shown = STATE_DISPLAY[state];
  const label = state === 'failed' && exitCode !== null ? `failed (exit ${exitCode})` : shown.label;
  return { label, tone: shown.tone, reason };
}

/** A stage's outlook in a status, shown. */
export function displayOutlook(status: StageStatusView): StageDisplay {
  const shown = OUTLOOK_DISPLAY[status.outlook];
  return { ...shown, reason: status.reasons.length ? status.reasons.join('; ') : null };
}

/** Whether a state is still under way. */
export function isActiveState(state: StageState): boolean {
  return state === 'waiting' || state === 'checking' || state === 'running' || state === 'restoring';
}
