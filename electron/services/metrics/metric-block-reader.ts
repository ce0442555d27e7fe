// Reads a metric series over a step range, reduced to a point budget, without scanning every
// point: long ranges are read from the metric_blocks summaries (the min, max and first NaN of
// each block of 16 to 4096 steps, see tracker/migrations/005-metric-blocks.ts), short ones from
// the points. The level is the coarsest with at least one block per bucket of the downsampler
// (half the budget), so a 100,000-step series drawn 1,000 points wide reads 782 block rows, not
// 100,000 points. A level's blocks come back as one row of JSON arrays: better-sqlite3 spends
// more per row and column than SQLite spends building the arrays. At zoomed edges, where a
// block lies partly outside the range, the points are read instead.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../database/database';
import { METRIC_BLOCK_SHIFTS } from '../tracker/migrations/005-metric-blocks';
import { selectDownsampledIndices } from './metric-downsampler';
import type { SeriesExtent, StepWindow } from './metric-series-reader';

type PointRow = [step: number, timestamp: number, value: number, isNaN: number];
/** A level's blocks in range: the summed point count, then one JSON array per column, in block order. */
type BlockColumnsRow = [pointCount: number | null, ...columns: string[]];
const BLOCK_COLUMNS = ['min_step', 'min_value', 'max_step', 'max_value', 'nan_step'] as const;
const TIMESTAMP_COLUMNS = ['min_timestamp', 'max_timestamp', 'nan_timestamp'] as const;

function blockColumnsSql(columns: readonly string[]): string {
  return `SELECT sum(point_count), ${columns.map((column) => `json_group_array(${column})`).join(', ')}
    FROM (SELECT * FROM metric_blocks WHERE series_id = ? AND level = ? AND block BETWEEN ? AND ? ORDER BY block)`;
}

/** Growable parallel columns for the candidate points. */
class PointColumns {
  steps: number[] = [];
  timestamps: number[] = [];
  values: number[] = [];

  push(step: number, timestamp: number, value: number): void {
    const last = this.steps.length - 1;
    // A block's min and max may be one point, and the range's ends may be a block's extreme:
    // a point at the same step with the same value draws the same.
    if (last >= 0 && this.steps[last] === step && Object.is(this.values[last], value)) return;
    this.steps.push(step);
    this.timestamps.push(timestamp);
    this.values.push(value);
  }

  pushRows(rows: readonly PointRow[]): void {
    for (const [step, timestamp, value, isNaN] of rows) this.push(step, timestamp, isNaN ? Number.NaN : value);
  }
}

const COARSEST_FIRST = [...METRIC_BLOCK_SHIFTS].reverse();

/** Reads reduced step windows of metric series from one database. */
export class MetricBlockReader {
  private readonly pointsInRange: Statement<[number, number, number], PointRow>;
  private readonly blocksInRange: Statement<[number, number, number, number], BlockColumnsRow>;
  private readonly blocksWithTimesInRange: Statement<[number, number, number, number], BlockColumnsRow>;
  private readonly firstPointFrom: Statement<[number, number, number], PointRow>;
  private readonly lastPointUpTo: Statement<[number, number, number], PointRow>;

  constructor(db: SqliteDatabase) {
    this.pointsInRange = db
      .prepare<[number, number, number], PointRow>(
        'SELECT step, timestamp, value, is_nan FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, value',
      )
      .raw();
    this.blocksInRange = db.prepare<[number, number, number, number], BlockColumnsRow>(blockColumnsSql(BLOCK_COLUMNS)).raw();
    this.blocksWithTimesInRange = db
      .prepare<[number, number, number, number], BlockColumnsRow>(blockColumnsSql([...BLOCK_COLUMNS, ...TIMESTAMP_COLUMNS]))
      .raw();
    this.firstPointFrom = db
      .prepare<[number, number, number], PointRow>(
        'SELECT step, timestamp, value, is_nan FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp LIMIT 1',
      )
      .raw();
    this.lastPointUpTo = db
      .prepare<[number, number, number], PointRow>(
        'SELECT step, timestamp, value, is_nan FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step DESC, timestamp DESC LIMIT 1',
      )
      .raw();
  }

  /**
   * The series' points with steps in [fromStep, toStep] (the whole series by default), at most
   * `budget` of them. Without `withTimestamps`, points read from blocks have NaN timestamps.
   */
  read(series: SeriesExtent, budget: number, stepRange?: readonly [number, number], withTimestamps = true): StepWindow {
    const from = Math.max(series.firstStep, stepRange ? Math.ceil(stepRange[0]) : -Infinity);
    const to = Math.min(series.lastStep, stepRange ? Math.floor(stepRange[1]) : Infinity);
    if (!(from <= to) || budget <= 0) return emptyWindow();
    const level = this.chooseLevel(series, budget, from, to);
    const columns = new PointColumns();
    let rawCount = 0;
    if (level === null) {
      const rows = this.pointsInRange.all(series.seriesId, from, to);
      columns.pushRows(rows);
      rawCount = rows.length;
    } else {
      const size = 2 ** level;
      // Blocks that reach past the range are replaced by the points inside it, unless no point lies beyond.
      const firstBlock = from <= series.firstStep ? Math.floor(from / size) : Math.ceil(from / size);
      const lastBlock = to >= series.lastStep ? Math.floor(to / size) : Math.floor((to + 1) / size) - 1;
      const blocksFrom = Math.max(from, firstBlock * size);
      const blocksTo = Math.min(to, (lastBlock + 1) * size - 1);
      if (from < blocksFrom) {
        const rows = this.pointsInRange.all(series.seriesId, from, blocksFrom - 1);
        columns.pushRows(rows);
        rawCount += rows.length;
      }
      rawCount += this.pushBlockExtremes(columns, series.seriesId, level, firstBlock, lastBlock, withTimestamps);
      if (blocksTo < to) {
        const rows = this.pointsInRange.all(series.seriesId, blocksTo + 1, to);
        columns.pushRows(rows);
        rawCount += rows.length;
      }
      this.keepEnds(columns, series.seriesId, from, to);
    }
    return reduceToBudget(columns, budget, rawCount, level === null);
  }

