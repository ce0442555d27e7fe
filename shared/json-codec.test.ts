import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from './json-codec';

describe('json codec', () => {
  it('round-trips NaN and the infinities', () => {
    const value = { a: [1, Number.NaN, Infinity, -Infinity], b: 'x', c: null };
    expect(decodeJson(encodeJson(value))).toEqual(value);
  });

  it('round-trips Float64Arrays, non-finite values included, as one base64 string each', () => {
    const series = Float64Array.from([0, 1.5, Number.NaN, -Infinity, 1e-300]);
    const text = encodeJson({ series: [{ x: series, y: series.subarray(1, 3) }] });
    expect(text).toContain('"$f64"');
    expect(text).not.toContain('nonFinite');
    const decoded = decodeJson(text) as { series: { x: Float64Array; y: Float64Array }[] };
    expect(decoded.series[0]!.x).toBeInstanceOf(Float64Array);
    expect([...decoded.series[0]!.x]).toEqual([...series]);
    expect([...decoded.series[0]!.y]).toEqual([1.5, Number.NaN]);
  });

  it('encodes the same without Node\'s Buffer, as in the renderer', () => {
    const series = Float64Array.from({ length: 70_000 }, (_, i) => i / 3);
    const withBuffer = encodeJson(series);
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      expect(encodeJson(series)).toBe(withBuffer);
    } finally {
      globalThis.Buffer = saved;
    }
  });

  it('parses plain JSON without markers as JSON', () => {
    expect(decodeJson('{"$other": 1, "n": [1, 2]}')).toEqual({ $other: 1, n: [1, 2] });
    expect(decodeJson('[1, "a"]')).toEqual([1, 'a']);
  });
});
