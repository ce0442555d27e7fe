// The run page's descriptive parts: the overview (status, timing, lineage, source, user), the
// params and tags tables, and the datasets the run used.
import { useEffect, useMemo, useState } from 'react';
import {
  GIT_BRANCH_TAG,
  GIT_COMMIT_TAG,
  GIT_REPO_TAG,
  isMlflowSystemTag,
  LOGGED_MODELS_TAG,
  NOTE_TAG,
  RUN_NAME_TAG,
  SOURCE_NAME_TAG,
  USER_TAG,
} from '../../../shared/mlflow-tags';
import type { Run, RunDataset } from '../../../shared/models';
import { CopyButton } from '../../components/copy-button';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime, formatDuration, formatFullDateTime } from '../../components/value-format';
import { routeHref } from '../../models/routes';

/** Tags the page shows elsewhere (the note) or that are bookkeeping. */
const HIDDEN_TAGS = new Set([NOTE_TAG, RUN_NAME_TAG, LOGGED_MODELS_TAG]);
/** Rows above which a table gets a filter box. */
const FILTER_FROM_ROWS = 12;

function tagValue(run: Run, key: string): string | undefined {
  return run.tags.find((tag) => tag.key === key)?.value;
}

/** Milliseconds since a start, ticking every second until there is an end. */
function useElapsed(start: number, end: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (end !== null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [end]);
  return (end ?? now) - start;
}

/** A run's name and status, linking to its page. */
function RunLink({ run }: { run: Run }) {
  return (
    <a href={routeHref({ name: 'run', runId: run.info.runId })} className="run-link">
      {run.info.runName || run.info.runId}
      {run.info.status !== 'FINISHED' && <StatusBadge status={run.info.status} />}
    </a>
  );
}

/** Status, timing, lineage, source and user. */
export function RunOverview({ run, parentRun, childRuns }: { run: Run; parentRun: Run | null; childRuns: readonly Run[] }) {
  const { info } = run;
  const elapsed = useElapsed(info.startTime, info.endTime);
  const source = tagValue(run, SOURCE_NAME_TAG);
  const commit = tagValue(run, GIT_COMMIT_TAG);
  const branch = tagValue(run, GIT_BRANCH_TAG);
  const repo = tagValue(run, GIT_REPO_TAG);
  const user = info.userId || tagValue(run, USER_TAG);
  return (
    <dl className="overview-grid" data-testid="run-overview">
      <div>
        <dt>Status</dt>
        <dd>
          <span data-testid="run-status">
            <StatusBadge status={info.status} />
          </span>
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd data-testid="run-start" title={formatFullDateTime(info.startTime)}>
          {formatDateTime(info.startTime)}
        </dd>
      </div>
      <div>
        <dt>Ended</dt>
        <dd title={info.endTime === null ? undefined : formatFullDateTime(info.endTime)}>
          {info.endTime === null ? <span className="muted">not yet</span> : formatDateTime(info.endTime)}
        </dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd data-testid="run-duration">{formatDuration(Math.max(0, elapsed))}</dd>
      </div>
      <div>
        <dt>User</dt>
        <dd>{user || <span className="muted">unknown</span>}</dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd data-testid="run-source">{source ? <code title={source}>{source.split(/[\\/]/).pop()}</code> : <span className="muted">not recorded</span>}</dd>
      </div>
      {commit && (
        <div>
          <dt>Git commit</dt>
          <dd data-testid="run-git-commit">
            <code title={[repo, branch, commit].filter(Boolean).join(' · ')}>{commit.slice(0, 10)}</code>
            {branch && <span className="muted"> on {branch}</span>}
          </dd>
        </div>
      )}
      {parentRun && (
        <div>
          <dt>Parent run</dt>
          <dd data-testid="run-parent">
            <RunLink run={parentRun} />
          </dd>
        </div>
      )}
      {childRuns.length > 0 && (
        <div className="overview-wide">
          <dt>Child runs ({childRuns.length})</dt>
          <dd className="child-runs" data-testid="run-children">
            {childRuns.map((child) => (
              <RunLink key={child.info.runId} run={child} />
            ))}
          </dd>
        </div>
      )}
      <div className="overview-wide">
        <dt>Run ID</dt>
        <dd className="run-id">
          <code>{info.runId}</code>
          <CopyButton text={info.runId} label="Copy" />
        </dd>
      </div>
    </dl>
  );
}

