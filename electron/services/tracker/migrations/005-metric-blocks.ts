// Migration 5: per-series summaries of metric points in blocks of 16, 32, 64, … 4096 steps, so
// that charting a long series reads a few hundred block rows instead of every point. The store keeps
// them up to date as it writes points (tracker/metric-block-writer.ts); the chart reads them
// through metrics/metric-block-reader.ts. Points logged before this migration are summarised here.

/** The block sizes, as shifts: a point at `step` is in block `step >> shift` of each level. */
export const METRIC_BLOCK_SHIFTS = [4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

const [finestShift, ...coarserShifts] = METRIC_BLOCK_SHIFTS;

/** Where a level's backfill reads from: the points, or the blocks of the next finer level. */
interface BackfillSource {
  readonly from: string;
  /** The column shifted into the block number, and by how much. */
  readonly bucket: string;
  readonly count: string;
  readonly min: readonly [step: string, timestamp: string, value: string];
  readonly max: readonly [step: string, timestamp: string, value: string];
  readonly nan: readonly [step: string, timestamp: string];
  readonly hasFinite: string;
  readonly hasNaN: string;
}

function fromPoints(shift: number): BackfillSource {
  return {
    from: 'metric_points',
    bucket: `step >> ${shift}`,
    count: 'count(*)',
    min: ['step', 'timestamp', 'min(value)'],
    max: ['step', 'timestamp', 'max(value)'],
    nan: ['min(step)', 'timestamp'],
    hasFinite: 'is_nan = 0',
    hasNaN: 'is_nan = 1',
  };
}

function fromBlocks(finerShift: number, shift: number): BackfillSource {
  return {
    from: `(SELECT * FROM metric_blocks WHERE level = ${finerShift})`,
    bucket: `block >> ${shift - finerShift}`,
    count: 'sum(point_count)',
    min: ['min_step', 'min_timestamp', 'min(min_value)'],
    max: ['max_step', 'max_timestamp', 'max(max_value)'],
    nan: ['min(nan_step)', 'nan_timestamp'],
    hasFinite: 'min_value IS NOT NULL',
    hasNaN: 'nan_step IS NOT NULL',
  };
}

/** Fills one level. SQLite's bare columns: next to a single min() or max(), they come from the row holding it. */
function backfillLevelSql(shift: number, source: BackfillSource): string {
  const { from, bucket } = source;
  const matches = `metric_blocks.level = ${shift} AND metric_blocks.series_id = m.series_id AND metric_blocks.block = m.b`;
  return `
INSERT INTO metric_blocks (series_id, level, block, point_count)
SELECT series_id, ${shift}, ${bucket}, ${source.count} FROM ${from} GROUP BY series_id, ${bucket};
UPDATE metric_blocks SET min_step = m.s, min_timestamp = m.t, min_value = m.v
FROM (SELECT series_id, ${bucket} AS b, ${source.min[0]} AS s, ${source.min[1]} AS t, ${source.min[2]} AS v
      FROM ${from} WHERE ${source.hasFinite} GROUP BY series_id, b) AS m
WHERE ${matches};
UPDATE metric_blocks SET max_step = m.s, max_timestamp = m.t, max_value = m.v
FROM (SELECT series_id, ${bucket} AS b, ${source.max[0]} AS s, ${source.max[1]} AS t, ${source.max[2]} AS v
      FROM ${from} WHERE ${source.hasFinite} GROUP BY series_id, b) AS m
WHERE ${matches};
UPDATE metric_blocks SET nan_step = m.s, nan_timestamp = m.t
FROM (SELECT series_id, ${bucket} AS b, ${source.nan[0]} AS s, ${source.nan[1]} AS t
      FROM ${from} WHERE ${source.hasNaN} GROUP BY series_id, b) AS m
WHERE ${matches};
`;
}

export const metricBlocksSql = `
-- One row per (series, level, block): how many points the block holds, its smallest and largest
-- value with their step and timestamp (earliest step on ties; NULL when every point is NaN), and
-- its first NaN point. level is the shift: the block holds steps [block << level, (block + 1) << level).
CREATE TABLE metric_blocks (
  series_id INTEGER NOT NULL REFERENCES metric_series(series_id) ON DELETE CASCADE,
  level INTEGER NOT NULL,
  block INTEGER NOT NULL,
  point_count INTEGER NOT NULL,
  min_step INTEGER,
  min_timestamp INTEGER,
  min_value REAL,
  max_step INTEGER,
  max_timestamp INTEGER,
  max_value REAL,
  nan_step INTEGER,
  nan_timestamp INTEGER,
  PRIMARY KEY (series_id, level, block)
) WITHOUT ROWID;

-- Points logged before this migration: the finest level from the points, each coarser one from the previous.
${backfillLevelSql(finestShift, fromPoints(finestShift))}
${coarserShifts.map((shift, i) => backfillLevelSql(shift, fromBlocks(METRIC_BLOCK_SHIFTS[i]!, shift))).join('\n')}
`;
