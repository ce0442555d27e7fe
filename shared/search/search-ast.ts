// The typed syntax tree of a search: a filter is comparisons joined by AND and OR, an order_by
// clause is a key and a direction. Keys arrive resolved: aliases such as `params.` or `created`
// are already turned into their entity and canonical name.

/** What a key refers to: a run's metric, param, tag, attribute, or one of its input datasets. */
export type SearchEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** Whether a key compares with numbers or with strings. */
export type SearchValueType = 'number' | 'string';

/** A resolved key, such as `metrics.rmse` or the attribute `start_time`. */
export interface SearchKey {
  readonly entity: SearchEntity;
  /** The metric, param or tag name as logged, or the canonical attribute or dataset field. */
  readonly name: string;
  readonly valueType: SearchValueType;
  /** Where the key starts in the text. */
  readonly position: number;
}

/** Comparators on numbers (metrics and numeric attributes). */
export type NumericComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** Comparators of a string with one string. */
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
/** Comparators of a string with a list of strings. */
export type ListComparator = 'IN' | 'NOT IN';
/** Every comparator of the grammar. */
export type Comparator = NumericComparator | StringComparator | ListComparator;

interface ComparisonBase {
  readonly kind: 'comparison';
  readonly key: SearchKey;
  /** Where the comparator starts in the text. */
  readonly position: number;
}

/** `metrics.rmse < 0.3`, `start_time >= 1700000000000`. */
export interface NumberComparison extends ComparisonBase {
  readonly operand: 'number';
  readonly comparator: NumericComparator;
  readonly value: number;
}

/** `params.model = 'xgb'`, `tags.team ILIKE '%vision%'`. */
export interface StringComparison extends ComparisonBase {
  readonly operand: 'string';
  readonly comparator: StringComparator;
  readonly value: string;
}

/** `status IN ('FAILED', 'KILLED')`. */
export interface ListComparison extends ComparisonBase {
  readonly operand: 'list';
  readonly comparator: ListComparator;
  readonly value: readonly string[];
}

/** One comparison of a key with a value. */
export type Comparison = NumberComparison | StringComparison | ListComparison;

/** Operands that must all hold (`AND`). */
export interface AndFilter {
  readonly kind: 'and';
  readonly operands: readonly FilterNode[];
}

/** Operands of which one must hold (`OR`, a Cairn extension MLflow lacks). */
export interface OrFilter {
  readonly kind: 'or';
  readonly operands: readonly FilterNode[];
}

/** A parsed filter. */
export type FilterNode = Comparison | AndFilter | OrFilter;

/** One parsed order_by clause. */
export interface OrderByClause {
  readonly key: SearchKey;
  readonly ascending: boolean;
}
