// The background WAL checkpointer against a real database file: it copies committed frames back
// into the database while the writer's own autocheckpoint has not run, and a closed database leaves
// no log behind and nothing running in its folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTrackerStore } from '../tracker/sqlite-tracker-store';
import { openDatabase } from './database';

describe('background WAL checkpointer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tempDatabase(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-checkpointer-'));
    dirs.push(dir);
    return path.join(dir, 'tracker.db');
  }

  it('copies committed writes into the database file while the writer never checkpoints', async () => {
    const file = tempDatabase();
    const database = openDatabase(file);
    const store = new SqliteTrackerStore(database);
    const db = database.connection;
    try {
      const experiment = await store.createExperiment({ name: 'checkpointed' });
      const run = await store.createRun({ experimentId: experiment.experimentId });
      // About 1 MB of points: under the writer's 8 MB autocheckpoint, so only the worker copies them.
      for (let batch = 0; batch < 20; batch++) {
        await store.logBatch(run.info.runId, {
          metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: batch * 1000 + i })),
        });
      }
      // page_count is the database as the writer sees it, log included; the file holds only what was copied back.
      const logicalSize = () => Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
      expect(logicalSize()).toBeGreaterThan(500_000);
      const deadline = Date.now() + 5000;
      while (fs.statSync(file).size < logicalSize() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(fs.statSync(file).size).toBe(logicalSize());
    } finally {
      database.close();
    }
  });

  it('lets go of the database before close returns: no log is left and the folder can be removed at once', async () => {
    const file = tempDatabase();
    const database = openDatabase(file);
    const store = new SqliteTrackerStore(database);
    const experiment = await store.createExperiment({ name: 'closing' });
    await store.createRun({ experimentId: experiment.experimentId });
    database.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    fs.rmSync(path.dirname(file), { recursive: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
