// Migration 18: the step a cancel stopped ends `cancelled`, as its firing does, instead of `failed`.
// The outcome's CHECK is part of the table, so automation_firing_steps is rebuilt (nothing refers to
// it). The failed steps of firings already recorded as cancelled were the ones the cancel stopped:
// they become `cancelled`.
export const stepCancelledSql = `
CREATE TABLE automation_firing_steps_rebuilt (
  firing_id INTEGER NOT NULL REFERENCES automation_firings(firing_id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled')),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  detail TEXT,
  PRIMARY KEY (firing_id, step_index)
) WITHOUT ROWID;

INSERT INTO automation_firing_steps_rebuilt (firing_id, step_index, name, title, outcome, started_at, ended_at, detail)
  SELECT steps.firing_id, steps.step_index, steps.name, steps.title,
         CASE WHEN steps.outcome = 'failed' AND firings.outcome = 'cancelled' THEN 'cancelled' ELSE steps.outcome END,
         steps.started_at, steps.ended_at, steps.detail
  FROM automation_firing_steps AS steps JOIN automation_firings AS firings ON firings.firing_id = steps.firing_id;

DROP TABLE automation_firing_steps;
ALTER TABLE automation_firing_steps_rebuilt RENAME TO automation_firing_steps;
`;
