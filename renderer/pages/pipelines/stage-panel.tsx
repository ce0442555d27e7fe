// The selected stage beside the DAG: its command, state and why, its tracked run, its deps and
// outs, Run this stage / Run from here, and its output as it streams (ANSI colours shown; the view
// follows the end unless the person scrolled up).
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { StageView } from '../../../shared/pipelines';
import { ansiSegments } from '../../models/pipelines/ansi-text';
import type { StageDisplay } from '../../models/pipelines/stage-display';
import { routeHref } from '../../models/routes';

/** The most lines of output the view draws (the whole log is the stage run's artifact). */
const SHOWN_LOG_LINES = 2000;

function StageLog({ text, live }: { text: string; live: boolean }) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  const segments = useMemo(() => {
    let start = text.length;
    for (let lines = 0; lines < SHOWN_LOG_LINES && start > 0; lines++) start = text.lastIndexOf('\n', start - 2) + 1;
    return ansiSegments(text.slice(start));
  }, [text]);
  useLayoutEffect(() => {
    if (box.current && following.current) box.current.scrollTop = box.current.scrollHeight;
  }, [segments]);
  if (!text) return <p className="muted stage-log-empty">{live ? 'No output yet.' : 'No output in this window: open the stage’s run for its log.'}</p>;
  return (
    <pre
      ref={box}
      className="stage-log"
      data-testid="stage-log"
      tabIndex={0}
      aria-label="Stage output"
      onScroll={(event) => {
        const el = event.currentTarget;
        following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {segments.map((segment, index) => (
        <span key={index} className={`${segment.color === null ? '' : `ansi-${segment.color}`}${segment.bold ? ' ansi-bold' : ''}`}>
          {segment.text}
        </span>
      ))}
    </pre>
  );
}

/** The panel of one stage. */
export function StagePanel({
  stage,
  display,
  runId,
  log,
  live,
  running,
  onRun,
}: {
  stage: StageView;
  display: StageDisplay;
  runId: string | null;
  log: string;
  live: boolean;
  /** Whether an execution of the project runs now (the run buttons wait). */
  running: boolean;
  onRun: (options: { targets: string[]; downstream: boolean }) => void;
}) {
  return (
    <section className="stage-panel card" data-testid="stage-panel" data-stage={stage.name} aria-label={`Stage ${stage.name}`}>
      <div className="stage-panel-header">
        <h2>{stage.name}</h2>
        <span className={`state-pill tone-${display.tone}`} data-testid="stage-panel-state">
          {display.label}
        </span>
        <div className="app-header-spacer" />
        <button type="button" className="small" disabled={running} onClick={() => onRun({ targets: [stage.name], downstream: false })} data-testid="run-stage">
          Run this stage
        </button>
        <button type="button" className="small" disabled={running} onClick={() => onRun({ targets: [stage.name], downstream: true })} data-testid="run-from-stage">
          Run from here
        </button>
      </div>
      {stage.desc && <p className="muted">{stage.desc}</p>}
      {display.reason && display.reason !== display.label && (
        <p className={`stage-reason tone-${display.tone}`} data-testid="stage-reason">
          {display.reason}
        </p>
      )}
      <dl className="stage-facts">
        <dt>Command</dt>
        <dd>
          <code className="stage-cmd">{stage.cmd}</code>
        </dd>
        {stage.wdir && stage.wdir !== '.' && (
          <>
            <dt>Runs in</dt>
            <dd>
              <code>{stage.wdir}</code>
            </dd>
          </>
        )}
        <dt>Reads</dt>
        <dd>{stage.deps.length ? stage.deps.map((dep) => <code key={dep}>{dep}</code>) : <span className="faint">nothing</span>}</dd>
        {stage.params.length > 0 && (
          <>
            <dt>Params</dt>
            <dd>
              {stage.params.flatMap((spec) => (spec.keys.length ? spec.keys.map((key) => <code key={`${spec.file}:${key}`}>{key}</code>) : [<code key={spec.file}>{spec.file}</code>]))}
            </dd>
          </>
        )}
        <dt>Writes</dt>
        <dd>
          {stage.outs.length ? (
            stage.outs.map((out) => (
              <code key={out.path} title={out.cache ? 'cached' : 'not cached'}>
                {out.path}
                {out.kind !== 'out' ? ` (${out.kind})` : ''}
              </code>
            ))
          ) : (
            <span className="faint">nothing</span>
          )}
        </dd>
        <dt>Run</dt>
        <dd>
          {runId ? (
            <a href={routeHref({ name: 'run', runId })} data-testid="stage-run-link">
              Open the stage’s tracked run
            </a>
          ) : (
            <span className="faint">none yet: run the pipeline</span>
          )}
        </dd>
      </dl>
      <h3 className="stage-log-title">Output{live ? <span className="spinner small" aria-label="streaming" /> : null}</h3>
      <StageLog text={log} live={live} />
    </section>
  );
}
