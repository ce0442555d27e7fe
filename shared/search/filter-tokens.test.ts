import { describe, expect, it } from 'vitest';
import { tokenize } from './filter-tokens';
import { SearchSyntaxError } from './search-syntax-error';

const kinds = (text: string) => tokenize(text).map((token) => `${token.kind}:${token.value}`);

describe('tokenize', () => {
  it('splits a filter into words, operators, numbers and quoted text with their spans', () => {
    expect(tokenize("metrics.a>=-1.5e3 AND tags.`b c`!='d'")).toEqual([
      { kind: 'word', text: 'metrics.a', value: 'metrics.a', start: 0, end: 9 },
      { kind: 'operator', text: '>=', value: '>=', start: 9, end: 11 },
      { kind: 'number', text: '-1.5e3', value: '-1.5e3', start: 11, end: 17 },
      { kind: 'word', text: 'AND', value: 'AND', start: 18, end: 21 },
      { kind: 'word', text: 'tags.', value: 'tags.', start: 22, end: 27 },
      { kind: 'quoted', text: '`b c`', value: 'b c', quote: '`', start: 27, end: 32 },
      { kind: 'operator', text: '!=', value: '!=', start: 32, end: 34 },
      { kind: 'quoted', text: "'d'", value: 'd', quote: "'", start: 34, end: 37 },
    ]);
  });

  it('reads every operator and punctuation mark', () => {
    expect(kinds('= != < <= > >= ( ) ,')).toEqual([
      'operator:=', 'operator:!=', 'operator:<', 'operator:<=', 'operator:>', 'operator:>=', '(:(', '):)', ',:,',
    ]);
  });

  it('reads numbers in every MLflow form', () => {
    expect(kinds('1 -2 3.5 .5 -.5 6. 1e5 1E-5 2.5e+3')).toEqual([
      'number:1', 'number:-2', 'number:3.5', 'number:.5', 'number:-.5', 'number:6.', 'number:1e5', 'number:1E-5', 'number:2.5e+3',
    ]);
  });

  it('reads words with letters of any script, digits, underscores and dots', () => {
    expect(kinds('tags.mlflow.source_2 params.ünï _x')).toEqual(['word:tags.mlflow.source_2', 'word:params.ünï', 'word:_x']);
  });

  it('undoes doubled quotes inside quoted text', () => {
    expect(tokenize(`'a''b' "c""d" \`e\`\`f\``).map((token) => token.value)).toEqual(["a'b", 'c"d', 'e`f']);
  });

  it('reports an unterminated quote, or keeps it in partial mode', () => {
    expect(() => tokenize("a = 'b")).toThrow(new SearchSyntaxError('Missing the closing single quote of the text starting', 4));
    expect(tokenize("a = 'b", { partial: true }).at(-1)).toEqual({
      kind: 'quoted', text: "'b", value: 'b', quote: "'", start: 4, end: 6, unterminated: true,
    });
  });

  it('reports an unexpected character with its position', () => {
    expect(() => tokenize('a = 1 & b')).toThrow("Unexpected character '&' at position 6");
    expect(() => tokenize('a !x')).toThrow("Unexpected character '!' at position 2");
  });
});
