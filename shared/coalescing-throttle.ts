// Collects what arrives in bursts and hands it on in batches: at most one batch per interval,
// one at a time. The main side's change feed (committed writes → one `tracker.changed` event),
// the app's tracker subscription (events → refetches) and the chart pages' live refresh (changed
// runs → requests) all throttle this way. Plain timers only: it runs on either side.

/** How a throttle collects items and hands them on. */
export interface CoalescingThrottleOptions<Item, Batch> {
  /** Least time between the starts of two flushes, in milliseconds. */
  readonly intervalMs: number;
  /**
   * 'leading': a batch is flushed as soon as the previous flush started at least an interval ago
   * (the first item after a quiet spell goes out at once); 'trailing': a batch always waits one
   * interval after its first item, so that a burst becomes one batch.
   */
  readonly edge: 'leading' | 'trailing';
  /** A new, empty batch. */
  readonly createBatch: () => Batch;
  /** Adds one item to the pending batch. */
  readonly addToBatch: (batch: Batch, item: Item) => void;
  /** Hands a batch on; while a returned promise is pending, the next batch waits. */
  readonly flush: (batch: Batch) => void | Promise<void>;
  /** Told when `flush` throws or rejects (the throttle carries on); by default a console warning. */
  readonly onError?: (error: unknown) => void;
}

/** A running throttle. */
export interface CoalescingThrottle<Item> {
  /** Adds an item to the pending batch and schedules its flush. */
  add(item: Item): void;
  /** Drops the pending batch (a flush under way still finishes). */
  clear(): void;
  /** Drops the pending batch and ignores every item added later. */
  stop(): void;
}

/** Starts a throttle that hands batches of the added items to `options.flush`. */
export function createCoalescingThrottle<Item, Batch>(options: CoalescingThrottleOptions<Item, Batch>): CoalescingThrottle<Item> {
  const { intervalMs, edge, createBatch, addToBatch } = options;
  const onError = options.onError ?? ((error: unknown) => console.warn('cairn: a throttled flush failed', error));
  let pending: Batch | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let stopped = false;
  let lastStart = -Infinity;

  const schedule = () => {
    if (timer !== null || running || stopped || pending === null) return;
    const delay = edge === 'trailing' ? intervalMs : Math.max(0, lastStart + intervalMs - Date.now());
    timer = setTimeout(() => void flush(), delay);
  };

  const flush = async () => {
    timer = null;
    const batch = pending;
    pending = null;
    if (batch === null) return;
    running = true;
    lastStart = Date.now();
    try {
      await options.flush(batch);
    } catch (error) {
      onError(error);
    } finally {
      running = false;
      schedule();
    }
  };

  const cancelTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  return {
    add(item) {
      if (stopped) return;
      pending ??= createBatch();
      addToBatch(pending, item);
      schedule();
    },
    clear() {
      pending = null;
      cancelTimer();
    },
    stop() {
      stopped = true;
      pending = null;
      cancelTimer();
    },
  };
}
