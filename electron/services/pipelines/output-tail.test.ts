import { describe, expect, it } from 'vitest';
import { lastLinesOfPieces, LINE_SEARCH_CHARS, tailOfPieces } from './output-tail';

/** What the pieces give when joined first: the cut these functions must reproduce. */
function joinedTail(text: string, limit: number): { text: string; omitted: number } {
  if (text.length <= limit) return { text, omitted: 0 };
  let start = text.length - limit;
  const newline = text.indexOf('\n', start);
  if (newline >= 0 && newline - start < LINE_SEARCH_CHARS) start = newline + 1;
  return { text: text.slice(start), omitted: start };
}

function joinedLastLines(text: string, lines: number, limit: number): string {
  let at = text.length;
  for (let found = 0; found <= lines && at > 0; found++) at = text.lastIndexOf('\n', at - 1);
  return text.slice(Math.max(at + 1, text.length - limit));
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Output cut into pieces of random sizes: short lines, long lines, empty pieces, lines split across pieces. */
function randomPieces(next: () => number): string[] {
  const pieces: string[] = [];
  const count = Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    let piece = '';
    const length = Math.floor(next() * (next() < 0.3 ? 9000 : 60));
    for (let c = 0; c < length; c++) piece += next() < (next() < 0.5 ? 0.002 : 0.2) ? '\n' : String.fromCharCode(97 + Math.floor(next() * 26));
    pieces.push(piece);
  }
  return pieces;
}

describe('output tail', () => {
  it('cuts the pieces exactly as cutting their join would, for any split of the output', () => {
    const next = random(7);
    for (let round = 0; round < 3000; round++) {
      const pieces = randomPieces(next);
      const limit = Math.floor(next() * 12000);
      const lines = Math.floor(next() * 25);
      const joined = pieces.join('');
      expect(tailOfPieces(pieces, limit), `round ${round}`).toEqual(joinedTail(joined, limit));
      expect(lastLinesOfPieces(pieces, lines, limit), `round ${round}`).toBe(joinedLastLines(joined, lines, limit));
    }
  });

  it('starts the kept end at the next line when one begins within LINE_SEARCH_CHARS of the cut, even in a later piece', () => {
    expect(tailOfPieces(['aaaa', 'bb\ncc', 'dd'], 6)).toEqual({ text: 'ccdd', omitted: 7 });
    const far = 'x'.repeat(LINE_SEARCH_CHARS);
    expect(tailOfPieces(['ab', far, '\ntail'], far.length + 6)).toEqual({ text: `b${far}\ntail`, omitted: 1 });
    expect(tailOfPieces(['short'], 10)).toEqual({ text: 'short', omitted: 0 });
  });

  it('keeps the last lines and the line being written, at most the limit', () => {
    expect(lastLinesOfPieces(['one\ntw', 'o\nthree\nfou'], 2, 100)).toBe('two\nthree\nfou');
    expect(lastLinesOfPieces(['one\n', 'two\n'], 5, 100)).toBe('one\ntwo\n');
    expect(lastLinesOfPieces(['', 'no newline at all'], 3, 6)).toBe('at all');
  });
});
