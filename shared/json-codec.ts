// JSON that keeps NaN and ±Infinity, which plain JSON turns into null, and Float64Arrays, which
// it would turn into objects. Used by the browser mode's HTTP transport so that metric values
// survive the trip as they survive Electron's IPC. A Float64Array travels as its bytes in base64
// (little-endian, as every platform Cairn runs on): a chart's series costs one string instead of
// one JSON number (and one replacer call) per point.

const NON_FINITE_KEY = '$nonFinite';
const FLOAT64_KEY = '$f64';

function bytesToBase64(bytes: Uint8Array): string {
  const nodeBuffer = (globalThis as { Buffer?: { from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string } } })
    .Buffer;
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function base64ToFloat64(text: string): Float64Array {
  // Uint8Array.fromBase64 where the engine has it (Chromium 140+), else by hand.
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (base64: string) => Uint8Array }).fromBase64;
  let bytes: Uint8Array;
  if (fromBase64) bytes = fromBase64(text);
  else {
    const binary = atob(text);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  }
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/** Serialises a value, writing NaN and ±Infinity as {"$nonFinite": "NaN" | "Infinity" | "-Infinity"} and a Float64Array as {"$f64": base64}. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { [NON_FINITE_KEY]: String(v) };
    if (v instanceof Float64Array) return { [FLOAT64_KEY]: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    return v;
  });
}

/** Parses text written by encodeJson, restoring NaN, ±Infinity and Float64Arrays. */
export function decodeJson(text: string): unknown {
  // Most answers hold neither marker: parsing without a reviver is several times faster.
  if (!text.includes('"$')) return JSON.parse(text);
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === NON_FINITE_KEY) {
        const marker = (v as Record<string, unknown>)[NON_FINITE_KEY];
        if (marker === 'NaN' || marker === 'Infinity' || marker === '-Infinity') return Number(marker);
      }
      if (keys.length === 1 && keys[0] === FLOAT64_KEY) {
        const encoded = (v as Record<string, unknown>)[FLOAT64_KEY];
        if (typeof encoded === 'string') return base64ToFloat64(encoded);
      }
    }
    return v;
  });
}
