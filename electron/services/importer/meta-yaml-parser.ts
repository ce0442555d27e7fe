// A small, strict reader for the YAML that MLflow's file stores write (PyYAML's safe_dump in
// block style): block mappings and sequences, empty `[]` and `{}`, plain and quoted scalars
// (folded over several lines when long), and YAML 1.1 scalar types, read as PyYAML reads them.
// Anything else (anchors, tags, block scalars, non-empty flow collections, complex keys) is
// refused with the line it is on, rather than guessed at.

/** A value read from a meta.yaml file. */
export type MetaYamlValue = string | number | boolean | null | MetaYamlValue[] | MetaYamlMap;

/** A YAML mapping; keys keep their file order. */
export interface MetaYamlMap {
  [key: string]: MetaYamlValue;
}

/** A meta.yaml file that this reader refuses, with the 1-based line at fault. */
export class MetaYamlError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'MetaYamlError';
    this.line = line;
  }
}

/** A parsed meta.yaml file: its top-level mapping, and where each top-level key is. */
export interface MetaYamlDocument {
  readonly root: MetaYamlMap;
  /** The 1-based line of a top-level key; null when the key is absent. */
  lineOf(key: string): number | null;
}

/** Parses the text of a meta.yaml file whose top level is a mapping; throws MetaYamlError when it is not one. */
export function parseMetaYaml(text: string): MetaYamlDocument {
  const parser = new MetaYamlParser(text);
  const root = parser.parseDocument();
  return { root, lineOf: (key) => parser.topLevelKeyLines.get(key) ?? null };
}

interface Line {
  readonly number: number;
  /** The line without its indentation, trailing whitespace kept (it matters inside quotes). */
  readonly raw: string;
  /** `raw` without trailing whitespace; '' for a blank line. */
  readonly text: string;
  readonly indent: number;
  /** The break that ends the line: '\n' for the generic ones, else the Unicode separator, which YAML keeps. */
  readonly lineBreak: string;
}

/** Line breaks as PyYAML reads them: CRLF, CR, LF, NEL, and the Unicode line and paragraph separators. */
const LINE_BREAK = /(\r\n|[\r\n\u0085\u2028\u2029])/;

const UNSUPPORTED_START: Readonly<Record<string, string>> = {
  '&': 'anchors',
  '*': 'aliases',
  '!': 'tags',
  '|': 'block scalars',
  '>': 'block scalars',
  '%': 'directives',
  '@': 'reserved indicators',
  '`': 'reserved indicators',
};

function trimYamlEnd(text: string): string {
  return text.replace(/[ \t]+$/, '');
}

function trimYamlStart(text: string): string {
  return text.replace(/^[ \t]+/, '');
}

class MetaYamlParser {
  private readonly lines: Line[] = [];
  private index = 0;
  readonly topLevelKeyLines = new Map<string, number>();

  constructor(text: string) {
    const parts = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
    if (parts.at(-1) === '') parts.pop();
    for (let i = 0; i < parts.length; i += 2) {
      const number = i / 2 + 1;
      const content = parts[i]!;
      const raw = content.replace(/^ +/, '');
      const text = trimYamlEnd(raw);
      if (raw.startsWith('\t') && trimYamlStart(text) !== '') {
        throw new MetaYamlError(number, 'tabs are not allowed in indentation');
      }
      const lineBreak = parts[i + 1] ?? '\n';
      this.lines.push({
        number,
        raw,
        text: trimYamlStart(text) === '' ? '' : text,
        indent: content.length - raw.length,
        lineBreak: lineBreak === '\u2028' || lineBreak === '\u2029' ? lineBreak : '\n',
      });
    }
  }

  parseDocument(): MetaYamlMap {
    this.skipInsignificant();
    if (this.peek()?.text === '---') {
      this.index++;
      this.skipInsignificant();
    }
    const first = this.peek();
    if (!first) throw new MetaYamlError(Math.max(this.lines.length, 1), 'the file is empty');
    if (first.indent !== 0) throw new MetaYamlError(first.number, 'the document must start at column 1');
    let result: MetaYamlMap;
    if (first.text === '{}') {
      this.index++;
      result = Object.create(null) as MetaYamlMap;
    } else if (isSequenceItem(first.text)) {
      throw new MetaYamlError(first.number, 'expected a mapping at the top level, found a list');
    } else {
      result = this.parseMapping(0);
    }
    this.skipInsignificant();
    if (this.peek()?.text === '...') {
      this.index++;
      this.skipInsignificant();
    }
    const extra = this.peek();
    if (extra) throw new MetaYamlError(extra.number, 'unexpected text after the end of the document');
    return result;
  }

