// Writes YAML text as DVC writes dvc.lock and run-cache entries: ruamel.yaml's round-trip dumper
// with DVC's settings (block style, 2-space indents, sequences not indented under their key,
// lines folded past 80 columns, strings quoted only when a plain scalar would read back as
// something else). Following ruamel's emitter state by state, rather than approximating it, is
// what makes a lock Cairn writes byte-identical to the one `dvc repro` writes for the same stages,
// so that switching between the two tools leaves no diff in git.
//
// The state machine below mirrors ruamel.yaml 0.17's Emitter (emitter.py) for what DVC's data
// holds: mappings, sequences and scalars, without anchors, tags or comments.
import { isPyList, isPyMap, PyFloat, pythonFloatRepr, type PyValue } from './python-value';

type YamlEvent =
  | { readonly kind: 'scalar'; readonly value: string; readonly plainImplicit: boolean }
  | { readonly kind: 'mapping-start' }
  | { readonly kind: 'mapping-end' }
  | { readonly kind: 'sequence-start' }
  | { readonly kind: 'sequence-end' }
  | { readonly kind: 'document-end' };

type ScalarStyle = '' | "'" | '"';

interface ScalarAnalysis {
  readonly scalar: string;
  readonly empty: boolean;
  readonly multiline: boolean;
  readonly allowBlockPlain: boolean;
  readonly allowSingleQuoted: boolean;
  readonly allowDoubleQuoted: boolean;
}

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const MAX_SIMPLE_KEY_LENGTH = 128;
/** ruamel counts a key's tag ('!!str', never written for a plain string) towards the simple-key limit. */
const STRING_TAG_LENGTH = '!!str'.length;
const LINE_BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE_OR_END = '\0 \t\r\n\x85\u2028\u2029';

// ruamel.yaml's YAML 1.2 implicit resolvers: a plain scalar matching one of these reads back as
// something other than a string, so a string with such text must be quoted.
const IMPLICIT_NON_STRINGS: readonly RegExp[] = [
  /^(?:true|True|TRUE|false|False|FALSE)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

/** Whether a plain scalar with this text reads back as a string. */
function plainReadsAsString(text: string): boolean {
  return !IMPLICIT_NON_STRINGS.some((pattern) => pattern.test(text));
}

/** ruamel's representation of a float: Python's repr, lower case, with .nan and .inf. */
function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  return pythonFloatRepr(x).toLowerCase();
}

function pushEvents(value: PyValue, events: YamlEvent[], root: boolean): void {
  if (typeof value === 'string') {
    events.push({ kind: 'scalar', value, plainImplicit: plainReadsAsString(value) });
  } else if (value === null) {
    // ruamel writes a None at the top of the document as "null" and anywhere else as nothing.
    events.push({ kind: 'scalar', value: root ? 'null' : '', plainImplicit: true });
  } else if (typeof value === 'boolean') {
    events.push({ kind: 'scalar', value: value ? 'true' : 'false', plainImplicit: true });
  } else if (typeof value === 'number') {
    events.push({ kind: 'scalar', value: String(value), plainImplicit: true });
  } else if (value instanceof PyFloat) {
    events.push({ kind: 'scalar', value: yamlFloat(value.value), plainImplicit: true });
  } else if (isPyList(value)) {
    events.push({ kind: 'sequence-start' });
    for (const item of value) pushEvents(item, events, false);
    events.push({ kind: 'sequence-end' });
  } else if (isPyMap(value)) {
    events.push({ kind: 'mapping-start' });
    for (const [key, item] of value) {
      pushEvents(key, events, false);
      pushEvents(item, events, false);
    }
    events.push({ kind: 'mapping-end' });
  }
}

