// Types of preload-bundle.mjs, for the TypeScript test that imports it.
import type { BuildOptions } from 'esbuild';

/** The largest preload bundle the build accepts, in bytes. */
export declare const PRELOAD_MAX_BYTES: number;
/** esbuild options for the preload. */
export declare const PRELOAD_BUILD_OPTIONS: BuildOptions;
/** Throws when a preload bundle of `bytes` bytes is over the limit. */
export declare function checkPreloadSize(bytes: number): void;
