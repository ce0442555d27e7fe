import { describe, expect, it } from 'vitest';
import { parseDelimited } from './delimited-text';

describe('parseDelimited', () => {
  it('reads quoted fields, escaped quotes, CRLF and a last line without newline', () => {
    expect(parseDelimited('a,b\r\n"x, y","say ""hi"""\n1,\n2,3', ',', 100)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
      ['2', '3'],
    ]);
  });

  it('stops at maxRows and drops the cut-off line of a truncated preview', () => {
    expect(parseDelimited('a\tb\n1\t2\n3\t4\n5\t', '\t', 2)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseDelimited('a,b\n1,2\n3,', ',', 10, true)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});
