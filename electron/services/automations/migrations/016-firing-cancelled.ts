// Migration 16: a firing a person stopped ends `cancelled`, apart from `failed`. The outcome's CHECK
// is part of the table, so automation_firings is rebuilt. Migrations run in a transaction with
// foreign keys on, where DROP TABLE deletes the firings' steps (ON DELETE CASCADE): the steps are
// copied aside first and put back after. Firings recorded before as failed with a reason naming
// who cancelled them become `cancelled`.
export const firingCancelledSql = `
CREATE TEMP TABLE automation_firing_steps_aside AS SELECT * FROM automation_firing_steps;

CREATE TABLE automation_firings_rebuilt (
  firing_id INTEGER PRIMARY KEY,
  project_dir TEXT NOT NULL,
  automation TEXT NOT NULL,
  trigger_kind TEXT NOT NULL,
  trigger_detail TEXT NOT NULL,
  actor_user TEXT NOT NULL,
  actor_via TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'waiting-approval', 'promoted', 'completed', 'rejected', 'nothing-to-do', 'failed', 'superseded', 'cancelled')),
  reason TEXT,
  -- JSON: evidence, newData, pipeline, candidate, production, gate, promotion, approval, and the
  -- automation as the file declared it when it fired (with the file's digest).
  record TEXT NOT NULL DEFAULT '{}',
  owner_pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
INSERT INTO automation_firings_rebuilt (firing_id, project_dir, automation, trigger_kind, trigger_detail, actor_user, actor_via, outcome, reason, record, owner_pid, started_at, ended_at)
  SELECT firing_id, project_dir, automation, trigger_kind, trigger_detail, actor_user, actor_via,
         CASE WHEN outcome = 'failed' AND reason LIKE 'cancelled by %' THEN 'cancelled' ELSE outcome END,
         reason, record, owner_pid, started_at, ended_at
  FROM automation_firings;

-- What DROP TABLE's cascade would do, said outright: the steps wait in the copy above.
DELETE FROM automation_firing_steps;
DROP TABLE automation_firings;
ALTER TABLE automation_firings_rebuilt RENAME TO automation_firings;
CREATE INDEX automation_firings_by_automation ON automation_firings (project_dir, automation, firing_id);
CREATE INDEX automation_firings_open ON automation_firings (outcome) WHERE outcome IN ('running', 'waiting-approval');

INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at, ended_at, detail)
  SELECT firing_id, step_index, name, title, outcome, started_at, ended_at, detail FROM automation_firing_steps_aside;
DROP TABLE automation_firing_steps_aside;
`;
