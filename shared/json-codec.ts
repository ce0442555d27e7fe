// JSON that keeps NaN and ±Infinity, which plain JSON turns into null. Used by the browser
// mode's HTTP transport so metric values survive the trip as they survive Electron's IPC.

const NON_FINITE_KEY = '$nonFinite';

/** Serialises a value, writing NaN and ±Infinity as {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE_KEY]: String(v) } : v,
  );
}

/** Parses text written by encodeJson, restoring NaN and ±Infinity. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === NON_FINITE_KEY) {
        const marker = (v as Record<string, unknown>)[NON_FINITE_KEY];
        if (marker === 'NaN' || marker === 'Infinity' || marker === '-Infinity') return Number(marker);
      }
    }
    return v;
  });
}
