// Registers one IPC handler per contract call. Written against a small IpcMainLike interface
// so it runs, and is tested, in plain Node without Electron.
import { CALL_NAMES, type CallResult } from '../../shared/contract';
import { dispatchCall, type CallHandlers } from '../services/api/call-handlers';
import { callChannel } from './ipc-channels';

/** What an IPC event tells us about its sender. */
export interface IpcSenderInfo {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's ipcMain that registration needs. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderInfo, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * Registers a handler for every call; each checks the sender's frame URL with `isTrustedSender`
 * before validating and dispatching. Returns a function that removes them all.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: CallHandlers,
  isTrustedSender: (url: string) => boolean,
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, payload): Promise<CallResult<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) {
        return { ok: false, error: { code: 'PERMISSION_DENIED', message: `IPC from an untrusted frame (${url || 'unknown'}) was refused.` } };
      }
      return dispatchCall(handlers, name, payload);
    });
  }
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}
