// How the run palette (run-palette.ts) was made: Glasbey's method, which picks colours one at a
// time, each the candidate farthest (by CIEDE2000 colour difference) from every colour picked so
// far, so that any first N colours are as distinct as a greedy choice can make them. Candidates
// are sRGB colours readable as lines and swatches on both themes (enough contrast with the light
// surface and the dark one, a lightness band, and some colour: greys would look like dimmed
// lines). Only the palette's tests import this; the app ships the generated constant.

/** CIELAB coordinates (D65). */
export type Lab = readonly [lightness: number, a: number, b: number];

/** Parses "#rrggbb". */
export function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** sRGB to CIELAB. */
export function rgbToLab([r, g, b]: readonly number[]): Lab {
  const [R, G, B] = [linear(r!), linear(g!), linear(b!)];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27) * t / 116 + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** WCAG contrast ratio between two sRGB colours. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const luminance = ([r, g, bl]: readonly number[]) => 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(bl!);
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** CIEDE2000 colour difference: about 1 is a just noticeable difference; above 10, clearly different colours. */
export function deltaE2000(first: Lab, second: Lab): number {
  const [L1, a1, b1] = first;
  const [L2, a2, b2] = second;
  const rad = Math.PI / 180;
  const meanChroma = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(meanChroma ** 7 / (meanChroma ** 7 + 25 ** 7)));
  const a1p = (1 + g) * a1;
  const a2p = (1 + g) * a2;
  const c1 = Math.hypot(a1p, b1);
  const c2 = Math.hypot(a2p, b2);
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : (Math.atan2(b, a) / rad + 360) % 360);
  const h1 = hue(b1, a1p);
  const h2 = hue(b2, a2p);
  let dh = 0;
  if (c1 * c2 !== 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dL = L2 - L1;
  const dC = c2 - c1;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh * rad) / 2);
  const meanL = (L1 + L2) / 2;
  const meanC = (c1 + c2) / 2;
  let meanH = h1 + h2;
  if (c1 * c2 !== 0) {
    if (Math.abs(h1 - h2) > 180) meanH += h1 + h2 < 360 ? 360 : -360;
    meanH /= 2;
  }
  const t =
    1 - 0.17 * Math.cos((meanH - 30) * rad) + 0.24 * Math.cos(2 * meanH * rad) + 0.32 * Math.cos((3 * meanH + 6) * rad) - 0.2 * Math.cos((4 * meanH - 63) * rad);
  const rotation = 30 * Math.exp(-(((meanH - 275) / 25) ** 2));
  const rc = 2 * Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7));
  const sl = 1 + (0.015 * (meanL - 50) ** 2) / Math.sqrt(20 + (meanL - 50) ** 2);
  const sc = 1 + 0.045 * meanC;
  const sh = 1 + 0.015 * meanC * t;
  const rt = -Math.sin(2 * rotation * rad) * rc;
  return Math.sqrt((dL / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * (dC / sc) * (dH / sh));
}

/** What makes a colour a candidate, and where the palette starts. */
export interface PaletteOptions {
  readonly size: number;
  /** The first colour ("#rrggbb"). */
  readonly first: string;
  /** The surfaces the colours are drawn on, and the least contrast with each. */
  readonly surfaces: ReadonlyArray<{ readonly color: string; readonly minContrast: number }>;
  readonly lightness: readonly [number, number];
  readonly chroma: readonly [number, number];
  /** Spacing of the sRGB grid the candidates are taken from. */
  readonly gridStep: number;
}

/** The options the app's palette was generated with. */
export const RUN_PALETTE_OPTIONS: PaletteOptions = {
  size: 24,
  first: '#3b6fe0',
  surfaces: [
    { color: '#ffffff', minContrast: 2.2 },
    { color: '#16191e', minContrast: 3 },
  ],
  lightness: [48, 74],
  chroma: [28, 85],
  gridStep: 5,
};

/** Generates a palette by Glasbey's greedy farthest-point method. */
export function generatePalette(options: PaletteOptions): string[] {
  const surfaces = options.surfaces.map((surface) => ({ rgb: hexToRgb(surface.color), minContrast: surface.minContrast }));
  const candidates: Array<{ rgb: number[]; lab: Lab }> = [];
  for (let r = 0; r < 256; r += options.gridStep) {
    for (let g = 0; g < 256; g += options.gridStep) {
      for (let b = 0; b < 256; b += options.gridStep) {
        const rgb = [r, g, b];
        const lab = rgbToLab(rgb);
        const chroma = Math.hypot(lab[1], lab[2]);
        if (lab[0] < options.lightness[0] || lab[0] > options.lightness[1]) continue;
        if (chroma < options.chroma[0] || chroma > options.chroma[1]) continue;
        if (surfaces.some((surface) => contrastRatio(rgb, surface.rgb) < surface.minContrast)) continue;
        candidates.push({ rgb, lab });
      }
    }
  }
  const palette = [options.first];
  const firstLab = rgbToLab(hexToRgb(options.first));
  const nearest = candidates.map((candidate) => deltaE2000(candidate.lab, firstLab));
  while (palette.length < options.size) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (nearest[i]! > nearest[best]!) best = i;
    const picked = candidates[best]!;
    palette.push(toHex(picked.rgb));
    for (let i = 0; i < candidates.length; i++) nearest[i] = Math.min(nearest[i]!, deltaE2000(candidates[i]!.lab, picked.lab));
  }
  return palette;
}
