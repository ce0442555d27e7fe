// The Vite plugin that writes the one renderer CSP (shared/renderer-csp.ts) into index.html, so the
// page's meta tag and the policy the servers send come from the same constant.
import type { Plugin } from 'vite';
import { RENDERER_CSP } from '../shared/renderer-csp';

/** Where index.html asks for its Content-Security-Policy meta tag. */
export const CSP_PLACEHOLDER = '<!-- cairn:renderer-csp -->';

/** Replaces index.html's placeholder with the CSP meta tag; fails the build when the placeholder is not there exactly once. */
export function rendererCspPlugin(): Plugin {
  const content = RENDERER_CSP.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  return {
    name: 'cairn-renderer-csp',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (html.split(CSP_PLACEHOLDER).length !== 2) throw new Error(`index.html must hold the placeholder ${CSP_PLACEHOLDER} exactly once.`);
        return html.replace(CSP_PLACEHOLDER, `<meta http-equiv="Content-Security-Policy" content="${content}" />`);
      },
    },
  };
}
