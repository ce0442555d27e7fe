// Small labels for the model registry: a version's stage, its registration status, aliases.
import type { LoggedModelStatus, ModelVersionStage, ModelVersionStatus } from '../../shared/models';

/** A model version's stage as a coloured pill; "None" is shown as a faint dash unless `showNone`. */
export function StageBadge({ stage, showNone = false }: { stage: ModelVersionStage; showNone?: boolean }) {
  if (stage === 'None' && !showNone) return <span className="faint">—</span>;
  return (
    <span className={`pill stage-badge stage-${stage.toLowerCase()}`} data-stage={stage}>
      {stage === 'None' ? 'No stage' : stage}
    </span>
  );
}

const VERSION_STATUS: Record<ModelVersionStatus, { label: string; tone: string }> = {
  READY: { label: 'Ready', tone: 'finished' },
  PENDING_REGISTRATION: { label: 'Pending', tone: 'running' },
  FAILED_REGISTRATION: { label: 'Failed', tone: 'failed' },
};

const LOGGED_MODEL_STATUS: Record<LoggedModelStatus, { label: string; tone: string }> = {
  READY: { label: 'Ready', tone: 'finished' },
  PENDING: { label: 'Pending', tone: 'running' },
  FAILED: { label: 'Failed', tone: 'failed' },
};

/** A model version's or logged model's status, styled like a run's status badge. */
export function ModelStatusBadge({ status }: { status: ModelVersionStatus | LoggedModelStatus }) {
  const known = (VERSION_STATUS as Record<string, { label: string; tone: string }>)[status] ?? LOGGED_MODEL_STATUS[status as LoggedModelStatus];
  return (
    <span className={`status-badge status-${known?.tone ?? 'scheduled'}`} data-status={status}>
      <span className="status-badge-dot" aria-hidden />
      {known?.label ?? status}
    </span>
  );
}

/** An alias as a chip ("@champion"), optionally with the version it points at. */
export function AliasChip({ alias, version }: { alias: string; version?: string }) {
  return (
    <span className="alias-chip" data-testid="model-alias" title={version ? `Alias "${alias}" points at version ${version}` : `Alias "${alias}"`}>
      @{alias}
      {version !== undefined && <span className="alias-chip-version">v{version}</span>}
    </span>
  );
}
