// Reference vs current for two versions of a dataset: the dataset's verdict, then one card per
// column, the most drifted first, with its kind, the test Evidently would use, the score against
// its threshold, the verdict, and both sides' distributions overlaid.
import { memo, useState } from 'react';
import { type ColumnDrift, type DatasetVersion, type DriftReport, shortDigest } from '../../../shared/data-models';
import { countOf } from '../../../shared/quantity-text';
import { DistributionChart } from '../../components/charts/distribution-chart';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatDuration, formatMetricValue } from '../../components/value-format';
import { columnsByDrift, driftBars, isPValueTest } from '../../models/data/distribution-bars';
import { versionLabel, type Loaded } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';
import { DriftSettingsForm } from './drift-settings-form';

const CHART_WIDTH = 300;
const CHART_HEIGHT = 130;

const KIND_NAMES: Record<ColumnDrift['kind'], string> = { num: 'numeric', cat: 'categorical', text: 'text', datetime: 'datetime', unknown: 'unknown' };

function missingShare(value: number): string {
  return `${Number((value * 100).toFixed(1))}%`;
}

/** One column's drift. */
const ColumnDriftCard = memo(function ColumnDriftCard({ column }: { column: ColumnDrift }) {
  const tested = column.test !== null && column.score !== null;
  const comparison = tested && column.threshold !== null ? (isPValueTest(column.test) ? `p = ${formatMetricValue(column.score)}, drift below ${column.threshold}` : `${formatMetricValue(column.score)}, drift from ${column.threshold}`) : null;
  return (
    <article
      className={`drift-card card ${column.drift ? 'is-drifted' : ''}`}
      data-testid="drift-column"
      data-column={column.column}
      data-drift={column.drift}
      aria-label={`Column ${column.column}: ${column.drift ? 'drifted' : tested ? 'no drift' : 'not tested'}`}
    >
      <header className="drift-card-header">
        <h3 title={column.column}>{column.column}</h3>
        <span className="pill">{KIND_NAMES[column.kind]}</span>
        <span className="spacer" />
        <span className={`pill ${column.drift ? 'danger' : tested ? 'success' : ''}`} data-testid="drift-verdict">
          {column.drift ? 'drift' : tested ? 'no drift' : 'not tested'}
        </span>
      </header>
      {tested ? (
        <p className="drift-score">
          <span className="mono">{column.test}</span> <span data-testid="drift-score">{comparison}</span>
        </p>
      ) : (
        <p className="drift-score faint">{column.reason}</p>
      )}
      <p className="drift-missing faint">
        missing {missingShare(column.referenceMissingShare)} → {missingShare(column.currentMissingShare)}
        {column.distinctValues !== null ? ` · ${formatCount(column.distinctValues)} distinct` : ''}
      </p>
      {column.distribution && <DistributionChart bars={driftBars(column.distribution)} width={CHART_WIDTH} height={CHART_HEIGHT} heights="share" overlay testId="drift-chart" />}
    </article>
  );
});

/** Picks the two versions to compare. */
function CompareForm({ versions, referenceId, currentId }: { versions: readonly DatasetVersion[]; referenceId: string | null; currentId: string | null }) {
  const [reference, setReference] = useState(referenceId ?? versions[0]?.versionId ?? '');
  const [current, setCurrent] = useState(currentId ?? versions.at(-1)?.versionId ?? '');
  const running = useAppStore((state) => Object.values(state.dataJobs).some((job) => job.kind === 'drift'));
  const option = (version: DatasetVersion) => (
    <option key={version.versionId} value={version.versionId}>
      {versionLabel(versions, version.versionId)} · {shortDigest(version.digest, 8)} · {version.path.split('/').at(-1)}
    </option>
  );
  return (
    <form
      className="compare-form"
      aria-label="Compare two versions"
      onSubmit={(event) => {
        event.preventDefault();
        if (reference && current && reference !== current) void useAppStore.getState().compareDatasetVersions(reference, current);
      }}
    >
      <label>
        <span>Reference</span>
        <select value={reference} onChange={(event) => setReference(event.target.value)} data-testid="drift-reference">
          {versions.map(option)}
        </select>
      </label>
      <span aria-hidden className="compare-arrow">
        →
      </span>
      <label>
        <span>Current</span>
        <select value={current} onChange={(event) => setCurrent(event.target.value)} data-testid="drift-current">
          {versions.map(option)}
        </select>
      </label>
      <button type="submit" className="primary" disabled={running || !reference || !current || reference === current} data-testid="compute-drift">
        Compare
      </button>
      {reference === current && <span className="faint">Choose two different versions.</span>}
    </form>
  );
}

/** The dataset's verdict. */
function DriftVerdict({ report }: { report: DriftReport }) {
  const { dataset } = report;
  return (
    <p className={`drift-verdict ${dataset.drift ? 'is-drifted' : ''}`} data-testid="drift-summary" data-drift={dataset.drift}>
      <span className={`pill ${dataset.drift ? 'danger' : 'success'}`}>{dataset.drift ? 'dataset drift' : 'no dataset drift'}</span>{' '}
      {dataset.driftedColumns} of {countOf(dataset.testedColumns, 'tested column')} drifted ({Math.round(dataset.share * 100)}%; the dataset drifts from{' '}
      {Math.round(dataset.driftShare * 100)}%) ·{' '}
      <span className="faint">
        {formatCount(report.reference.rows)} reference rows, {formatCount(report.current.rows)} current rows · computed in{' '}
        {formatDuration(report.durationMs)}
      </span>
    </p>
  );
}

/** Drift between two versions of the open dataset. */
export function DriftSection({
  versions,
  drift,
  referenceId,
  currentId,
}: {
  versions: readonly DatasetVersion[];
  drift: Loaded<DriftReport>;
  referenceId: string | null;
  currentId: string | null;
}) {
  return (
    <section className="data-section" aria-labelledby="drift-heading" data-testid="drift-section">
      <h2 id="drift-heading">Drift: reference vs current</h2>
      {versions.length < 2 ? (
        <p className="empty-hint muted" data-testid="drift-empty">
          Drift compares two versions. Add the newer data as a new version (<strong>Add a new version</strong> above, or{' '}
          <code>cairn data add PATH --name NAME</code> with this dataset's name) and it is compared with this one here.
        </p>
      ) : (
        <>
          <CompareForm key={`${referenceId}-${currentId}`} versions={versions} referenceId={referenceId} currentId={currentId} />
          <DriftSettingsForm />
          {drift.status === 'error' && drift.error && (
            <ErrorMessage
              title="Could not compare the versions"
              message={drift.error}
              onRetry={referenceId && currentId ? () => void useAppStore.getState().compareDatasetVersions(referenceId, currentId) : undefined}
            />
          )}
          {drift.data && (
            <>
              <DriftVerdict report={drift.data} />
              <p className="drift-legend" data-testid="drift-legend">
                Columns sorted by drift; each chart shows both sides' shares:
                <span className="swatch distribution-current-swatch" aria-hidden />
                <span>current {drift.data.current.versionId ? versionLabel(versions, drift.data.current.versionId) : drift.data.current.label} (filled)</span>
                <span className="swatch distribution-reference-swatch" aria-hidden />
                <span>reference {drift.data.reference.versionId ? versionLabel(versions, drift.data.reference.versionId) : drift.data.reference.label} (outline)</span>
              </p>
              <div className="drift-cards">
                {columnsByDrift(drift.data.columns).map((column) => (
                  <ColumnDriftCard key={column.column} column={column} />
                ))}
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
