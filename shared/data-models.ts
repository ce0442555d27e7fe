// Plain, readonly entities of the data capability: datasets and their versions, profiles,
// drift reports and timelines, and data-check reports. The main side produces them; the
// renderer (through the contract) and the CLI show them.

/** A table format Cairn reads; any of them may be gzip'd except Parquet. */
export type TableFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl';

/** One file of a dataset version as it was when read. */
export interface DatasetFile {
  /** Absolute path. */
  readonly path: string;
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly modifiedTime: number;
}

/** Where Cairn met a dataset version: added by a person, a run's input, a pipeline's dep or out, a data check. */
export interface DatasetOrigin {
  readonly kind: 'added' | 'run-input' | 'pipeline' | 'check';
  /** The run that used or produced it (run inputs, pipeline stages, checks). */
  readonly runId: string | null;
  /** What else identifies the origin: the MLflow dataset name and context, the pipeline stage and role. */
  readonly detail: string | null;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** What a pipeline origin's detail says: the project's dvc.yaml, the stage (`prepare`, `train@0`) and whether the data was its dep or out. */
export interface PipelineOriginDetail {
  readonly pipeline: string;
  readonly stage: string;
  readonly role: 'dep' | 'out';
}

/** The stage a version met in a pipeline came from; null for other origins or a detail that does not say. */
export function pipelineOriginDetail(origin: DatasetOrigin): PipelineOriginDetail | null {
  if (origin.kind !== 'pipeline' || !origin.detail) return null;
  try {
    const detail = JSON.parse(origin.detail) as Partial<PipelineOriginDetail>;
    if (typeof detail.stage !== 'string' || (detail.role !== 'dep' && detail.role !== 'out')) return null;
    return { pipeline: typeof detail.pipeline === 'string' ? detail.pipeline : '', stage: detail.stage, role: detail.role };
  } catch {
    return null;
  }
}

/** One version of a dataset: its content, identified by digest. */
export interface DatasetVersion {
  readonly versionId: string;
  readonly datasetId: string;
  readonly datasetName: string;
  /**
   * 'sha256:<hex>' of the file, or of the folder's sorted file list with each file's digest; for
   * a pipeline stage's dep or out, the DVC hash its run computed: 'md5:<hex>' ('md5:<hex>.dir' for a folder).
   */
  readonly digest: string;
  /** The file or folder it was read from. */
  readonly path: string;
  readonly format: TableFormat;
  readonly gzip: boolean;
  readonly files: readonly DatasetFile[];
  readonly bytes: number;
  /** Milliseconds since the epoch: when Cairn first saw this content. */
  readonly createdTime: number;
  /** Whether a profile is stored for it. */
  readonly profiled: boolean;
  readonly origins: readonly DatasetOrigin[];
}

/** The first `length` hex digits of a version's digest, without its scheme ('sha256:', 'md5:'). */
export function shortDigest(digest: string, length: number): string {
  return digest.replace(/^[a-z0-9]+:/, '').slice(0, length);
}

/** A dataset: a name whose versions are told apart by content digest. */
export interface DatasetSummary {
  readonly datasetId: string;
  readonly name: string;
  readonly createdTime: number;
  readonly versionCount: number;
  /** The version seen last; null only while the dataset is being added. */
  readonly latestVersion: DatasetVersion | null;
  /** The size of the latest version as its stored profile says; null when it was not profiled. */
  readonly latestProfile: ProfileHeadline | null;
  /** The runs that used, produced or checked any of its versions, most recent first. */
  readonly runIds: readonly string[];
}

/** A profile's size and time, for lists. */
export interface ProfileHeadline {
  readonly rows: number;
  readonly columnCount: number;
  /** Milliseconds since the epoch. */
  readonly profiledTime: number;
}

/** The kind of a column as a profile shows it. */
export type ProfileColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text';

/** A histogram bar: [lower, upper) except the last, which includes its upper edge. Datetimes in milliseconds since the epoch. */
export interface HistogramBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** A value and how often it occurs. */
export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

/** Quantiles 1, 5, 25, 50, 75, 95 and 99 (linear interpolation, as numpy's default). */
export interface ColumnQuantiles {
  readonly p01: number;
  readonly p05: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
}

/** Values of a text column that look like numbers next to values that do not. */
export interface MixedTypes {
  readonly numericValues: number;
  readonly otherValues: number;
  /** A few of the values that are not numbers. */
  readonly examples: readonly string[];
}

/** The profile of one column. Numbers of datetime columns are milliseconds since the epoch. */
export interface ColumnProfile {
  readonly name: string;
  /** The type the engine read it as (DuckDB's name: BIGINT, DOUBLE, VARCHAR, DATE, ...). */
  readonly storageType: string;
  readonly type: ProfileColumnType;
  /** Values present (not missing). */
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
  /** Whether `distinct` is a HyperLogLog estimate (tables of more than a million rows). */
  readonly distinctApproximate: boolean;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1), as pandas' describe. */
  readonly std: number | null;
  readonly quantiles: ColumnQuantiles | null;
  /** For numeric and datetime columns. */
  readonly histogram: readonly HistogramBin[] | null;
  /** For categorical, boolean and text columns: the most frequent values, most frequent first. */
  readonly topValues: readonly ValueCount[] | null;
  /** Set when a text column holds numbers among other values. */
  readonly mixedTypes: MixedTypes | null;
}

