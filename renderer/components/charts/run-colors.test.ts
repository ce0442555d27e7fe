import { describe, expect, it } from 'vitest';
import { assignRunColors, runColor, withAlpha } from './run-colors';

describe('run colors', () => {
  it('gives a run the same color everywhere, whatever the order of the runs', () => {
    const ids = ['a1', 'b2', 'c3', 'd4', 'e5'];
    const forward = assignRunColors(ids);
    const backward = assignRunColors([...ids].reverse());
    for (const id of ids) expect(forward.get(id)).toBe(backward.get(id));
    expect(runColor('a1')).toBe(runColor('a1'));
  });

  it('gives the runs of one view distinct colors up to the palette size, and colors beyond it', () => {
    const ids = Array.from({ length: 11 }, (_, i) => `run-${i}`);
    expect(new Set(assignRunColors(ids).values()).size).toBe(11);
    const many = assignRunColors(Array.from({ length: 40 }, (_, i) => `run-${i}`));
    expect(many.size).toBe(40);
    for (const color of many.values()) expect(color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('keeps a run its home color unless another run claimed it', () => {
    const ids = Array.from({ length: 6 }, (_, i) => `x${i}`);
    const colors = assignRunColors(ids);
    const keptHome = ids.filter((id) => colors.get(id) === runColor(id));
    expect(keptHome.length).toBeGreaterThanOrEqual(new Set(ids.map(runColor)).size);
  });

  it('adds an alpha channel', () => {
    expect(withAlpha('#2f7ed8', 0.5)).toBe('rgba(47, 126, 216, 0.5)');
  });
});
