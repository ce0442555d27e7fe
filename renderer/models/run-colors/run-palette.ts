// The colours runs are drawn in: 24 colours made for many categories, each as different from all
// the ones before it as a colour can be (Glasbey's method over CIEDE2000, see palette-generator.ts,
// whose test checks that this list is what it generates), and all readable on the light and the
// dark theme. The order matters: the first N colours are the most distinct N.

/** The run palette, most distinct first. */
export const RUN_PALETTE: readonly string[] = [
  '#3b6fe0', // blue
  '#a5b400', // lime
  '#ff5a28', // orange red
  '#00bec3', // cyan
  '#ff7dd2', // pink
  '#23824b', // green
  '#8c6e3c', // brown
  '#e1055a', // crimson
  '#f09b00', // amber
  '#aa41d2', // purple
  '#a5aae1', // lavender
  '#05afff', // sky
  '#0ac864', // spring green
  '#0f7d91', // teal
  '#e19b96', // rose
  '#a5698c', // mauve
  '#a56455', // terracotta
  '#697d00', // olive
  '#87a06e', // sage
  '#b9a06e', // sand
  '#b95a00', // rust
  '#be7dff', // violet
  '#7d78aa', // slate blue
  '#eb14a5', // magenta
];

/** The same colour with an alpha channel, for faint raw series, dimmed lines and ±std bands. */
export function withAlpha(hexColor: string, alpha: number): string {
  const value = Number.parseInt(hexColor.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
