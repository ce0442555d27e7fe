// A stage's output with its ANSI colour codes (SGR: bold, the 16 foreground colours, reset) turned
// into segments the log view styles; every other escape sequence is dropped.

/** A run of text with one style. */
export interface AnsiSegment {
  readonly text: string;
  /** 0-7 normal, 8-15 bright; null: the default colour. */
  readonly color: number | null;
  readonly bold: boolean;
}

// eslint-disable-next-line no-control-regex -- the escape character is what it looks for
const ESCAPE = /\u001b\[([0-9;]*)([A-Za-z])/g;

/** Splits text into styled segments. */
export function ansiSegments(text: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let color: number | null = null;
  let bold = false;
  let last = 0;
  const push = (end: number) => {
    if (end > last) segments.push({ text: text.slice(last, end), color, bold });
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(match.index);
    last = match.index + match[0].length;
    if (match[2] !== 'm') continue;
    for (const code of (match[1] || '0').split(';').map(Number)) {
      if (code === 0) {
        color = null;
        bold = false;
      } else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code >= 30 && code <= 37) color = code - 30;
      else if (code >= 90 && code <= 97) color = code - 90 + 8;
      else if (code === 39) color = null;
    }
  }
  push(text.length);
  return segments;
}
