// The data checks a CI job runs for a project: each automation's required checks (its gate's
// `checks:`) and the project's conventional checks.yaml when there is one, on every data file under
// the automation's watched path. The checks-failing triggers' files are not among them: their
// failing is what wakes an automation, not a broken build.
import fs from 'node:fs';
import path from 'node:path';
import type { AutomationsFile } from './automation-definition';
import { listWatchedFiles } from './watched-data';

/** The checks file a project may keep beside its automations file, checked in CI on the watched data. */
export const CONVENTIONAL_CHECKS_FILE = 'checks.yaml';

/** One checks file to run on one data file, for an automation. */
export interface PlannedDataCheck {
  readonly automation: string;
  /** Absolute paths. */
  readonly checksFile: string;
  readonly dataFile: string;
}

/** What to check, and a line for each automation that has nothing to check and why. */
export function projectDataChecks(file: AutomationsFile, automation?: string): { readonly checks: PlannedDataCheck[]; readonly notes: string[] } {
  const conventional = path.join(file.projectDir, CONVENTIONAL_CHECKS_FILE);
  const checks: PlannedDataCheck[] = [];
  const notes: string[] = [];
  for (const spec of file.automations) {
    if (automation !== undefined && spec.name !== automation) continue;
    const checksFiles = [...new Set([...(spec.gate?.checks ?? []), ...(fs.existsSync(conventional) ? [conventional] : [])])];
    if (!checksFiles.length) {
      notes.push(`${spec.name}: no data checks to run (neither gate.checks nor a ${CONVENTIONAL_CHECKS_FILE} in the project)`);
      continue;
    }
    if (!spec.data.watch) {
      notes.push(`${spec.name}: watches no data (data.watch), so its data checks have nothing to check`);
      continue;
    }
    const dataFiles = listWatchedFiles(spec.data.watch);
    if (!dataFiles.length) {
      notes.push(`${spec.name}: no data files under ${path.relative(file.projectDir, spec.data.watch) || '.'} to check`);
      continue;
    }
    for (const checksFile of checksFiles) for (const dataFile of dataFiles) checks.push({ automation: spec.name, checksFile, dataFile });
  }
  return { checks, notes };
}
