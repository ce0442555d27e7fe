// The shape every benchmark reports, and the machine description printed with the figures.
import os from 'node:os';

/** One measured figure and the target it is held to. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target in words, e.g. "≥ 300000" or "≤ 50 ms"; "none set" when there is none. */
  readonly target: string;
}

/** A benchmark: a name to select it by and the function that measures it. */
export interface Benchmark {
  readonly name: string;
  readonly run: () => Promise<BenchFigure[]>;
}

/** One line naming the machine the figures came from, and its load average (1, 5, 15 minutes) when the run started. */
export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = Math.round(os.totalmem() / 2 ** 30);
  const load = os.loadavg().map((value) => value.toFixed(2)).join(' ');
  return `${cpu}, ${os.cpus().length} cores, ${memory} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load average ${load}`;
}

/** The median of a list of samples. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
