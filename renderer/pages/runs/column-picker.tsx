// Choosing the table's columns: run attributes, and which params, metrics and tags to show, with
// a search box for experiments that log hundreds of keys. The choice is remembered per experiment.
import { useEffect, useMemo, useRef, useState } from 'react';
import { valueColumnId, type ExperimentKeys } from '../../../shared/runs-table';
import {
  ATTRIBUTE_COLUMNS,
  chosenValueSpecs,
  isPickableTag,
  NAME_COLUMN_ID,
  type ColumnLayout,
} from '../../models/runs-table/runs-table-columns';
import { useAppStore } from '../../use-app-store';

interface Section {
  readonly title: string;
  readonly kind: 'metric' | 'param' | 'tag';
  readonly keys: readonly string[];
}

/** The "Columns" button and its panel. */
export function ColumnPicker({ layout, keys }: { layout: ColumnLayout; keys: ExperimentKeys }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const panelRef = useRef<HTMLDivElement>(null);
  const actions = useAppStore.getState();

  const shown = useMemo(() => new Set(chosenValueSpecs(layout, keys).map(valueColumnId)), [layout, keys]);
  const hiddenAttributes = new Set(layout.hiddenAttributes);
  const sections: Section[] = [
    { title: 'Metrics', kind: 'metric', keys: keys.metrics },
    { title: 'Params', kind: 'param', keys: keys.params },
    { title: 'Tags', kind: 'tag', keys: keys.tags.filter(isPickableTag) },
  ];
  const needle = search.trim().toLowerCase();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!panelRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    window.addEventListener('pointerdown', onPointer);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  /** Shows or hides value columns, starting from what is shown now. */
  const setShown = (ids: readonly string[], visible: boolean) => {
    const current = chosenValueSpecs(layout, keys).map(valueColumnId);
    const next = visible ? [...current, ...ids.filter((id) => !current.includes(id))] : current.filter((id) => !ids.includes(id));
    actions.setRunsValueColumns(next);
  };

  return (
    <div className="popover-anchor" ref={panelRef}>
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="column-picker-button">
        Columns <span className="pill">{shown.size}</span>
      </button>
      {open && (
        <div className="popover column-picker" role="dialog" aria-label="Choose columns" data-testid="column-picker">
          <input
            type="search"
            autoFocus
            placeholder="Find a param, metric or tag"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="column-search"
          />
          <div className="column-picker-scroll">
            {!needle && (
              <fieldset className="column-section">
                <legend>Run</legend>
                {ATTRIBUTE_COLUMNS.map((column) => (
                  <label key={column.id} className="column-option">
                    <input
                      type="checkbox"
                      checked={column.id === NAME_COLUMN_ID || !hiddenAttributes.has(column.id)}
                      disabled={column.id === NAME_COLUMN_ID}
                      onChange={(event) => actions.setRunsAttributeHidden(column.id, !event.target.checked)}
                      data-testid={`column-option-${column.id}`}
                    />
                    {column.label}
                  </label>
                ))}
              </fieldset>
            )}
            {sections.map((section) => {
              const listed = needle ? section.keys.filter((key) => key.toLowerCase().includes(needle)) : section.keys;
              if (listed.length === 0) return null;
              const ids = listed.map((key) => valueColumnId({ kind: section.kind, key }));
              return (
                <fieldset key={section.kind} className="column-section">
                  <legend>
                    {section.title} <span className="faint">{section.keys.length}</span>
                    <span className="column-section-actions">
                      <button type="button" className="link" onClick={() => setShown(ids, true)}>
                        all
                      </button>
                      <button type="button" className="link" onClick={() => setShown(ids, false)}>
                        none
                      </button>
                    </span>
                  </legend>
                  {listed.map((key, index) => (
                    <label key={key} className="column-option" title={key}>
                      <input
                        type="checkbox"
                        checked={shown.has(ids[index] as string)}
                        onChange={(event) => setShown([ids[index] as string], event.target.checked)}
                        data-testid={`column-option-${ids[index]}`}
                      />
                      <span className="column-option-label">{key}</span>
                    </label>
                  ))}
                </fieldset>
              );
            })}
          </div>
          <div className="column-picker-footer">
            <span className="hint">{layout.chosen === null ? 'Showing the defaults' : 'Your choice, kept for this experiment'}</span>
            <button type="button" className="small" disabled={layout.chosen === null} onClick={() => actions.setRunsValueColumns(null)}>
              Reset to defaults
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
