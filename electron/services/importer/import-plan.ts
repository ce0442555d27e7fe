// The first step of an import: every experiment's, run's and logged model's meta.yaml is read and
// every metric file sized before anything is written, so a malformed folder is set aside whole
// and the progress has a known end.
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import type { ImportContext } from './import-context';
import {
  hasMetaFile,
  listExperimentFolders,
  listLoggedModelFolders,
  listMetricFiles,
  listRunFolders,
  MalformedSourceError,
  readExperiment,
  readLoggedModel,
  readRunMeta,
  type MlflowExperiment,
  type MlflowLoggedModel,
  type MlflowMetricFile,
  type MlflowRunMeta,
} from './mlflow-file-store-reader';

/** A run or logged model found in the source: its meta.yaml and its metric files. */
export interface PlannedEntity<Meta> {
  readonly meta: Meta;
  readonly metricFiles: readonly MlflowMetricFile[];
  readonly metricBytes: number;
}

/** A run to import. */
export type PlannedRun = PlannedEntity<MlflowRunMeta>;
/** A logged model to import. */
export type PlannedLoggedModel = PlannedEntity<MlflowLoggedModel>;

/** An experiment to import, with its runs, its logged models and its other (reserved) folders. */
export interface PlannedExperiment {
  readonly experiment: MlflowExperiment;
  readonly runs: readonly PlannedRun[];
  readonly models: readonly PlannedLoggedModel[];
  readonly reserved: readonly string[];
}

/** Reads every experiment's, run's and logged model's meta.yaml and sizes the metric files, before anything is written. */
export async function planImport(context: ImportContext): Promise<PlannedExperiment[]> {
  const { root, report, tree } = context;
  const experimentName = context.options.experimentName;
  const planned: PlannedExperiment[] = [];
  let matchedName = false;
  for (const found of await listExperimentFolders(tree)) {
    if (!(await hasMetaFile(tree, found.folder)) && (await listRunFolders(tree, found.folder)).runs.length === 0) continue;
    let experiment: MlflowExperiment;
    try {
      experiment = await readExperiment(tree, found);
    } catch (error) {
      if (!(error instanceof MalformedSourceError)) throw error;
      const runCount = (await listRunFolders(tree, found.folder)).runs.length;
      const modelCount = (await listLoggedModelFolders(tree, found.folder)).length;
      const contents = `its ${runCount} run folder(s)${andLoggedModels(modelCount, 'logged model folder(s)')}`;
      report.skipMalformed(`experiment folder ${found.experimentId} and ${contents}`, error);
      continue;
    }
    if (experimentName !== undefined && experiment.name.trim() !== experimentName.trim()) continue;
    matchedName = true;
    report.noteUnknownFields('experiment meta.yaml', experiment.unknownFields, path.join(found.folder, 'meta.yaml'));
    const { runs: runFolders, reserved } = await listRunFolders(tree, found.folder);
    const runs = await planFolders(context, 'run', runFolders, experiment.name, (folder) => readRunMeta(tree, folder, found.experimentId));
    const models = await planFolders(context, 'logged model', await listLoggedModelFolders(tree, found.folder), experiment.name, (folder) =>
      readLoggedModel(tree, folder, found.experimentId),
    );
    planned.push({ experiment, runs, models, reserved });
  }
  if (experimentName !== undefined && !matchedName) {
    throw new CairnError('RESOURCE_DOES_NOT_EXIST', `${root} has no experiment named '${experimentName}'.`);
  }
  return planned;
}

/** " and N logged model(s)", when there are any, for the subject of a skipped experiment. */
export function andLoggedModels(count: number, noun = 'logged model(s)'): string {
  return count > 0 ? ` and ${count} ${noun}` : '';
}

/** Reads each folder's meta.yaml and lists its metric files; a malformed folder is skipped with its reason. */
async function planFolders<Meta extends { readonly unknownFields: readonly string[] }>(
  { report, tree }: ImportContext,
  kind: 'run' | 'logged model',
  folders: readonly string[],
  experimentName: string,
  readMeta: (folder: string) => Promise<Meta>,
): Promise<Array<PlannedEntity<Meta>>> {
  const planned: Array<PlannedEntity<Meta>> = [];
  for (const folder of folders) {
    try {
      const meta = await readMeta(folder);
      report.noteUnknownFields(`${kind} meta.yaml`, meta.unknownFields, path.join(folder, 'meta.yaml'));
      const metricFiles = await listMetricFiles(tree, folder);
      planned.push({ meta, metricFiles, metricBytes: metricFiles.reduce((sum, file) => sum + file.size, 0) });
    } catch (error) {
      if (!(error instanceof MalformedSourceError)) throw error;
      report.skipMalformed(`${kind} folder ${path.basename(folder)} in experiment '${experimentName}'`, error);
    }
  }
  return planned;
}
