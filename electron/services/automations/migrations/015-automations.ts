// Migration 15: continuous training. The projects whose automations the app's scheduler runs, each
// automation's enabled switch, what its triggers last saw (the watched data's digests, the last
// schedule check), the lease that keeps two runs of one automation from overlapping across
// processes, and the audit trail: every firing with its evidence, pipeline, gate, decision and
// promotion (JSON sections of one record) and its steps with their times.
export const automationsSql = `
CREATE TABLE automation_projects (
  project_dir TEXT PRIMARY KEY,
  added_at INTEGER NOT NULL
);

CREATE TABLE automation_settings (
  project_dir TEXT NOT NULL,
  automation TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_dir, automation)
) WITHOUT ROWID;

CREATE TABLE automation_trigger_state (
  project_dir TEXT NOT NULL,
  automation TEXT NOT NULL,
  trigger TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_dir, automation, trigger)
) WITHOUT ROWID;

-- One holder per automation, whichever process; a holder whose process ended, or that stopped
-- renewing it, loses it to the next that asks.
CREATE TABLE automation_leases (
  project_dir TEXT NOT NULL,
  automation TEXT NOT NULL,
  holder TEXT NOT NULL,
  pid INTEGER NOT NULL,
  firing_id INTEGER,
  acquired_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  PRIMARY KEY (project_dir, automation)
) WITHOUT ROWID;

CREATE TABLE automation_firings (
  firing_id INTEGER PRIMARY KEY,
  project_dir TEXT NOT NULL,
  automation TEXT NOT NULL,
  trigger_kind TEXT NOT NULL,
  trigger_detail TEXT NOT NULL,
  actor_user TEXT NOT NULL,
  actor_via TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'waiting-approval', 'promoted', 'completed', 'rejected', 'nothing-to-do', 'failed', 'superseded')),
  reason TEXT,
  -- JSON: evidence, newData, pipeline, candidate, production, gate, promotion, approval, and the
  -- automation as the file declared it when it fired (with the file's digest).
  record TEXT NOT NULL DEFAULT '{}',
  owner_pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX automation_firings_by_automation ON automation_firings (project_dir, automation, firing_id);
CREATE INDEX automation_firings_open ON automation_firings (outcome) WHERE outcome IN ('running', 'waiting-approval');

CREATE TABLE automation_firing_steps (
  firing_id INTEGER NOT NULL REFERENCES automation_firings(firing_id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped')),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  detail TEXT,
  PRIMARY KEY (firing_id, step_index)
) WITHOUT ROWID;
`;
