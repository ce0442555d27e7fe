// A schedule trigger's cron expression (five fields, or six with seconds first), read with
// cron-parser: when it fires next, and whether a firing time passed between two moments.
import { CronExpressionParser } from 'cron-parser';

/** A checked cron expression in a time zone. */
export interface CronSchedule {
  readonly expression: string;
  /** An IANA time zone; null for the machine's. */
  readonly timezone: string | null;
}

/** Checks a cron expression (and time zone); returns the reason it is wrong, or null. */
export function cronProblem(expression: string, timezone: string | null): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    return `'${expression}' is not a cron expression: give 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" for 03:00 every day`;
  }
  try {
    CronExpressionParser.parse(expression, timezone ? { tz: timezone } : {}).next();
    return null;
  } catch (error) {
    return `'${expression}'${timezone ? ` in ${timezone}` : ''} is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The first time the schedule fires strictly after `after` (milliseconds since the epoch). */
export function nextFiring(schedule: CronSchedule, after: number): number {
  const parsed = CronExpressionParser.parse(schedule.expression, {
    currentDate: new Date(after),
    ...(schedule.timezone ? { tz: schedule.timezone } : {}),
  });
  return parsed.next().getTime();
}

/** The latest firing time in (since, until], or null when the schedule did not fire in between. */
export function firedBetween(schedule: CronSchedule, since: number, until: number): number | null {
  const parsed = CronExpressionParser.parse(schedule.expression, {
    currentDate: new Date(until + 1),
    ...(schedule.timezone ? { tz: schedule.timezone } : {}),
  });
  const latest = parsed.prev().getTime();
  return latest > since && latest <= until ? latest : null;
}
