// Migration 16 on a real database file seeded at migration 15 with firings and their steps: the
// rebuild of automation_firings keeps every firing and every step (the cascade of DROP TABLE would
// have taken the steps), a firing recorded as failed because someone cancelled it becomes
// `cancelled`, the new outcome is accepted and an unknown one still refused, and the steps' foreign
// key still cascades.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../database/all-migrations';
import { openDatabase } from '../../database/database';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-migration-016-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const FIRINGS = [
  [1, 'promoted', 'churn version 2 holds @champion', 1000, 2000],
  [2, 'failed', 'cancelled by ana (app); production did not change', 3000, 4000],
  [3, 'failed', 'the pipeline failed: stage train exited 1', 5000, 6000],
  [4, 'running', null, 7000, null],
] as const;

function seedAt015(file: string): void {
  const database = openDatabase(file, { migrations: ALL_MIGRATIONS.filter((migration) => migration.version <= 15) });
  const db = database.connection;
  try {
    database.write(() => {
      const firing = db.prepare(
        `INSERT INTO automation_firings (firing_id, project_dir, automation, trigger_kind, trigger_detail, actor_user, actor_via, outcome, reason, record, owner_pid, started_at, ended_at)
         VALUES (?, '/p', 'retrain', 'manual', 'run by hand', 'ana', 'cli', ?, ?, ?, 42, ?, ?)`,
      );
      const step = db.prepare(`INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at, ended_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const [id, outcome, reason, startedAt, endedAt] of FIRINGS) {
        firing.run(id, outcome, reason, JSON.stringify({ gate: { passed: id === 1 } }), startedAt, endedAt);
        step.run(id, 0, 'new-data', 'Take the new data', 'succeeded', startedAt, startedAt + 10, `${id}: 1 file`);
        step.run(id, 1, 'pipeline', 'Run the pipeline', endedAt === null ? 'running' : 'failed', startedAt + 10, endedAt, null);
      }
    });
  } finally {
    database.close();
  }
}

it('keeps every firing and step, marks cancelled ones, and accepts the cancelled outcome', () => {
  const file = path.join(dir, 'tracker.db');
  seedAt015(file);
  const before = openDatabase(file, { migrations: ALL_MIGRATIONS.filter((migration) => migration.version <= 15) });
  const firingsBefore = before.connection.prepare('SELECT * FROM automation_firings ORDER BY firing_id').all() as Array<Record<string, unknown>>;
  const stepsBefore = before.connection.prepare('SELECT * FROM automation_firing_steps ORDER BY firing_id, step_index').all();
  before.close();
  expect(firingsBefore).toHaveLength(4);
  expect(stepsBefore).toHaveLength(8);

  const database = openDatabase(file, { migrations: ALL_MIGRATIONS.filter((migration) => migration.version <= 16) });
  const db = database.connection;
  try {
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 16').pluck().get()).toBe(16);
    const firingsAfter = db.prepare('SELECT * FROM automation_firings ORDER BY firing_id').all();
    expect(firingsAfter).toEqual(firingsBefore.map((row) => (row.firing_id === 2 ? { ...row, outcome: 'cancelled' } : row)));
    expect(db.prepare('SELECT * FROM automation_firing_steps ORDER BY firing_id, step_index').all()).toEqual(stepsBefore);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'automation_firings' AND sql IS NOT NULL ORDER BY name").pluck().all()).toEqual([
      'automation_firings_by_automation',
      'automation_firings_open',
    ]);
    expect(db.prepare("SELECT name FROM sqlite_temp_master WHERE name = 'automation_firing_steps_aside'").get()).toBeUndefined();

    // The new outcome is accepted; an unknown one is still refused.
    database.write(() => db.prepare("UPDATE automation_firings SET outcome = 'cancelled', reason = 'cancelled by bo (cli)' WHERE firing_id = 4").run());
    expect(db.prepare('SELECT outcome FROM automation_firings WHERE firing_id = 4').pluck().get()).toBe('cancelled');
    expect(() => database.write(() => db.prepare("UPDATE automation_firings SET outcome = 'stopped' WHERE firing_id = 4").run())).toThrow(/CHECK constraint failed/);

    // The steps still belong to their firings: deleting one takes its steps with it, and a step of
    // no firing is refused.
    database.write(() => db.prepare('DELETE FROM automation_firings WHERE firing_id = 3').run());
    expect(db.prepare('SELECT COUNT(*) FROM automation_firing_steps WHERE firing_id = 3').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM automation_firing_steps').pluck().get()).toBe(6);
    expect(() =>
      database.write(() => db.prepare("INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at) VALUES (99, 0, 'x', 'x', 'running', 1)").run()),
    ).toThrow(/FOREIGN KEY constraint failed/);
  } finally {
    database.close();
  }
});
