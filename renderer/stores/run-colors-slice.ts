// The run colours of the app store: one book (models/run-colors/run-color-book.ts), the same
// object for the life of the store, that every view asks for a run's colour.
import type { StateCreator } from 'zustand';
import { RunColorBook } from '../models/run-colors/run-color-book';
import type { AppState, SliceContext } from './app-store';

/** The run colours slice. */
export interface RunColorsSlice {
  /** Each run's colour, the same in every view; remembered in the preference storage. */
  readonly runColors: RunColorBook;
}

/** Builds the run colours slice. */
export function createRunColorsSlice({ preferences }: SliceContext): StateCreator<AppState, [], [], RunColorsSlice> {
  return () => {
    const runColors = new RunColorBook({ storage: preferences });
    // Colours given just before the page goes (a link opened, the tab closed) are kept too.
    if (typeof window !== 'undefined') window.addEventListener('pagehide', () => runColors.flush());
    return { runColors };
  };
}
