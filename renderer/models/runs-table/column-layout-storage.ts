// Remembers each experiment's column layout (which columns, order, widths, metric values) in
// the app's preference storage (localStorage), so a table opens as the user left it.
import type { MetricAggregate } from '../../../shared/runs-table';
import { EMPTY_LAYOUT, type ColumnLayout } from './runs-table-columns';

const PREFIX = 'cairn.runsTable.columns.';

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}

function record<T>(value: unknown, accept: (item: unknown) => item is T): Record<string, T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, T> = {};
  for (const [key, item] of Object.entries(value)) if (accept(item)) out[key] = item;
  return out;
}

const isWidth = (item: unknown): item is number => typeof item === 'number' && Number.isFinite(item) && item > 0;
const isAggregate = (item: unknown): item is MetricAggregate => item === 'latest' || item === 'min' || item === 'max';

/** Where layouts are kept: localStorage in the app. */
export type LayoutStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The layout saved for an experiment, or the empty layout (also for anything unreadable, or without storage). */
export function loadColumnLayout(storage: LayoutStorage | null, experimentId: string): ColumnLayout {
  try {
    const text = storage?.getItem(PREFIX + experimentId);
    if (!text) return EMPTY_LAYOUT;
    const saved = JSON.parse(text) as Record<string, unknown>;
    return {
      chosen: stringList(saved.chosen),
      hiddenAttributes: stringList(saved.hiddenAttributes) ?? [],
      order: stringList(saved.order) ?? [],
      widths: record(saved.widths, isWidth),
      aggregates: record(saved.aggregates, isAggregate),
    };
  } catch {
    return EMPTY_LAYOUT;
  }
}

/** Saves an experiment's layout (without storage, it holds until the page reloads). */
export function saveColumnLayout(storage: LayoutStorage | null, experimentId: string, layout: ColumnLayout): void {
  try {
    storage?.setItem(PREFIX + experimentId, JSON.stringify(layout));
  } catch {
    // Storage full or unavailable: the layout still holds until the page reloads.
  }
}
