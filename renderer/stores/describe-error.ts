// Turns anything a call threw into a sentence for a person: the main side's errors already say
// what went wrong and what to do; anything else is reported as unexpected.
import { CairnError } from '../../shared/errors';

/** The message to show for a failed call. */
export function describeError(error: unknown): string {
  if (error instanceof CairnError) return error.message;
  if (error instanceof Error && error.message) return `Something unexpected went wrong: ${error.message}`;
  return 'Something unexpected went wrong.';
}
