// Artifact paths as clients send them, checked before they touch the file system: relative,
// '/'-separated, with no '..', no backslash, no NUL, no drive letter, and no separator or dot
// segment hidden behind percent-encoding (however many times encoded). Every failure is
// MLflow's 400 INVALID_PARAMETER_VALUE.
import { CairnError } from '../../../shared/errors';
import { quotedValue } from '../../../shared/quoted-value';

const ARTIFACTS_SCHEME = 'mlflow-artifacts:';
const MAX_DECODE_ROUNDS = 10;

function invalidPath(path: string, why: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Invalid artifact path ${quotedValue(path)}: ${why}.`);
}

/** Decodes percent-escapes until the text stops changing, so double-encoded tricks are seen. */
function fullyDecoded(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

function checkUnsafe(path: string, text: string): void {
  if (text.includes('\0')) throw invalidPath(path, 'it contains a NUL byte');
  if (text.includes('\\')) throw invalidPath(path, 'it contains a backslash');
  if (/^[A-Za-z]:/.test(text)) throw invalidPath(path, 'it names a drive');
  if (text.startsWith('/')) throw invalidPath(path, 'it is absolute');
  if (text.split('/').includes('..')) throw invalidPath(path, "it contains '..'");
}

/**
 * Checks a decoded relative artifact path (a query parameter, a UI argument) and returns it
 * normalised: no empty or '.' segments, no trailing slash; '' for the root.
 */
export function parseArtifactRelativePath(path: string): string {
  if (typeof path !== 'string') throw new CairnError('INVALID_PARAMETER_VALUE', 'An artifact path must be a string.');
  checkUnsafe(path, path);
  checkUnsafe(path, fullyDecoded(path));
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/**
 * Checks the still percent-encoded tail of a request URL (what follows
 * /mlflow-artifacts/artifacts/) and returns the decoded, normalised artifact path. Encoded
 * separators and NUL (%2F, %5C, %00) are refused: a file name cannot hold them.
 */
export function parseArtifactUrlPath(rawTail: string): string {
  if (/%(2f|5c|00)/i.test(rawTail)) throw invalidPath(rawTail, 'it contains an encoded separator or NUL');
  checkUnsafe(rawTail, rawTail);
  const segments = rawTail.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw invalidPath(rawTail, 'it has a malformed percent-escape');
    }
  });
  return parseArtifactRelativePath(segments.join('/'));
}

/** Joins artifact paths with '/', skipping empty parts. */
export function joinArtifactPath(...parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

/**
 * The path below the artifact store's root that an mlflow-artifacts URI names:
 * mlflow-artifacts:/1/abc/artifacts and mlflow-artifacts://host:5000/1/abc/artifacts both give 1/abc/artifacts.
 */
export function storePathOfArtifactUri(uri: string): string {
  if (!uri.startsWith(ARTIFACTS_SCHEME)) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Cairn serves artifacts stored under ${ARTIFACTS_SCHEME}/ locations only, not ${quotedValue(uri)}.`,
    );
  }
  let rest = uri.slice(ARTIFACTS_SCHEME.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return parseArtifactRelativePath(rest.replace(/^\/+/, ''));
}
