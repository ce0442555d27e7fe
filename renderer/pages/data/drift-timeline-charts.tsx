// The drift-over-time charts (recharts): the share of drifted columns per version against the
// reference, and one small chart per column of its drift score (the p-value or distance of its
// test), drifted versions marked, with its missing share in the tooltip. Loaded only when a
// timeline is shown, so that opening a dataset does not wait for the chart library.
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { DatasetVersion, DriftTimeline } from '../../../shared/data-models';
import { formatNumber } from '../../models/charts/chart-scales';
import { versionLabel } from '../../stores/data-slice';

const TICK_STYLE = { fontSize: 10, fill: 'var(--chart-tick, #888)' };

interface ColumnPoint {
  readonly version: string;
  readonly score: number | null;
  readonly drift: boolean;
  readonly missing: number;
  readonly test: string | null;
}

function DriftDot({ cx, cy, payload }: { cx?: number; cy?: number; payload?: ColumnPoint }) {
  if (cx === undefined || cy === undefined || !payload || payload.score === null) return null;
  return <circle cx={cx} cy={cy} r={payload.drift ? 4 : 3} fill={payload.drift ? 'var(--danger)' : 'var(--distribution-current)'} stroke="var(--surface)" strokeWidth={1} />;
}

function ColumnTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: ColumnPoint }> }) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className="chart-tooltip-box">
      <div className="chart-tooltip-title">{point.version}</div>
      <div>
        {point.test ?? 'not tested'} {point.score === null ? '' : formatNumber(point.score)} {point.drift ? '· drift' : ''}
      </div>
      <div>missing {Number((point.missing * 100).toFixed(1))}%</div>
    </div>
  );
}

/** One column's score per version. */
const ColumnTimeline = memo(function ColumnTimeline({ column, points }: { column: string; points: readonly ColumnPoint[] }) {
  const test = points.find((point) => point.test !== null)?.test ?? null;
  return (
    <figure className="timeline-column card" data-testid="timeline-column" data-column={column}>
      <figcaption>
        <strong>{column}</strong> <span className="faint mono">{test ?? 'not tested'}</span>
        {points.some((point) => point.drift) && <span className="pill danger">drifted</span>}
      </figcaption>
      <LineChart width={260} height={110} data={points} margin={{ top: 6, right: 10, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="version" tick={TICK_STYLE} stroke="var(--chart-axis, #888)" height={18} interval="preserveStartEnd" />
        <YAxis tick={TICK_STYLE} stroke="var(--chart-axis, #888)" width={38} tickFormatter={formatNumber} tickCount={3} />
        <Tooltip content={<ColumnTooltip />} isAnimationActive={false} />
        <Line dataKey="score" stroke="var(--distribution-current)" strokeWidth={1.5} dot={<DriftDot />} isAnimationActive={false} connectNulls />
      </LineChart>
    </figure>
  );
});

/** The timeline's charts. */
export function TimelineCharts({ timeline, versions }: { timeline: DriftTimeline; versions: readonly DatasetVersion[] }) {
  const labelOf = (point: DriftTimeline['points'][number]) => (point.versionId ? versionLabel(versions, point.versionId) : point.label);
  const shares = timeline.points.map((point) => ({ version: labelOf(point), share: point.dataset.share, drifted: point.dataset.driftedColumns }));
  const columns = [...new Set(timeline.points.flatMap((point) => point.columns.map((column) => column.column)))];
  return (
    <div className="timeline" data-testid="drift-timeline" data-points={timeline.points.length}>
      <figure className="timeline-share card">
        <figcaption>
          Share of drifted columns against {timeline.reference.versionId ? versionLabel(versions, timeline.reference.versionId) : timeline.reference.label}{' '}
          <span className="faint">(the dataset drifts from the dashed line)</span>
        </figcaption>
        <LineChart width={560} height={150} data={shares} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid, #8884)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="version" tick={TICK_STYLE} stroke="var(--chart-axis, #888)" height={18} />
          <YAxis domain={[0, 1]} tick={TICK_STYLE} stroke="var(--chart-axis, #888)" width={38} tickFormatter={(value: number) => `${Math.round(value * 100)}%`} />
          <ReferenceLine y={timeline.points[0]?.dataset.driftShare ?? 0.5} stroke="var(--danger)" strokeDasharray="4 4" />
          <Tooltip
            formatter={(value) => [`${Math.round(Number(value) * 100)}%`, 'drifted columns']}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }}
            isAnimationActive={false}
          />
          <Line dataKey="share" stroke="var(--distribution-current)" strokeWidth={2} isAnimationActive={false} />
        </LineChart>
      </figure>
      <div className="timeline-columns">
        {columns.map((column) => (
          <ColumnTimeline
            key={column}
            column={column}
            points={timeline.points.map((point) => {
              const entry = point.columns.find((one) => one.column === column);
              return { version: labelOf(point), score: entry?.score ?? null, drift: entry?.drift ?? false, missing: entry?.missingShare ?? 0, test: entry?.test ?? null };
            })}
          />
        ))}
      </div>
    </div>
  );
}
