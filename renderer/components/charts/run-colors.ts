// One color per run, the same in every chart and view. A run's home color comes from a hash of
// its id, so it does not depend on sort order or on which page shows it; a view that shows several
// runs asks for a color map, which keeps home colors and moves only colliding runs to free ones.
// The palette is Observable's ten categorical colors (made to read on light and dark
// backgrounds) without its grey, which would look like a dimmed line, plus an olive and a cyan.

const PALETTE: readonly string[] = [
  '#4269d0', // blue
  '#efb118', // amber
  '#ff725c', // coral
  '#6cc5b0', // teal
  '#3ca951', // green
  '#ff8ab7', // pink
  '#a463f2', // purple
  '#97bbf5', // light blue
  '#9c6b4e', // brown
  '#8e9a1e', // olive
  '#0f8fa8', // cyan
];

function hashId(id: string): number {
  // FNV-1a, 32 bits.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** Beyond the palette: a hue and lightness from the hash, still readable on both themes. */
function overflowColor(hash: number): string {
  const hue = hash % 360;
  const lightness = [0.46, 0.56, 0.5][(hash >>> 9) % 3]!;
  return hslToHex(hue, 0.62, lightness);
}

/** The run's home color: stable for a run id everywhere (the run page, a single chart). */
export function runColor(runId: string): string {
  return PALETTE[hashId(runId) % PALETTE.length]!;
}

/**
 * Colors for the runs shown together in one view: distinct while there are no more runs than
 * palette colors, each run keeping its home color unless another run (earlier by id) claimed it.
 */
export function assignRunColors(runIds: readonly string[]): ReadonlyMap<string, string> {
  const ids = [...new Set(runIds)].sort();
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  const homeless: string[] = [];
  for (const id of ids) {
    const home = hashId(id) % PALETTE.length;
    if (taken.has(home)) {
      homeless.push(id);
    } else {
      taken.add(home);
      colors.set(id, PALETTE[home]!);
    }
  }
  let slot = 0;
  for (const id of homeless) {
    while (slot < PALETTE.length && taken.has(slot)) slot++;
    if (slot < PALETTE.length) {
      taken.add(slot);
      colors.set(id, PALETTE[slot]!);
    } else {
      colors.set(id, overflowColor(hashId(id)));
    }
  }
  return colors;
}

/** The same color with an alpha channel, for faint raw series and ±std bands. */
export function withAlpha(hexColor: string, alpha: number): string {
  const value = Number.parseInt(hexColor.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
