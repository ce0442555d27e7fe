// How an error message shows the bad value a caller sent (as JSON, or an id, name or path as it
// is): never more than a short prefix of it, however long or deeply nested the value is. Writing
// the whole value would echo a 20 KB string back to the client, and JSON.stringify of an array
// nested 5,000 deep overflows the stack, turning a client's mistake into a server error.

/** The most characters of a bad value an error message quotes. */
export const QUOTED_VALUE_MAX_CHARS = 100;

/** Containers nested deeper than this are shown as […] or {…}. */
const MAX_DEPTH = 8;

/** Writes `value` as JSON into `out`, stopping once `out` holds more than `budget` characters. */
function writeBounded(value: unknown, depth: number, out: string[], state: { length: number; budget: number }): void {
  const push = (text: string) => {
    out.push(text);
    state.length += text.length;
  };
  if (state.length > state.budget) return;
  if (typeof value === 'string') {
    // A prefix is enough: only `budget` characters of it can be shown.
    push(JSON.stringify(value.length > state.budget ? value.slice(0, state.budget + 1) : value));
    return;
  }
  if (typeof value === 'number') return push(Number.isFinite(value) ? String(value) : `"${String(value)}"`);
  if (value === null || typeof value === 'boolean') return push(String(value));
  if (value === undefined) return push('undefined');
  if (typeof value === 'bigint') return push(value.toString());
  // A symbol or a function (never parsed from JSON) is named by its kind.
  if (typeof value !== 'object') return push(`"${typeof value}"`);
  const isArray = Array.isArray(value);
  if (depth >= MAX_DEPTH) return push(isArray ? '[…]' : '{…}');
  push(isArray ? '[' : '{');
  let first = true;
  for (const [key, item] of isArray ? (value as unknown[]).entries() : Object.entries(value)) {
    if (state.length > state.budget) return;
    if (!first) push(',');
    first = false;
    if (!isArray) push(`${JSON.stringify(String(key).slice(0, state.budget + 1))}:`);
    writeBounded(item, depth + 1, out, state);
  }
  push(isArray ? ']' : '}');
}

/**
 * A value as an error message quotes it: JSON text of at most `maxChars` characters, cut with '…'
 * when longer. Safe for any value a client can send (huge strings, arrays nested 100,000 deep).
 */
export function quotedValue(value: unknown, maxChars = QUOTED_VALUE_MAX_CHARS): string {
  const out: string[] = [];
  writeBounded(value, 0, out, { length: 0, budget: maxChars });
  const text = out.join('');
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** Text an error message shows inline, as it is (an id, a name, a path): whole when short, else its first `maxChars` characters and '…'. */
export function shortText(text: string, maxChars = QUOTED_VALUE_MAX_CHARS): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
