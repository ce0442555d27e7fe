// renderer/index.html gets the one renderer CSP from the build: the Vite plugin writes
// shared/renderer-csp.ts into it where its placeholder stands (e2e/security.spec.ts checks the
// built and served page).
import fs from 'node:fs';
import path from 'node:path';
import type { IndexHtmlTransformHook } from 'vite';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../shared/renderer-csp';
import { CSP_PLACEHOLDER, rendererCspPlugin } from './renderer-csp-plugin';

const SOURCE = fs.readFileSync(path.join(__dirname, '..', 'renderer', 'index.html'), 'utf8');

function transform(html: string): string {
  const hook = rendererCspPlugin().transformIndexHtml as { handler: IndexHtmlTransformHook };
  return hook.handler.call(undefined as never, html, { path: '/index.html', filename: 'index.html' }) as string;
}

/** The content attributes of every CSP meta tag in `html`, unescaped. */
function cspMetaContents(html: string): string[] {
  return [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((match) =>
    match[1]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&'),
  );
}

describe('the renderer CSP in index.html', () => {
  it('has no policy of its own in the source, only the placeholder', () => {
    expect(cspMetaContents(SOURCE)).toEqual([]);
    expect(SOURCE.split(CSP_PLACEHOLDER)).toHaveLength(2);
  });

  it('is written by the build as exactly one meta tag holding the shared policy, after the charset', () => {
    const html = transform(SOURCE);
    expect(cspMetaContents(html)).toEqual([RENDERER_CSP]);
    expect(html).not.toContain(CSP_PLACEHOLDER);
    expect(html.indexOf('charset')).toBeLessThan(html.indexOf('Content-Security-Policy'));
  });

  it('fails the build when the placeholder is missing', () => {
    expect(() => transform(SOURCE.replace(CSP_PLACEHOLDER, ''))).toThrow(/placeholder|exactly once/);
  });
});
