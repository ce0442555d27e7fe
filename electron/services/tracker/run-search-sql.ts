// Builds the SQL of a run search. (Interim: order by start time only; the full MLflow
// grammar arrives with shared/search.)
import { CairnError } from '../../../shared/errors';
import type { LifecycleStage } from '../../../shared/models';

/** A run search, already split into its parts. */
export interface RunSearchSpec {
  readonly experimentIds: readonly string[];
  readonly filter: string;
  readonly orderBy: readonly string[];
  readonly stages: readonly LifecycleStage[];
}

/** SQL selecting `runs.*` for the search, without LIMIT/OFFSET, and its bound parameters. */
export function buildRunSearchSql(spec: RunSearchSpec): { sql: string; params: unknown[] } {
  if (spec.filter.trim()) throw new CairnError('INVALID_PARAMETER_VALUE', 'Run filters are not supported yet.');
  return {
    sql: `SELECT runs.* FROM runs
          WHERE runs.experiment_id IN (SELECT value FROM json_each(?))
            AND runs.lifecycle_stage IN (SELECT value FROM json_each(?))
          ORDER BY runs.start_time DESC, runs.run_uuid`,
    params: [JSON.stringify(spec.experimentIds.map(Number)), JSON.stringify(spec.stages)],
  };
}
