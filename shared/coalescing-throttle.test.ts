import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescingThrottle, type CoalescingThrottleOptions } from './coalescing-throttle';

const INTERVAL_MS = 100;

/** A throttle collecting numbers into sets, recording each flush's items and the (fake) time it started. */
function numbersThrottle(edge: 'leading' | 'trailing', overrides: Partial<CoalescingThrottleOptions<number, Set<number>>> = {}) {
  const flushed: Array<{ at: number; items: number[] }> = [];
  const throttle = createCoalescingThrottle<number, Set<number>>({
    intervalMs: INTERVAL_MS,
    edge,
    createBatch: () => new Set(),
    addToBatch: (batch, item) => batch.add(item),
    flush: (batch) => {
      flushed.push({ at: Date.now(), items: [...batch] });
    },
    ...overrides,
  });
  return { throttle, flushed };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createCoalescingThrottle, leading edge', () => {
  it('flushes the first item at once, then merges what comes within the interval into one later batch', async () => {
    const { throttle, flushed } = numbersThrottle('leading');
    throttle.add(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toEqual([{ at: 0, items: [1] }]);

    for (const item of [2, 3, 2]) {
      throttle.add(item);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(flushed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(flushed).toEqual([
      { at: 0, items: [1] },
      { at: INTERVAL_MS, items: [2, 3] },
    ]);
  });

  it('goes out at once again after a quiet interval', async () => {
    const { throttle, flushed } = numbersThrottle('leading');
    throttle.add(1);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    throttle.add(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed.map((one) => one.at)).toEqual([0, INTERVAL_MS * 3]);
  });

  it('runs one flush at a time: items added while a slow flush runs wait for it', async () => {
    const starts: number[] = [];
    const ends: number[] = [];
    const { throttle } = numbersThrottle('leading', {
      flush: async () => {
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 3));
        ends.push(Date.now());
      },
    });
    throttle.add(1);
    await vi.advanceTimersByTimeAsync(50);
    throttle.add(2);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 10);
    // The second batch starts right after the first flush ends, not while it runs.
    expect(starts).toHaveLength(2);
    expect(ends[0]).toBe(INTERVAL_MS * 3);
    expect(starts[1]).toBeGreaterThanOrEqual(ends[0]!);
    expect(starts[1]).toBeLessThan(ends[0]! + INTERVAL_MS);
  });

  it('reports a failing flush and keeps flushing later batches', async () => {
    const errors: unknown[] = [];
    const seen: number[][] = [];
    const { throttle } = numbersThrottle('leading', {
      flush: (batch) => {
        seen.push([...batch]);
        if (batch.has(1)) throw new Error('refetch failed');
      },
      onError: (error) => errors.push(error),
    });
    throttle.add(1);
    await vi.advanceTimersByTimeAsync(0);
    throttle.add(2);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(seen).toEqual([[1], [2]]);
    expect(errors).toEqual([new Error('refetch failed')]);
  });
});

describe('createCoalescingThrottle, trailing edge', () => {
  it('waits one interval after the first item, so a burst becomes one batch', async () => {
    const { throttle, flushed } = numbersThrottle('trailing');
    throttle.add(1);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    throttle.add(2);
    expect(flushed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(flushed).toEqual([{ at: INTERVAL_MS, items: [1, 2] }]);

    throttle.add(3);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(flushed.at(-1)).toEqual({ at: INTERVAL_MS * 2, items: [3] });
  });
});

describe('clear and stop', () => {
  it('clear drops the pending batch, and later items are flushed as usual', async () => {
    const { throttle, flushed } = numbersThrottle('trailing');
    throttle.add(1);
    throttle.clear();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(flushed).toEqual([]);
    throttle.add(2);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(flushed.map((one) => one.items)).toEqual([[2]]);
  });

  it('stop drops the pending batch and ignores later items', async () => {
    const { throttle, flushed } = numbersThrottle('leading');
    throttle.add(1);
    throttle.stop();
    throttle.add(2);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(flushed).toEqual([]);
  });
});
