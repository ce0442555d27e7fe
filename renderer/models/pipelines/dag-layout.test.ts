import { describe, expect, it } from 'vitest';
import { layoutDag, STAGE_NODE_HEIGHT, STAGE_NODE_WIDTH } from './dag-layout';

describe('layoutDag', () => {
  it('places each stage after the stages it reads, and parallel stages one above the other', () => {
    const layout = layoutDag(
      ['prepare', 'train@a', 'train@b', 'evaluate'],
      [
        { from: 'prepare', to: 'train@a' },
        { from: 'prepare', to: 'train@b' },
        { from: 'train@a', to: 'evaluate' },
        { from: 'train@b', to: 'evaluate' },
      ],
    );
    const at = Object.fromEntries(layout.nodes.map((node) => [node.name, node]));
    expect(at['train@a']!.x - at.prepare!.x).toBeGreaterThanOrEqual(STAGE_NODE_WIDTH);
    expect(at.evaluate!.x).toBeGreaterThan(at['train@a']!.x);
    expect(at['train@a']!.x).toBe(at['train@b']!.x);
    expect(at['train@a']!.y).not.toBe(at['train@b']!.y);
    expect(layout.edges).toHaveLength(4);
    expect(layout.edges.every((edge) => edge.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(3 * STAGE_NODE_WIDTH);
    const points = layout.edges.flatMap((edge) => edge.points);
    expect(points.every((point) => point.x >= 0 && point.y >= 0 && point.x <= layout.width && point.y <= layout.height)).toBe(true);
  });

  it('keeps an edge that skips a rank inside the drawing', () => {
    const layout = layoutDag(
      ['a', 'b', 'c', 'd'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'd' },
        { from: 'a', to: 'd' },
        { from: 'b', to: 'd' },
      ],
    );
    const points = layout.edges.flatMap((edge) => edge.points);
    expect(points.every((point) => point.x >= 0 && point.y >= 0 && point.x <= layout.width && point.y <= layout.height)).toBe(true);
    expect(layout.nodes.every((node) => node.y - STAGE_NODE_HEIGHT / 2 >= 0)).toBe(true);
  });
});
