// Puts the tabular deps and outs of pipeline stages into the data catalog as each stage settles:
// every CSV, TSV, Parquet or JSON Lines file (gzip'd or not), or folder of them, becomes a dataset
// version identified by the DVC md5 the pipeline runner already computed ('md5:<hex>'; nothing is
// hashed again), linked to the stage's run as its input (a dep) or output (an out). The runner
// only knows the plain callback this returns; it never imports the data capability.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { SettledStage, StageSettledListener } from '../pipelines/pipeline-runner';
import type { DataService } from './data-service';
import { tableFormatOf } from './table-files';

/** The callback a PipelineService takes as `onStageSettled` to record stages' tabular data in `service`'s catalog; it rejects with every path it could not record. */
export function recordPipelineStageData(service: DataService): StageSettledListener {
  return async (settled: SettledStage) => {
    const pipeline = path.join(settled.workspaceDir, 'dvc.yaml');
    const roles = [
      ...settled.deps.map((item) => ({ item, role: 'dep' as const })),
      ...settled.outs.map((item) => ({ item, role: 'out' as const })),
    ];
    const failures: string[] = [];
    for (const { item, role } of roles) {
      if (item.kind === 'file' && !tableFormatOf(item.absolute)) continue;
      try {
        await service.registerPipelineData(item.absolute, { runId: settled.runId, pipeline, stage: settled.stage, role, digest: `md5:${item.md5}` });
      } catch (error) {
        // A folder that holds no table files, or mixes formats, is not a dataset: left out.
        if (item.kind === 'dir' && error instanceof CairnError && error.code === 'INVALID_PARAMETER_VALUE') continue;
        failures.push(`${item.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
  };
}
