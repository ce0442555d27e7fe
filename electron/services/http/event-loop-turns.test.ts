import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nextTurn } from './event-loop-turns';

describe('nextTurn', () => {
  it('grants turns in the order they were asked, one writer after another', async () => {
    const order: string[] = [];
    const writer = async (name: string) => {
      for (let piece = 0; piece < 3; piece++) {
        await nextTurn();
        order.push(`${name}${piece}`);
      }
    };
    await Promise.all([writer('a'), writer('b'), writer('c')]);
    expect(order).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('lets I/O that completes meanwhile be served between two pieces of work', async () => {
    let pieces = 0;
    let piecesWhenRead = -1;
    const read = fs.promises.readFile(__filename).then(() => (piecesWhenRead = pieces));
    const writer = async () => {
      for (let piece = 0; piece < 200; piece++) {
        await nextTurn();
        pieces++;
      }
    };
    await Promise.all([writer(), writer(), read]);
    // Without turns the 400 pieces would all run before the read's callback.
    expect(piecesWhenRead).toBeGreaterThanOrEqual(0);
    expect(piecesWhenRead).toBeLessThan(400);
  });
});
