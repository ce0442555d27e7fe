// Keeps the metric_blocks summaries (migration 5) up to date as the store writes points: the
// points of one batch are folded into their blocks in memory, then each touched block is merged
// into its row with one upsert, so a batch of a thousand points costs about 125 row writes.
// Blocks of 2^level steps: block = floor(step / 2^level), as SQLite's `step >> level`.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../database/database';
import { METRIC_BLOCK_SHIFTS } from './migrations/005-metric-blocks';

interface PendingBlock {
  readonly seriesId: number;
  readonly level: number;
  readonly block: number;
  count: number;
  minStep: number | null;
  minTimestamp: number | null;
  minValue: number | null;
  maxStep: number | null;
  maxTimestamp: number | null;
  maxValue: number | null;
  nanStep: number | null;
  nanTimestamp: number | null;
}

/** SQL: whether the incoming extreme replaces the stored one (further out, then earlier step). */
function replaces(extreme: 'min' | 'max'): string {
  const further = extreme === 'min' ? '<' : '>';
  return `excluded.${extreme}_value IS NOT NULL AND (${extreme}_value IS NULL OR excluded.${extreme}_value ${further} ${extreme}_value
    OR (excluded.${extreme}_value = ${extreme}_value AND excluded.${extreme}_step < ${extreme}_step))`;
}

const REPLACES_NAN = 'excluded.nan_step IS NOT NULL AND (nan_step IS NULL OR excluded.nan_step < nan_step)';

/** Columns bound per block, in the order blockArgs() lists them. */
const BLOCK_COLUMNS = 12;

/** An upsert of `count` blocks in one statement (fewer statements, and positional binding). */
function upsertBlocksSql(count: number): string {
  const row = `(${new Array(BLOCK_COLUMNS).fill('?').join(', ')})`;
  return `
INSERT INTO metric_blocks (series_id, level, block, point_count, min_step, min_timestamp, min_value,
                           max_step, max_timestamp, max_value, nan_step, nan_timestamp)
VALUES ${new Array(count).fill(row).join(', ')}
ON CONFLICT (series_id, level, block) DO UPDATE SET
  point_count = point_count + excluded.point_count,
  min_step = iif(${replaces('min')}, excluded.min_step, min_step),
  min_timestamp = iif(${replaces('min')}, excluded.min_timestamp, min_timestamp),
  min_value = iif(${replaces('min')}, excluded.min_value, min_value),
  max_step = iif(${replaces('max')}, excluded.max_step, max_step),
  max_timestamp = iif(${replaces('max')}, excluded.max_timestamp, max_timestamp),
  max_value = iif(${replaces('max')}, excluded.max_value, max_value),
  nan_step = iif(${REPLACES_NAN}, excluded.nan_step, nan_step),
  nan_timestamp = iif(${REPLACES_NAN}, excluded.nan_timestamp, nan_timestamp)`;
}

/** The most blocks upserted by one statement. */
const BLOCKS_PER_UPSERT = 32;

/** Whether (value, step) is further out than the current extreme (earlier step on ties). */
function isFurther(value: number, step: number, current: number | null, currentStep: number | null, sign: 1 | -1): boolean {
  if (current === null || currentStep === null) return true;
  return sign * (value - current) > 0 || (value === current && step < currentStep);
}

/** A metric point as written to metric_points (NaN as NaN). */
export interface BlockPoint {
  readonly step: number;
  readonly timestamp: number;
  readonly value: number;
}

/** Rebuilds one level's blocks over a step range from the points themselves. */
function rebuildLevelSql(level: number): string {
  const inRange = 'series_id = @seriesId AND step BETWEEN @fromStep AND @toStep';
  const matches = `metric_blocks.series_id = @seriesId AND metric_blocks.level = ${level} AND metric_blocks.block = m.b`;
  return `
DELETE FROM metric_blocks WHERE series_id = @seriesId AND level = ${level} AND block BETWEEN @fromStep >> ${level} AND @toStep >> ${level};
INSERT INTO metric_blocks (series_id, level, block, point_count)
SELECT series_id, ${level}, step >> ${level}, count(*) FROM metric_points WHERE ${inRange} GROUP BY step >> ${level};
UPDATE metric_blocks SET min_step = m.s, min_timestamp = m.t, min_value = m.v
FROM (SELECT step >> ${level} AS b, step AS s, timestamp AS t, min(value) AS v FROM metric_points WHERE ${inRange} AND is_nan = 0 GROUP BY b) AS m
WHERE ${matches};
UPDATE metric_blocks SET max_step = m.s, max_timestamp = m.t, max_value = m.v
FROM (SELECT step >> ${level} AS b, step AS s, timestamp AS t, max(value) AS v FROM metric_points WHERE ${inRange} AND is_nan = 0 GROUP BY b) AS m
WHERE ${matches};
UPDATE metric_blocks SET nan_step = m.s, nan_timestamp = m.t
FROM (SELECT step >> ${level} AS b, min(step) AS s, timestamp AS t FROM metric_points WHERE ${inRange} AND is_nan = 1 GROUP BY b) AS m
WHERE ${matches};`;
}

/** Keeps one series' blocks in step with the points the store inserts into it. */
export class MetricBlockWriter {
  private readonly upserts = new Map<number, Statement>();
  private readonly rebuild: Statement[];

  constructor(private readonly db: SqliteDatabase) {
    this.rebuild = METRIC_BLOCK_SHIFTS.flatMap((level) =>
      rebuildLevelSql(level)
        .split(';')
        .filter((sql) => sql.trim())
        .map((sql) => db.prepare(sql)),
    );
  }

