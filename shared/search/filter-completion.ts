// Tells a filter bar what fits at the cursor: a key (or, after `metrics.` and the like, a name),
// a comparator, a value, or what joins or closes (AND, OR, ')' and, inside a list, ',').
import type { SearchEntity, SearchKey } from './search-ast';
import type { SearchDomain } from './search-domains';
import { parseKey } from './search-parser';
import { SearchSyntaxError } from './search-syntax-error';
import { tokenize, type Token } from './filter-tokens';

/** What kind of thing belongs at the cursor. */
export type CompletionSlot = 'key' | 'comparator' | 'value' | 'connective';

/** What a filter bar can offer at the cursor. */
export interface FilterCompletion {
  readonly expect: CompletionSlot;
  /** A completion replaces the text from here up to the cursor. */
  readonly from: number;
  /** What is already typed between `from` and the cursor. */
  readonly partial: string;
  /** Fixed words that fit and start with `partial` (case-insensitively). */
  readonly options: readonly string[];
  /** For a key typed after an entity prefix: whose names to offer (the partial is then the name alone). */
  readonly entity?: SearchEntity;
  /** For a comparator or a value: the key it applies to. */
  readonly key?: SearchKey;
  /** For a value: what kind. */
  readonly valueType?: 'number' | 'string' | 'list';
}

type State =
  | { at: 'key' }
  | { at: 'comparator'; key: SearchKey }
  | { at: 'not'; key: SearchKey }
  | { at: 'value'; key: SearchKey }
  | { at: 'list-open' | 'list-item' | 'list-separator'; key: SearchKey }
  | { at: 'connective' };

function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.value.toUpperCase() === word;
}

/** Is the key written as a prefix with a dot followed directly by a quoted name? */
function isSplitKey(word: Token | undefined, next: Token | undefined): boolean {
  return (
    word?.kind === 'word' &&
    word.value.indexOf('.') === word.value.length - 1 &&
    next?.kind === 'quoted' &&
    next.start === word.end
  );
}

/** Moves the state past the complete token at i; returns the next state and index, or null when the token does not fit. */
function advance(state: State, tokens: readonly Token[], i: number, text: string, domain: SearchDomain): [State, number] | null {
  const token = tokens[i] as Token;
  switch (state.at) {
    case 'key': {
      if (token.kind === '(') return [state, i + 1];
      if (token.kind !== 'word' && token.kind !== 'quoted') return null;
      const end = isSplitKey(token, tokens[i + 1]) ? i + 2 : i + 1;
      try {
        const key = parseKey(text.slice(token.start, (tokens[end - 1] as Token).end), domain);
        return [{ at: 'comparator', key: { ...key, position: token.start } }, end];
      } catch (error) {
        if (error instanceof SearchSyntaxError) return null;
        throw error;
      }
    }
    case 'comparator': {
      if (isWord(token, 'NOT')) return [{ at: 'not', key: state.key }, i + 1];
      const comparator = token.kind === 'operator' ? token.value : token.kind === 'word' ? token.value.toUpperCase() : '';
      if (!(domain.comparatorsFor(state.key) as readonly string[]).includes(comparator)) return null;
      return [comparator === 'IN' ? { at: 'list-open', key: state.key } : { at: 'value', key: state.key }, i + 1];
    }
    case 'not':
      return isWord(token, 'IN') ? [{ at: 'list-open', key: state.key }, i + 1] : null;
    case 'value':
      return token.kind === 'number' || token.kind === 'quoted' ? [{ at: 'connective' }, i + 1] : null;
    case 'list-open':
      return token.kind === '(' ? [{ at: 'list-item', key: state.key }, i + 1] : null;
    case 'list-item':
      return token.kind === 'quoted' ? [{ at: 'list-separator', key: state.key }, i + 1] : null;
    case 'list-separator':
      if (token.kind === ',') return [{ at: 'list-item', key: state.key }, i + 1];
      return token.kind === ')' ? [{ at: 'connective' }, i + 1] : null;
    case 'connective':
      return isWord(token, 'AND') || isWord(token, 'OR') ? [{ at: 'key' }, i + 1] : token.kind === ')' ? [state, i + 1] : null;
  }
}

