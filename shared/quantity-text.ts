// How counts and sizes read in Cairn's text, the same in the CLI's reports and in the app.

let grouping: Intl.NumberFormat | undefined;

/** A number with thousands separators (made once: `toLocaleString` makes a formatter on every call, 0.1 ms each). */
function grouped(n: number): string {
  grouping ??= new Intl.NumberFormat('en');
  return grouping.format(n);
}

/** A count with its noun, singular for 1: `1 run`, `12,480 runs`, `2 aliases` (with `plural` given). */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${grouped(n)} ${n === 1 ? singular : plural}`;
}

/** A byte count in binary units: `512 B`, `3.4 KB`, `56 MB`, `1.2 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
