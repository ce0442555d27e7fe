// Request fields that calls of several capabilities share.
import { z } from 'zod';

const MAX_ID_LENGTH = 64;

/** An experiment id: digits, as MLflow makes them. */
export const experimentId = z.string().min(1).max(MAX_ID_LENGTH).regex(/^[0-9]+$/, 'experiment ids are digits');
/** A run id: letters, digits, '_' and '-'. */
export const runId = z.string().min(1).max(MAX_ID_LENGTH).regex(/^[0-9a-zA-Z_-]+$/, 'run ids are letters and digits');
/** Which experiments or runs a listing shows, by lifecycle stage. */
export const viewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