function startingWith(options: readonly string[], partial: string): string[] {
  const lower = partial.toLowerCase();
  return options.filter((option) => option.toLowerCase().startsWith(lower));
}

/** A key being typed: an entity prefix or attribute, or (once a prefix is typed) a name. */
function keyCompletion(domain: SearchDomain, typed: Token | undefined, prefixWord: Token | undefined, cursor: number): FilterCompletion {
  const attributes = [...domain.attributes]
    .filter(([written, spec]) => written === spec.name && spec.searchable)
    .map(([written]) => written);
  const word = prefixWord ?? (typed?.kind === 'word' ? typed : undefined);
  const dot = word ? word.value.indexOf('.') : -1;
  const entity = word && dot >= 0 ? domain.entities.get(word.value.slice(0, dot).toLowerCase()) : undefined;
  if (word && entity) {
    const [from, partial] = prefixWord && typed ? [typed.start, typed.text] : [word.start + dot + 1, word.value.slice(dot + 1)];
    const names = entity === 'attribute' ? attributes : entity === 'dataset' ? domain.datasetFields : [];
    return { expect: 'key', from, partial, options: startingWith(names, partial), entity };
  }
  const partial = typed?.text ?? '';
  return { expect: 'key', from: typed?.start ?? cursor, partial, options: startingWith([...domain.suggestedPrefixes, ...attributes], partial) };
}

/**
 * What fits at `cursor` in `text` (a filter being typed), or null when the text before the
 * cursor is already malformed.
 */
export function completeFilterAt(text: string, cursor: number, domain: SearchDomain): FilterCompletion | null {
  const head = text.slice(0, Math.max(0, Math.min(cursor, text.length)));
  let tokens: Token[];
  try {
    tokens = tokenize(head, { partial: true });
  } catch (error) {
    if (error instanceof SearchSyntaxError) return null;
    throw error;
  }
  // The token touching the cursor is still being typed, unless it is punctuation or closed quoted text.
  const last = tokens.at(-1);
  const typed =
    last && last.end === head.length && (last.kind === 'word' || last.kind === 'number' || last.kind === 'operator' || last.unterminated)
      ? last
      : undefined;
  let complete = typed ? tokens.length - 1 : tokens.length;
  // In `metrics."my me` the prefix word and the open quoted name are one key being typed.
  const prefixWord = typed?.kind === 'quoted' && isSplitKey(tokens[complete - 1], typed) ? tokens[complete - 1] : undefined;
  if (prefixWord) complete--;

  let state: State = { at: 'key' };
  let depth = 0;
  for (let i = 0; i < complete; ) {
    const step = advance(state, tokens, i, head, domain);
    if (!step) return null;
    const token = tokens[i] as Token;
    depth += token.kind === '(' && state.at === 'key' ? 1 : token.kind === ')' && state.at === 'connective' ? -1 : 0;
    if (depth < 0) return null;
    [state, i] = step;
  }
  if (prefixWord && state.at !== 'key') return null;

  const partial = typed?.text ?? '';
  const from = typed?.start ?? head.length;
  switch (state.at) {
    case 'key':
      return keyCompletion(domain, typed, prefixWord, head.length);
    case 'comparator':
      return { expect: 'comparator', from, partial, options: startingWith(domain.comparatorsFor(state.key), partial), key: state.key };
    case 'not':
      return { expect: 'comparator', from, partial, options: startingWith(['IN'], partial), key: state.key };
    case 'value':
      return { expect: 'value', from, partial, options: [], key: state.key, valueType: state.key.valueType };
    case 'list-open':
      return { expect: 'value', from, partial, options: startingWith(['('], partial), key: state.key, valueType: 'list' };
    case 'list-item':
      return { expect: 'value', from, partial, options: [], key: state.key, valueType: 'string' };
    case 'list-separator':
      return { expect: 'connective', from, partial, options: startingWith([',', ')'], partial) };
    case 'connective':
      return { expect: 'connective', from, partial, options: startingWith(depth > 0 ? ['AND', 'OR', ')'] : ['AND', 'OR'], partial) };
  }
}
