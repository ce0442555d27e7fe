// The metric series read model over SQLite: series found by run and key in metric_series, windows
// read through the metric_blocks summaries (metric-block-reader.ts), points at given steps from
// metric_points.
import type { MetricPoint } from '../../../shared/models';
import type { CairnDatabase } from '../database/database';
import { MetricBlockReader } from './metric-block-reader';
import type { MetricSeriesReader, SeriesExtent, StepWindow, StoredSeries } from './metric-series-reader';

interface SeriesRow {
  series_id: number;
  run_uuid: string;
  key: string;
  point_count: number;
  first_step: number | null;
  last_step: number;
  start_time: number;
}

/** Reads metric series for charts from the SQLite database. */
export class SqliteMetricSeriesReader implements MetricSeriesReader {
  private readonly blocks: MetricBlockReader;
  private readonly seriesRows;
  private readonly valuesAtSteps;

  constructor(database: CairnDatabase) {
    const db = database.connection;
    this.blocks = new MetricBlockReader(db);
    this.seriesRows = db.prepare<[string, string], SeriesRow>(
      `SELECT s.series_id, s.run_uuid, s.key, s.point_count, s.last_step, r.start_time,
         (SELECT step FROM metric_points WHERE series_id = s.series_id ORDER BY step LIMIT 1) AS first_step
       FROM metric_series s JOIN runs r ON r.run_uuid = s.run_uuid
       WHERE s.run_uuid IN (SELECT value FROM json_each(?)) AND s.key IN (SELECT value FROM json_each(?)) AND s.point_count > 0`,
    );
    this.valuesAtSteps = db.prepare<[number, string], { step: number; timestamp: number; value: number; is_nan: number }>(
      `SELECT step, timestamp, value, is_nan FROM metric_points
       WHERE series_id = ? AND step IN (SELECT value FROM json_each(?)) ORDER BY step, timestamp`,
    );
  }

  findSeries(runIds: readonly string[], keys: readonly string[]): StoredSeries[] {
    return this.seriesRows.all(JSON.stringify(runIds), JSON.stringify(keys)).map((row) => ({
      runId: row.run_uuid,
      key: row.key,
      extent: {
        seriesId: row.series_id,
        pointCount: row.point_count,
        firstStep: row.first_step ?? row.last_step,
        lastStep: row.last_step,
      },
      runStartTime: row.start_time,
    }));
  }

  readWindow(series: SeriesExtent, budget: number, stepRange?: readonly [number, number], withTimestamps = true): StepWindow {
    return this.blocks.read(series, budget, stepRange, withTimestamps);
  }

  pointsAtSteps(seriesId: number, steps: readonly number[]): MetricPoint[] {
    if (steps.length === 0) return [];
    const rows = this.valuesAtSteps.all(seriesId, JSON.stringify(steps));
    return rows.map((r) => ({ step: r.step, timestamp: r.timestamp, value: r.is_nan ? Number.NaN : r.value }));
  }
}
