// What the filter bar offers at the cursor: the shared grammar's completion says what kind of
// thing fits (a key, a comparator, a value, AND/OR); this fills in the experiment's own keys and
// the values seen in its runs, quoted as the grammar wants them.
import type { ExperimentKeys } from '../../../shared/runs-table';
import { completeFilterAt, formatKey, RUN_SEARCH, type SearchEntity } from '../../../shared/search';

/** One offer of the filter bar. */
export interface FilterSuggestion {
  /** What the list shows. */
  readonly label: string;
  /** What replaces the text being typed. */
  readonly insert: string;
  /** A word on what it is: metric, param, comparator... */
  readonly detail: string;
}

/** The offers at the cursor, replacing the text from `from` to `to`. */
export interface SuggestionList {
  readonly from: number;
  readonly to: number;
  readonly items: readonly FilterSuggestion[];
}

/** What the filter bar knows about the experiment. */
export interface FilterVocabulary {
  readonly keys: ExperimentKeys;
  /** Values seen for a param, tag or string attribute, most frequent first. */
  valuesOf(entity: SearchEntity, name: string): readonly string[];
}

const MAX_SUGGESTIONS = 60;
const NAME = /^[\p{L}_][\p{L}\p{M}\p{N}_.]*$/u;

/** A name as the grammar reads it after a prefix: bare when plain, else in backticks. */
function quoteName(name: string): string {
  return NAME.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

/** A string value in single quotes (a quote inside is doubled). */
function quoteValue(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** What was typed, without an opening quote. */
function typedText(partial: string): string {
  return /^['"`]/.test(partial) ? partial.slice(1) : partial;
}

/** Keeps the candidates containing the typed text, those starting with it first. */
function matching<T>(candidates: readonly T[], typed: string, text: (candidate: T) => string): T[] {
  const lower = typed.toLowerCase();
  if (!lower) return candidates.slice(0, MAX_SUGGESTIONS);
  const starts: T[] = [];
  const contains: T[] = [];
  for (const candidate of candidates) {
    const value = text(candidate).toLowerCase();
    if (value.startsWith(lower)) starts.push(candidate);
    else if (value.includes(lower)) contains.push(candidate);
  }
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
}

const ENTITY_KEYS: Partial<Record<SearchEntity, 'metrics' | 'params' | 'tags'>> = { metric: 'metrics', param: 'params', tag: 'tags' };

/** The suggestions at `cursor` in `text`, or null when nothing fits (or the text before the cursor is malformed). */
export function suggestFilter(text: string, cursor: number, vocabulary: FilterVocabulary): SuggestionList | null {
  const completion = completeFilterAt(text, cursor, RUN_SEARCH);
  if (!completion) return null;
  const typed = typedText(completion.partial);
  const fixed = (detail: string, space: boolean) =>
    completion.options.map((option) => ({ label: option, insert: space && !option.endsWith('.') ? `${option} ` : option, detail }));
  let items: FilterSuggestion[];
  switch (completion.expect) {
    case 'key': {
      const entity = completion.entity;
      const listName = entity ? ENTITY_KEYS[entity] : undefined;
      if (entity && listName) {
        items = matching(vocabulary.keys[listName], typed, (name) => name).map((name) => ({ label: name, insert: `${quoteName(name)} `, detail: entity }));
      } else if (entity) {
        items = fixed(entity, true);
      } else {
        const keys: FilterSuggestion[] = (['metric', 'param', 'tag'] as const).flatMap((kind) =>
          vocabulary.keys[ENTITY_KEYS[kind]!].map((name) => {
            const key = formatKey({ entity: kind, name });
            return { label: key, insert: `${key} `, detail: kind };
          }),
        );
        const words = fixed('', true).map((item) => ({ ...item, detail: item.label.endsWith('.') ? 'prefix' : 'attribute' }));
        items = [...words, ...matching(keys, typed, (item) => item.label)].slice(0, MAX_SUGGESTIONS);
      }
      break;
    }
    case 'comparator':
      items = fixed('comparator', true);
      break;
    case 'value': {
      if (completion.options.length > 0 || !completion.key || completion.valueType === 'number') {
        items = fixed('', false);
        break;
      }
      const inList = completion.valueType === 'string' && text.slice(0, completion.from).trimEnd().match(/[(,]$/) !== null;
      items = matching(vocabulary.valuesOf(completion.key.entity, completion.key.name), typed, (value) => value).map((value) => ({
        label: value,
        insert: inList ? quoteValue(value) : `${quoteValue(value)} `,
        detail: 'value',
      }));
      break;
    }
    case 'connective':
      items = fixed('', true);
      break;
  }
  // What is already typed in full is no suggestion.
  const offered = items.filter((item) => item.insert.trim() !== completion.partial);
  return offered.length > 0 ? { from: completion.from, to: cursor, items: offered } : null;
}