  /**
   * Updates a series' blocks after `points` were offered to metric_points and `inserted` of them
   * were new; call inside the same transaction. When only some were new (duplicates ignored), the
   * touched blocks are rebuilt from the points, since which ones were new is not known.
   */
  write(seriesId: number, points: readonly BlockPoint[], inserted: number): void {
    if (inserted === 0 || points.length === 0) return;
    if (inserted === points.length) {
      // The points fold into the finest blocks; each coarser level folds the level below it.
      let level: number = METRIC_BLOCK_SHIFTS[0];
      let blocks = finestBlocks(seriesId, level, points);
      const args: Array<number | null> = [];
      for (;;) {
        for (const block of blocks.values()) pushBlockArgs(args, block);
        const next = METRIC_BLOCK_SHIFTS.find((shift) => shift > level);
        if (next === undefined) break;
        blocks = coarserBlocks(blocks.values(), next, next - level);
        level = next;
      }
      const chunk = BLOCKS_PER_UPSERT * BLOCK_COLUMNS;
      for (let start = 0; start < args.length; start += chunk) {
        const rows = args.slice(start, start + chunk);
        this.upsertOf(rows.length / BLOCK_COLUMNS).run(rows);
      }
      return;
    }
    let fromStep = Infinity;
    let toStep = -Infinity;
    for (const point of points) {
      fromStep = Math.min(fromStep, point.step);
      toStep = Math.max(toStep, point.step);
    }
    // Whole blocks of the coarsest level, so that every level's touched blocks are rebuilt whole.
    const coarsest = 2 ** METRIC_BLOCK_SHIFTS[METRIC_BLOCK_SHIFTS.length - 1]!;
    const range = {
      seriesId,
      fromStep: Math.floor(fromStep / coarsest) * coarsest,
      toStep: (Math.floor(toStep / coarsest) + 1) * coarsest - 1,
    };
    for (const statement of this.rebuild) statement.run(range);
  }

  /** The cached upsert statement for `count` blocks. */
  private upsertOf(count: number): Statement {
    let statement = this.upserts.get(count);
    if (!statement) {
      statement = this.db.prepare(upsertBlocksSql(count));
      this.upserts.set(count, statement);
    }
    return statement;
  }
}

/** Appends a block's columns, in BLOCK_COLUMNS order. */
function pushBlockArgs(args: Array<number | null>, block: PendingBlock): void {
  args.push(
    block.seriesId,
    block.level,
    block.block,
    block.count,
    block.minStep,
    block.minTimestamp,
    block.minValue,
    block.maxStep,
    block.maxTimestamp,
    block.maxValue,
    block.nanStep,
    block.nanTimestamp,
  );
}

function emptyBlock(seriesId: number, level: number, block: number): PendingBlock {
  return {
    seriesId,
    level,
    block,
    count: 0,
    minStep: null,
    minTimestamp: null,
    minValue: null,
    maxStep: null,
    maxTimestamp: null,
    maxValue: null,
    nanStep: null,
    nanTimestamp: null,
  };
}

/** Folds a point, or another block's extremes, into a block. */
function fold(target: PendingBlock, source: PendingBlock): void {
  target.count += source.count;
  if (source.nanStep !== null && (target.nanStep === null || source.nanStep < target.nanStep)) {
    target.nanStep = source.nanStep;
    target.nanTimestamp = source.nanTimestamp;
  }
  if (source.minValue !== null && isFurther(source.minValue, source.minStep!, target.minValue, target.minStep, -1)) {
    target.minValue = source.minValue;
    target.minStep = source.minStep;
    target.minTimestamp = source.minTimestamp;
  }
  if (source.maxValue !== null && isFurther(source.maxValue, source.maxStep!, target.maxValue, target.maxStep, 1)) {
    target.maxValue = source.maxValue;
    target.maxStep = source.maxStep;
    target.maxTimestamp = source.maxTimestamp;
  }
}

function finestBlocks(seriesId: number, level: number, points: readonly BlockPoint[]): Map<number, PendingBlock> {
  const blocks = new Map<number, PendingBlock>();
  const size = 2 ** level;
  const single = emptyBlock(seriesId, level, 0);
  let current = null as PendingBlock | null;
  for (const { step, timestamp, value } of points) {
    const block = Math.floor(step / size);
    // Points usually arrive in step order: most land in the block of the one before.
    if (current?.block !== block) {
      current = blocks.get(block) ?? null;
      if (!current) {
        current = emptyBlock(seriesId, level, block);
        blocks.set(block, current);
      }
    }
    const isNaN = Number.isNaN(value);
    single.count = 1;
    single.nanStep = isNaN ? step : null;
    single.nanTimestamp = isNaN ? timestamp : null;
    single.minValue = single.maxValue = isNaN ? null : value;
    single.minStep = single.maxStep = step;
    single.minTimestamp = single.maxTimestamp = timestamp;
    fold(current, single);
  }
  return blocks;
}

function coarserBlocks(finer: Iterable<PendingBlock>, level: number, shiftBy: number): Map<number, PendingBlock> {
  const blocks = new Map<number, PendingBlock>();
  for (const source of finer) {
    const block = Math.floor(source.block / 2 ** shiftBy);
    let target = blocks.get(block);
    if (!target) {
      target = emptyBlock(source.seriesId, level, block);
      blocks.set(block, target);
    }
    fold(target, source);
  }
  return blocks;
}
