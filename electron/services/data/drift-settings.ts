// A dataset's drift choices: which columns to compare, a test and threshold per column, and the
// share of drifted columns that makes the dataset drift. Checked before they are stored, and
// laid under the choices a single comparison makes (those win, column by column).
import { DRIFT_TEST_NAMES, type ColumnDriftChoice, type DriftOptions, type DriftTestName } from '../../../shared/data-models';
import { CairnError } from '../../../shared/errors';

/** Tests whose score is a p-value: their threshold lies between 0 and 1. */
const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chisquare', 'z']);

/** The settings in canonical form (empty parts left out), or INVALID_PARAMETER_VALUE naming what is wrong. */
export function checkedDriftSettings(settings: DriftOptions): DriftOptions {
  const bad = (message: string) => new CairnError('INVALID_PARAMETER_VALUE', `Drift settings: ${message}`);
  const only = settings.only?.map((column) => column.trim()) ?? [];
  if (only.some((column) => column === '')) throw bad('a column to compare has an empty name.');
  if (new Set(only).size !== only.length) throw bad('a column to compare is listed twice.');
  const columns: Record<string, ColumnDriftChoice> = {};
  for (const [column, choice] of Object.entries(settings.columns ?? {})) {
    if (column.trim() === '') throw bad('a column choice has an empty column name.');
    if (choice.test !== undefined && !DRIFT_TEST_NAMES.includes(choice.test)) {
      throw bad(`column ${column}: the test ${String(choice.test)} is not one of ${DRIFT_TEST_NAMES.join(', ')}.`);
    }
    if (choice.threshold !== undefined) {
      if (!Number.isFinite(choice.threshold) || choice.threshold <= 0) throw bad(`column ${column}: the threshold must be a number above 0.`);
      if (choice.test !== undefined && P_VALUE_TESTS.has(choice.test) && choice.threshold >= 1) {
        throw bad(`column ${column}: ${choice.test} gives a p-value, so its threshold must be below 1.`);
      }
    }
    if (choice.test === undefined && choice.threshold === undefined) continue;
    columns[column] = { ...(choice.test !== undefined ? { test: choice.test } : {}), ...(choice.threshold !== undefined ? { threshold: choice.threshold } : {}) };
  }
  if (settings.driftShare !== undefined && !(settings.driftShare > 0 && settings.driftShare <= 1)) {
    throw bad('the drift share must be above 0 and at most 1.');
  }
  return {
    ...(Object.keys(columns).length > 0 ? { columns } : {}),
    ...(only.length > 0 ? { only } : {}),
    ...(settings.driftShare !== undefined ? { driftShare: settings.driftShare } : {}),
  };
}

/** A comparison's options over a dataset's stored settings: what the comparison chose wins, column by column. */
export function withDriftSettings(stored: DriftOptions | null, chosen: DriftOptions): DriftOptions {
  if (!stored) return chosen;
  const columns = { ...stored.columns, ...chosen.columns };
  const only = chosen.only ?? stored.only;
  const driftShare = chosen.driftShare ?? stored.driftShare;
  return {
    ...(Object.keys(columns).length > 0 ? { columns } : {}),
    ...(only ? { only } : {}),
    ...(driftShare !== undefined ? { driftShare } : {}),
  };
}
