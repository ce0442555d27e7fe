// The app capability: facts about the running app.
import { z } from 'zod';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';

/** Facts about the running app shown in the UI. */
export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  /** The MLflow-compatible tracking address, or null when the tracking API is not running. */
  readonly trackingUri: string | null;
  /** 'desktop' inside Electron, 'browser' in `cairn serve`. */
  readonly mode: 'desktop' | 'browser';
  /** Whether the latest write into the data folder failed because its disk is full (then `storage.changed` announces when it clears). */
  readonly diskFull: boolean;
}

/** The name of a call of the app capability. */
export type AppCallName = CapabilityCallName<'app'>;

/** The calls of the app capability. */
export const appCalls = {
  getAppInfo: defineCall<AppInfo>()(z.object({}).strict()),
} satisfies CapabilityCalls<AppCallName>;
