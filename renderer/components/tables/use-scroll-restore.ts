// The runs table's scroll position survives leaving the page (it is kept in the store when the
// table unmounts and restored when it mounts again), and a new filter starts at the top.
import { useLayoutEffect, useRef, type RefObject } from 'react';

/** Restores the scroll offset saved for `viewKey`, saves it on leaving, and scrolls to the top when `filter` changes. */
export function useScrollRestore(options: {
  readonly scrollRef: RefObject<HTMLDivElement | null>;
  /** Identifies the table whose position is kept (the experiment). */
  readonly viewKey: string;
  readonly filter: string;
  readonly readScrollTop: () => number;
  readonly saveScrollTop: (scrollTop: number) => void;
}) {
  const { scrollRef, viewKey, filter } = options;
  const callbacks = useRef(options);
  callbacks.current = options;

  // A new element starts at the top: setting 0 there would only force a layout of the page.
  const restoredOn = useRef<HTMLDivElement | null>(null);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const saved = callbacks.current.readScrollTop();
    if (element && (saved !== 0 || restoredOn.current === element)) element.scrollTop = saved;
    restoredOn.current = element;
    return () => {
      if (element) callbacks.current.saveScrollTop(element.scrollTop);
    };
  }, [scrollRef, viewKey]);

  const shownFilter = useRef(filter);
  useLayoutEffect(() => {
    if (shownFilter.current === filter) return;
    shownFilter.current = filter;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [scrollRef, filter]);
}
