// MLflow's search grammar (filters and order_by) with Cairn's extensions, shared by the tracker
// store and the UI's filter bar. No Node imports here: this runs in the renderer too.
export type {
  AndFilter,
  Comparator,
  Comparison,
  FilterNode,
  ListComparator,
  ListComparison,
  NumberComparison,
  NumericComparator,
  OrderByClause,
  OrFilter,
  SearchEntity,
  SearchKey,
  SearchValueType,
  StringComparator,
  StringComparison,
} from './search-ast';
export { EXPERIMENT_SEARCH, RUN_SEARCH, formatKey, type AttributeSpec, type SearchDomain } from './search-domains';
export { parseFilter, parseKey, parseOrderBy, parseOrderByList } from './search-parser';
export { completeFilterAt, type CompletionSlot, type FilterCompletion } from './filter-completion';
export { SearchSyntaxError } from './search-syntax-error';
export { tokenize, type QuoteChar, type Token, type TokenKind } from './filter-tokens';
