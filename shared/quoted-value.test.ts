import { describe, expect, it } from 'vitest';
import { QUOTED_VALUE_MAX_CHARS, quotedValue, shortText } from './quoted-value';

describe('quotedValue', () => {
  it('writes short values as JSON, non-finite numbers as MLflow spells them', () => {
    expect(quotedValue('lr')).toBe('"lr"');
    expect(quotedValue(['a', 1, null, true])).toBe('["a",1,null,true]');
    expect(quotedValue({ key: 'k', value: 2 })).toBe('{"key":"k","value":2}');
    expect(quotedValue(Number.NaN)).toBe('"NaN"');
    expect(quotedValue(undefined)).toBe('undefined');
  });

  it('quotes at most a short prefix of a long value, and says it was cut', () => {
    const quoted = quotedValue('x'.repeat(20_000));
    expect(quoted).toHaveLength(QUOTED_VALUE_MAX_CHARS + 1);
    expect(quoted.startsWith('"xxx')).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quotedValue(Array.from({ length: 10_000 }, (_, i) => i)).length).toBeLessThanOrEqual(QUOTED_VALUE_MAX_CHARS + 1);
  });

  it('describes values nested 100,000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    const quoted = quotedValue(deep);
    expect(quoted.length).toBeLessThanOrEqual(QUOTED_VALUE_MAX_CHARS + 1);
    expect(quoted).toContain('…');
  });
});

describe('shortText', () => {
  it('keeps short text whole and cuts long text with an ellipsis', () => {
    expect(shortText('run-1')).toBe('run-1');
    expect(shortText('n'.repeat(300))).toBe(`${'n'.repeat(QUOTED_VALUE_MAX_CHARS)}…`);
    expect(shortText('abcdef', 3)).toBe('abc…');
  });
});
