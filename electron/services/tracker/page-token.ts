// Opaque page tokens for paged listings: the offset of the next page and, for listings read by
// key, the sort key of the last item already given (so the next page starts right after it
// without stepping over the items before), base64-encoded so clients treat them as opaque.
import { CairnError } from '../../../shared/errors';
import { quotedValue } from '../../../shared/quoted-value';

/** Where the next page starts: how many items came before it, and the sort key of the last of them when the listing keeps one. */
export interface PagePosition {
  readonly offset: number;
  readonly after?: readonly (number | string)[];
}

/** The most parts a sort key in a token may have. */
const MAX_KEY_PARTS = 8;

/** Encodes the position of the next page. */
export function encodePageToken(offset: number, after?: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(after ? { offset, after } : { offset })).toString('base64');
}

function invalidToken(token: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Invalid page token ${quotedValue(token)}.`);
}

function isKeyPart(part: unknown): part is number | string {
  return (typeof part === 'number' && Number.isFinite(part)) || (typeof part === 'string' && part.length <= 64);
}

/** Decodes a page token into its position; an absent token is the first page, a malformed one an INVALID_PARAMETER_VALUE. */
export function decodePagePosition(token: string | undefined): PagePosition {
  if (!token) return { offset: 0 };
  let parsed: { offset?: unknown; after?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown; after?: unknown };
  } catch {
    throw invalidToken(token);
  }
  const { offset, after } = parsed ?? {};
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidToken(token);
  if (after === undefined) return { offset };
  if (!Array.isArray(after) || after.length > MAX_KEY_PARTS || !after.every(isKeyPart)) throw invalidToken(token);
  return { offset, after };
}

/** Decodes the offset of a page token; an absent token is the first page, a malformed one an INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  return decodePagePosition(token).offset;
}
