import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../database/all-migrations';
import { openDatabase } from '../database/database';
import { METRIC_BLOCK_SHIFTS } from './migrations/005-metric-blocks';
import { SqliteTrackerStore } from './sqlite-tracker-store';

interface PointRow {
  series_id: number;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

interface BlockRow {
  series_id: number;
  level: number;
  block: number;
  point_count: number;
  min_step: number | null;
  min_value: number | null;
  max_step: number | null;
  max_value: number | null;
  nan_step: number | null;
}

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blocks-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The blocks as they should be, computed from every stored point. */
function expectedBlocks(db: Database.Database): Map<string, { count: number; min: number | null; max: number | null; nanStep: number | null }> {
  const points = db.prepare('SELECT * FROM metric_points').all() as PointRow[];
  const blocks = new Map<string, { count: number; min: number | null; max: number | null; nanStep: number | null }>();
  for (const point of points) {
    for (const level of METRIC_BLOCK_SHIFTS) {
      const key = `${point.series_id}:${level}:${Math.floor(point.step / 2 ** level)}`;
      const block = blocks.get(key) ?? { count: 0, min: null, max: null, nanStep: null };
      block.count++;
      if (point.is_nan) block.nanStep = block.nanStep === null ? point.step : Math.min(block.nanStep, point.step);
      else {
        block.min = block.min === null ? point.value : Math.min(block.min, point.value);
        block.max = block.max === null ? point.value : Math.max(block.max, point.value);
      }
      blocks.set(key, block);
    }
  }
  return blocks;
}

function expectBlocksMatchPoints(db: Database.Database): void {
  const expected = expectedBlocks(db);
  const rows = db.prepare('SELECT * FROM metric_blocks').all() as BlockRow[];
  const valueAt = db.prepare<[number, number, number], { n: number }>(
    'SELECT count(*) AS n FROM metric_points WHERE series_id = ? AND step = ? AND value = ? AND is_nan = 0',
  );
  expect(rows.length).toBe(expected.size);
  for (const row of rows) {
    const want = expected.get(`${row.series_id}:${row.level}:${row.block}`);
    expect(want, `block ${row.series_id}:${row.level}:${row.block}`).toBeDefined();
    expect(row.point_count).toBe(want!.count);
    expect(row.min_value).toBe(want!.min);
    expect(row.max_value).toBe(want!.max);
    expect(row.nan_step).toBe(want!.nanStep);
    // The recorded step of each extreme holds that value.
    if (row.min_step !== null) expect(valueAt.get(row.series_id, row.min_step, row.min_value!)!.n).toBeGreaterThan(0);
    if (row.max_step !== null) expect(valueAt.get(row.series_id, row.max_step, row.max_value!)!.n).toBeGreaterThan(0);
  }
}

function noisyPoints(key: string, from: number, count: number, seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, (_, i) => {
    const step = from + i;
    const roll = random();
    const value = roll < 0.02 ? Number.NaN : roll < 0.03 ? Number.POSITIVE_INFINITY : roll < 0.04 ? -Infinity : Math.round(random() * 100);
    return { key, value, step, timestamp: 1_700_000_000_000 + step };
  });
}

describe('metric blocks', () => {
  it('summarise every written point, through out-of-order batches, duplicates and retries', async () => {
    const database = openDatabase(path.join(dir, 'cairn.db'));
    const store = new SqliteTrackerStore(database);
    try {
      const { info } = await store.createRun({ experimentId: '0' });
      await store.logBatch(info.runId, { metrics: noisyPoints('loss', 0, 3000, 1) });
      await store.logBatch(info.runId, { metrics: noisyPoints('loss', -40, 30, 2) });
      await store.logBatch(info.runId, { metrics: [...noisyPoints('acc', 5000, 700, 3), ...noisyPoints('loss', 2000, 10, 4)] });
      // A retried batch (all duplicates) and a batch that repeats a point within itself.
      await store.logBatch(info.runId, { metrics: noisyPoints('loss', 0, 3000, 1) });
      const repeated = noisyPoints('acc', 9000, 5, 5);
      await store.logBatch(info.runId, { metrics: [...repeated, ...repeated, ...noisyPoints('acc', 5100, 3, 6)] });
      await store.logBatch(info.runId, { metrics: [{ key: 'loss', value: 7, step: 5, timestamp: 1 }] });
      expectBlocksMatchPoints(database.connection);
    } finally {
      database.close();
    }
  });

  it('are backfilled for points logged before the migration', () => {
    const file = path.join(dir, 'old.db');
    const before = ALL_MIGRATIONS.filter((migration) => migration.version < 5);
    const oldDatabase = openDatabase(file, { migrations: before });
    const old = oldDatabase.connection;
    old.prepare(`INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, artifact_uri) VALUES ('r1', 0, 'r', 'RUNNING', 0, '')`).run();
    old.prepare(`INSERT INTO metric_series (run_uuid, key, last_step, last_timestamp, last_value, last_is_nan, point_count) VALUES ('r1', 'loss', 0, 0, 0, 0, 0)`).run();
    const insert = old.prepare('INSERT INTO metric_points (series_id, step, timestamp, value, is_nan) VALUES (1, ?, ?, ?, ?)');
    for (const point of [...noisyPoints('loss', -20, 2500, 7), ...noisyPoints('loss', 10_000, 50, 8)]) {
      const isNaN = Number.isNaN(point.value);
      insert.run(point.step, point.timestamp, isNaN ? 0 : point.value, isNaN ? 1 : 0);
    }
    oldDatabase.close();
    const database = openDatabase(file);
    try {
      expectBlocksMatchPoints(database.connection);
    } finally {
      database.close();
    }
  });
});
