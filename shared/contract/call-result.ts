// The envelope every call's answer crosses IPC and HTTP in. Zod-free, so the preload can use it.
import type { ErrorPayload } from '../errors';

/** The result envelope that crosses IPC and HTTP: errors are values, never lost exceptions. */
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };
