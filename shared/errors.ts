// One error vocabulary for every boundary: the store throws these, IPC and HTTP carry them,
// and the MLflow-compatible API maps them to MLflow's error codes and HTTP statuses.

/** Error codes, named as MLflow names them so that MLflow clients understand them unchanged. */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'ENDPOINT_NOT_FOUND'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INVALID_STATE'
  /** The database is held by another process longer than the busy timeout: try again (MLflow's client retries a 503). */
  | 'TEMPORARILY_UNAVAILABLE'
  /** The disk holding the data folder is full: nothing can be written until space is freed. */
  | 'INSUFFICIENT_STORAGE'
  | 'INTERNAL_ERROR';

/** Where a filter or order_by clause breaks the search grammar, so that a UI can point at it. */
export interface SearchTextProblem {
  /** Which text of the request: the filter, or one of the order_by clauses. */
  readonly text: 'filter' | 'order_by';
  /** 0-based index into that text (its length when the text ended too early). */
  readonly position: number;
  /** The problem without its position. */
  readonly problem: string;
}

/** The error shape that crosses IPC and HTTP. */
export interface ErrorPayload {
  readonly code: ErrorCode;
  readonly message: string;
  /** Set when the error is a malformed filter or order_by clause of the request. */
  readonly searchText?: SearchTextProblem;
}

/** An error a caller can act on: a code for programs, a message for people. */
export class CairnError extends Error {
  readonly code: ErrorCode;
  /** Where in a search text of the request the problem is, when it is there. */
  readonly searchText: SearchTextProblem | undefined;

  constructor(code: ErrorCode, message: string, searchText?: SearchTextProblem) {
    super(message);
    this.name = 'CairnError';
    this.code = code;
    this.searchText = searchText;
  }

  /** The error a payload from across a boundary describes. */
  static fromPayload(payload: ErrorPayload): CairnError {
    return new CairnError(payload.code, payload.message, payload.searchText);
  }

  /** The serialisable form sent across a process or network boundary. */
  toPayload(): ErrorPayload {
    return this.searchText
      ? { code: this.code, message: this.message, searchText: { ...this.searchText } }
      : { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into a payload; unknown errors become INTERNAL_ERROR. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof CairnError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message };
}

/** HTTP status for each error code (MLflow's mapping). */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  INVALID_STATE: 400,
  TEMPORARILY_UNAVAILABLE: 503,
  // Not MLflow's (it has no such code): 507, which its client does not retry for minutes as it retries a 500.
  INSUFFICIENT_STORAGE: 507,
  INTERNAL_ERROR: 500,
};
