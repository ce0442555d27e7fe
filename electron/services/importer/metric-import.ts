// Streams metric files into chunks of points for logBatch, counting bytes read as it goes and
// tallying malformed lines per file, for a run's metrics and a logged model's alike.
import path from 'node:path';
import type { ImportSkip } from './mlflow-file-store-importer';
import type { ImportContext } from './import-context';
import { readMetricLines, type MalformedMetricLine, type MlflowMetricFile } from './mlflow-file-store-reader';

/** Metric points per logBatch call, unless the options say otherwise. */
const DEFAULT_METRIC_CHUNK = 20_000;

/**
 * Streams the files' lines through parseLine and hands the points to `write` in chunks of up to
 * the import's chunk size (never an empty one). Malformed lines are reported once per file, naming `owner`.
 */
export async function streamMetricChunks<Point>(
  { options, report }: ImportContext,
  files: readonly MlflowMetricFile[],
  parseLine: (key: string, line: string) => Point | null | string,
  owner: string,
  write: (chunk: Point[]) => Promise<void>,
): Promise<void> {
  const chunkSize = options.metricChunkSize ?? DEFAULT_METRIC_CHUNK;
  let chunk: Point[] = [];
  const malformed = new MalformedLineTally();
  for (const file of files) {
    for await (const batch of readMetricLines(file, parseLine, (line) => malformed.add(line))) {
      report.metricBytesRead(batch.bytesRead);
      for (const point of batch.points) {
        chunk.push(point);
        if (chunk.length >= chunkSize) {
          await write(chunk);
          chunk = [];
        }
      }
    }
  }
  if (chunk.length > 0) await write(chunk);
  report.addSkips(malformed.skips(owner));
}

/** Malformed lines of metric files, tallied per file: each file is reported once, with its first bad line. */
class MalformedLineTally {
  private readonly byFile = new Map<string, { first: MalformedMetricLine; count: number }>();

  add(line: MalformedMetricLine): void {
    const seen = this.byFile.get(line.file);
    if (seen) seen.count++;
    else this.byFile.set(line.file, { first: line, count: 1 });
  }

  /** One skip per file, naming the run or logged model (`owner`) the file belongs to. */
  skips(owner: string): ImportSkip[] {
    return [...this.byFile.values()].map(({ first, count }) => ({
      kind: 'malformed',
      subject: `${count} line(s) of metric '${path.basename(first.file)}' of ${owner}`,
      path: first.file,
      line: first.line,
      reason: count > 1 ? `${first.reason} (first of ${count} malformed lines)` : first.reason,
      count,
    }));
  }
}
