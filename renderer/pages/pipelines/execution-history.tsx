// The project's past and running executions, each linked to its parent run; two of them ticked
// are compared side by side: which stages ran differently, and which params, metrics and outs changed.
import { useState } from 'react';
import type { ExecutionComparison, ExecutionRecord, ValueChange } from '../../../shared/pipelines';
import { ErrorMessage } from '../../components/error-message';
import { formatDuration, formatFullDateTime, formatRelativeTime } from '../../components/value-format';
import { displayState } from '../../models/pipelines/stage-display';
import { routeHref } from '../../models/routes';

const STATUS_TONE: Readonly<Record<ExecutionRecord['status'], string>> = {
  running: 'running',
  succeeded: 'success',
  failed: 'danger',
  stopped: 'danger',
  interrupted: 'neutral',
};

function valueText(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Changes({ label, changes }: { label: string; changes: readonly ValueChange[] }) {
  if (changes.length === 0) return null;
  return (
    <div className="comparison-changes">
      <span className="faint">{label}</span>
      {changes.map((change) => (
        <span key={change.key} className="comparison-change">
          <code>{change.key}</code> {valueText(change.a)} → {valueText(change.b)}
        </span>
      ))}
    </div>
  );
}

/** Two executions side by side. */
function ComparisonView({ comparison }: { comparison: ExecutionComparison }) {
  return (
    <div className="execution-comparison" data-testid="execution-comparison">
      <table className="data-table">
        <thead>
          <tr>
            <th>Stage</th>
            <th>A · {formatFullDateTime(comparison.a.startedAt)}</th>
            <th>B · {formatFullDateTime(comparison.b.startedAt)}</th>
            <th>What changed</th>
          </tr>
        </thead>
        <tbody>
          {comparison.stages.map((stage) => {
            const same = stage.params.length === 0 && stage.metrics.length === 0 && stage.outs.length === 0;
            return (
              <tr key={stage.stage} data-testid="comparison-stage" data-stage={stage.stage}>
                <td>
                  <code>{stage.stage}</code>
                </td>
                <td>{stage.a ? displayState(stage.a.state, null, stage.a.exitCode).label : <span className="faint">not in A</span>}</td>
                <td>{stage.b ? displayState(stage.b.state, null, stage.b.exitCode).label : <span className="faint">not in B</span>}</td>
                <td>
                  {same && <span className="faint">same params, metrics and outs</span>}
                  <Changes label="params" changes={stage.params} />
                  <Changes label="metrics" changes={stage.metrics} />
                  {stage.outs.length > 0 && (
                    <div className="comparison-changes">
                      <span className="faint">outs</span>
                      {stage.outs.map((out) => (
                        <code key={out}>{out}</code>
                      ))}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The executions table with its comparison. */
export function ExecutionHistory({
  executions,
  comparison,
  onCompare,
  onClearComparison,
}: {
  executions: readonly ExecutionRecord[];
  comparison: { data: ExecutionComparison | null; status: string; error: string | null };
  onCompare: (a: string, b: string) => void;
  onClearComparison: () => void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const now = Date.now();
  if (executions.length === 0) {
    return (
      <section className="execution-history card" data-testid="execution-history">
        <h2>Executions</h2>
        <p className="muted">None yet. Run the pipeline: each execution is kept here, with every stage as a tracked run.</p>
      </section>
    );
  }
  const toggle = (executionId: string) => {
    onClearComparison();
    setPicked((current) => (current.includes(executionId) ? current.filter((id) => id !== executionId) : [...current, executionId].slice(-2)));
  };
  return (
    <section className="execution-history card" data-testid="execution-history">
      <div className="section-header">
        <h2>Executions</h2>
        <span className="muted">Tick two to compare them.</span>
        <div className="app-header-spacer" />
        <button
          type="button"
          className="small"
          disabled={picked.length !== 2}
          data-testid="compare-executions"
          onClick={() => {
            const [a, b] = [...picked].sort(
              (x, y) => executions.findIndex((e) => e.executionId === y) - executions.findIndex((e) => e.executionId === x),
            );
            onCompare(a!, b!);
          }}
        >
          Compare
        </button>
      </div>
      <table className="data-table executions-table">
        <thead>
          <tr>
            <th aria-label="Pick" />
            <th>Started</th>
            <th>Status</th>
            <th>Duration</th>
            <th>What ran</th>
            <th>Runs</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((execution) => {
            const { options } = execution;
            const what = [
              options.targets.length ? `${options.downstream ? 'from ' : ''}${options.targets.join(', ')}` : 'all stages',
              options.force ? 'forced' : null,
              options.setParams.length ? `variant: ${options.setParams.join(', ')}` : null,
            ].filter(Boolean);
            return (
              <tr key={execution.executionId} data-testid="execution-row" data-status={execution.status}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare the execution of ${formatFullDateTime(execution.startedAt)}`}
                    checked={picked.includes(execution.executionId)}
                    onChange={() => toggle(execution.executionId)}
                    data-testid="pick-execution"
                  />
                </td>
                <td title={formatFullDateTime(execution.startedAt)}>{formatRelativeTime(execution.startedAt, now)}</td>
                <td>
                  <span className={`state-pill tone-${STATUS_TONE[execution.status]}`}>{execution.status}</span>
                </td>
                <td>{execution.endedAt ? formatDuration(execution.endedAt - execution.startedAt) : '—'}</td>
                <td>{what.join(' · ')}</td>
                <td>
                  {execution.parentRunId ? (
                    <a href={routeHref({ name: 'run', runId: execution.parentRunId })}>Parent run</a>
                  ) : (
                    <span className="faint">not tracked</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {comparison.status === 'loading' && (
        <div className="loading-line">
          <span className="spinner" /> Comparing…
        </div>
      )}
      {comparison.error && <ErrorMessage title="Could not compare the executions" message={comparison.error} />}
      {comparison.data && <ComparisonView comparison={comparison.data} />}
    </section>
  );
}
