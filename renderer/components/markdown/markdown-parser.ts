// A small markdown parser for run notes: headings, paragraphs, emphasis, inline and fenced code,
// lists, block quotes, rules and links. It produces a tree that markdown-view.tsx turns into React
// elements, so no HTML string is ever built and nothing in a note can inject markup.

/** Inline content of a block. */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong'; readonly children: readonly Inline[] }
  | { readonly kind: 'em'; readonly children: readonly Inline[] }
  /** href is set only for http(s) and mailto links; other targets are shown as text. */
  | { readonly kind: 'link'; readonly href: string | null; readonly children: readonly Inline[] };

/** A block of a note. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: readonly Inline[] }
  | { readonly kind: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly language: string; readonly text: string }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'quote'; readonly children: readonly Block[] }
  | { readonly kind: 'rule' };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** Parses markdown text into blocks. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ kind: 'code', language: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2]!) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ kind: 'quote', children: parseMarkdown(quoted.join('\n')) });
      continue;
    }
    const listPattern = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (listPattern) {
      const items: Inline[][] = [];
      while (i < lines.length && lines[i]!.trim()) {
        const item = listPattern.exec(lines[i]!);
        // A line that is not an item continues the previous one.
        if (item) items.push(parseInline(item[1]!));
        else items[items.length - 1]!.push({ kind: 'text', text: ' ' }, ...parseInline(lines[i]!.trim()));
        i++;
      }
      blocks.push({ kind: 'list', ordered: listPattern === NUMBERED, items });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!)) paragraph.push(lines[i++]!.trim());
    blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return HEADING.test(line) || FENCE.test(line) || BULLET.test(line) || NUMBERED.test(line) || RULE.test(line) || QUOTE.test(line);
}

/** Parses emphasis, code spans and links; a backslash escapes the next character. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length && /[\\`*_[\]()#>+\-.!~]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (char === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((char === '*' || char === '_') && text[i + 1] === char) {
      const end = text.indexOf(char + char, i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (char === '*' || char === '_') {
      const end = text.indexOf(char, i + 1);
      // `_` inside words (snake_case) is not emphasis.
      const wordBefore = char === '_' && i > 0 && /\w/.test(text[i - 1]!);
      if (end > i + 1 && !wordBefore && !/\s/.test(text[i + 1]!)) {
        flush();
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (char === '[') {
      const link = /^\[([^\]]*)\]\(\s*([^)\s]*)\s*\)/.exec(text.slice(i));
      if (link) {
        flush();
        const href = link[2]!;
        out.push({ kind: 'link', href: SAFE_LINK.test(href) ? href : null, children: parseInline(link[1]!) });
        i += link[0].length;
        continue;
      }
    }
    plain += char;
    i++;
  }
  flush();
  return out;
}
