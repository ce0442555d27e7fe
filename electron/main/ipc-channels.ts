// The IPC channel names of calls and events. Zod-free and electron-free: the preload (bundled on
// its own) and the main side's registration both import it, so both name channels the same way.

/** The channel of a call. */
export function callChannel(name: string): string {
  return `cairn:call:${name}`;
}

/** The channel of a pushed event. */
export function eventChannel(name: string): string {
  return `cairn:event:${name}`;
}
