// Migration 18 on a real database file seeded at migration 17: the rebuild of the steps keeps every
// step, the failed step of a firing recorded as cancelled becomes `cancelled` (a failed firing's
// stays failed), the new step outcome is accepted and an unknown one still refused, and the steps
// still belong to their firings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../database/all-migrations';
import { openDatabase } from '../../database/database';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-migration-018-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('marks the step a cancel stopped as cancelled, keeps every other step, and accepts the new outcome', () => {
  const file = path.join(dir, 'tracker.db');
  const seeded = openDatabase(file, { migrations: ALL_MIGRATIONS.filter((migration) => migration.version <= 17) });
  seeded.write(() => {
    const firing = seeded.connection.prepare(
      `INSERT INTO automation_firings (firing_id, project_dir, automation, trigger_kind, trigger_detail, actor_user, actor_via, outcome, reason, record, owner_pid, started_at, ended_at)
       VALUES (?, '/p', 'retrain', 'manual', 'run by hand', 'ana', 'cli', ?, ?, '{}', 42, 1000, 2000)`,
    );
    const step = seeded.connection.prepare(`INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at, ended_at, detail) VALUES (?, ?, ?, ?, ?, 1000, 2000, ?)`);
    firing.run(1, 'cancelled', 'cancelled by ana (app); production did not change');
    step.run(1, 0, 'new-data', 'Take the new data', 'succeeded', '1 file');
    step.run(1, 1, 'pipeline', 'Run the pipeline', 'failed', 'the pipeline was stopped');
    firing.run(2, 'failed', 'the pipeline failed');
    step.run(2, 0, 'pipeline', 'Run the pipeline', 'failed', 'stage train exited 1');
  });
  const before = seeded.connection.prepare('SELECT * FROM automation_firing_steps ORDER BY firing_id, step_index').all() as Array<Record<string, unknown>>;
  seeded.close();

  const database = openDatabase(file);
  const db = database.connection;
  try {
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 18').pluck().get()).toBe(18);
    expect(db.prepare('SELECT * FROM automation_firing_steps ORDER BY firing_id, step_index').all()).toEqual(
      before.map((row) => (row.firing_id === 1 && row.step_index === 1 ? { ...row, outcome: 'cancelled' } : row)),
    );
    database.write(() => db.prepare("UPDATE automation_firing_steps SET outcome = 'cancelled' WHERE firing_id = 2").run());
    expect(() => database.write(() => db.prepare("UPDATE automation_firing_steps SET outcome = 'stopped' WHERE firing_id = 2").run())).toThrow(/CHECK constraint failed/);
    database.write(() => db.prepare('DELETE FROM automation_firings WHERE firing_id = 1').run());
    expect(db.prepare('SELECT COUNT(*) FROM automation_firing_steps').pluck().get()).toBe(1);
    expect(() =>
      database.write(() => db.prepare("INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at) VALUES (99, 0, 'x', 'x', 'running', 1)").run()),
    ).toThrow(/FOREIGN KEY constraint failed/);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  } finally {
    database.close();
  }
});