  private peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** Moves past blank lines and comment lines. */
  private skipInsignificant(): void {
    while (this.index < this.lines.length) {
      const line = this.lines[this.index]!;
      if (line.text !== '' && !line.text.startsWith('#')) return;
      this.index++;
    }
  }

  private parseMapping(indent: number): MetaYamlMap {
    const map = Object.create(null) as MetaYamlMap;
    for (;;) {
      this.skipInsignificant();
      const line = this.peek();
      if (!line || line.indent < indent || isDocumentMarker(line)) return map;
      if (line.indent > indent) throw new MetaYamlError(line.number, 'unexpected indentation');
      if (isSequenceItem(line.text)) throw new MetaYamlError(line.number, 'a list item where a mapping key was expected');
      const { key, rest } = splitKey(line);
      if (Object.prototype.hasOwnProperty.call(map, key)) throw new MetaYamlError(line.number, `duplicate key '${key}'`);
      if (indent === 0) this.topLevelKeyLines.set(key, line.number);
      this.index++;
      map[key] = this.parseValueAfterIndicator(rest, line, indent, true);
    }
  }

  private parseSequence(indent: number): MetaYamlValue[] {
    const list: MetaYamlValue[] = [];
    for (;;) {
      this.skipInsignificant();
      const line = this.peek();
      if (!line || line.indent < indent || isDocumentMarker(line)) return list;
      if (line.indent > indent) throw new MetaYamlError(line.number, 'unexpected indentation');
      if (!isSequenceItem(line.text)) return list;
      const content = trimYamlStart(line.raw.slice(1));
      const nestedList = isSequenceItem(trimYamlEnd(content));
      if (nestedList || (trimYamlEnd(content) !== '' && opensMappingEntry(content))) {
        // "- key: value" opens a mapping whose keys line up with "key"; "- - x" a list inside a list.
        const column = indent + line.raw.length - content.length;
        this.lines[this.index] = { ...line, raw: content, text: trimYamlEnd(content), indent: column };
        list.push(nestedList ? this.parseSequence(column) : this.parseMapping(column));
      } else {
        this.index++;
        list.push(this.parseValueAfterIndicator(content, line, indent, false));
      }
    }
  }

  /**
   * The value after "key:" or "- ": inline on the same line, or a nested block below it. A
   * mapping's value may be a list at the mapping's own indentation, as PyYAML writes lists.
   */
  private parseValueAfterIndicator(rest: string, line: Line, indent: number, allowIndentlessList: boolean): MetaYamlValue {
    const text = trimYamlEnd(rest);
    if (text !== '' && !text.startsWith('#')) return this.parseScalar(rest, line, indent);
    this.skipInsignificant();
    const next = this.peek();
    if (!next) return null;
    if (next.indent > indent) {
      return isSequenceItem(next.text) ? this.parseSequence(next.indent) : this.parseMapping(next.indent);
    }
    if (allowIndentlessList && next.indent === indent && isSequenceItem(next.text)) return this.parseSequence(indent);
    return null;
  }

  /** A scalar starting in `rest` on `line`; plain continuation lines must be indented more than `parentIndent`. */
  private parseScalar(rest: string, line: Line, parentIndent: number): MetaYamlValue {
    const first = rest[0]!;
    if (first === "'" || first === '"') return this.parseQuoted(rest, line);
    const text = trimYamlEnd(rest);
    if (text === '[]') return [];
    if (text === '{}') return Object.create(null) as MetaYamlMap;
    if (first === '[' || first === '{') {
      throw new MetaYamlError(line.number, 'flow collections other than [] and {} need a full YAML parser');
    }
    const unsupported = UNSUPPORTED_START[first];
    if (unsupported) throw new MetaYamlError(line.number, `${unsupported} ('${first}') need a full YAML parser`);
    if (text === '?' || text.startsWith('? ')) throw new MetaYamlError(line.number, 'complex keys need a full YAML parser');
    return resolvePlain(this.readPlain(text, line, parentIndent));
  }

