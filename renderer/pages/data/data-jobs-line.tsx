// The long data work started from this window (adding, profiling, comparing, checking): one line
// per job with what it does, how far it has come (rows read, share of bytes) and Cancel.
import { useShallow } from 'zustand/react/shallow';
import { formatCount } from '../../components/value-format';
import type { DataJob } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';

const DOING: Record<DataJob['kind'], string> = {
  add: 'Adding',
  profile: 'Profiling',
  drift: 'Comparing',
  timeline: 'Computing drift over time for',
  checks: 'Checking',
};

function progressText(job: DataJob): string {
  const progress = job.progress;
  if (!progress) return 'starting…';
  const parts: string[] = [progress.stage];
  if (progress.rowsRead !== null) parts.push(`${formatCount(Math.round(progress.rowsRead))} rows read`);
  if (progress.fraction !== null) parts.push(`${Math.round(progress.fraction * 100)}%`);
  return parts.join(' · ');
}

/** The running data jobs, each with its progress and a Cancel button; nothing when none runs. */
export function DataJobsLine() {
  const jobs = useAppStore(useShallow((state) => Object.values(state.dataJobs)));
  if (jobs.length === 0) return null;
  return (
    <ul className="data-jobs" aria-label="Data work in progress" data-testid="data-jobs">
      {jobs.map((job) => (
        <li key={job.jobId} className="data-job" data-testid="data-job" data-kind={job.kind} role="status">
          <span className="spinner small" aria-hidden />
          <span className="data-job-text">
            {DOING[job.kind]} <strong>{job.subject}</strong> <span className="faint">{progressText(job)}</span>
          </span>
          {job.progress?.fraction !== null && job.progress?.fraction !== undefined && (
            <progress className="data-job-bar" max={1} value={job.progress.fraction} aria-label={`${DOING[job.kind]} ${job.subject}`} />
          )}
          <button
            type="button"
            className="small ghost"
            disabled={job.cancelling}
            onClick={() => void useAppStore.getState().cancelDataJob(job.jobId)}
            data-testid="cancel-data-job"
          >
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </li>
      ))}
    </ul>
  );
}
