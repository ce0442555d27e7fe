// How values read in tables: metric numbers, durations, times and counts.

/** A formatter made when first used: each costs milliseconds to make, and a page's first paint waits for those it makes. */
function lazily<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const COUNT = lazily(() => new Intl.NumberFormat('en-US'));
const FULL = lazily(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' }));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Makes the tooltips' date formatter ahead of its first use: it (with the time zone's name) takes
 * 20 to 40 ms to make, which the first page showing a date's tooltip would otherwise wait for.
 */
export function prepareDateFormatters(): void {
  FULL();
}

/** A count with thousands separators: 10,000. */
export function formatCount(count: number): string {
  // Whole counts are grouped here: the run count is on a table's first paint, which would wait for the formatter.
  if (!Number.isSafeInteger(count)) return COUNT().format(count);
  return `${count < 0 ? '-' : ''}${String(Math.abs(count)).replace(/\B(?=(\d{3})+$)/g, ',')}`;
}

/** A metric value in at most 5 significant digits (exponent form when very large or small); NaN and infinities by name. */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(5)));
}

/** A duration: 850 ms, 42 s, 3 min 5 s, 2 h 4 min, 3 d 2 h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * A time of day with its date in local time, the year only when it is not this year: `Dec 6,
 * 03:19 PM`, `Dec 6, 2025, 03:19 PM`, as en-US writes them (the app's language). Written by hand:
 * the first date formatter a page makes costs 25 to 90 ms (the engine loads its locale data), and
 * a runs table's first paint shows dates.
 */
export function formatDateTime(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '';
  const hours = date.getHours();
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  const time = `${twoDigits(hours % 12 === 0 ? 12 : hours % 12)}:${twoDigits(date.getMinutes())} ${hours < 12 ? 'AM' : 'PM'}`;
  const year = date.getFullYear() === new Date(now).getFullYear() ? '' : `, ${date.getFullYear()}`;
  return `${MONTHS[date.getMonth()]} ${date.getDate()}${year}, ${time}`;
}

/** The full date and time, for tooltips. */
export function formatFullDateTime(ms: number): string {
  return FULL().format(new Date(ms));
}

/** How long ago: just now, 5 min ago, 3 h ago, 2 days ago, then the date. */
export function formatRelativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return formatDateTime(ms, now);
}
