// The app:// scheme's file resolution, against a real folder: the renderer's files are served
// with their type and the CSP, and no request reaches a file outside the renderer folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP_HEADER } from '../../shared/renderer-csp';
import { isRendererPageUrl, RENDERER_URL, resolveRendererFile, serveRendererRequest } from './renderer-protocol';

let dir: string;
let rendererDir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-app-scheme-'));
  rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Cairn</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abc.js'), 'console.log("cairn")');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  fs.mkdirSync(path.join(dir, 'renderer-evil'));
  fs.writeFileSync(path.join(dir, 'renderer-evil', 'index.html'), 'do not serve');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('resolveRendererFile', () => {
  it.each([
    ['app://cairn/index.html', 'index.html'],
    ['app://cairn/', 'index.html'],
    ['app://cairn', 'index.html'],
    ['app://cairn/index.html#/experiments/1', 'index.html'],
    ['app://cairn/index.html?x=1', 'index.html'],
    ['app://cairn/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://cairn/assets/index%2Dabc.js', 'assets/index-abc.js'],
  ])('maps %s to the renderer file %s', (url, file) => {
    expect(resolveRendererFile(url, rendererDir)).toBe(path.join(rendererDir, file));
  });

  it.each([
    'app://cairn/../secret.txt',
    'app://cairn/assets/../../secret.txt',
    'app://cairn/%2e%2e/secret.txt',
    'app://cairn/%2E%2E/secret.txt',
    'app://cairn/assets/..%2f..%2fsecret.txt',
    'app://cairn/assets/..%5c..%5csecret.txt',
    'app://cairn/..\\secret.txt',
    'app://cairn/./index.html',
    'app://cairn//etc/passwd',
    'app://cairn/%2fetc%2fpasswd',
    'app://cairn/../renderer-evil/index.html',
    'app://cairn/index.html%00.js',
    'app://cairn/%E0%A4%A',
    'app://other/index.html',
    'app://cairn.evil/index.html',
    'app://cairn@evil/index.html',
    'app://cairn:8080/index.html',
    'file:///etc/passwd',
    'https://cairn/index.html',
    '',
  ])('refuses %s', (url) => {
    expect(resolveRendererFile(url, rendererDir)).toBeNull();
  });
});

describe('serveRendererRequest', () => {
  it('serves the page and its assets with their types, the CSP, and nosniff', async () => {
    const page = await serveRendererRequest(RENDERER_URL, rendererDir);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP_HEADER);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html><title>Cairn</title>');
    const script = await serveRendererRequest('app://cairn/assets/index-abc.js', rendererDir);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log("cairn")');
  });

  it('answers 404 for a missing file or a folder, and 400 for a path that leaves the renderer', async () => {
    expect((await serveRendererRequest('app://cairn/assets/missing.js', rendererDir)).status).toBe(404);
    expect((await serveRendererRequest('app://cairn/assets', rendererDir)).status).toBe(404);
    const escape = await serveRendererRequest('app://cairn/%2e%2e/secret.txt', rendererDir);
    expect(escape.status).toBe(400);
    expect(await escape.text()).not.toContain('do not serve');
  });
});

describe('isRendererPageUrl', () => {
  it('trusts the renderer page only', () => {
    expect(isRendererPageUrl('app://cairn/index.html')).toBe(true);
    expect(isRendererPageUrl('app://cairn/index.html#/runs/abc')).toBe(true);
    for (const url of ['app://cairn/assets/x.html', 'app://cairn/index.html.evil', 'file:///app/dist/renderer/index.html', 'https://cairn/index.html', '']) {
      expect(isRendererPageUrl(url)).toBe(false);
    }
  });
});
