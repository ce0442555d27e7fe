// One dataset (#/data/:name): its versions with where each was met (and the runs that used it),
// the chosen version's profile, its data checks, drift between two versions and drift over time.
import { type DatasetOrigin, type DatasetVersion, pipelineOriginDetail, type PipelineOriginDetail, shortDigest } from '../../../shared/data-models';
import { formatBytes } from '../../../shared/quantity-text';
import { ErrorMessage } from '../../components/error-message';
import { formatDateTime, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { navigate } from '../../router';
import { versionLabel, type OpenDataset } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';
import { AddDatasetForm } from './add-dataset-form';
import { ChecksSection } from './checks-section';
import { DataJobsLine } from './data-jobs-line';
import { DriftSection } from './drift-section';
import { DriftTimelineSection } from './drift-timeline';
import { ProfileView } from './profile-section';

// A pipeline origin names its stage instead (PipelineOrigin); 'pipeline' is left for a detail that does not say which.
const ORIGIN_NAMES: Record<DatasetOrigin['kind'], string> = { added: 'added', 'run-input': 'input of', pipeline: 'pipeline', check: 'checked by' };

/** Where a version was met: added by hand, or linked to the runs that used, produced or checked it. */
function Origins({ origins }: { origins: readonly DatasetOrigin[] }) {
  return (
    <span className="version-origins">
      {origins.map((origin, index) => {
        const stage = pipelineOriginDetail(origin);
        return (
          <span key={index} className="version-origin">
            {stage ? <PipelineOrigin runId={origin.runId} stage={stage} /> : <RunOrigin origin={origin} />}
          </span>
        );
      })}
    </span>
  );
}

/** What kind of origin it is, and its run's short id as a link. */
function RunOrigin({ origin }: { origin: DatasetOrigin }) {
  return (
    <>
      {ORIGIN_NAMES[origin.kind]}
      {origin.runId && (
        <>
          {' '}
          <a href={routeHref({ name: 'run', runId: origin.runId })} className="mono" data-testid="version-run-link" title={`Run ${origin.runId}`}>
            {origin.runId.slice(0, 8)}
          </a>
        </>
      )}
    </>
  );
}

/** The pipeline stage that used (dep) or wrote (out) the version, its name linking to the stage's run. */
function PipelineOrigin({ runId, stage }: { runId: string | null; stage: PipelineOriginDetail }) {
  const where = stage.pipeline ? ` in ${stage.pipeline}` : '';
  return (
    <>
      {stage.role === 'out' ? 'output of' : 'input of'}{' '}
      {runId ? (
        <a href={routeHref({ name: 'run', runId })} className="mono" data-testid="version-stage-link" data-stage={stage.stage} title={`Run ${runId} of stage ${stage.stage}${where}`}>
          {stage.stage}
        </a>
      ) : (
        <span className="mono" data-testid="version-stage" title={`Stage ${stage.stage}${where} (not tracked)`}>
          {stage.stage}
        </span>
      )}
    </>
  );
}

/** The versions, oldest first; the shown one marked, each a link that shows its profile. */
function VersionsTable({ name, versions, shown }: { name: string; versions: readonly DatasetVersion[]; shown: string | null }) {
  return (
    <div className="card versions-card">
      <table className="data-table versions-table" data-testid="versions-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Digest</th>
            <th>Path</th>
            <th className="numeric">Size</th>
            <th>First seen</th>
            <th>Where it was met</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.versionId} className={version.versionId === shown ? 'is-current' : undefined} data-testid="version-row">
              <td>
                <a
                  href={routeHref({ name: 'data', datasetName: name, versionId: version.versionId })}
                  aria-current={version.versionId === shown ? 'true' : undefined}
                  data-testid="version-link"
                >
                  {versionLabel(versions, version.versionId)}
                </a>
                {!version.profiled && <span className="faint"> · not profiled</span>}
              </td>
              <td className="mono faint" title={version.digest}>
                {shortDigest(version.digest, 12)}
              </td>
              <td className="mono version-path" title={version.path}>
                {version.path}
              </td>
              <td className="numeric">{formatBytes(version.bytes)}</td>
              <td title={formatFullDateTime(version.createdTime)}>{formatDateTime(version.createdTime)}</td>
              <td>
                <Origins origins={version.origins} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The shown version's profile, or how to get it. */
function ProfileSection({ open, version, versions }: { open: OpenDataset; version: DatasetVersion; versions: readonly DatasetVersion[] }) {
  const { profile } = open;
  const profiling = useAppStore((state) => Object.values(state.dataJobs).some((job) => job.kind === 'profile' && job.versionId === version.versionId));
  const actions = useAppStore.getState();
  return (
    <section className="data-section" aria-labelledby="profile-heading" data-testid="profile-section">
      <div className="data-section-header">
        <h2 id="profile-heading">Profile of {versionLabel(versions, version.versionId)}</h2>
        <span className="spacer" />
        {profile.data && (
          <button type="button" className="small" disabled={profiling} onClick={() => void actions.profileDatasetVersion(version.versionId, true)} data-testid="profile-again">
            Profile again
          </button>
        )}
      </div>
      {profile.status === 'error' && profile.error && (
        <ErrorMessage title="Could not profile this version" message={profile.error} onRetry={() => void actions.profileDatasetVersion(version.versionId)} />
      )}
      {profile.data ? (
        <ProfileView profile={profile.data} />
      ) : profiling ? (
        <div className="loading-line" data-testid="profile-running">
          <span className="spinner" /> Profiling {versionLabel(versions, version.versionId)}: every row is read once (progress and Cancel above)…
        </div>
      ) : profile.status === 'idle' ? (
        <div className="empty-hint muted" data-testid="profile-empty">
          <p>
            This version has not been profiled yet. Profiling reads every row once: types, missing and distinct values, ranges, quantiles and a
            histogram per column.
          </p>
          <button type="button" className="primary" disabled={profiling} onClick={() => void actions.profileDatasetVersion(version.versionId)} data-testid="profile-version">
            Profile {versionLabel(versions, version.versionId)}
          </button>
        </div>
      ) : (
        profile.status === 'loading' && (
          <div className="loading-line">
            <span className="spinner" /> Reading the profile…
          </div>
        )
      )}
    </section>
  );
}

/** The open dataset. */
export function DatasetView({ name }: { name: string }) {
  const open = useAppStore((state) => state.openDataset);
  const actionError = useAppStore((state) => state.dataActionError);
  if (!open || open.name !== name || (open.detail.status === 'loading' && !open.detail.data)) {
    return (
      <div className="loading-line">
        <span className="spinner" /> Loading {name}…
      </div>
    );
  }
  if (open.detail.status === 'error' && open.detail.error) {
    return (
      <ErrorMessage title={`Could not open the dataset ${name}`} message={open.detail.error} onRetry={() => void useAppStore.getState().openDatasetPage(name)}>
        <button type="button" className="small" onClick={() => navigate({ name: 'data', datasetName: null, versionId: null })}>
          All datasets
        </button>
      </ErrorMessage>
    );
  }
  const versions = open.detail.data?.versions ?? [];
  const version = versions.find((one) => one.versionId === open.versionId) ?? versions.at(-1) ?? null;
  return (
    <div className="dataset-view" data-testid="dataset-view" data-dataset={name}>
      <header className="page-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <a href={routeHref({ name: 'data', datasetName: null, versionId: null })}>Data</a>
          <span aria-hidden>/</span>
        </nav>
        <h1 data-testid="dataset-name">{name}</h1>
        <span className="pill">{versions.length === 1 ? '1 version' : `${versions.length} versions`}</span>
      </header>
      <DataJobsLine />
      <VersionsTable name={name} versions={versions} shown={version?.versionId ?? null} />
      <details className="add-version card">
        <summary>Add a new version</summary>
        <p className="faint">A file or folder whose content differs from every version above becomes the next version of {name}.</p>
        <AddDatasetForm defaultName={name} />
      </details>
      {actionError && <ErrorMessage title="That did not work" message={actionError} onRetry={() => useAppStore.getState().clearDataActionError()} />}
      {version ? (
        <>
          <ProfileSection open={open} version={version} versions={versions} />
          <DriftSection versions={versions} drift={open.drift} referenceId={open.referenceVersionId} currentId={open.currentVersionId} />
          <DriftTimelineSection key={name} versions={versions} timeline={open.timeline} />
          <ChecksSection checks={open.checks} versions={versions} versionId={version.versionId} lastChecksFile={open.lastChecksFile} />
        </>
      ) : (
        <p className="muted">This dataset has no version yet.</p>
      )}
    </div>
  );
}
