// Keyboard use of the runs table: arrows, Page Up/Down, Home and End move the focused row (Shift
// extends the selection), Space selects it, Enter opens it, → unfolds and ← folds or goes up to
// the parent run or the group. The focused row is scrolled into view.
import { useCallback, type KeyboardEvent, type RefObject } from 'react';
import type { TableRow, TableRows } from '../../models/runs-table/runs-table-rows';
import { HEADER_HEIGHT, ROW_HEIGHT } from './runs-table-geometry';

/** The store actions the keyboard uses. */
export interface KeyboardActions {
  setRunsSelected(runIds: readonly string[], selected: boolean): void;
  setRunsFocused(key: string | null): void;
  toggleRunsRowExpanded(key: string): void;
}

/** Scrolls the table just enough to show row `index` below the sticky header. */
export function useScrollRowIntoView(scrollRef: RefObject<HTMLDivElement | null>) {
  return useCallback(
    (index: number) => {
      const element = scrollRef.current;
      if (!element) return;
      const top = index * ROW_HEIGHT;
      const bodyHeight = element.clientHeight - HEADER_HEIGHT;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + bodyHeight) element.scrollTop = top + ROW_HEIGHT - bodyHeight;
    },
    [scrollRef],
  );
}

/** The grid's keydown handler. */
export function useRowKeyboard(options: {
  readonly scrollRef: RefObject<HTMLDivElement | null>;
  readonly rows: TableRows;
  readonly focusedIndex: number;
  readonly groupBy: string | null;
  readonly actions: KeyboardActions;
  readonly toggleSelection: (row: TableRow, index: number, range: boolean) => void;
  readonly open: (row: TableRow) => void;
}) {
  const { scrollRef, rows, focusedIndex, groupBy, actions, toggleSelection, open } = options;
  const scrollIntoView = useScrollRowIntoView(scrollRef);

  return (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || rows.length === 0) return;
    const current = focusedIndex >= 0 ? rows.at(focusedIndex) : null;
    const pageRows = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = focusedIndex < 0 ? 0 : Math.min(rows.length - 1, focusedIndex + 1);
        break;
      case 'ArrowUp':
        next = focusedIndex < 0 ? 0 : Math.max(0, focusedIndex - 1);
        break;
      case 'PageDown':
        next = Math.min(rows.length - 1, Math.max(0, focusedIndex) + pageRows);
        break;
      case 'PageUp':
        next = Math.max(0, focusedIndex - pageRows);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case ' ':
        event.preventDefault();
        if (current) toggleSelection(current, focusedIndex, event.shiftKey);
        return;
      case 'Enter':
        event.preventDefault();
        if (current) open(current);
        return;
      case 'ArrowRight':
        if (current && (current.kind === 'group' || current.childCount > 0) && !current.expanded) {
          event.preventDefault();
          actions.toggleRunsRowExpanded(current.key);
        }
        return;
      case 'ArrowLeft': {
        if (!current) return;
        event.preventDefault();
        if (current.expanded) {
          actions.toggleRunsRowExpanded(current.key);
          return;
        }
        // Up to the parent run, or to the group.
        if (current.kind === 'group' || (!groupBy && current.depth === 0)) return;
        for (let i = focusedIndex - 1; i >= 0; i--) {
          const candidate = rows.at(i);
          if (groupBy ? candidate.kind === 'group' : candidate.kind === 'run' && candidate.depth < current.depth) {
            actions.setRunsFocused(candidate.key);
            scrollIntoView(i);
            return;
          }
        }
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    const row = rows.at(next);
    if (event.shiftKey && row.kind === 'run') actions.setRunsSelected([row.key], true);
    actions.setRunsFocused(row.key);
    scrollIntoView(next);
  };
}
