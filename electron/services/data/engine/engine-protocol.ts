// The messages between the data engine (main side) and its worker thread: the jobs the worker
// runs, their results, and progress. Everything here crosses postMessage, so it is plain data.
import type { ErrorPayload } from '../../../../shared/errors';
import type { CheckRuleResult, DataIssues, DataJobProgress, DatasetProfile, DriftOptions, DriftReport } from '../../../../shared/data-models';
import type { CheckRule } from '../checks/check-rules';
import type { TableFiles } from '../table-files';

/** Hash the files of a dataset version. */
export interface DigestJob {
  readonly kind: 'digest';
  readonly files: TableFiles;
}

/** Hash (unless the digest is known) and profile a dataset version. */
export interface ProfileJob {
  readonly kind: 'profile';
  readonly files: TableFiles;
  /** The digest already known for exactly these files (same sizes and times), to skip hashing. */
  readonly knownDigest: string | null;
}

/** One side of a drift comparison. */
export interface DriftSideInput {
  readonly label: string;
  readonly files: TableFiles;
  readonly versionId: string | null;
}

/** Compare each current with the reference (one current: a report; several: a timeline). */
export interface DriftJob {
  readonly kind: 'drift';
  readonly reference: DriftSideInput;
  readonly currents: readonly DriftSideInput[];
  readonly options: DriftOptions;
  /** Leave per-column distributions out (timelines do not show them). */
  readonly withoutDistributions?: boolean;
}

/** Evaluate check rules on a dataset (and drift rules against a reference). */
export interface CheckJob {
  readonly kind: 'check';
  readonly data: DriftSideInput;
  readonly reference: DriftSideInput | null;
  readonly rules: readonly CheckRule[];
  /** Hash the data too (to record it as a dataset version). */
  readonly digest: boolean;
}

/** Any job the worker runs. */
export type EngineJob = DigestJob | ProfileJob | DriftJob | CheckJob;

/** What a profile job answers. */
export interface ProfileJobResult {
  readonly digest: string;
  readonly profile: DatasetProfile;
}

/** What a check job answers. */
export interface CheckJobResult {
  readonly digest: string | null;
  readonly rows: number;
  readonly referenceRows: number | null;
  readonly rules: readonly CheckRuleResult[];
  readonly issues: DataIssues;
}

/** The result type of each job kind. */
export interface EngineJobResults {
  digest: { readonly digest: string };
  profile: ProfileJobResult;
  drift: { readonly reports: readonly DriftReport[] };
  check: CheckJobResult;
}

/** Main side → worker. `cancel` is shared memory: the main side sets its first slot to 1 to cancel. */
export type ToWorker =
  | { readonly type: 'run'; readonly jobId: number; readonly job: EngineJob; readonly cancel: SharedArrayBuffer }
  | { readonly type: 'close' };

/** Worker → main side. */
export type FromWorker =
  | { readonly type: 'progress'; readonly jobId: number; readonly progress: DataJobProgress }
  | { readonly type: 'done'; readonly jobId: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly jobId: number; readonly error: ErrorPayload; readonly cancelled: boolean }
  | { readonly type: 'closed' };
