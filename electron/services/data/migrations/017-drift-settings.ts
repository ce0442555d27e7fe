// Migration 17: each dataset's drift choices (which columns to compare, a test and threshold per
// column, the share of drifted columns that makes the dataset drift), used whenever its versions
// are compared unless the comparison names its own.
export const driftSettingsSql = `
-- settings is the canonical JSON of DriftOptions: {columns?, only?, driftShare?}.
CREATE TABLE data_drift_settings (
  dataset_id TEXT PRIMARY KEY REFERENCES data_datasets(dataset_id) ON DELETE CASCADE,
  settings TEXT NOT NULL,
  updated_time INTEGER NOT NULL
);
`;
