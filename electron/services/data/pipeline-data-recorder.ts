// Puts the tabular deps and outs of pipeline stages into the data catalog as each stage settles:
// every CSV, TSV, Parquet or JSON Lines file (gzip'd or not; not `.json`, which a stage's metrics
// and a model's input example are), or folder of them, becomes a dataset
// version identified by the DVC md5 the pipeline runner already computed ('md5:<hex>'; nothing is
// hashed again), linked to the stage's run as its input (a dep) or output (an out). The runner
// only knows the plain callback this returns; it never imports the data capability.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { DatasetVersion } from '../../../shared/data-models';
import type { SettledStage, StageSettledListener } from '../pipelines/pipeline-runner';
import type { DataService } from './data-service';
import { tableFormatOf } from './table-files';

/** The callback a PipelineService takes as `onStageSettled` to record stages' tabular data in `service`'s catalog; it rejects with every path it could not record. */
export function recordPipelineStageData(service: DataService): StageSettledListener {
  return async (settled: SettledStage) => {
    // The project's dvc.yaml, also for a variant's copy: its data belongs to the same datasets.
    const pipeline = path.join(settled.projectDir, 'dvc.yaml');
    const roles = [
      ...settled.deps.map((item) => ({ item, role: 'dep' as const })),
      ...settled.outs.map((item) => ({ item, role: 'out' as const })),
    ];
    const failures: string[] = [];
    for (const { item, role } of roles) {
      if (item.kind === 'file' && !tableFormatOf(item.absolute, 'met')) continue;
      try {
        const name = pipelineDatasetName(service, settled.projectDir, item.projectPath);
        await service.registerPipelineData(item.absolute, { runId: settled.runId, pipeline, stage: settled.stage, role, name, digest: `md5:${item.md5}` });
      } catch (error) {
        // A folder that holds no table files, or mixes formats, is not a dataset: left out.
        if (item.kind === 'dir' && error instanceof CairnError && error.code === 'INVALID_PARAMETER_VALUE') continue;
        failures.push(`${item.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
  };
}

/**
 * The dataset a pipeline's file or folder is recorded in: the project folder's name and the path
 * in the project ('churn/data/prepared/train.csv'), as the project's runs are in the experiment
 * named after its folder. When another project of the same folder name already holds that name,
 * or the path lies outside the project, the name is the absolute path, so two files are never one dataset.
 */
export function pipelineDatasetName(service: DataService, projectDir: string, projectPath: string): string {
  const absolute = path.isAbsolute(projectPath) ? projectPath : path.join(projectDir, ...projectPath.split('/'));
  if (path.isAbsolute(projectPath)) return absolute;
  const short = `${path.basename(projectDir)}/${projectPath}`;
  const pipeline = path.join(projectDir, 'dvc.yaml');
  return pipelinesOf(service, short).some((other) => other !== pipeline) ? absolute : short;
}

/** The dvc.yaml files whose stages recorded versions of the dataset `name` (none when there is no such dataset). */
function pipelinesOf(service: DataService, name: string): string[] {
  let versions: DatasetVersion[];
  try {
    versions = service.listVersions(name);
  } catch (error) {
    if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return [];
    throw error;
  }
  return versions.flatMap((version) =>
    version.origins.flatMap((origin) => (origin.kind === 'pipeline' && origin.detail ? [(JSON.parse(origin.detail) as { pipeline: string }).pipeline] : [])),
  );
}
