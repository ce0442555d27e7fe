// A dataset version's profile: the table's size and the problems met while reading it, then one
// card per column with its type, counts, range, quantiles and distribution (a histogram for
// numbers and dates, the most frequent values for the rest).
import { memo } from 'react';
import type { ColumnProfile, DataIssues, DatasetProfile } from '../../../shared/data-models';
import { countOf, formatBytes } from '../../../shared/quantity-text';
import { DistributionChart } from '../../components/charts/distribution-chart';
import { formatCount, formatDuration, formatFullDateTime, formatMetricValue, formatRelativeTime } from '../../components/value-format';
import { profileBars } from '../../models/data/distribution-bars';

const CARD_CHART_WIDTH = 268;
const CARD_CHART_HEIGHT = 120;

/** A column's value as a person reads it: dates for datetime columns, numbers otherwise. */
function formatValue(value: number | null, column: ColumnProfile): string {
  if (value === null) return '—';
  if (column.type === 'datetime') return new Date(value).toISOString().replace('T', ' ').replace(/(:00)?\.000Z$/, '');
  return formatMetricValue(value);
}

function share(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const percent = (part / whole) * 100;
  return `${percent > 0 && percent < 0.1 ? '<0.1' : Number(percent.toFixed(1))}%`;
}

/** One column's card. */
const ColumnCard = memo(function ColumnCard({ column, rows }: { column: ColumnProfile; rows: number }) {
  const bars = profileBars(column);
  const numeric = column.type === 'numeric' || column.type === 'datetime';
  return (
    <article className="column-card card" data-testid="column-card" data-column={column.name} data-type={column.type} aria-label={`Column ${column.name}`}>
      <header className="column-card-header">
        <h3 title={column.name}>{column.name}</h3>
        <span className={`pill column-type column-type-${column.type}`}>{column.type}</span>
        <span className="faint mono column-storage">{column.storageType}</span>
      </header>
      <dl className="column-stats">
        <div>
          <dt>missing</dt>
          <dd className={column.missing > 0 ? 'has-missing' : undefined} data-testid="column-missing">
            {formatCount(column.missing)} <span className="faint">({share(column.missing, rows)})</span>
          </dd>
        </div>
        <div>
          <dt>distinct</dt>
          <dd title={column.distinctApproximate ? 'Estimated (HyperLogLog): the table has more than a million rows' : undefined}>
            {column.distinctApproximate ? '≈' : ''}
            {formatCount(column.distinct)}
          </dd>
        </div>
        {numeric && (
          <>
            <div>
              <dt>min</dt>
              <dd data-testid="column-min">{formatValue(column.min, column)}</dd>
            </div>
            <div>
              <dt>max</dt>
              <dd data-testid="column-max">{formatValue(column.max, column)}</dd>
            </div>
            <div>
              <dt>mean</dt>
              <dd data-testid="column-mean">{formatValue(column.mean, column)}</dd>
            </div>
            {column.type === 'numeric' && (
              <div>
                <dt>std</dt>
                <dd>{formatValue(column.std, column)}</dd>
              </div>
            )}
          </>
        )}
      </dl>
      {column.quantiles && column.type === 'numeric' && (
        <p className="column-quantiles faint" title="Quantiles 1, 5, 25, 50, 75, 95, 99">
          p5 {formatValue(column.quantiles.p05, column)} · p25 {formatValue(column.quantiles.p25, column)} · median {formatValue(column.quantiles.p50, column)} · p75{' '}
          {formatValue(column.quantiles.p75, column)} · p95 {formatValue(column.quantiles.p95, column)}
        </p>
      )}
      {column.mixedTypes && (
        <p className="column-warning" role="note">
          Mixed types: {formatCount(column.mixedTypes.numericValues)} numbers among {formatCount(column.mixedTypes.otherValues)} other values (e.g.{' '}
          {column.mixedTypes.examples.slice(0, 3).map((example) => `“${example}”`).join(', ')}).
        </p>
      )}
      {bars ? (
        <DistributionChart bars={bars} width={CARD_CHART_WIDTH} height={CARD_CHART_HEIGHT} heights="count" />
      ) : (
        <p className="faint column-no-chart">{column.count === 0 ? 'Every value is missing.' : 'No distribution for this column.'}</p>
      )}
    </article>
  );
});

/** What went wrong while reading, with where. */
function ProfileIssues({ issues }: { issues: DataIssues }) {
  if (issues.total === 0) return null;
  return (
    <div className="warning-line profile-issues" role="note" data-testid="profile-issues">
      <strong>
        {countOf(issues.total, 'problem')} while reading
        {issues.skippedRows > 0 ? `; ${countOf(issues.skippedRows, 'row')} left out` : ''}.
      </strong>
      <ul>
        {issues.examples.map((issue, index) => (
          <li key={index}>
            <code>
              {issue.file.split('/').at(-1)}
              {issue.line !== null ? `:${issue.line}` : ''}
            </code>{' '}
            {issue.column ? `${issue.column}: ` : ''}
            {issue.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A profile: the table's figures, its reading problems and its column cards. */
export function ProfileView({ profile }: { profile: DatasetProfile }) {
  return (
    <div className="profile-view" data-testid="profile-view">
      <p className="profile-summary muted" data-testid="profile-summary">
        <strong className="numeric">{formatCount(profile.rows)}</strong> rows · <strong className="numeric">{profile.columnCount}</strong> columns ·{' '}
        {formatBytes(profile.bytes)}
        {profile.fileCount > 1 ? ` in ${countOf(profile.fileCount, 'file')}` : ''} · {profile.format}
        <span className="faint" title={`${formatFullDateTime(profile.profiledTime)} by ${profile.engine}`}>
          {' '}
          · profiled {formatRelativeTime(profile.profiledTime)} in {formatDuration(profile.durationMs)}
          {profile.approximate ? ' · distinct counts estimated' : ''}
        </span>
      </p>
      <ProfileIssues issues={profile.issues} />
      <div className="column-cards">
        {profile.columns.map((column) => (
          <ColumnCard key={column.name} column={column} rows={profile.rows} />
        ))}
      </div>
    </div>
  );
}
