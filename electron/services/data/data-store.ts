// The data catalog's store interface: datasets, their versions by content digest, where each was
// met, profiles and drift reports. The SQLite store implements it in the tracker's database.
import type { DatasetOrigin, DatasetProfile, DatasetSummary, DatasetVersion, DriftOptions, DriftReport } from '../../../shared/data-models';
import type { TableFiles } from './table-files';

/** What a write to the catalog changed, announced after it commits. */
export interface DataStoreChange {
  readonly entity: 'dataset';
  readonly datasetId: string;
  readonly versionId?: string;
}

/** A version as recorded: which dataset, which content, from which files. */
export interface VersionInput {
  readonly datasetName: string;
  readonly digest: string;
  readonly files: TableFiles;
}

/** Datasets, versions, origins, profiles and drift reports. Every write is committed when it returns. */
export interface DataStore {
  /** Records a version (creating its dataset by name when new); an existing version of the same content gets the files' current paths and times. */
  recordVersion(input: VersionInput, origin: Omit<DatasetOrigin, 'time'>): DatasetVersion;
  /** Adds another place a version was met; a repeat is ignored. */
  addOrigin(versionId: string, origin: Omit<DatasetOrigin, 'time'>): void;
  listDatasets(): DatasetSummary[];
  /** A dataset by name or id; null when there is none. */
  findDataset(nameOrId: string): DatasetSummary | null;
  /** A dataset's versions, oldest first. */
  listVersions(datasetId: string): DatasetVersion[];
  /** RESOURCE_DOES_NOT_EXIST when there is no such version. */
  getVersion(versionId: string): DatasetVersion;
  /** The digest and dataset of the version seen last that was read from exactly these files (same paths, sizes and times), so they need not be hashed again. */
  knownDigest(files: TableFiles): { readonly digest: string; readonly datasetName: string } | null;
  /** The versions a run used or produced (its MLflow dataset inputs, pipeline deps and outs, checks). */
  versionsOfRun(runId: string): DatasetVersion[];
  saveProfile(versionId: string, profile: DatasetProfile): void;
  getProfile(versionId: string): DatasetProfile | null;
  saveDriftReport(referenceVersionId: string, currentVersionId: string, options: string, report: DriftReport): void;
  getDriftReport(referenceVersionId: string, currentVersionId: string, options: string): DriftReport | null;
  /** A dataset's stored drift choices; null when none were chosen. */
  getDriftSettings(datasetId: string): DriftOptions | null;
  /** Stores a dataset's drift choices (validated by the caller); null forgets them. */
  setDriftSettings(datasetId: string, settings: DriftOptions | null): void;
  /** Registers a listener called after each committed write; returns the unsubscribe function. */
  onChange(listener: (change: DataStoreChange) => void): () => void;
}
