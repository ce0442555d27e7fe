// The bridge: exposes the contract to the renderer as named functions on window.cairnBridge,
// each bound to its own channel. Events forward only their payload and return an unsubscribe.
// It imports the contract's names only (no schemas, no zod), so the bundle stays a few KB:
// scripts/preload-bundle.mjs fails the build past its size limit.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { CallResult } from '../../shared/contract/call-result';
import { CALL_NAMES, EVENT_NAMES, type EventName } from '../../shared/contract/contract-names';
import { callChannel, eventChannel } from '../main/ipc-channels';

const api: Record<string, unknown> = {};
for (const name of CALL_NAMES) {
  const channel = callChannel(name);
  api[name] = (request: unknown): Promise<CallResult<unknown>> => ipcRenderer.invoke(channel, request);
}
api.onEvent = (name: EventName, listener: (payload: unknown) => void): (() => void) => {
  if (!(EVENT_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown event '${String(name)}'.`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(eventChannel(name), wrapped);
  return () => {
    ipcRenderer.removeListener(eventChannel(name), wrapped);
  };
};

// The path of a file dropped on the window (File.path is gone from recent Electron); '' when it has none.
api.pathForFile = (file: File): string => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('cairnBridge', api);
