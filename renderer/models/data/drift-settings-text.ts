// A dataset's drift choices as the Data page's settings form writes them: the columns to compare
// as a comma-separated list, and each column's test and threshold as `column=test:threshold`
// entries (as `cairn data drift --test` takes them; `column=:0.2` keeps the default test).
import { DRIFT_TEST_NAMES, type ColumnDriftChoice, type DriftOptions, type DriftTestName } from '../../../shared/data-models';

/** The form's three fields. */
export interface DriftSettingsText {
  readonly only: string;
  readonly tests: string;
  readonly driftShare: string;
}

/** The settings as the form shows them. */
export function driftSettingsToText(settings: DriftOptions): DriftSettingsText {
  const tests = Object.entries(settings.columns ?? {}).map(
    ([column, choice]) => `${column}=${choice.test ?? ''}${choice.threshold !== undefined ? `:${choice.threshold}` : ''}`,
  );
  return { only: (settings.only ?? []).join(', '), tests: tests.join(', '), driftShare: settings.driftShare === undefined ? '' : String(settings.driftShare) };
}

/** The settings the form's fields say, or the first mistake in them. */
export function driftSettingsFromText(text: DriftSettingsText): { settings: DriftOptions } | { error: string } {
  const only = text.only.split(',').map((column) => column.trim()).filter(Boolean);
  const columns: Record<string, ColumnDriftChoice> = {};
  for (const entry of text.tests.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^(.+?)=([a-z_]*)(?::(.+))?$/.exec(entry);
    if (!match) return { error: `"${entry}": write column=test or column=test:threshold.` };
    const [, column, test, threshold] = match as unknown as [string, string, string, string | undefined];
    if (test && !DRIFT_TEST_NAMES.includes(test as DriftTestName)) return { error: `"${entry}": the test must be one of ${DRIFT_TEST_NAMES.join(', ')}.` };
    const value = threshold === undefined ? undefined : Number(threshold);
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) return { error: `"${entry}": the threshold must be a number above 0.` };
    if (!test && value === undefined) return { error: `"${entry}": give a test, a threshold or both.` };
    columns[column.trim()] = { ...(test ? { test: test as DriftTestName } : {}), ...(value !== undefined ? { threshold: value } : {}) };
  }
  let driftShare: number | undefined;
  if (text.driftShare.trim()) {
    driftShare = Number(text.driftShare);
    if (!(driftShare > 0 && driftShare <= 1)) return { error: 'The drift share must be above 0 and at most 1.' };
  }
  return {
    settings: {
      ...(Object.keys(columns).length > 0 ? { columns } : {}),
      ...(only.length > 0 ? { only } : {}),
      ...(driftShare !== undefined ? { driftShare } : {}),
    },
  };
}
