// The tracker's schema migrations (experiments, runs, params, tags, metrics, datasets). Append
// only, with versions unused by any other capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { trackerCoreSql } from './001-tracker-core';
import { runInputsOutputsSql } from './002-run-inputs-outputs';
import { metricBlocksSql } from './005-metric-blocks';
import { metricSeriesLatestIndexSql } from './006-metric-series-latest-index';
import { runModelInputsSql } from './008-run-model-inputs';

/** The tracker's migrations. */
export const TRACKER_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tracker-core', sql: trackerCoreSql },
  { version: 2, name: 'run-inputs-outputs', sql: runInputsOutputsSql },
  { version: 5, name: 'metric-blocks', sql: metricBlocksSql },
  { version: 6, name: 'metric-series-latest-index', sql: metricSeriesLatestIndexSql },
  { version: 8, name: 'run-model-inputs', sql: runModelInputsSql },
];
