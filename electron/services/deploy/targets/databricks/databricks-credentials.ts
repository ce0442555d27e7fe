// Where the Databricks target finds its workspace and token, in the order the Databricks tools
// use: the token kept in the OS keychain (desktop app), else DATABRICKS_HOST / DATABRICKS_TOKEN,
// else a profile of ~/.databrickscfg (DATABRICKS_CONFIG_FILE; the profile named by the
// config_profile setting, DATABRICKS_CONFIG_PROFILE, or DEFAULT).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A token and where it came from (for messages; never the token itself). */
export interface DatabricksToken {
  readonly value: string;
  readonly source: string;
}

/** The profile's keys of a .databrickscfg file (INI), or null when the file or profile is absent. */
export function readDatabricksProfile(profile: string, env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> | null {
  const file = env.DATABRICKS_CONFIG_FILE || path.join(os.homedir(), '.databrickscfg');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let current: string | null = null;
  const values: Record<string, string> = {};
  let found = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      current = section[1]!.trim();
      if (current === profile) found = true;
      continue;
    }
    const pair = /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (pair && current === profile) values[pair[1]!] = pair[2]!;
  }
  return found ? values : null;
}

/** The profile a deployment's settings name, else DATABRICKS_CONFIG_PROFILE, else DEFAULT. */
export function profileName(config: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): string {
  return config.config_profile || env.DATABRICKS_CONFIG_PROFILE || 'DEFAULT';
}

/** The workspace URL when the settings leave host empty: DATABRICKS_HOST, else the profile's host. */
export function fallbackHost(config: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): string | null {
  const host = env.DATABRICKS_HOST || readDatabricksProfile(profileName(config, env), env)?.host;
  if (!host) return null;
  return /^https?:\/\//.test(host) ? host : `https://${host}`;
}

/** The token to use: the keychain's, else DATABRICKS_TOKEN, else the profile's; null when there is none. */
export function resolveToken(keychainToken: string | null, config: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): DatabricksToken | null {
  if (keychainToken) return { value: keychainToken, source: 'the token kept in the OS keychain' };
  if (env.DATABRICKS_TOKEN) return { value: env.DATABRICKS_TOKEN, source: 'DATABRICKS_TOKEN' };
  const profile = profileName(config, env);
  const token = readDatabricksProfile(profile, env)?.token;
  return token ? { value: token, source: `the token of the ${profile} profile of ~/.databrickscfg` } : null;
}
