// The pipelines capability's schema migrations (executions and their stages). Append only, with
// versions unused by any other capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { pipelineExecutionsSql } from './009-pipeline-executions';

/** The pipelines capability's migrations. */
export const PIPELINE_MIGRATIONS: readonly Migration[] = [{ version: 9, name: 'pipeline-executions', sql: pipelineExecutionsSql }];
