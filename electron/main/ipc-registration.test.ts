import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../shared/contract';
import { startCairnServices, type CairnServices } from '../services/cairn-services';
import { callChannel } from './ipc-channels';
import { registerIpcHandlers, type IpcMainLike, type IpcSenderInfo } from './ipc-registration';
import { isRendererPageUrl, RENDERER_URL } from './renderer-protocol';

type Listener = (event: IpcSenderInfo, payload: unknown) => Promise<unknown>;

/** Records handlers as Electron's ipcMain would, so they can be invoked in plain Node. */
class RecordingIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

const TRUSTED = RENDERER_URL;
let dir: string;
let services: CairnServices;
let ipc: RecordingIpcMain;
let unregister: () => void;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ipc-'));
  services = startCairnServices({ dataDir: dir, mode: 'desktop' });
  ipc = new RecordingIpcMain();
  unregister = registerIpcHandlers(ipc, services.handlers, isRendererPageUrl);
});

afterEach(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function invoke(name: string, payload: unknown, url: string | null = TRUSTED) {
  const handler = ipc.handlers.get(callChannel(name));
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler({ senderFrame: url === null ? null : { url } }, payload);
}

describe('IPC registration', () => {
  it('registers one channel per contract call and removes them all', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('serves calls from the trusted renderer', async () => {
    expect(await invoke('createExperiment', { name: 'from-ipc' })).toMatchObject({ ok: true, value: { name: 'from-ipc' } });
  });

  it('refuses calls from any other frame, and from none, without touching the store', async () => {
    for (const url of ['https://attacker.example/', 'file:///tmp/evil.html', 'file:///app/dist/renderer/index.html', 'app://cairn/assets/x.html', null]) {
      expect(await invoke('createExperiment', { name: 'evil' }, url)).toMatchObject({
        ok: false,
        error: { code: 'PERMISSION_DENIED' },
      });
    }
    expect(await services.store.getExperimentByName('evil')).toBeNull();
  });

  it('validates payloads at the boundary', async () => {
    expect(await invoke('getRun', { runId: 7 })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMETER_VALUE' } });
  });
});
