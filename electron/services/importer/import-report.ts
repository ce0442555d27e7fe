// What an import has done so far: the counts of what it brought in, what it skipped and why, and
// its progress (runs, logged models, bytes of metric files read), reported as it advances.
import path from 'node:path';
import type { ImportSkip, ImportSkipKind, MlflowImportOptions, MlflowImportSummary } from './mlflow-file-store-importer';
import type { MalformedSourceError } from './mlflow-file-store-reader';
import type { SkippedLink } from './source-tree';

/** The counts of an import summary. */
export type ImportCounters = {
  -readonly [K in Exclude<keyof MlflowImportSummary, 'source' | 'dryRun' | 'skipped' | 'elapsedMs'>]: number;
};

/** A run or logged model as planned: how many bytes of metric files it has. */
interface MetricBytes {
  readonly metricBytes: number;
}

/** The running tally of one import, from which its summary and its progress reports are made. */
export class ImportReport {
  readonly counters: ImportCounters = {
    experimentsCreated: 0,
    experimentsMatched: 0,
    experimentTags: 0,
    runs: 0,
    runsResumed: 0,
    params: 0,
    tags: 0,
    metricPoints: 0,
    datasetInputs: 0,
    artifactFiles: 0,
    artifactBytes: 0,
    loggedModels: 0,
    loggedModelParams: 0,
    loggedModelTags: 0,
    loggedModelMetricPoints: 0,
    registeredModels: 0,
    modelVersions: 0,
    aliases: 0,
  };
  private readonly started = Date.now();
  private readonly skipped: ImportSkip[] = [];
  private readonly unknownFields = new Map<string, { subject: string; path: string; count: number }>();
  private runsDone = 0;
  private runsTotal = 0;
  private modelsDone = 0;
  private modelsTotal = 0;
  /** Metric bytes of the runs and models done, and bytes read so far of the one being imported. */
  private metricBytesSettled = 0;
  private currentEntryBytes = 0;
  private metricBytesTotal = 0;

  constructor(private readonly onProgress: MlflowImportOptions['onProgress']) {}

  /** Sets what the import has to do, once everything is planned, and reports the start. */
  plan(runs: readonly MetricBytes[], models: readonly MetricBytes[]): void {
    this.runsTotal = runs.length;
    this.modelsTotal = models.length;
    this.metricBytesTotal = [...runs, ...models].reduce((sum, entry) => sum + entry.metricBytes, 0);
    this.reportProgress();
  }

  skip(kind: ImportSkipKind, subject: string, file: string | null, line: number | null, reason: string): void {
    this.skipped.push({ kind, subject, path: file, line, reason, count: 1 });
  }

  /** Adds skips made elsewhere (malformed metric lines, refused metric points), as they are. */
  addSkips(skips: readonly ImportSkip[]): void {
    this.skipped.push(...skips);
  }

  /** Reports a symbolic link that was not followed, with where it points; it is named by its path inside `root` when it is in there. */
  skipLink(link: SkippedLink, root: string): void {
    const relative = path.relative(root, link.path);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? link.path : relative;
    const reason =
      link.reason === 'outside'
        ? `it points outside the mlruns folder, to ${link.target}: not followed, nothing of it is copied`
        : link.reason === 'loop'
          ? `it points back to ${link.target}, a folder that contains it (a loop): not followed`
          : `it points to ${link.target}, which does not exist`;
    this.skipped.push({ kind: 'symlink', subject: `symbolic link ${shown}`, path: link.path, line: null, reason, count: 1, target: link.target });
  }

  skipMalformed(subject: string, error: MalformedSourceError): void {
    this.skip('malformed', subject, error.file, error.line, error.message);
  }

  /** Notes fields of a meta.yaml file that the reader does not know; each field is reported once, with a count. */
  noteUnknownFields(kind: string, fields: readonly string[], file: string): void {
    for (const field of fields) {
      const key = `${kind}\0${field}`;
      const seen = this.unknownFields.get(key);
      if (seen) seen.count++;
      else this.unknownFields.set(key, { subject: `field '${field}' of ${kind}`, path: file, count: 1 });
    }
  }

  /** Counts bytes read of the metric files of the run or logged model being imported. */
  metricBytesRead(bytes: number): void {
    this.currentEntryBytes += bytes;
  }

  /** Counts a run as done, imported or skipped: all its metric bytes are settled, so the estimate stays right. */
  finishRun(run: MetricBytes): void {
    this.runsDone++;
    this.settleMetricBytes(run.metricBytes);
  }

  /** Counts a logged model as done, imported or skipped, as finishRun does a run. */
  finishModel(model: MetricBytes): void {
    this.modelsDone++;
    this.settleMetricBytes(model.metricBytes);
  }

  reportProgress(): void {
    this.onProgress?.({
      runsDone: this.runsDone,
      runsTotal: this.runsTotal,
      modelsDone: this.modelsDone,
      modelsTotal: this.modelsTotal,
      metricPoints: this.counters.metricPoints + this.counters.loggedModelMetricPoints,
      metricBytesDone: this.metricBytesSettled + this.currentEntryBytes,
      metricBytesTotal: this.metricBytesTotal,
      elapsedMs: Date.now() - this.started,
    });
  }

  /** The summary of the import: the counts, then every skip (unknown fields last, one per field). */
  summary(source: string, dryRun: boolean): MlflowImportSummary {
    const unknown = [...this.unknownFields.values()].map(
      (entry): ImportSkip => ({ kind: 'unknown-field', subject: entry.subject, path: entry.path, line: null, reason: 'ignored', count: entry.count }),
    );
    return { source, dryRun, ...this.counters, skipped: [...this.skipped, ...unknown], elapsedMs: Date.now() - this.started };
  }

  private settleMetricBytes(bytes: number): void {
    this.metricBytesSettled += bytes;
    this.currentEntryBytes = 0;
    this.reportProgress();
  }
}
