// The preload as it ships: bundled as the build bundles it, small, free of zod, and exposing
// exactly one named function per contract call (plus onEvent) that invokes that call's channel.
// Electron cannot run here, so the bundle runs against a recording stand-in for its two objects.
import { build } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRELOAD_BUILD_OPTIONS, PRELOAD_MAX_BYTES, checkPreloadSize } from '../../scripts/preload-bundle.mjs';
import { CALL_NAMES, EVENT_NAMES } from '../../shared/contract';

const ROOT = path.resolve(__dirname, '..', '..');

interface Bundle {
  readonly code: string;
  readonly bytes: number;
  readonly inputs: readonly string[];
}

let bundle: Bundle;

beforeAll(async () => {
  const result = await build({ ...PRELOAD_BUILD_OPTIONS, absWorkingDir: ROOT, write: false, metafile: true, outfile: 'preload.js' });
  const output = result.outputFiles[0]!;
  bundle = { code: output.text, bytes: output.contents.byteLength, inputs: Object.keys(result.metafile.inputs) };
});

type Listener = (event: unknown, payload: unknown) => void;

/** Runs the bundled preload with stand-ins for contextBridge and ipcRenderer that record what it does. */
function runPreload(code: string) {
  const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  const invoked: Array<{ channel: string; payload: unknown }> = [];
  const listeners = new Map<string, Set<Listener>>();
  const electron = {
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        invoked.push({ channel, payload });
        return { ok: true, value: channel };
      },
      on: (channel: string, listener: Listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  const require = (id: string) => {
    if (id !== 'electron') throw new Error(`the preload required '${id}', which a sandboxed preload cannot`);
    return electron;
  };
  const module = { exports: {} };
  vm.compileFunction(code, ['require', 'module', 'exports'])(require, module, module.exports);
  return { exposed, invoked, listeners };
}

describe('the preload bundle', () => {
  it(`stays under ${PRELOAD_MAX_BYTES} bytes and bundles no zod, no schemas and no main-side services`, () => {
    expect(bundle.bytes).toBeLessThan(PRELOAD_MAX_BYTES);
    expect(() => checkPreloadSize(bundle.bytes)).not.toThrow();
    expect([...bundle.inputs].sort()).toEqual([
      'electron/main/ipc-channels.ts',
      'electron/preload/preload.ts',
      'shared/contract/contract-names.ts',
    ]);
  });

  it('fails the build past the limit', () => {
    expect(() => checkPreloadSize(PRELOAD_MAX_BYTES + 1)).toThrow(/over the limit/);
  });

  it('exposes one named function per call, each invoking its own channel, onEvent and pathForFile', async () => {
    const { exposed, invoked } = runPreload(bundle.code);
    expect([...exposed.keys()]).toEqual(['cairnBridge']);
    const bridge = exposed.get('cairnBridge')!;
    expect(Object.keys(bridge).sort()).toEqual([...CALL_NAMES, 'onEvent', 'pathForFile'].sort());
    // A dropped file's path comes from Electron's webUtils.getPathForFile.
    expect(bridge.pathForFile!({ name: 'orders.csv' })).toBe('/dropped/orders.csv');
    for (const name of CALL_NAMES) {
      expect(await bridge[name]!({ probe: name })).toEqual({ ok: true, value: `cairn:call:${name}` });
    }
    expect(invoked).toEqual(CALL_NAMES.map((name) => ({ channel: `cairn:call:${name}`, payload: { probe: name } })));
  });

  it('forwards only the payload of an event, unsubscribes, and refuses unknown events', () => {
    const { exposed, listeners } = runPreload(bundle.code);
    const bridge = exposed.get('cairnBridge')!;
    const received: unknown[] = [];
    const unsubscribe = bridge.onEvent!(EVENT_NAMES[0], (payload: unknown) => received.push(payload)) as () => void;
    const channel = `cairn:event:${EVENT_NAMES[0]}`;
    for (const listener of listeners.get(channel)!) listener({ sender: 'ipc event object' }, { runIds: ['r1'] });
    expect(received).toEqual([{ runIds: ['r1'] }]);
    unsubscribe();
    expect(listeners.get(channel)!.size).toBe(0);
    expect(() => bridge.onEvent!('no.such.event', () => {})).toThrow(/Unknown event/);
  });
});
