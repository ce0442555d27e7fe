// MLflow's JSON: protobuf's JSON mapping, in which a double that is NaN or ±Infinity travels as
// the string "NaN", "Infinity" or "-Infinity". Clients that serialise with Python's json module
// send the bare tokens NaN, Infinity and -Infinity instead, which JSON.parse refuses; both are read.
import { CairnError } from '../../../shared/errors';

const BARE_TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;

/** Quotes the bare tokens NaN, Infinity and -Infinity found outside strings. */
function quoteBareNonFiniteTokens(text: string): string {
  let quoted = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* backslash */) i++;
      else if (code === 0x22 /* quote */) inString = false;
      continue;
    }
    if (code === 0x22) {
      inString = true;
      continue;
    }
    const token = BARE_TOKENS.find((candidate) => text.startsWith(candidate, i));
    if (token) {
      quoted += `${text.slice(copiedUpTo, i)}"${token}"`;
      i += token.length - 1;
      copiedUpTo = i + 1;
    }
  }
  return quoted + text.slice(copiedUpTo);
}

/** Parses a request body, accepting bare NaN/Infinity tokens (as quoted strings); malformed JSON is a BAD_REQUEST. */
export function parseMlflowJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    try {
      if (/NaN|Infinity/.test(text)) return JSON.parse(quoteBareNonFiniteTokens(text));
    } catch {
      // Reported below with the first error, which points at the real mistake.
    }
    throw new CairnError('BAD_REQUEST', `Malformed JSON in the request body: ${(error as Error).message}`);
  }
}

/** A double as MLflow writes it: finite numbers as numbers, NaN and ±Infinity as "NaN", "Infinity", "-Infinity". */
export function mlflowDouble(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}
