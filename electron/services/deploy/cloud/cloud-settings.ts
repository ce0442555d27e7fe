// The settings of the cloud targets, declared once per target: what the UI's form shows (key,
// description, default, required) and how each value is checked, with messages that name the
// target, the setting and what a good value looks like.
import { CairnError } from '../../../../shared/errors';
import type { DeployTargetSetting } from '../../../../shared/deployments';

/** One setting of a cloud target, with its check. */
export interface CloudSetting {
  readonly key: string;
  readonly description: string;
  readonly defaultValue: string | null;
  readonly required?: boolean;
  /** Returns what is wrong with a (non-empty) value, or null when it is good. */
  readonly check?: (value: string) => string | null;
}

/** A setting as the target registry lists it. */
export function settingInfo(setting: CloudSetting): DeployTargetSetting {
  return { key: setting.key, description: setting.description, defaultValue: setting.defaultValue, required: setting.required ?? false };
}

/** Checks a deployment's settings and fills in defaults; INVALID_PARAMETER_VALUE naming every problem. */
export function completeSettings(
  targetTitle: string,
  settings: readonly CloudSetting[],
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const known = new Set(settings.map((s) => s.key));
  const problems: string[] = [];
  const unknown = Object.keys(config).filter((key) => !known.has(key));
  if (unknown.length) problems.push(`it has no setting ${unknown.map((k) => `'${k}'`).join(', ')} (its settings are ${[...known].join(', ')})`);
  const complete: Record<string, string> = {};
  for (const setting of settings) {
    const value = (config[setting.key] ?? setting.defaultValue ?? '').trim();
    complete[setting.key] = value;
    if (!value) {
      if (setting.required) problems.push(`${setting.key} is needed: ${setting.description}`);
      continue;
    }
    const problem = setting.check?.(value);
    if (problem) problems.push(`${setting.key} ${problem}`);
  }
  if (problems.length) throw new CairnError('INVALID_PARAMETER_VALUE', `${targetTitle} settings: ${problems.join('; ')}.`);
  return complete;
}

/** A check: a whole number from min to max. */
export function wholeNumber(min: number, max: number): (value: string) => string | null {
  return (value) => (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? null : `must be a whole number from ${min} to ${max}, got '${value}'`);
}

/** A check: a number of seconds from min to max (fractions allowed). */
export function seconds(min: number, max: number): (value: string) => string | null {
  return (value) => {
    const n = Number(value);
    return /^\d+(\.\d+)?$/.test(value) && n >= min && n <= max ? null : `must be a number of seconds from ${min} to ${max}, got '${value}'`;
  };
}

/** A check: an http(s) URL; plain http only to this machine (tokens must not cross a network in clear text). */
export function serviceUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be a URL such as https://example.com, got '${value}'`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return `must be an https:// URL (plain http only to 127.0.0.1), got '${value}'`;
}
