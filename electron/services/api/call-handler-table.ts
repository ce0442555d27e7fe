// The type of a table of call handlers, taken from the contract. Each capability's handlers file
// returns the table of its own calls; call-handlers.ts merges them into the table of every call.
import type { CallName, CallResponse, ValidRequest } from '../../../shared/contract';

/** A handler for each call named in `Names`: it receives the validated request and resolves to the call's response. */
export type CallHandlerTable<Names extends CallName> = {
  readonly [K in Names]: (request: ValidRequest<K>) => Promise<CallResponse<K>>;
};