function analyzeScalar(scalar: string): ScalarAnalysis {
  if (!scalar) {
    return { scalar, empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true, allowDoubleQuoted: true };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (scalar.startsWith('---') || scalar.startsWith('...')) blockIndicators = true;
  const chars = [...scalar];
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE_OR_END.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (LINE_BREAKS.includes(ch)) lineBreaks = true;
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7e'))) {
      const code = ch.codePointAt(0)!;
      const printableUnicode =
        (code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)) &&
        code !== 0xfeff;
      // ruamel's dumper allows unicode: printable characters beyond ASCII stay as they are.
      if (!printableUnicode) specialCharacters = true;
    }
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (LINE_BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE_OR_END.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || WHITESPACE_OR_END.includes(chars[index + 2]!);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (specialCharacters || spaceBreak) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { scalar, empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted, allowDoubleQuoted: true };
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** The emitter: ruamel's state machine over the events of one document. */
class YamlEmitter {
  private readonly out: string[] = [];
  private readonly states: Array<() => void> = [];
  private state: () => void;
  private index = 0;
  private event!: YamlEvent;
  private readonly indents: Array<[number | null, boolean]> = [];
  private indent: number | null = null;
  private flowLevel = 0;
  private sequenceContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private noNewline = false;
  private analysis: ScalarAnalysis | null = null;
  private style: ScalarStyle | null = null;

  constructor(private readonly events: readonly YamlEvent[]) {
    this.state = () => this.expectDocumentRoot();
  }

  run(): string {
    for (this.index = 0; this.index < this.events.length; this.index++) {
      this.event = this.events[this.index]!;
      this.state();
    }
    return this.out.join('');
  }

  private next(): YamlEvent | undefined {
    return this.events[this.index + 1];
  }

  private increaseIndent(flow: boolean, sequence: boolean, indentless = false): void {
    this.indents.push([this.indent, sequence]);
    if (this.indent === null) {
      this.indent = flow ? null : 0;
    } else if (!indentless) {
      this.indent += BEST_INDENT;
    }
  }

  private popIndent(): number | null {
    return this.indents.pop()![0];
  }

  private expectDocumentRoot(): void {
    this.states.push(() => this.expectDocumentEnd());
    this.expectNode({ root: true });
  }

  private expectDocumentEnd(): void {
    this.writeIndent();
  }

  private expectNode(context: { root?: boolean; sequence?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.sequenceContext = context.sequence ?? false;
    this.mappingContext = context.mapping ?? false;
    this.simpleKeyContext = context.simpleKey ?? false;
    const event = this.event;
    if (event.kind === 'scalar') {
      if (this.style === null) this.style = this.chooseScalarStyle();
      this.expectScalar();
    } else if (event.kind === 'sequence-start') {
      if (this.flowLevel > 0 || this.next()?.kind === 'sequence-end') this.expectFlowSequence();
      else this.expectBlockSequence();
    } else if (event.kind === 'mapping-start') {
      if (this.flowLevel > 0 || this.next()?.kind === 'mapping-end') this.expectFlowMapping();
      else this.expectBlockMapping();
    }
  }

  private expectScalar(): void {
    this.increaseIndent(true, false);
    this.processScalar();
    this.indent = this.popIndent();
    this.state = this.states.pop()!;
  }

  /** How far an empty flow collection is pushed right after a sequence's dash (ruamel's seq_flow_align). */
  private flowAlign(): number {
    const last = this.indents.at(-1);
    if (this.indents.length < 2 || !last?.[1]) return 0;
    const base = last[0] ?? 0;
    return base + BEST_INDENT - this.column - 1;
  }

  private expectFlowSequence(): void {
    this.writeIndicator(`${' '.repeat(Math.max(0, this.flowAlign()))}[`, true, true);
    this.increaseIndent(true, true);
    this.flowLevel++;
    this.state = () => this.expectEmptyFlowEnd(']');
  }

  private expectFlowMapping(): void {
    this.writeIndicator(`${' '.repeat(Math.max(0, this.flowAlign()))}{`, true, true);
    this.increaseIndent(true, false);
    this.flowLevel++;
    this.state = () => this.expectEmptyFlowEnd('}');
  }

  /** Only empty collections are written in flow style: the next event closes them. */
  private expectEmptyFlowEnd(closing: string): void {
    this.indent = this.popIndent();
    this.flowLevel--;
    this.writeIndicator(closing, false);
    if (this.flowLevel === 0) this.writeLineBreak();
    this.state = this.states.pop()!;
  }

  private expectBlockSequence(): void {
    const indentless = this.mappingContext ? !this.indention : false;
    this.increaseIndent(false, true, indentless);
    this.state = () => this.expectBlockSequenceItem(true);
  }

  private expectBlockSequenceItem(first: boolean): void {
    if (!first && this.event.kind === 'sequence-end') {
      this.indent = this.popIndent();
      this.state = this.states.pop()!;
      this.noNewline = false;
      return;
    }
    const keepOnLine = this.column === 0 ? this.noNewline : false;
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    if (keepOnLine) this.noNewline = true;
    this.states.push(() => this.expectBlockSequenceItem(false));
    this.expectNode({ sequence: true });
  }

  private expectBlockMapping(): void {
    this.increaseIndent(false, false);
    this.state = () => this.expectBlockMappingKey(true);
  }

  private expectBlockMappingKey(first: boolean): void {
    if (!first && this.event.kind === 'mapping-end') {
      this.indent = this.popIndent();
      this.state = this.states.pop()!;
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(() => this.expectBlockMappingSimpleValue());
      this.expectNode({ mapping: true, simpleKey: true });
    } else {
      // A key too long or spanning lines is written as an explicit key: "? key" then ": value".
      this.writeIndicator('?', true, false, true);
      this.states.push(() => this.expectBlockMappingValue());
      this.expectNode({ mapping: true });
    }
  }

  private expectBlockMappingValue(): void {
    this.writeIndent();
    this.writeIndicator(':', true, false, true);
    this.states.push(() => this.expectBlockMappingKey(false));
    this.expectNode({ mapping: true });
  }

  private expectBlockMappingSimpleValue(): void {
    this.writeIndicator(':', false);
    this.states.push(() => this.expectBlockMappingKey(false));
    this.expectNode({ mapping: true });
  }

  private checkSimpleKey(): boolean {
    const event = this.event;
    if (event.kind === 'scalar') {
      this.analysis ??= analyzeScalar(event.value);
      return [...this.analysis.scalar].length + STRING_TAG_LENGTH < MAX_SIMPLE_KEY_LENGTH && !this.analysis.multiline;
    }
    return false;
  }

  private chooseScalarStyle(): ScalarStyle {
    const event = this.event as Extract<YamlEvent, { kind: 'scalar' }>;
    this.analysis ??= analyzeScalar(event.value);
    const analysis = this.analysis;
    if (event.plainImplicit) {
      if (!(this.simpleKeyContext && (analysis.empty || analysis.multiline)) && this.flowLevel === 0 && analysis.allowBlockPlain) {
        return '';
      }
    }
    if (analysis.allowDoubleQuoted && (event.value.includes("'") || event.value.includes('\n'))) return '"';
    if (analysis.allowSingleQuoted && !(this.simpleKeyContext && analysis.multiline)) return "'";
    return '"';
  }

  private processScalar(): void {
    const event = this.event as Extract<YamlEvent, { kind: 'scalar' }>;
    this.analysis ??= analyzeScalar(event.value);
    this.style ??= this.chooseScalarStyle();
    const split = !this.simpleKeyContext;
    if (this.sequenceContext && this.flowLevel === 0) this.writeIndent();
    if (this.style === '"') this.writeDoubleQuoted(this.analysis.scalar, split);
    else if (this.style === "'") this.writeSingleQuoted(this.analysis.scalar, split);
    else this.writePlain(this.analysis.scalar, split);
    this.analysis = null;
    this.style = null;
  }

  private write(data: string): void {
    this.out.push(data);
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      if (this.noNewline) this.noNewline = false;
      else this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  private writeText(data: string): void {
    this.column += [...data].length;
    this.write(data);
  }

  private writePlain(text: string, split: boolean): void {
    if (!text) return;
    if (!this.whitespace) this.writeText(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = [...text];
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.writeText(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !LINE_BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === null || ` ${LINE_BREAKS}`.includes(ch)) {
        this.writeText(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
  }

  private writeSingleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    const chars = [...text];
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.writeText(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !LINE_BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ` ${LINE_BREAKS}`.includes(ch) || ch === "'") {
        if (start < end) {
          this.writeText(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.writeText("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string, split: boolean): void {
    this.writeIndicator('"', true);
    const chars = [...text];
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      const code = ch === null ? 0 : ch.codePointAt(0)!;
      if (
        ch === null ||
        '"\\\x85\u2028\u2029\uFEFF'.includes(ch) ||
        !((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd))
      ) {
        if (start < end) {
          this.writeText(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== null) {
          const named = DOUBLE_QUOTED_ESCAPES[ch];
          let data: string;
          if (named !== undefined) data = `\\${named}`;
          else if (code <= 0xff) data = `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
          else if (code <= 0xffff) data = `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
          else data = `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
          this.writeText(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const data = `${chars.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.writeText(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.writeText('\\');
      }
    }
    this.writeIndicator('"', false);
  }
}

/** The YAML text DVC's dumper (ruamel.yaml, block style) writes for a value. */
export function dumpDvcYaml(value: PyValue): string {
  const events: YamlEvent[] = [];
  pushEvents(value, events, true);
  events.push({ kind: 'document-end' });
  return new YamlEmitter(events).run();
}
