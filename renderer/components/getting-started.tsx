// What a newcomer needs to log a first run into Cairn: the tracking address to export and a
// minimal Python script, each with a copy button.
import { useAppStore } from '../use-app-store';
import { CopyButton } from './copy-button';

/** The shell line that points the mlflow client at this Cairn. */
export function trackingExportLine(trackingUri: string): string {
  return `export MLFLOW_TRACKING_URI=${trackingUri}`;
}

function pythonExample(experimentName: string): string {
  return [
    'import mlflow',
    `mlflow.set_experiment(${JSON.stringify(experimentName)})`,
    'with mlflow.start_run():',
    '    mlflow.log_metric("loss", 0.5)',
  ].join('\n');
}

/** Step-by-step instructions to log runs into this Cairn with the mlflow client. */
export function GettingStarted({ title, intro, experimentName = 'demo' }: { title: string; intro: string; experimentName?: string }) {
  const trackingUri = useAppStore((state) => state.appInfo?.trackingUri ?? null);
  const exportLine = trackingUri ? trackingExportLine(trackingUri) : null;
  const example = pythonExample(experimentName);
  return (
    <section className="getting-started card" data-testid="getting-started">
      <h2>{title}</h2>
      <p className="muted">{intro}</p>
      <ol className="getting-started-steps">
        <li>
          <span className="step-title">Point the mlflow client at Cairn, in the shell where you train:</span>
          {exportLine ? (
            <div className="code-line">
              <code data-testid="getting-started-export">{exportLine}</code>
              <CopyButton text={exportLine} testId="copy-export-line" />
            </div>
          ) : (
            <p className="hint">
              The MLflow tracking API is not running in this Cairn, so clients cannot log to it. Start Cairn with its tracking API
              (for example <code>cairn serve</code>) to get an address.
            </p>
          )}
          {trackingUri && (
            <p className="hint">
              On Windows PowerShell: <code>$env:MLFLOW_TRACKING_URI="{trackingUri}"</code>
            </p>
          )}
        </li>
        <li>
          <span className="step-title">Log a run from Python (pip install mlflow):</span>
          <div className="code-block">
            <pre data-testid="getting-started-python">{example}</pre>
            <CopyButton text={example} testId="copy-python-example" />
          </div>
        </li>
        <li>
          <span className="step-title">Watch it appear here: Cairn updates as runs log, no reload needed.</span>
        </li>
      </ol>
    </section>
  );
}
