// Comparing the access token a request carries with the server's, for every Cairn HTTP server.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a token a request carries is the expected one. The comparison takes the same time
 * whatever the tokens hold and however long they are (it compares SHA-256 digests in constant
 * time), so timing tells an attacker neither a correct prefix nor the token's length.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
