// The desktop window's origin: the renderer is served from app://cairn/ instead of file://, so the
// page has an origin of its own (no file:// privileges, no reach into the disk) and only files of
// the built renderer folder can be loaded from it. Plain Node, so it is tested without Electron;
// electron-main.ts registers the scheme and hands each request to `serveRendererRequest`.
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_CSP_HEADER } from '../../shared/renderer-csp';
import { contentTypeOf } from '../services/http/static-content-types';

/** The scheme the renderer is served from. */
export const RENDERER_SCHEME = 'app';
/** The renderer's origin. */
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://cairn`;
/** The address of the renderer's page. */
export const RENDERER_URL = `${RENDERER_ORIGIN}/index.html`;

/** Whether `url` is the renderer's page (with any query or hash): the only frame that may call the services or be navigated to. */
export function isRendererPageUrl(url: string): boolean {
  return url === RENDERER_URL || url.startsWith(`${RENDERER_URL}#`) || url.startsWith(`${RENDERER_URL}?`);
}

/**
 * The file of `rendererDir` that an app:// request asks for, or null when the request is not for
 * the renderer's origin or its path would leave the folder: `..` or `.` segments (plain or
 * percent-encoded), backslashes, NUL bytes, and malformed percent-encoding are all refused.
 */
export function resolveRendererFile(requestUrl: string, rendererDir: string): string | null {
  if (requestUrl !== RENDERER_ORIGIN && !requestUrl.startsWith(`${RENDERER_ORIGIN}/`)) return null;
  // The path as sent, without query and hash, split before decoding so an encoded '/' stays inside its segment.
  const rawPath = requestUrl.slice(RENDERER_ORIGIN.length).split(/[?#]/)[0] ?? '';
  let segments: string[];
  try {
    segments = rawPath.split('/').slice(1).map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  if (segments.some((segment) => segment === '..' || segment === '.' || /[\\/\0]/.test(segment))) return null;
  const relative = segments.join('/') || 'index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

/** Answers one app:// request: the file with its type and the renderer's CSP, 404 when there is none, 400 when refused. */
export async function serveRendererRequest(requestUrl: string, rendererDir: string): Promise<Response> {
  const file = resolveRendererFile(requestUrl, rendererDir);
  if (file === null) return new Response('Refused: not a file of the renderer.', { status: 400 });
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = new Uint8Array(await fs.readFile(file));
  } catch {
    return new Response('Not found.', { status: 404 });
  }
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': contentTypeOf(file),
      'content-security-policy': RENDERER_CSP_HEADER,
      'x-content-type-options': 'nosniff',
    },
  });
}