  private readPlain(text: string, line: Line, parentIndent: number): string {
    const contentOf = (part: string, at: Line): string => {
      const comment = part.indexOf(' #');
      const content = trimYamlEnd(comment >= 0 ? part.slice(0, comment) : part);
      if (findMappingIndicator(content) >= 0) throw new MetaYamlError(at.number, "a value may not contain ': ' unless quoted");
      return content;
    };
    let value = contentOf(text, line);
    if (text.includes(' #')) return value;
    let previous = line;
    const breaks: string[] = [];
    let lookahead = this.index;
    while (lookahead < this.lines.length) {
      const next = this.lines[lookahead]!;
      if (next.text === '') {
        breaks.push(next.lineBreak);
        lookahead++;
        continue;
      }
      if (next.indent <= parentIndent || next.text.startsWith('#')) break;
      value += foldBreaks(previous.lineBreak, breaks) + contentOf(next.text, next);
      breaks.length = 0;
      previous = next;
      this.index = ++lookahead;
      if (next.text.includes(' #')) break;
    }
    return value;
  }

  /**
   * A single- or double-quoted scalar, over as many lines as it takes. As PyYAML reads them,
   * continuation lines are not checked for indentation; whitespace around a line break is
   * dropped, a lone break becomes a space, and each blank line a newline.
   */
  private parseQuoted(rest: string, line: Line): string {
    const quote = rest[0]!;
    let out = '';
    let current = rest.slice(1);
    let currentLine = line;
    for (;;) {
      let i = 0;
      let literalSpaces = 0;
      let escapedBreak = false;
      let closed = false;
      while (i < current.length) {
        const ch = current[i]!;
        if (ch === quote) {
          if (quote === "'" && current[i + 1] === "'") {
            out += "'";
            literalSpaces = 0;
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (quote === '"' && ch === '\\') {
          if (i === current.length - 1) {
            escapedBreak = true;
            break;
          }
          const escape = decodeEscape(current, i, currentLine.number);
          out += escape.text;
          literalSpaces = 0;
          i += escape.length;
          continue;
        }
        out += ch;
        literalSpaces = ch === ' ' || ch === '\t' ? literalSpaces + 1 : 0;
        i++;
      }
      if (closed) {
        const trailing = trimYamlStart(current.slice(i));
        if (trailing !== '' && !trailing.startsWith('#')) {
          throw new MetaYamlError(currentLine.number, 'unexpected text after a quoted value');
        }
        return out;
      }
      if (!escapedBreak) out = out.slice(0, out.length - literalSpaces);
      const breaks: string[] = [];
      let next: Line | undefined;
      while ((next = this.lines[this.index]) !== undefined && next.text === '') {
        breaks.push(next.lineBreak);
        this.index++;
      }
      if (!next) throw new MetaYamlError(line.number, `the quoted value is not closed (missing ${quote})`);
      if (isDocumentMarker(next)) {
        throw new MetaYamlError(next.number, `the quoted value that starts on line ${line.number} is not closed`);
      }
      this.index++;
      out += escapedBreak ? breaks.join('') : foldBreaks(currentLine.lineBreak, breaks);
      current = trimYamlStart(next.raw);
      currentLine = next;
    }
  }
}

/** What a line break followed by blank lines becomes inside a folded scalar. */
function foldBreaks(firstBreak: string, blankLineBreaks: readonly string[]): string {
  if (firstBreak !== '\n') return firstBreak + blankLineBreaks.join('');
  return blankLineBreaks.length === 0 ? ' ' : blankLineBreaks.join('');
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_ESCAPE_LENGTHS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function decodeEscape(text: string, at: number, lineNumber: number): { text: string; length: number } {
  const code = text[at + 1]!;
  const simple = SIMPLE_ESCAPES[code];
  if (simple !== undefined) return { text: simple, length: 2 };
  const digits = HEX_ESCAPE_LENGTHS[code];
  if (digits !== undefined) {
    const hex = text.slice(at + 2, at + 2 + digits);
    if (hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
      const point = parseInt(hex, 16);
      if (point <= 0x10ffff) return { text: String.fromCodePoint(point), length: 2 + digits };
    }
  }
  throw new MetaYamlError(lineNumber, `unknown escape '\\${code}' in a double-quoted value`);
}

function isDocumentMarker(line: Line): boolean {
  return line.indent === 0 && (line.text === '---' || line.text === '...');
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function isQuoted(text: string): boolean {
  return text.startsWith("'") || text.startsWith('"');
}

/** Does this text start with "key:" (a plain or quoted key)? */
function opensMappingEntry(text: string): boolean {
  if (!isQuoted(text)) return findMappingIndicator(text) >= 0;
  const end = closingQuoteIndex(text);
  if (end < 0) return false;
  const after = trimYamlEnd(text.slice(end + 1));
  return after === ':' || after.startsWith(': ');
}

/** Index of the quote that closes the quoted text at the start of `text`, on the same line, or -1. */
function closingQuoteIndex(text: string): number {
  const quote = text[0]!;
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
    } else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/** Index of the ':' that ends a plain mapping key (followed by a space or the end), or -1. */
function findMappingIndicator(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i === text.length - 1 || text[i + 1] === ' ' || text[i + 1] === '\t')) return i;
    if (text[i] === ' ' && text[i + 1] === '#') return -1;
  }
  return -1;
}

function splitKey(line: Line): { key: string; rest: string } {
  const text = line.text;
  if (text === '?' || text.startsWith('? ')) throw new MetaYamlError(line.number, 'complex keys need a full YAML parser');
  if (isQuoted(text)) {
    const end = closingQuoteIndex(line.raw);
    if (end < 0) throw new MetaYamlError(line.number, 'a quoted key is not closed on its line');
    const quoted = line.raw.slice(1, end);
    const key = text[0] === "'" ? quoted.replaceAll("''", "'") : decodeDoubleQuotedKey(quoted, line.number);
    const after = line.raw.slice(end + 1);
    if (!(trimYamlEnd(after) === ':' || after.startsWith(': ') || after.startsWith(':\t'))) {
      throw new MetaYamlError(line.number, "expected ':' after a quoted key");
    }
    return { key, rest: trimYamlStart(after.slice(1)) };
  }
  const colon = findMappingIndicator(text);
  if (colon < 0) throw new MetaYamlError(line.number, "expected 'key: value'");
  const key = trimYamlEnd(text.slice(0, colon));
  const unsupported = UNSUPPORTED_START[key[0] ?? ''];
  if (unsupported || key.startsWith('[') || key.startsWith('{')) {
    throw new MetaYamlError(line.number, `the key '${key}' needs a full YAML parser`);
  }
  return { key, rest: trimYamlStart(line.raw.slice(colon + 1)) };
}

function decodeDoubleQuotedKey(text: string, lineNumber: number): string {
  let key = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '\\') {
      const escape = decodeEscape(text, i, lineNumber);
      key += escape.text;
      i += escape.length;
    } else {
      key += text[i++];
    }
  }
  return key;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSES = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const DECIMAL_INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const OCTAL_INT = /^[-+]?0[0-7_]+$/;
const HEX_INT = /^[-+]?0x[0-9a-fA-F_]+$/;
const BINARY_INT = /^[-+]?0b[01_]+$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+][0-9]+)?$/;
const INFINITY = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

/** Types a plain scalar as PyYAML's resolver does (YAML 1.1); what it does not recognise stays a string. */
function resolvePlain(text: string): MetaYamlValue {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  const sign = text.startsWith('-') ? -1 : 1;
  const unsigned = text.replace(/^[-+]/, '').replaceAll('_', '');
  if (DECIMAL_INT.test(text)) return sign * Number(unsigned);
  if (HEX_INT.test(text)) return sign * parseInt(unsigned.slice(2), 16);
  if (BINARY_INT.test(text)) return sign * parseInt(unsigned.slice(2), 2);
  if (OCTAL_INT.test(text)) return sign * parseInt(unsigned, 8);
  if (FLOAT.test(text)) return sign * Number(unsigned);
  if (INFINITY.test(text)) return sign * Number.POSITIVE_INFINITY;
  if (NAN.test(text)) return Number.NaN;
  return text;
}
