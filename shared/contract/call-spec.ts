// How one call of the contract is declared: the zod schema its request must satisfy, and (as a
// type only) what it returns. Each capability's module declares its calls with `defineCall`.
import type { z } from 'zod';

/** A call: the schema its request must satisfy, and (as a type only) what it returns. */
export interface CallSpec<Request extends z.ZodType, Response> {
  readonly request: Request;
  /** Never set; carries the response type. */
  readonly response?: Response;
}

/**
 * The calls of one capability, exactly the names of its list in contract-names.ts: a capability
 * module declares `{ ... } satisfies CapabilityCalls<ItsCallName>`, so a call missing from the
 * list, or a listed name without a call, fails to compile.
 */
export type CapabilityCalls<Name extends string> = Record<Name, CallSpec<z.ZodType, unknown>>;

/** Declares a call returning `Response`: `defineCall<Run>()(requestSchema)`. */
export function defineCall<Response>() {
  return <Request extends z.ZodType>(request: Request): CallSpec<Request, Response> => ({ request });
}
