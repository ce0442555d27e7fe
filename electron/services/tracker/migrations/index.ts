// The ordered list of schema migrations. Append only: an applied migration's text is
// checksummed in the database, and editing it afterwards is refused when the database opens.
import { trackerCoreSql } from './001-tracker-core';
import { runInputsOutputsSql } from './002-run-inputs-outputs';
import { modelRegistrySql } from './003-model-registry';
import { loggedModelsSql } from './004-logged-models';
import { metricBlocksSql } from './005-metric-blocks';
import { metricSeriesLatestIndexSql } from './006-metric-series-latest-index';
import { loggedModelMetricsSql } from './007-logged-model-metrics';
import { runModelInputsSql } from './008-run-model-inputs';
import { pipelineExecutionsSql } from '../../pipelines/migrations/009-pipeline-executions';

/** One schema migration; versions are consecutive from 1. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in the order they are applied. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tracker-core', sql: trackerCoreSql },
  { version: 2, name: 'run-inputs-outputs', sql: runInputsOutputsSql },
  { version: 3, name: 'model-registry', sql: modelRegistrySql },
  { version: 4, name: 'logged-models', sql: loggedModelsSql },
  { version: 5, name: 'metric-blocks', sql: metricBlocksSql },
  { version: 6, name: 'metric-series-latest-index', sql: metricSeriesLatestIndexSql },
  { version: 7, name: 'logged-model-metrics', sql: loggedModelMetricsSql },
  { version: 8, name: 'run-model-inputs', sql: runModelInputsSql },
  { version: 9, name: 'pipeline-executions', sql: pipelineExecutionsSql },
];
