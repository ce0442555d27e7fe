// Where a command writes a report file (--junit): its folder made, as pytest's --junitxml makes it,
// and checked before the command runs, so a path no file can be written to records nothing.
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../shared/errors';

/** The absolute path to write `file` to, its folder made; INVALID_PARAMETER_VALUE naming `option` when no file can go there. */
export function prepareReportFile(file: string, option: string): string {
  const resolved = path.resolve(file);
  try {
    fs.mkdirSync(path.dirname(resolved), { recursive: true });
  } catch (error) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `${option} ${file}: cannot make its folder (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) throw new CairnError('INVALID_PARAMETER_VALUE', `${option} ${file}: that is a folder; name a file.`);
  return resolved;
}