  /** The coarsest block level that still resolves the budget, or null to read the points. */
  private chooseLevel(series: SeriesExtent, budget: number, from: number, to: number): number | null {
    const span = series.lastStep - series.firstStep + 1;
    const estimatedPoints = ((to - from + 1) / span) * series.pointCount;
    if (estimatedPoints <= budget) return null;
    for (const level of COARSEST_FIRST) {
      const blocks = Math.floor(to / 2 ** level) - Math.floor(from / 2 ** level) + 1;
      // Worth it only when blocks resolve the budget and are fewer than the points they summarise.
      if (blocks >= budget / 2 && blocks * 2 < estimatedPoints) return level;
    }
    return null;
  }

  private pushBlockExtremes(
    columns: PointColumns,
    seriesId: number,
    level: number,
    firstBlock: number,
    lastBlock: number,
    withTimestamps: boolean,
  ): number {
    if (firstBlock > lastBlock) return 0;
    const statement = withTimestamps ? this.blocksWithTimesInRange : this.blocksInRange;
    const [pointCount, ...json] = statement.get(seriesId, level, firstBlock, lastBlock)!;
    const parsed = json.map((text) => JSON.parse(text) as (number | null)[]);
    const [minStep, minValue, maxStep, maxValue, nanStep] = parsed as [number[], number[], number[], number[], (number | null)[]];
    const noTimes: null[] = [];
    const [minTime, maxTime, nanTime] = withTimestamps ? parsed.slice(5) : [noTimes, noTimes, noTimes];
    for (let i = 0; i < minStep.length; i++) {
      // Each block's extremes in step order: min and max (null when every point is NaN), and its first NaN.
      const nan = nanStep[i] ?? null;
      const low = minStep[i]!;
      const high = maxStep[i]!;
      if (nan !== null && (low === null || nan < Math.min(low, high))) columns.push(nan, nanTime![i] ?? Number.NaN, Number.NaN);
      if (low !== null) {
        const lowFirst = low <= high;
        if (lowFirst) columns.push(low, minTime![i] ?? Number.NaN, minValue[i]!);
        else columns.push(high, maxTime![i] ?? Number.NaN, maxValue[i]!);
        if (nan !== null && nan >= Math.min(low, high) && nan < Math.max(low, high)) columns.push(nan, nanTime![i] ?? Number.NaN, Number.NaN);
        if (lowFirst) columns.push(high, maxTime![i] ?? Number.NaN, maxValue[i]!);
        else columns.push(low, minTime![i] ?? Number.NaN, minValue[i]!);
        if (nan !== null && nan >= Math.max(low, high)) columns.push(nan, nanTime![i] ?? Number.NaN, Number.NaN);
      }
    }
    return pointCount ?? 0;
  }

  /** Blocks give extremes only: the range's first and last points are added so the line starts and ends where it should. */
  private keepEnds(columns: PointColumns, seriesId: number, from: number, to: number): void {
    const first = this.firstPointFrom.get(seriesId, from, to);
    const last = this.lastPointUpTo.get(seriesId, from, to);
    if (first && !(columns.steps[0] === first[0] && Object.is(columns.values[0], first[3] ? Number.NaN : first[2]))) {
      columns.steps.unshift(first[0]);
      columns.timestamps.unshift(first[1]);
      columns.values.unshift(first[3] ? Number.NaN : first[2]);
    }
    if (last) columns.push(last[0], last[1], last[3] ? Number.NaN : last[2]);
  }
}

function emptyWindow(): StepWindow {
  return { steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0), rawCount: 0, complete: true };
}

function reduceToBudget(columns: PointColumns, budget: number, rawCount: number, fromPoints: boolean): StepWindow {
  const steps = Float64Array.from(columns.steps);
  const timestamps = Float64Array.from(columns.timestamps);
  const values = Float64Array.from(columns.values);
  if (steps.length <= budget) return { steps, timestamps, values, rawCount, complete: fromPoints };
  const { indices } = selectDownsampledIndices(steps, values, { budget });
  const pick = (column: Float64Array) => {
    const picked = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) picked[i] = column[indices[i]!]!;
    return picked;
  };
  return { steps: pick(steps), timestamps: pick(timestamps), values: pick(values), rawCount, complete: false };
}
