// Which of the scrolling columns are in view horizontally: rows render only those (and a margin),
// so a table of many columns costs what a screenful of them costs. The range changes only when
// scrolling sideways past the margin.
import { useLayoutEffect, useState, type RefObject } from 'react';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';

/** Pixels rendered beyond each side of the view. */
const MARGIN = 320;

function columnsInView(columns: readonly PlacedColumn[], offset: number, scrollLeft: number, width: number): [number, number] {
  const from = scrollLeft - MARGIN;
  const to = scrollLeft + width + MARGIN;
  let start = 0;
  while (start < columns.length && offset + (columns[start] as PlacedColumn).left + (columns[start] as PlacedColumn).width < from) start++;
  let end = start;
  while (end < columns.length && offset + (columns[end] as PlacedColumn).left < to) end++;
  return [start, end];
}

/** The slice [start, end) of `columns` (placed from `offset` on, in the element's scroll coordinates) that is in view. */
export function useVisibleColumns(scrollRef: RefObject<HTMLElement | null>, columns: readonly PlacedColumn[], offset: number): readonly [number, number] {
  // Before the element is measured, the window's width bounds it.
  const [range, setRange] = useState<readonly [number, number]>(() => columnsInView(columns, offset, 0, window.innerWidth));
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const update = () => {
      const [start, end] = columnsInView(columns, offset, element.scrollLeft, element.clientWidth);
      setRange((current) => (current[0] === start && current[1] === end ? current : [start, end]));
    };
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [scrollRef, columns, offset]);
  return range;
}
