// The logged models' schema migrations (MLflow 3 logged models and their metrics). Append only,
// with versions unused by any other capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { loggedModelsSql } from './004-logged-models';
import { loggedModelMetricsSql } from './007-logged-model-metrics';

/** The logged models' migrations. */
export const LOGGED_MODEL_MIGRATIONS: readonly Migration[] = [
  { version: 4, name: 'logged-models', sql: loggedModelsSql },
  { version: 7, name: 'logged-model-metrics', sql: loggedModelMetricsSql },
];
