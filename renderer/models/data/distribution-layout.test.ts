import { describe, expect, it } from 'vitest';
import type { Bar } from './distribution-bars';
import { DISTRIBUTION_MARGIN, distributionLayout, formatHeight } from './distribution-layout';

const bars = (heights: readonly number[], reference?: readonly number[]): Bar[] =>
  heights.map((current, index) => ({ label: String(index * 10), title: `bin ${index}`, current, ...(reference ? { reference: reference[index]! } : {}) }));

describe('distributionLayout', () => {
  it('puts the bars side by side between the margins, the tallest reaching a round top with three height ticks', () => {
    const layout = distributionLayout(bars([10, 40, 25]), 300, 120, 'count');
    expect(layout.plot).toEqual({ left: DISTRIBUTION_MARGIN.left, top: DISTRIBUTION_MARGIN.top, right: 294, bottom: 102 });
    const band = (294 - 38) / 3;
    expect(layout.bars.map((bar) => bar.bandX)).toEqual([38, 38 + band, 38 + 2 * band]);
    // Up to 12 bars: 12% of the band on each side.
    expect(layout.bars[0]!.width).toBeCloseTo(band * 0.76);
    expect(layout.heightTicks.map((tick) => tick.label)).toEqual(['0', '20', '40']);
    expect(layout.heightTicks[0]!.y).toBe(102);
    expect(layout.heightTicks.at(-1)!.y).toBe(6);
    // 40 of 40 reaches the top; 10 a quarter of the way up; heights end on the axis.
    expect(layout.bars[1]!.currentY).toBe(6);
    expect(layout.bars[0]!.currentY).toBeCloseTo(102 - 96 / 4);
    for (const bar of layout.bars) expect(bar.currentY + bar.currentHeight).toBeCloseTo(102);
  });

  it('draws both sides of an overlay on the same bar, the taller side setting the top, shares as percentages', () => {
    const layout = distributionLayout(bars([0.2, 0.5, 0.3], [0.45, 0.35, 0.2]), 300, 130, 'share');
    expect(layout.bars[0]!.referenceY).not.toBeNull();
    expect(layout.bars[0]!.referenceY!).toBeLessThan(layout.bars[0]!.currentY);
    expect(layout.heightTicks.map((tick) => tick.label)).toEqual(['0%', '25%', '50%']);
    expect(distributionLayout(bars([1, 2]), 300, 130, 'count').bars[0]!.referenceY).toBeNull();
  });

  it('draws each side as one path of rectangles, one per bar with a height, matching the bars\' places', () => {
    const layout = distributionLayout(bars([10, 0, 40], [20, 20, 0]), 300, 120, 'count');
    const rectangles = (path: string) => [...path.matchAll(/M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-([\d.]+)z/g)].map((match) => match.slice(1).map(Number));
    const current = rectangles(layout.currentPath);
    // The empty middle bar draws nothing (a zero-height rectangle would show as a line).
    expect(current).toHaveLength(2);
    expect(layout.currentPath).toBe(layout.currentPath.match(/M[^M]+/g)!.join(''));
    const [first, last] = [layout.bars[0]!, layout.bars[2]!];
    expect(current[0]![0]).toBeCloseTo(first.x, 1);
    expect(current[0]![1]).toBeCloseTo(first.currentY, 1);
    expect(current[0]![2]).toBeCloseTo(first.width, 1);
    expect(current[0]![3]).toBeCloseTo(first.currentHeight, 1);
    expect(current[1]![1]).toBeCloseTo(last.currentY, 1);
    expect(rectangles(layout.referencePath!)).toHaveLength(2);
    expect(distributionLayout(bars([1, 2]), 300, 130, 'count').referencePath).toBeNull();
  });

  it('keeps a one-pixel gap past 12 bars and shows the first and last labels, thinning the ones between so they do not touch', () => {
    const many = bars(Array.from({ length: 40 }, (_, index) => index + 1));
    const layout = distributionLayout(many, 268, 120, 'count');
    expect(layout.bars[0]!.width).toBeCloseTo(layout.bars[0]!.bandWidth - 2);
    const shown = layout.barLabels.map((label) => label.index);
    expect(shown[0]).toBe(0);
    expect(shown.at(-1)).toBe(39);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.length).toBeLessThan(40);
    for (let i = 1; i < layout.barLabels.length; i++) {
      const previous = layout.barLabels[i - 1]!;
      const next = layout.barLabels[i]!;
      const halfWidths = ((previous.label.length + next.label.length) * 5.6) / 2;
      expect(next.x - previous.x).toBeGreaterThanOrEqual(halfWidths + 8);
    }
  });

  it('draws an all-zero distribution flat on the axis and no bars for none', () => {
    const flat = distributionLayout(bars([0, 0]), 200, 60, 'count');
    expect(flat.bars.every((bar) => bar.currentHeight === 0)).toBe(true);
    expect(flat.heightTicks[0]!.label).toBe('0');
    const empty = distributionLayout([], 200, 60, 'count');
    expect(empty.bars).toEqual([]);
    expect(empty.barLabels).toEqual([]);
  });
});

describe('formatHeight', () => {
  it('writes shares as percentages to a tenth and counts compactly', () => {
    expect(formatHeight(0.1234, 'share')).toBe('12.3%');
    expect(formatHeight(12_500, 'count')).toBe('12.5k');
  });
});
