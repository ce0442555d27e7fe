import { describe, expect, it } from 'vitest';
import { ansiSegments } from './ansi-text';

describe('ansiSegments', () => {
  it('styles coloured and bold runs, resets, and drops other escapes', () => {
    expect(ansiSegments('plain \u001b[1;31mERROR\u001b[0m ok\u001b[2K \u001b[92mgreen\u001b[39m')).toEqual([
      { text: 'plain ', color: null, bold: false },
      { text: 'ERROR', color: 1, bold: true },
      { text: ' ok', color: null, bold: false },
      { text: ' ', color: null, bold: false },
      { text: 'green', color: 10, bold: false },
    ]);
  });

  it('keeps text without escapes as one segment', () => {
    expect(ansiSegments('a\nb')).toEqual([{ text: 'a\nb', color: null, bold: false }]);
    expect(ansiSegments('')).toEqual([]);
  });
});
