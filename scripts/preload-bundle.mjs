// How the preload is bundled, and the size it must stay under. Used by scripts/build.mjs and by
// electron/preload/preload-bundle.test.ts, so the build and the test bundle it the same way.

/** The largest preload bundle the build accepts, in bytes: the bridge is named functions, a few KB. */
export const PRELOAD_MAX_BYTES = 20 * 1024;

/**
 * esbuild options for the preload. A sandboxed preload cannot require() project files, so it is
 * bundled whole; only `electron` stays external.
 */
export const PRELOAD_BUILD_OPTIONS = {
  entryPoints: ['electron/preload/preload.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['electron'],
  logLevel: 'warning',
};

/** Throws when a preload bundle of `bytes` bytes is over the limit, saying what usually causes it. */
export function checkPreloadSize(bytes) {
  if (bytes > PRELOAD_MAX_BYTES) {
    throw new Error(
      `dist/preload/preload.js is ${bytes} bytes, over the limit of ${PRELOAD_MAX_BYTES}: the preload must import only ` +
        'shared/contract/contract-names.ts and electron/main/ipc-channels.ts (importing the contract itself bundles zod).',
    );
  }
}