/** What was wrong in a file that was profiled anyway. */
export type DataIssueKind =
  | 'malformed-line'
  | 'invalid-encoding'
  | 'line-too-long'
  | 'mixed-types'
  | 'empty-file'
  | 'header-only'
  | 'unreadable';

/** One problem found while reading, with where it was. */
export interface DataIssue {
  readonly kind: DataIssueKind;
  readonly file: string;
  /** 1-based line in the file, when the problem is on a line. */
  readonly line: number | null;
  readonly column: string | null;
  readonly message: string;
}

/** The problems met while reading: how many, and the first ones. */
export interface DataIssues {
  readonly total: number;
  /** Rows left out of the table because their line could not be read. */
  readonly skippedRows: number;
  readonly examples: readonly DataIssue[];
}

/** A dataset version's profile. */
export interface DatasetProfile {
  readonly rows: number;
  readonly columnCount: number;
  readonly bytes: number;
  readonly fileCount: number;
  readonly format: TableFormat;
  readonly columns: readonly ColumnProfile[];
  readonly issues: DataIssues;
  /** Whether any figure is an estimate (distinct counts past a million rows). */
  readonly approximate: boolean;
  /** Milliseconds since the epoch. */
  readonly profiledTime: number;
  readonly durationMs: number;
  /** The engine that read it, e.g. 'DuckDB v1.5.6'. */
  readonly engine: string;
}

/** Evidently's names of the drift tests Cairn computes. */
export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi' | 'kl_div';

/** Every drift test name, for validation. */
export const DRIFT_TEST_NAMES: readonly DriftTestName[] = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi', 'kl_div'];

/** A column's kind as Evidently 0.7 infers it from the current data; only num, cat and text are drift columns. */
export type DriftColumnKind = 'num' | 'cat' | 'text' | 'datetime' | 'unknown';

