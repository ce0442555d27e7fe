// What every part of an import shares: where it reads from, the stores it writes to, whether it is
// a dry run, and the report it adds to.
import type { ImportReport } from './import-report';
import type { MlflowImportOptions } from './mlflow-file-store-importer';
import type { SourceTree } from './source-tree';

/** The run tag that marks a run as completely imported; its value is the mlruns folder it came from. */
export const IMPORT_SOURCE_TAG = 'cairn.import.source';

/** One import under way. */
export interface ImportContext {
  /** The mlruns folder. */
  readonly root: string;
  /** The mlruns folder as the import reads it (which symbolic links it follows). */
  readonly tree: SourceTree;
  readonly options: MlflowImportOptions;
  /** Report what would be imported, and write nothing. */
  readonly dryRun: boolean;
  readonly report: ImportReport;
}

/** The Cairn experiment a source experiment's runs go into; ids are null in a dry run that would create it. */
export interface TargetExperiment {
  readonly experimentId: string | null;
  readonly artifactLocation: string | null;
}

/** An error's message, for a skip's reason. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
