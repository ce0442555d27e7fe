// Where Cairn keeps its data: --data-dir, else CAIRN_DATA_DIR, else the OS's per-user
// application data folder (the same folder Electron's app.getPath('userData') gives).
import os from 'node:os';
import path from 'node:path';

/** The OS's per-user application data folder for Cairn. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Cairn');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Cairn');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Cairn');
}

/** Resolves the data folder from a command-line value, the environment, or the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.CAIRN_DATA_DIR;
  return path.resolve(chosen && chosen.trim() ? chosen : defaultDataDir(env));
}

/** The tracker database file inside a data folder. */
export function trackerDatabaseFile(dataDir: string): string {
  return path.join(dataDir, 'cairn.db');
}

/** The folder of artifact files inside a data folder (mlflow-artifacts:/<path> is <dataDir>/artifacts/<path>). */
export function artifactsDir(dataDir: string): string {
  return path.join(dataDir, 'artifacts');
}

/** The folder where artifact uploads are written until complete, beside the artifacts (same file system). */
export function artifactUploadsDir(dataDir: string): string {
  return path.join(dataDir, 'artifact-uploads');
}
