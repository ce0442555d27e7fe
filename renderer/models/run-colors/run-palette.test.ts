import { describe, expect, it } from 'vitest';
import { contrastRatio, deltaE2000, generatePalette, hexToRgb, rgbToLab, RUN_PALETTE_OPTIONS } from './palette-generator';
import { RUN_PALETTE, withAlpha } from './run-palette';

describe('the run palette', () => {
  it('is what Glasbey’s method generates with the documented options', () => {
    expect(generatePalette(RUN_PALETTE_OPTIONS)).toEqual(RUN_PALETTE);
  }, 120_000);

  it('has 24 colours, every two clearly different (CIEDE2000 above 15), the first 12 above 21', () => {
    expect(RUN_PALETTE).toHaveLength(24);
    const labs = RUN_PALETTE.map((hex) => rgbToLab(hexToRgb(hex)));
    const closest = (count: number) => {
      let min = Infinity;
      for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) min = Math.min(min, deltaE2000(labs[i]!, labs[j]!));
      return min;
    };
    expect(closest(24)).toBeGreaterThan(15);
    expect(closest(12)).toBeGreaterThan(21);
  });

  it('reads on both themes: enough contrast with the light and the dark surface', () => {
    for (const hex of RUN_PALETTE) {
      expect(contrastRatio(hexToRgb(hex), hexToRgb('#ffffff'))).toBeGreaterThanOrEqual(2.2);
      expect(contrastRatio(hexToRgb(hex), hexToRgb('#16191e'))).toBeGreaterThanOrEqual(3);
    }
  });

  it('measures colour difference as CIEDE2000 does (Sharma et al.’s test pairs)', () => {
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 3);
    expect(deltaE2000([50, -1.3802, -84.2814], [50, 0, -82.7485])).toBeCloseTo(1.0, 3);
    expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 3);
  });

  it('adds an alpha channel', () => {
    expect(withAlpha('#2f7ed8', 0.5)).toBe('rgba(47, 126, 216, 0.5)');
  });
});
