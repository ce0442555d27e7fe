// The end of a stage's output, cut from the pieces it came in without joining them all first.
// A stage printing as fast as it can hands over 64 KiB pieces; joining two of them (or flattening
// such a join to search it) makes a string of 128 KiB, which V8 puts in its large-object space:
// fresh memory each time, 2 to 5 ms a piece on this kind of machine, where cutting first and
// joining only what is kept costs microseconds. Every function here gives exactly what cutting
// the joined text would give.

/** How far after the cut a line's start is looked for, so that the kept end starts with a whole line. */
export const LINE_SEARCH_CHARS = 4096;

function totalLength(pieces: readonly string[]): number {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  return total;
}

/** The pieces joined from character `start` of their join on. */
function joinFrom(pieces: readonly string[], start: number): string {
  const kept: string[] = [];
  let pieceStart = 0;
  for (const piece of pieces) {
    const pieceEnd = pieceStart + piece.length;
    if (pieceEnd > start) kept.push(start > pieceStart ? piece.slice(start - pieceStart) : piece);
    pieceStart = pieceEnd;
  }
  return kept.join('');
}

/**
 * The last `limit` characters of the pieces joined, from the start of a line when one begins
 * within LINE_SEARCH_CHARS of the cut, and how many characters were cut off before them.
 */
export function tailOfPieces(pieces: readonly string[], limit: number): { text: string; omitted: number } {
  const total = totalLength(pieces);
  if (total <= limit) return { text: pieces.join(''), omitted: 0 };
  let start = total - limit;
  // The first newline at or after the cut, searched piece by piece from the one holding the cut.
  let pieceStart = 0;
  for (const piece of pieces) {
    const pieceEnd = pieceStart + piece.length;
    if (pieceStart >= start + LINE_SEARCH_CHARS) break;
    if (pieceEnd > start) {
      const at = piece.indexOf('\n', Math.max(0, start - pieceStart));
      if (at >= 0) {
        if (pieceStart + at - start < LINE_SEARCH_CHARS) start = pieceStart + at + 1;
        break;
      }
    }
    pieceStart = pieceEnd;
  }
  return { text: joinFrom(pieces, start), omitted: start };
}

/**
 * The end of the pieces joined: their last `lines` complete lines and the unterminated line after
 * them (all of the text when it has fewer lines), at most its last `limit` characters.
 */
export function lastLinesOfPieces(pieces: readonly string[], lines: number, limit: number): string {
  const total = totalLength(pieces);
  // The position of the last newline before `end` in the joined text, or -1.
  const lastNewlineBefore = (end: number): number => {
    let pieceEnd = total;
    for (let index = pieces.length - 1; index >= 0 && pieceEnd > 0; index--) {
      const pieceStart = pieceEnd - pieces[index]!.length;
      if (pieceStart < end) {
        const at = pieces[index]!.lastIndexOf('\n', end - 1 - pieceStart);
        if (at >= 0) return pieceStart + at;
      }
      pieceEnd = pieceStart;
    }
    return -1;
  };
  // Keep from just after the newline that ends the line before the last `lines` complete ones.
  let at = total;
  for (let found = 0; found <= lines && at > 0; found++) at = lastNewlineBefore(at);
  return joinFrom(pieces, Math.max(at + 1, total - limit));
}
