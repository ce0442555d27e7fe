// Limits of the calls the renderer makes, without the call schemas: the renderer imports these,
// and so does the contract (shared/contract/), whose schemas (zod) stay out of the renderer's
// bundle.

/** The most runs one compare view shows. */
export const MAX_COMPARED_RUNS = 500;

/** The most bytes of an artifact one call returns (larger files are shown by size only). */
export const MAX_ARTIFACT_READ_BYTES = 64 * 1024 * 1024;
