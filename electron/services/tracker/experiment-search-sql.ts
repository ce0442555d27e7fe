// Builds the SQL of an experiment search. (Interim: no filter; the full grammar arrives with shared/search.)
import { CairnError } from '../../../shared/errors';
import type { LifecycleStage } from '../../../shared/models';

/** An experiment search, already split into its parts. */
export interface ExperimentSearchSpec {
  readonly filter: string;
  readonly orderBy: readonly string[];
  readonly stages: readonly LifecycleStage[];
}

/** SQL selecting `experiments.*` for the search, without LIMIT/OFFSET, and its bound parameters. */
export function buildExperimentSearchSql(spec: ExperimentSearchSpec): { sql: string; params: unknown[] } {
  if (spec.filter.trim()) throw new CairnError('INVALID_PARAMETER_VALUE', 'Experiment filters are not supported yet.');
  return {
    sql: `SELECT experiments.* FROM experiments
          WHERE experiments.lifecycle_stage IN (SELECT value FROM json_each(?))
          ORDER BY experiments.last_update_time DESC, experiments.experiment_id`,
    params: [JSON.stringify(spec.stages)],
  };
}