/** A filterable two-column table of keys and values. */
export function KeyValueTable({ rows, testId, empty }: { rows: readonly { key: string; value: string }[]; testId: string; empty: string }) {
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const sorted = [...rows].sort((a, b) => a.key.localeCompare(b.key));
    return needle ? sorted.filter((row) => row.key.toLowerCase().includes(needle) || row.value.toLowerCase().includes(needle)) : sorted;
  }, [rows, filter]);
  if (rows.length === 0) return <p className="empty-state">{empty}</p>;
  return (
    <>
      {rows.length > FILTER_FROM_ROWS && (
        <input className="table-filter" type="search" placeholder="Filter…" value={filter} onChange={(event) => setFilter(event.target.value)} />
      )}
      <table className="data-table key-value-table" data-testid={testId}>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.key}</th>
              <td title={row.value}>{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The run's tags: its own, and MLflow's system tags folded away. */
export function RunTags({ run }: { run: Run }) {
  const own = run.tags.filter((tag) => !isMlflowSystemTag(tag.key));
  const system = run.tags.filter((tag) => isMlflowSystemTag(tag.key) && !HIDDEN_TAGS.has(tag.key));
  return (
    <>
      <KeyValueTable rows={own} testId="run-tags" empty="No tags. Add some with mlflow.set_tag(key, value)." />
      {system.length > 0 && (
        <details className="system-tags">
          <summary>System tags ({system.length})</summary>
          <KeyValueTable rows={system} testId="run-system-tags" empty="" />
        </details>
      )}
    </>
  );
}

function prettyJson(text: string | null): string | null {
  if (!text) return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Where a dataset came from: MLflow sends the source as JSON ({"uri": …}, {"url": …}, {"path": …}), shown by its address. */
function sourceAddress(source: string | null): string {
  if (!source) return '';
  try {
    const parsed = JSON.parse(source) as Record<string, unknown>;
    const address = parsed.uri ?? parsed.url ?? parsed.path ?? parsed.table_name;
    return typeof address === 'string' ? address : source;
  } catch {
    return source;
  }
}

function DatasetRow({ dataset }: { dataset: RunDataset }) {
  const schema = prettyJson(dataset.schema);
  const profile = prettyJson(dataset.profile);
  return (
    <tr>
      <td>
        <strong>{dataset.name}</strong>
        {(schema || profile) && (
          <details>
            <summary className="muted">schema and profile</summary>
            {schema && <pre className="artifact-text">{schema}</pre>}
            {profile && <pre className="artifact-text">{profile}</pre>}
          </details>
        )}
      </td>
      <td>{dataset.context ? <span className="pill">{dataset.context}</span> : <span className="muted">—</span>}</td>
      <td>
        <code title={dataset.digest}>{dataset.digest.slice(0, 12)}</code>
      </td>
      <td className="dataset-source" title={dataset.source ?? ''}>
        {dataset.sourceType && <span className="pill">{dataset.sourceType}</span>} {sourceAddress(dataset.source)}
      </td>
    </tr>
  );
}

/** The datasets the run used (logged with mlflow.log_input). */
export function RunDatasets({ run }: { run: Run }) {
  if (run.datasets.length === 0) {
    return <p className="empty-state">No datasets recorded. Log them with mlflow.log_input(mlflow.data.from_pandas(df), context="training").</p>;
  }
  return (
    <table className="data-table" data-testid="run-datasets">
      <thead>
        <tr>
          <th>Name</th>
          <th>Context</th>
          <th>Digest</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {run.datasets.map((dataset) => (
          <DatasetRow key={`${dataset.name}:${dataset.digest}:${dataset.context}`} dataset={dataset} />
        ))}
      </tbody>
    </table>
  );
}
