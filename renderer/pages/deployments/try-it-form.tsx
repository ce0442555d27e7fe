// The Try it form of a deployment: a scoring request prefilled with the model's input example (or
// the first rows of its training data), sent through the endpoint, with the answer shown; and the
// same request as a curl line to paste in a terminal.
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { formatDuration } from '../../components/value-format';
import { curlAuthArgs, curlCommand, parseScoringText, readableJson } from '../../models/deploy/scoring-request';
import { useAppStore } from '../../use-app-store';

const EMPTY_JSON = '{\n  "dataframe_split": {\n    "columns": ["a", "b"],\n    "data": [[1, 2]]\n  }\n}';

/** The endpoint's answer: its status, time and body. */
function PredictionAnswer() {
  const prediction = useAppStore((state) => state.deploymentPage.prediction);
  if (prediction.status === 'error' && prediction.error) {
    return (
      <div data-testid="try-it-error">
        <ErrorMessage title="The request was not sent" message={prediction.error} />
      </div>
    );
  }
  const { result } = prediction;
  if (!result) return null;
  const ok = result.status >= 200 && result.status < 300;
  const body = result.json === null ? result.text : readableJson(result.json);
  return (
    <div className={`try-it-answer ${ok ? 'is-ok' : 'is-error'}`} data-testid="try-it-answer" data-status={result.status}>
      <div className="try-it-answer-head">
        <span className={`http-status ${ok ? 'is-ok' : 'is-error'}`}>HTTP {result.status}</span>
        <span className="muted">{formatDuration(result.durationMs)}</span>
        {!ok && <span className="hint">The endpoint refused the request: its message says what to change.</span>}
      </div>
      <pre className="try-it-body" data-testid="try-it-result">
        {body}
      </pre>
    </div>
  );
}

/** Try it: the request, Send, the answer, and the curl line (with the target's way to authenticate). */
export function TryItForm({ endpointUrl, target, config }: { endpointUrl: string; target: string; config: Readonly<Record<string, string>> }) {
  const tryIt = useAppStore((state) => state.deploymentPage.tryIt);
  const tryItStatus = useAppStore((state) => state.deploymentPage.tryItStatus);
  const working = useAppStore((state) => state.deploymentPage.prediction.status === 'working');
  const request = tryIt ?? { format: 'json' as const, text: '' };
  const parsed = parseScoringText(request);
  const curl = 'input' in parsed ? curlCommand(endpointUrl, parsed.input, curlAuthArgs(target, config)) : null;
  const send = () => void useAppStore.getState().tryPrediction();
  return (
    <section className="card try-it" data-testid="try-it">
      <div className="section-header">
        <h2>Try it</h2>
        <span className="hint">
          {tryItStatus === 'loading'
            ? 'Reading the model’s input example…'
            : tryIt === null
              ? 'This model logged no input example: write a request in one of MLflow’s formats.'
              : 'Prefilled from the model’s input example. Edit it and send (Ctrl+Enter).'}
        </span>
      </div>
      <form
        className="try-it-form"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <div className="try-it-controls">
          <label>
            <span className="visually-hidden">Format</span>
            <select
              value={request.format}
              data-testid="try-it-format"
              onChange={(event) => useAppStore.getState().setTryIt({ format: event.target.value === 'csv' ? 'csv' : 'json', text: request.text })}
            >
              <option value="json">JSON (dataframe_split, dataframe_records, instances, inputs)</option>
              <option value="csv">CSV (a header line, then rows)</option>
            </select>
          </label>
          <span className="spacer" />
          <button type="submit" className="primary small" disabled={working || request.text.trim() === ''} data-testid="try-it-send">
            {working ? 'Sending…' : 'Send'}
          </button>
        </div>
        <textarea
          className="try-it-request"
          value={request.text}
          rows={Math.min(14, Math.max(5, request.text.split('\n').length))}
          spellCheck={false}
          wrap="off"
          placeholder={request.format === 'json' ? EMPTY_JSON : 'a,b\n1,2'}
          aria-label="Scoring request"
          data-testid="try-it-request"
          onChange={(event) => useAppStore.getState().setTryIt({ format: request.format, text: event.target.value })}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              send();
            }
          }}
        />
      </form>
      <PredictionAnswer />
      {curl && (
        <div className="code-block curl-line">
          <pre data-testid="curl-line">{curl}</pre>
          <CopyButton text={curl} label="Copy curl" testId="copy-curl" />
        </div>
      )}
    </section>
  );
}
