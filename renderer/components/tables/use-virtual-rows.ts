// Which rows of a long list are in view: only those (and a margin) are rendered. Rows have one
// fixed height, so the range follows from the scroll offset alone. The range has a fixed length
// for a given viewport and moves in steps of a few rows, so scrolling re-renders the list every
// few rows, and a row's slot (its position modulo the length) stays put while it is in range.
// The very first render draws only the rows that fit, and the margin follows a frame later:
// the first paint comes sooner, and the margin's rows take free slots without moving the others.
import { useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/** The rendered slice of rows, [start, end), and the fixed length that slots are counted in. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

const STEP = 6;

function lengthFor(height: number, rowHeight: number, overscan: number): number {
  return Math.ceil((Math.ceil(height / rowHeight) + 1) / STEP) * STEP + STEP + 2 * overscan;
}

/** The range for the element's scroll offset; the length never shrinks, so slots stay put. */
function rangeFor(element: HTMLElement, rowCount: number, rowHeight: number, headerHeight: number, overscan: number, minLength: number): RowRange {
  const length = Math.max(minLength, lengthFor(Math.max(0, element.clientHeight - headerHeight), rowHeight, overscan));
  const first = Math.floor(element.scrollTop / rowHeight);
  const start = Math.max(0, Math.min(Math.floor(first / STEP) * STEP - overscan, rowCount - length));
  return { start, end: Math.min(rowCount, start + length), length };
}

/** Tracks the rows of a scrolling element worth rendering, with at least `overscan` rows beyond each edge. */
export function useVirtualRows(
  scrollRef: RefObject<HTMLElement | null>,
  rowCount: number,
  rowHeight: number,
  headerHeight: number,
  overscan = 4,
): RowRange {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setPainted(true));
    return () => cancelAnimationFrame(frame);
  }, []);
  // Before the element is measured, the window's height bounds it: the first render is usually the right one.
  const [range, setRange] = useState<RowRange>(() => {
    const length = lengthFor(window.innerHeight, rowHeight, overscan);
    return { start: 0, end: Math.min(rowCount, length), length };
  });
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const update = () => {
      setRange((current) => {
        const next = rangeFor(element, rowCount, rowHeight, headerHeight, overscan, current.length);
        return current.start === next.start && current.end === next.end && current.length === next.length ? current : next;
      });
    };
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [scrollRef, rowCount, rowHeight, headerHeight, overscan]);
  if (painted) return range;
  const fits = Math.ceil(window.innerHeight / rowHeight);
  return range.end - range.start > fits ? { ...range, end: range.start + fits } : range;
}
