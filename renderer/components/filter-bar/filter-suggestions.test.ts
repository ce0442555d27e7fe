import { describe, expect, it } from 'vitest';
import { suggestFilter, type FilterVocabulary } from './filter-suggestions';

const vocabulary: FilterVocabulary = {
  keys: { params: ['optimizer', 'learning rate'], metrics: ['loss', 'val_loss'], tags: ['team'] },
  valuesOf: (entity, name) => (entity === 'param' && name === 'optimizer' ? ['adam', "o'brien"] : entity === 'attribute' && name === 'status' ? ['FINISHED', 'FAILED'] : []),
};

const labels = (text: string, cursor = text.length) => suggestFilter(text, cursor, vocabulary)?.items.map((item) => item.label) ?? [];
const inserts = (text: string, cursor = text.length) => suggestFilter(text, cursor, vocabulary)?.items.map((item) => item.insert) ?? [];

describe('suggestFilter', () => {
  it('offers the experiment keys by what is typed, anywhere in the name', () => {
    expect(labels('los')).toEqual(['metrics.loss', 'metrics.val_loss']);
    expect(labels('')).toContain('params.optimizer');
    expect(labels('')).toContain('metrics.');
  });

  it('offers names after a prefix, backticked when not plain', () => {
    expect(labels('params.')).toEqual(['optimizer', 'learning rate']);
    expect(inserts('params.lea')).toEqual(['`learning rate` ']);
  });

  it('offers comparators, then the values seen, quoted', () => {
    expect(labels('params.optimizer ')).toEqual(expect.arrayContaining(['=', '!=', 'LIKE', 'IN']));
    expect(inserts('params.optimizer = ')).toEqual(["'adam' ", "'o''brien' "]);
    expect(inserts("params.optimizer = 'ad")).toEqual(["'adam' "]);
    expect(labels('status = ')).toEqual(['FINISHED', 'FAILED']);
    expect(inserts("params.optimizer IN ('adam', ")).toEqual(["'adam'", "'o''brien'"]);
  });

  it('offers AND and OR after a comparison, and the closing parenthesis inside one', () => {
    expect(labels('metrics.loss < 0.5 ')).toEqual(['AND', 'OR']);
    expect(labels('(metrics.loss < 0.5 ')).toEqual(['AND', 'OR', ')']);
  });

  it('offers nothing for numbers, and nothing once the text before the cursor is malformed', () => {
    expect(suggestFilter('metrics.loss < ', 15, vocabulary)).toBeNull();
    expect(suggestFilter('metrics.loss < < ', 17, vocabulary)).toBeNull();
  });

  it('replaces only the word being typed', () => {
    expect(suggestFilter('metrics.lo AND params.optimizer = 1', 10, vocabulary)).toMatchObject({ from: 8, to: 10 });
  });
});