/** Both sides' shares over the same bins (numeric) or values (categorical), for overlaid histograms. */
export type DriftDistribution =
  | {
      readonly kind: 'bins';
      /** Bin edges, one more than the shares. */
      readonly edges: readonly number[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
    }
  | {
      readonly kind: 'values';
      readonly values: readonly string[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
    };

/** One column's drift between reference and current. */
export interface ColumnDrift {
  readonly column: string;
  readonly kind: DriftColumnKind;
  /** Null when the column was not tested (see reason). */
  readonly test: DriftTestName | null;
  /** The p-value (ks, chisquare, z) or distance (the others) Evidently reports. */
  readonly score: number | null;
  readonly threshold: number | null;
  readonly drift: boolean;
  /** Why the column was not tested; null when it was. */
  readonly reason: string | null;
  /** Values left after cleaning (±inf and missing dropped). */
  readonly referenceValues: number;
  readonly currentValues: number;
  /** Distinct non-missing values of both sides together; null past 1,000 (numeric columns are not counted further). */
  readonly distinctValues: number | null;
  readonly referenceMissingShare: number;
  readonly currentMissingShare: number;
  readonly distribution: DriftDistribution | null;
}

/** The dataset's verdict: it drifts when drifted / tested columns ≥ driftShare. */
export interface DatasetDriftSummary {
  readonly driftedColumns: number;
  readonly testedColumns: number;
  readonly share: number;
  readonly driftShare: number;
  readonly drift: boolean;
}

/** One side of a comparison. */
export interface DriftSide {
  /** A dataset version or a file name. */
  readonly label: string;
  readonly path: string;
  readonly versionId: string | null;
  readonly rows: number;
}

/** Reference vs current, per column and for the dataset. */
export interface DriftReport {
  readonly reference: DriftSide;
  readonly current: DriftSide;
  readonly columns: readonly ColumnDrift[];
  readonly dataset: DatasetDriftSummary;
  /** Milliseconds since the epoch. */
  readonly computedTime: number;
  readonly durationMs: number;
}

/** A column's test and threshold, chosen instead of Evidently's default. */
export interface ColumnDriftChoice {
  readonly test?: DriftTestName;
  readonly threshold?: number;
}

/** How to compare: per-column choices, the share of drifted columns that makes the dataset drift, which columns. */
export interface DriftOptions {
  readonly columns?: Readonly<Record<string, ColumnDriftChoice>>;
  /** Only these columns (default: every column of both sides). */
  readonly only?: readonly string[];
  /** Default 0.5, as Evidently's drift_share. */
  readonly driftShare?: number;
}

/** One batch of a timeline: each column's score and missing share against the reference. */
export interface DriftTimelinePoint {
  readonly label: string;
  readonly path: string;
  readonly versionId: string | null;
  readonly rows: number;
  readonly dataset: DatasetDriftSummary;
  readonly columns: readonly {
    readonly column: string;
    readonly test: DriftTestName | null;
    readonly score: number | null;
    readonly drift: boolean;
    readonly missingShare: number;
  }[];
}

/** Drift over time: one point per version or batch file, in order. */
export interface DriftTimeline {
  readonly reference: DriftSide;
  readonly points: readonly DriftTimelinePoint[];
}

/** The kinds of rule a checks file can hold. */
export type CheckRuleKind =
  | 'column-present'
  | 'column-type'
  | 'not-null'
  | 'max-missing'
  | 'unique'
  | 'range'
  | 'allowed-values'
  | 'pattern'
  | 'row-count'
  | 'sql'
  | 'no-drift';

/** One rule's outcome. */
export interface CheckRuleResult {
  /** What the rule says, e.g. "age: between 0 and 120". */
  readonly name: string;
  readonly kind: CheckRuleKind;
  readonly column: string | null;
  readonly passed: boolean;
  /** Rows (or columns, for no-drift) that fail it. */
  readonly failingCount: number;
  /** A few failing values, as text (with their row number where there is one). */
  readonly examples: readonly string[];
  /** One sentence a person can act on. */
  readonly message: string;
}

/** A data check's outcome. */
export interface CheckReport {
  readonly data: DriftSide & { readonly digest: string | null };
  readonly reference: DriftSide | null;
  readonly checksFile: string | null;
  readonly rules: readonly CheckRuleResult[];
  readonly passed: number;
  readonly failed: number;
  /** Problems met while reading the data. */
  readonly issues: DataIssues;
  /** The tracked run the check was recorded as, when it was. */
  readonly runId: string | null;
  /** Milliseconds since the epoch. */
  readonly checkedTime: number;
  readonly durationMs: number;
}

/** How far long data work has come. */
export interface DataJobProgress {
  readonly stage: 'hashing' | 'reading' | 'profiling' | 'comparing' | 'checking';
  /** The file or dataset being worked on. */
  readonly subject: string;
  /** 0..1 when known. */
  readonly fraction: number | null;
  /** Rows read so far; an estimate from bytes while a text file is being read. */
  readonly rowsRead: number | null;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}
