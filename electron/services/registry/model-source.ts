// Model version sources as MLflow reads and checks them: models:/ URIs (a version, a stage,
// latest, an alias, or an MLflow 3 logged model id), local paths (refused: Cairn's runs keep no
// local artifact folders), and relative-path tricks hidden in any URI (refused).
import { CairnError } from '../../../shared/errors';

/** What a models:/ URI points at. */
export type ParsedModelUri =
  | { readonly kind: 'logged-model'; readonly modelId: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: string }
  | { readonly kind: 'latest'; readonly name: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string };


const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const MAX_DECODE_ROUNDS = 10;

/** The URI's scheme in lower case, or '' for a plain path. */
export function uriScheme(uri: string): string {
  return SCHEME.exec(uri)?.[1]?.toLowerCase() ?? '';
}

function badModelUri(uri: string): CairnError {
  return new CairnError(
    'INVALID_PARAMETER_VALUE',
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/model_name/suffix' or ` +
      "'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where " +
      "alias is a registered model alias, or 'models:/model_id'.",
  );
}

/** Parses models:/name/1, models:/name/Staging, models:/name/latest, models:/name@alias and models:/m-<id>. */
export function parseModelUri(uri: string): ParsedModelUri {
  if (uriScheme(uri) !== 'models') throw badModelUri(uri);
  let path = uri.slice('models:'.length);
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    path = slash === -1 ? '' : path.slice(slash);
  }
  if (!path.startsWith('/') || path.length <= 1) throw badModelUri(uri);
  const parts = path.replace(/^\/+/, '').split('/');
  const [first, suffix] = parts;
  if (parts.length > 2 || !first || first.trim() === '') throw badModelUri(uri);
  if (suffix !== undefined) {
    if (suffix.trim() === '') throw badModelUri(uri);
    if (/^\d+$/.test(suffix)) return { kind: 'version', name: first, version: suffix };
    if (suffix.toLowerCase() === 'latest') return { kind: 'latest', name: first };
    return { kind: 'stage', name: first, stage: suffix };
  }
  const at = first.lastIndexOf('@');
  if (at === -1 || first.slice(at + 1).trim() === '') return { kind: 'logged-model', modelId: first };
  return { kind: 'alias', name: first.slice(0, at), alias: first.slice(at + 1) };
}

/** Whether a source names a path on this machine (no scheme, file:, or a Windows drive letter). */
export function isLocalSource(source: string): boolean {
  const scheme = uriScheme(source);
  return scheme === '' || scheme === 'file' || scheme.length === 1;
}

function fullyDecoded(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current.replaceAll('+', ' '));
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * Refuses a source that reaches for other files through '..' or '.' segments or NUL, however
 * percent-encoded, as MLflow's server does ("mlflow-artifacts:/../../x", "runs:/r/..%2f..%2fx").
 */
export function checkSourceHasNoRelativePaths(source: string): void {
  const decoded = fullyDecoded(source);
  const path = decoded.replace(SCHEME, '').replace(/^\/\/[^/]*/, '');
  if (decoded.includes('\0') || path.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, ` +
        'objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. ' +
        'Please provide an absolute path.',
    );
  }
}

/** Checks a model version's source as MLflow's create-model-version handler does. */
export function checkModelVersionSource(source: string, options: { readonly isPrompt: boolean; readonly byModelId: boolean }): void {
  if (options.isPrompt) {
    // Prompt versions carry placeholder sources ("prompt-template"); only local paths are refused.
    if (uriScheme(source) === 'file' || (uriScheme(source) === '' && source.startsWith('/'))) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid prompt source: '${source}'. Local source paths are not allowed for prompts.`);
    }
    if (uriScheme(source) !== '') checkSourceHasNoRelativePaths(source);
    return;
  }
  if (isLocalSource(source)) {
    const by = options.byModelId ? 'model_id' : 'run_id';
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Invalid model version source: '${source}'. To use a local path as a model version source, the ${by} request ` +
        `parameter has to be specified and the local path has to be contained within the artifact directory of the ` +
        `${options.byModelId ? 'model' : 'run'} specified by the ${by}.`,
    );
  }
  checkSourceHasNoRelativePaths(source);
}
