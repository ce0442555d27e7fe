// Opaque page tokens for paged listings: an offset, base64-encoded so clients treat it as opaque.
import { CairnError } from '../../../shared/errors';
import { quotedValue } from '../../../shared/quoted-value';

/** Encodes the offset of the next page. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** Decodes a page token; an absent token is the first page, a malformed one an INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid page token ${quotedValue(token)}.`);
}
