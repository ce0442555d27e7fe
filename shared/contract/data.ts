// The data capability: the dataset catalog, profiles, drift reports and timelines, data checks,
// and the datasets of a run. Calls that can take long (hashing, profiling, comparing, checking)
// take an optional jobId chosen by the caller: their progress is pushed as `data.progress` events
// with that id, and cancelDataJob stops them (the call then fails: INVALID_STATE, "The data job was
// cancelled.").
import { z } from 'zod';
import { DRIFT_TEST_NAMES, type CheckReport, type DatasetProfile, type DatasetSummary, type DatasetVersion, type DriftOptions, type DriftReport, type DriftTimeline } from '../data-models';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';
import { runId } from './request-fields';

/** The name of a call of the data capability. */
export type DataCallName = CapabilityCallName<'data'>;

/** A dataset and its versions, oldest first. */
export interface DatasetDetail {
  readonly dataset: DatasetSummary;
  readonly versions: readonly DatasetVersion[];
}

/**
 * What a dataset's page shows first, in one answer: its versions, the shown version's stored
 * profile, its drift choices, and the stored drift report of its oldest vs newest version.
 */
export interface DatasetPage {
  readonly detail: DatasetDetail;
  /** The stored profile of the version asked for (the newest when none was); null when it was never profiled. */
  readonly profile: DatasetProfile | null;
  readonly driftSettings: DriftOptions;
  /** The oldest vs the newest version under the current drift choices, when that comparison is stored; null otherwise (or with fewer than two versions). */
  readonly drift: DriftReport | null;
}

/** A profile as the profile call answers it: the version, its profile, and whether it came from the store. */
export interface ProfileResult {
  readonly version: DatasetVersion;
  readonly profile: DatasetProfile;
  readonly cached: boolean;
}

/** A dataset input a run logged (mlflow.log_input) that is not in the catalog, and why. */
export interface UnlinkedRunInput {
  readonly name: string;
  readonly digest: string;
  readonly source: string | null;
  readonly reason: string;
}

/** The datasets of a run: the catalog versions it used or produced, and its logged inputs Cairn could not read. */
export interface RunDatasets {
  readonly versions: readonly DatasetVersion[];
  readonly unlinked: readonly UnlinkedRunInput[];
}

/** A recorded data check of a dataset: the report its run stored. */
export interface RecordedCheck {
  readonly runId: string;
  readonly report: CheckReport;
}

const datasetName = z.string().min(1).max(500);
const versionId = z.string().min(1).max(100).regex(/^[0-9a-zA-Z_-]+$/, 'version ids are letters and digits');
/** A caller's id for a long call, to follow its progress and cancel it. */
const jobId = z.string().min(1).max(64).regex(/^[0-9a-zA-Z_-]+$/, 'job ids are letters, digits, "_" and "-"');
const filePath = z.string().trim().min(1, 'give the path of a file or folder').max(4096);
const columnName = z.string().trim().min(1, 'a column needs a name').max(500);
/** A dataset's drift choices; the service checks the rest (thresholds per test, duplicates). */
const driftSettings = z
  .object({
    columns: z
      .record(columnName, z.object({ test: z.enum(DRIFT_TEST_NAMES).optional(), threshold: z.number().positive().finite().optional() }).strict())
      .optional(),
    only: z.array(columnName).max(10_000).readonly().optional(),
    driftShare: z.number().gt(0).max(1).optional(),
  })
  .strict();

/** The calls of the data capability. */
export const dataCalls = {
  /** Every dataset of the catalog with its newest version, most recently seen first. */
  listDatasets: defineCall<DatasetSummary[]>()(z.object({}).strict()),
  /** One dataset (by name or id) and its versions. */
  getDataset: defineCall<DatasetDetail>()(z.object({ dataset: datasetName }).strict()),
  /** A dataset's page in one answer (versions, stored profile, drift choices, stored drift); nothing is computed. */
  openDataset: defineCall<DatasetPage>()(z.object({ dataset: datasetName, versionId: versionId.optional() }).strict()),
  /** Adds a file or folder on this machine as a version of a dataset (named after the file unless `name` is given). */
  addDataset: defineCall<DatasetVersion>()(z.object({ path: filePath, name: datasetName.optional(), jobId: jobId.optional() }).strict()),
  /** A version's stored profile (null when it was never profiled). */
  getDatasetProfile: defineCall<{ profile: DatasetProfile | null }>()(z.object({ versionId }).strict()),
  /** Profiles a version (answered from the store when it was profiled before, unless `refresh`). */
  profileDataset: defineCall<ProfileResult>()(z.object({ versionId, refresh: z.boolean().default(false), jobId: jobId.optional() }).strict()),
  /** Reference vs current with Evidently's defaults; stored, so asking again is instant. */
  compareDatasets: defineCall<DriftReport>()(
    z.object({ referenceVersionId: versionId, currentVersionId: versionId, jobId: jobId.optional() }).strict(),
  ),
  /** A dataset's drift choices (columns to compare, test and threshold per column, drift share); empty when none were chosen. */
  getDriftSettings: defineCall<DriftOptions>()(z.object({ dataset: datasetName }).strict()),
  /** Stores a dataset's drift choices, used when its versions are compared; empty settings forget them. Answers them as stored. */
  setDriftSettings: defineCall<DriftOptions>()(z.object({ dataset: datasetName, settings: driftSettings }).strict()),
  /** Each version of a dataset against a reference version (default: the one the @champion or latest Production model trained on, else its oldest): drift and missing share per column over time. */
  getDriftTimeline: defineCall<DriftTimeline>()(
    z.object({ dataset: datasetName, referenceVersionId: versionId.optional(), jobId: jobId.optional() }).strict(),
  ),
  /** Runs a checks file (YAML) on a version and records the check as a tracked run. */
  runDataChecks: defineCall<RecordedCheck>()(
    z.object({ versionId, checksFile: filePath, referenceVersionId: versionId.optional(), jobId: jobId.optional() }).strict(),
  ),
  /** The recorded checks of a dataset's versions, newest first. */
  listDataChecks: defineCall<RecordedCheck[]>()(z.object({ dataset: datasetName }).strict()),
  /** The datasets a run used or produced. */
  getRunDatasets: defineCall<RunDatasets>()(z.object({ runId }).strict()),
  /** Cancels a running long call; false when no call with that id is running. */
  cancelDataJob: defineCall<{ cancelled: boolean }>()(z.object({ jobId }).strict()),
} satisfies CapabilityCalls<DataCallName>;
