// Finds Electron's binary, which is absent where it could not be downloaded.
import fs from 'node:fs';
import { createRequire } from 'node:module';

/** The path of the Electron binary, or null when it is not installed. */
export function electronBinaryPath(): string | null {
  try {
    const binary = createRequire(__filename)('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
