// Splits a filter or order_by clause into tokens: words (keys, keywords), numbers, quoted text,
// comparison operators, parentheses and commas, each with its position in the text.
import { SearchSyntaxError } from './search-syntax-error';

/** The kinds of token the search grammar is made of. */
export type TokenKind = 'word' | 'number' | 'quoted' | 'operator' | '(' | ')' | ',';

/** The quote characters: 'single' and "double" quote values and names, `backticks` quote names only. */
export type QuoteChar = "'" | '"' | '`';

/** One token of a filter, with its 0-based [start, end) span in the text. */
export interface Token {
  readonly kind: TokenKind;
  /** The text as written (quotes included). */
  readonly text: string;
  /** For quoted text, its content with doubled quotes undone; otherwise the text as written. */
  readonly value: string;
  readonly quote?: QuoteChar;
  readonly start: number;
  readonly end: number;
  /** Set (in partial mode only) on quoted text whose closing quote has not been typed yet. */
  readonly unterminated?: boolean;
}

const WORD = /[\p{L}_][\p{L}\p{M}\p{N}_.]*/uy;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = /!=|<=|>=|=|<|>/y;
const SPACE = /\s/;
const PLAIN_TOKENS: ReadonlyArray<readonly ['number' | 'word' | 'operator', RegExp]> = [
  ['number', NUMBER],
  ['word', WORD],
  ['operator', OPERATOR],
];

function quoteName(quote: QuoteChar): string {
  return quote === '`' ? 'backtick' : quote === '"' ? 'double quote' : 'single quote';
}

function matchAt(pattern: RegExp, text: string, index: number): string | null {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0] ?? null;
}

function scanPlain(text: string, index: number): { kind: 'number' | 'word' | 'operator'; text: string } | null {
  for (const [kind, pattern] of PLAIN_TOKENS) {
    const matched = matchAt(pattern, text, index);
    if (matched) return { kind, text: matched };
  }
  return null;
}

function readQuoted(text: string, start: number, partial: boolean): Token {
  const quote = text[start] as QuoteChar;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === quote) {
      // A doubled quote stands for the quote itself, as in SQL.
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { kind: 'quoted', text: text.slice(start, i + 1), value, quote, start, end: i + 1 };
    }
    value += ch;
    i++;
  }
  if (!partial) throw new SearchSyntaxError(`Missing the closing ${quoteName(quote)} of the text starting`, start);
  return { kind: 'quoted', text: text.slice(start), value, quote, start, end: text.length, unterminated: true };
}

/**
 * Tokenizes search text. In partial mode (for completions while typing) quoted text still
 * open at the end becomes an unterminated token instead of an error.
 */
export function tokenize(text: string, options: { partial?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (SPACE.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const token = readQuoted(text, i, options.partial === true);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, value: ch, start: i, end: i + 1 });
      i++;
      continue;
    }
    const matched = scanPlain(text, i);
    if (!matched) {
      const shown = String.fromCodePoint(text.codePointAt(i) as number);
      throw new SearchSyntaxError(`Unexpected character '${shown}'`, i);
    }
    tokens.push({ kind: matched.kind, text: matched.text, value: matched.text, start: i, end: i + matched.text.length });
    i += matched.text.length;
  }
  return tokens;
}
