// Checks every HTTP server of Cairn applies before routing: DNS-rebinding (Host header),
// cross-origin browser requests (Origin header), the request target and its percent-encoding,
// JSON content type, and body size limits. Each refusal is a 4xx: a client's mistake.
import type { IncomingMessage } from 'node:http';
import { CairnError } from '../../../shared/errors';
import { quotedValue, shortText } from '../../../shared/quoted-value';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when `host` names this machine's loopback interface. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_HOSTNAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name.endsWith('.localhost');
}

/** The hostname part of a Host header ("127.0.0.1:5000" -> "127.0.0.1", "[::1]:80" -> "[::1]"). */
export function hostnameOfHostHeader(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

/**
 * Refuses requests whose Host header is not a loopback name while the server listens on loopback,
 * which defeats DNS rebinding: a web page on evil.example cannot reach it through a rebound name.
 */
export function checkHostHeader(request: IncomingMessage, listeningOnLoopback: boolean): void {
  if (!listeningOnLoopback) return;
  const host = request.headers.host;
  if (!host || !isLoopbackHost(hostnameOfHostHeader(host))) {
    throw new CairnError('PERMISSION_DENIED', `Refused a request for host '${shortText(host ?? '')}': Cairn answers loopback names only.`);
  }
}

/**
 * The URL of a request, read from its target as sent (a path, or an absolute URL); a target no URL
 * can be made of is a BAD_REQUEST. A path starting with '//' stays a path, not a host.
 */
export function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  try {
    return target.startsWith('/') ? new URL(`http://request.invalid${target}`) : new URL(target);
  } catch {
    throw new CairnError('BAD_REQUEST', `The request target ${quotedValue(target)} is not a valid path.`);
  }
}

/** Decodes the percent-escapes of (a part of) a request path; a malformed escape is a BAD_REQUEST. */
export function decodePathText(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new CairnError('BAD_REQUEST', `Malformed percent-encoding in the request path ${quotedValue(text)}.`);
  }
}

/** Refuses browser requests sent from another origin than the server's own. */
export function checkSameOrigin(request: IncomingMessage): void {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    throw new CairnError('PERMISSION_DENIED', 'Cross-origin requests are refused.');
  }
  if (origin === undefined || origin === 'null') {
    if (origin === 'null') throw new CairnError('PERMISSION_DENIED', 'Cross-origin requests are refused.');
    return;
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new CairnError('PERMISSION_DENIED', 'Cross-origin requests are refused.');
  }
  if (originHost !== request.headers.host) throw new CairnError('PERMISSION_DENIED', 'Cross-origin requests are refused.');
}

/** Requires a JSON content type on a request with a body. */
export function checkJsonContentType(request: IncomingMessage): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new CairnError('BAD_REQUEST', `Expected Content-Type application/json, got '${shortText(type) || 'none'}'.`);
  }
}

/** Thrown when a request body exceeds its limit. */
export class PayloadTooLargeError extends CairnError {
  constructor(limit: number) {
    super('REQUEST_LIMIT_EXCEEDED', `The request body is larger than the limit of ${limit} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Reads a whole request body as UTF-8, refusing (and not buffering) anything past `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    request.resume();
    return Promise.reject(new PayloadTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        chunks.length = 0;
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    request.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}
