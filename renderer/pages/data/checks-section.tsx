// A dataset's data checks: a form that runs a checks file (YAML) on a version, optionally against
// a reference version for its drift rule, and the recorded checks, newest first, each rule with
// pass or fail, how many rows fail it, examples of failing values and what to do.
import { useState, type FormEvent } from 'react';
import type { RecordedCheck } from '../../../shared/contract';
import { type DatasetVersion, shortDigest } from '../../../shared/data-models';
import { countOf } from '../../../shared/quantity-text';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';
import { versionLabel, type Loaded } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';

/** Runs a checks file on the shown version. */
function RunChecksForm({ versions, versionId, lastChecksFile }: { versions: readonly DatasetVersion[]; versionId: string; lastChecksFile: string }) {
  const [checksFile, setChecksFile] = useState(lastChecksFile);
  const [referenceId, setReferenceId] = useState('');
  const running = useAppStore((state) => Object.values(state.dataJobs).some((job) => job.kind === 'checks'));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!checksFile.trim() || running) return;
    void useAppStore.getState().runDatasetChecks(versionId, checksFile.trim(), referenceId || null);
  };
  return (
    <form className="run-checks-form" onSubmit={submit} aria-label="Run data checks" data-testid="run-checks-form">
      <label className="run-checks-file">
        <span>Checks file (YAML)</span>
        <input
          type="text"
          value={checksFile}
          placeholder="/path/to/checks.yaml"
          spellCheck={false}
          onChange={(event) => setChecksFile(event.target.value)}
          data-testid="checks-file"
        />
      </label>
      <label>
        <span>Drift reference</span>
        <select value={referenceId} onChange={(event) => setReferenceId(event.target.value)} data-testid="checks-reference">
          <option value="">the file's own, if any</option>
          {versions
            .filter((version) => version.versionId !== versionId)
            .map((version) => (
              <option key={version.versionId} value={version.versionId}>
                {versionLabel(versions, version.versionId)} · {shortDigest(version.digest, 8)}
              </option>
            ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={running || !checksFile.trim()} data-testid="run-checks">
        Run checks on {versionLabel(versions, versionId)}
      </button>
    </form>
  );
}

/** One recorded check: its verdict and its rules. */
function CheckResult({ check, versions, open }: { check: RecordedCheck; versions: readonly DatasetVersion[]; open: boolean }) {
  const { report } = check;
  const ok = report.failed === 0;
  return (
    <details className={`check-result card ${ok ? 'is-passed' : 'is-failed'}`} open={open} data-testid="check-result" data-failed={report.failed}>
      <summary>
        <span className={`pill ${ok ? 'success' : 'danger'}`}>{ok ? 'passed' : 'failed'}</span>
        <span>
          {countOf(report.passed, 'rule')} passed, <strong className={ok ? undefined : 'check-failed-count'}>{report.failed} failed</strong> on{' '}
          {report.data.versionId ? versionLabel(versions, report.data.versionId) : report.data.label} ({formatCount(report.data.rows)} rows)
          {report.reference ? ` against ${report.reference.versionId ? versionLabel(versions, report.reference.versionId) : report.reference.label}` : ''}
        </span>
        <span className="faint" title={formatFullDateTime(report.checkedTime)}>
          {formatRelativeTime(report.checkedTime)}
        </span>
        <span className="spacer" />
        {check.runId && (
          <a href={routeHref({ name: 'run', runId: check.runId })} data-testid="check-run-link" onClick={(event) => event.stopPropagation()}>
            its run
          </a>
        )}
      </summary>
      {report.checksFile && <p className="faint mono check-file">{report.checksFile}</p>}
      <table className="data-table check-rules" data-testid="check-rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Result</th>
            <th className="numeric">Failing</th>
            <th>Examples and what to do</th>
          </tr>
        </thead>
        <tbody>
          {[...report.rules]
            .sort((a, b) => Number(a.passed) - Number(b.passed))
            .map((rule, index) => (
              <tr key={`${rule.name}-${index}`} className={rule.passed ? undefined : 'is-failed'} data-testid="check-rule" data-passed={rule.passed}>
                <td className="mono">{rule.name}</td>
                <td>
                  <span className={`pill ${rule.passed ? 'success' : 'danger'}`}>{rule.passed ? 'pass' : 'fail'}</span>
                </td>
                <td className="numeric">{rule.passed ? '' : formatCount(rule.failingCount)}</td>
                <td>
                  {!rule.passed && <div className="check-message">{rule.message}</div>}
                  {rule.examples.length > 0 && (
                    <div className="check-examples mono" data-testid="check-examples">
                      {rule.examples.join(' · ')}
                    </div>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </details>
  );
}

/** The checks of a dataset, with the form to run more. */
export function ChecksSection({
  checks,
  versions,
  versionId,
  lastChecksFile,
}: {
  checks: Loaded<readonly RecordedCheck[]>;
  versions: readonly DatasetVersion[];
  versionId: string;
  lastChecksFile: string;
}) {
  return (
    <section className="data-section" aria-labelledby="checks-heading" data-testid="checks-section">
      <h2 id="checks-heading">Data checks</h2>
      <RunChecksForm versions={versions} versionId={versionId} lastChecksFile={lastChecksFile} />
      {checks.status === 'error' && checks.error && <ErrorMessage title="Could not load the recorded checks" message={checks.error} />}
      {checks.data?.length === 0 && (
        <p className="empty-hint muted" data-testid="checks-empty">
          No checks yet. A checks file lists rules: <code>rows: {'{min: 1000}'}</code>, per column <code>not_null</code>, <code>unique</code>,{' '}
          <code>range</code>, <code>allowed_values</code>, <code>pattern</code>, <code>max_missing</code>, SQL <code>rules</code> and a <code>drift</code>{' '}
          limit (see <code>cairn data check --help</code>). Each check is recorded as a run; from a terminal or CI:{' '}
          <code>cairn data check DATA --checks FILE</code>.
        </p>
      )}
      {checks.data && checks.data.length > 0 && (
        <div className="check-results">
          {checks.data.map((check, index) => (
            <CheckResult key={check.runId || index} check={check} versions={versions} open={index === 0} />
          ))}
        </div>
      )}
    </section>
  );
}
