// The runs filter: MLflow's search grammar (with OR and parentheses), completion of keys and
// values as you type, and a mistake shown where it is: the character is underlined in the field
// and the message says what was expected there.
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { SearchIcon } from '../icons';
import { suggestFilter, type FilterVocabulary, type SuggestionList } from './filter-suggestions';

/** A refused filter: what is wrong and where. */
export interface FilterBarError {
  readonly message: string;
  readonly position: number | null;
}

/** What the filter bar shows and reports. */
export interface FilterBarProps {
  readonly draft: string;
  readonly applied: string;
  readonly error: FilterBarError | null;
  readonly vocabulary: FilterVocabulary;
  onDraft(text: string): void;
  onApply(text: string): void;
}

const PLACEHOLDER = "Filter runs, e.g. metrics.loss < 0.5 AND params.optimizer = 'adam'";

/** The filter field with its suggestions and inline error. */
export function FilterBar({ draft, applied, error, vocabulary, onDraft, onApply }: FilterBarProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const mirrorRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(draft.length);
  const [open, setOpen] = useState(false);
  const [highlight, setHighlight] = useState(-1);
  // Enter takes a suggestion only when the keyboard moved to it, never because the pointer rests on one.
  const chosenByKeyboard = useRef(false);

  const suggestions: SuggestionList | null = useMemo(
    () => (open ? suggestFilter(draft, Math.min(cursor, draft.length), vocabulary) : null),
    [open, draft, cursor, vocabulary],
  );
  const items = suggestions?.items ?? [];

  // The mirror behind the field scrolls with it, so the underline stays under its character.
  useLayoutEffect(() => {
    if (mirrorRef.current && inputRef.current) mirrorRef.current.scrollLeft = inputRef.current.scrollLeft;
  });

  const readCursor = () => setCursor(inputRef.current?.selectionStart ?? draft.length);

  const accept = (index: number) => {
    const item = suggestions?.items[index];
    if (!suggestions || !item) return;
    const next = draft.slice(0, suggestions.from) + item.insert + draft.slice(suggestions.to);
    const at = suggestions.from + item.insert.length;
    onDraft(next);
    setCursor(at);
    setHighlight(-1);
    chosenByKeyboard.current = false;
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(at, at));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const listed = open && items.length > 0;
    if (event.key === 'ArrowDown' && listed) {
      event.preventDefault();
      chosenByKeyboard.current = true;
      setHighlight((current) => (current + 1) % items.length);
    } else if (event.key === 'ArrowUp' && listed) {
      event.preventDefault();
      chosenByKeyboard.current = true;
      setHighlight((current) => (current <= 0 ? items.length - 1 : current - 1));
    } else if (event.key === 'Tab' && listed && !event.shiftKey) {
      event.preventDefault();
      accept(Math.max(0, highlight));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Enter takes a suggestion only once the user has moved to one; otherwise it applies the filter.
      if (listed && highlight >= 0 && chosenByKeyboard.current) {
        accept(highlight);
      } else {
        setOpen(false);
        onApply(draft);
      }
    } else if (event.key === 'Escape') {
      if (open) setOpen(false);
      else if (draft !== applied) onDraft(applied);
    }
  };

  const position = error?.position ?? null;
  const marked = position !== null && position >= 0 && position <= draft.length;
  return (
    <div className={`filter-bar${error ? ' has-error' : ''}`} data-testid="filter-bar">
      <div className="filter-field">
        <span className="filter-icon">
          <SearchIcon />
        </span>
        {marked && (
          <div className="filter-mirror" ref={mirrorRef} aria-hidden>
            {draft.slice(0, position)}
            <span className="filter-error-mark" data-testid="filter-error-mark">
              {draft.slice(position, position + 1) || '\u00a0'}
            </span>
            {draft.slice(position + 1)}
          </div>
        )}
        <input
          ref={inputRef}
          type="text"
          className="filter-input"
          data-testid="filter-input"
          placeholder={PLACEHOLDER}
          spellCheck={false}
          autoComplete="off"
          aria-label="Filter runs"
          aria-invalid={error !== null}
          aria-describedby={error ? 'filter-error' : undefined}
          aria-expanded={open && items.length > 0}
          aria-controls="filter-suggestions"
          aria-autocomplete="list"
          role="combobox"
          value={draft}
          onChange={(event) => {
            onDraft(event.target.value);
            setCursor(event.target.selectionStart ?? event.target.value.length);
            setOpen(true);
            setHighlight(-1);
            chosenByKeyboard.current = false;
          }}
          onKeyDown={onKeyDown}
          onKeyUp={readCursor}
          onClick={() => {
            readCursor();
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onScroll={() => {
            if (mirrorRef.current && inputRef.current) mirrorRef.current.scrollLeft = inputRef.current.scrollLeft;
          }}
        />
        {draft !== applied && !error && <span className="filter-pending">Enter to apply</span>}
        {(draft || applied) && (
          <button
            type="button"
            className="ghost small filter-clear"
            aria-label="Clear the filter"
            data-testid="filter-clear"
            onClick={() => {
              onDraft('');
              onApply('');
            }}
          >
            ✕
          </button>
        )}
        {open && items.length > 0 && (
          <ul className="filter-suggestions" id="filter-suggestions" role="listbox" data-testid="filter-suggestions">
            {items.map((item, index) => (
              <li
                key={`${item.detail}:${item.label}`}
                role="option"
                aria-selected={index === highlight}
                className={index === highlight ? 'is-highlighted' : undefined}
                data-testid="filter-suggestion"
                onMouseDown={(event) => {
                  event.preventDefault();
                  accept(index);
                }}
                onMouseMove={() => {
                  // Moving, not merely resting: a list that opens under a still pointer keeps its choice.
                  if (highlight === index) return;
                  chosenByKeyboard.current = false;
                  setHighlight(index);
                }}
              >
                <span className="suggestion-label">{item.label}</span>
                {item.detail && <span className="suggestion-detail">{item.detail}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p className="filter-error" id="filter-error" role="alert" data-testid="filter-error" data-position={position ?? undefined}>
          <span aria-hidden>⚠</span> {error.message}
          {position !== null && <span className="faint"> (at character {position + 1})</span>}
        </p>
      )}
    </div>
  );
}
