// The bridge: exposes the contract to the renderer as named functions on window.cairn,
// each bound to its own channel. Events forward only their payload and return an unsubscribe.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, EVENT_NAMES, type CallResult, type EventName } from '../../shared/contract';
import { callChannel, eventChannel } from '../main/ipc-registration';

const api: Record<string, unknown> = {};
for (const name of CALL_NAMES) {
  const channel = callChannel(name);
  api[name] = (request: unknown): Promise<CallResult<unknown>> => ipcRenderer.invoke(channel, request);
}
api.onEvent = (name: EventName, listener: (payload: unknown) => void): (() => void) => {
  if (!EVENT_NAMES.includes(name)) throw new Error(`Unknown event '${String(name)}'.`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(eventChannel(name), wrapped);
  return () => {
    ipcRenderer.removeListener(eventChannel(name), wrapped);
  };
};

contextBridge.exposeInMainWorld('cairnBridge', api);
