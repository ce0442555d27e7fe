// What each searchable thing (runs, experiments) accepts: entity prefixes and their aliases,
// attributes with their types, and the comparators each kind of key takes. The tables follow
// MLflow's SearchUtils and SearchExperimentsUtils; where Cairn accepts more, the entry says so.
import type { Comparator, SearchEntity, SearchKey, SearchValueType } from './search-ast';

/** An attribute as a search may name it. */
export interface AttributeSpec {
  /** The canonical name the key resolves to (`created` resolves to `start_time`). */
  readonly name: string;
  readonly valueType: SearchValueType;
  /** Usable in a filter. */
  readonly searchable: boolean;
  /** Usable in an order_by clause. */
  readonly orderable: boolean;
}

/** The vocabulary of one kind of search. */
export interface SearchDomain {
  /** What is searched, for messages: 'run' or 'experiment'. */
  readonly subject: string;
  /** Entity prefixes (lower case, without the dot) and the entity each names. */
  readonly entities: ReadonlyMap<string, SearchEntity>;
  /** The prefixes a filter bar offers, in the order it offers them. */
  readonly suggestedPrefixes: readonly string[];
  /** Attributes by every spelling MLflow accepts (case-sensitive, as in MLflow). */
  readonly attributes: ReadonlyMap<string, AttributeSpec>;
  /** Fields of `dataset.` keys. */
  readonly datasetFields: readonly string[];
  /** Entities an order_by clause may use. */
  readonly orderableEntities: readonly SearchEntity[];
  /** The comparators a key accepts. */
  comparatorsFor(key: SearchKey): readonly Comparator[];
}

const NUMERIC: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_OR_LIST: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

function attribute(name: string, valueType: SearchValueType, use: 'search' | 'order' | 'both' = 'both'): AttributeSpec {
  return { name, valueType, searchable: use !== 'order', orderable: use !== 'search' };
}

/** Run search: `search_runs` filters and order_by. */
export const RUN_SEARCH: SearchDomain = {
  subject: 'run',
  entities: new Map([
    ['metric', 'metric'],
    ['metrics', 'metric'],
    ['parameter', 'param'],
    ['parameters', 'param'],
    ['param', 'param'],
    ['params', 'param'],
    ['tag', 'tag'],
    ['tags', 'tag'],
    ['attribute', 'attribute'],
    ['attributes', 'attribute'],
    ['attr', 'attribute'],
    ['run', 'attribute'],
    ['dataset', 'dataset'],
    ['datasets', 'dataset'],
  ]),
  suggestedPrefixes: ['metrics.', 'params.', 'tags.', 'attributes.', 'dataset.'],
  attributes: new Map([
    ['run_id', attribute('run_id', 'string')],
    ['run_name', attribute('run_name', 'string')],
    ['run name', attribute('run_name', 'string', 'search')],
    ['Run name', attribute('run_name', 'string', 'search')],
    ['Run Name', attribute('run_name', 'string', 'search')],
    ['status', attribute('status', 'string')],
    ['user_id', attribute('user_id', 'string')],
    ['artifact_uri', attribute('artifact_uri', 'string')],
    ['start_time', attribute('start_time', 'number')],
    ['end_time', attribute('end_time', 'number')],
    ['created', attribute('start_time', 'number')],
    ['Created', attribute('start_time', 'number')],
  ]),
  datasetFields: ['name', 'digest', 'context'],
  orderableEntities: ['metric', 'param', 'tag', 'attribute'],
  comparatorsFor(key) {
    // MLflow allows IN / NOT IN only on run_id and dataset fields; Cairn also allows them on
    // params, tags and the other string attributes.
    return key.valueType === 'number' ? NUMERIC : STRING_OR_LIST;
  },
};

/** Experiment search: `search_experiments` filters and order_by. */
export const EXPERIMENT_SEARCH: SearchDomain = {
  subject: 'experiment',
  entities: new Map([
    ['attribute', 'attribute'],
    ['attributes', 'attribute'],
    ['tag', 'tag'],
    ['tags', 'tag'],
  ]),
  suggestedPrefixes: ['tags.', 'attributes.'],
  attributes: new Map([
    ['name', attribute('name', 'string')],
    ['creation_time', attribute('creation_time', 'number')],
    ['last_update_time', attribute('last_update_time', 'number')],
    ['experiment_id', attribute('experiment_id', 'number', 'order')],
  ]),
  datasetFields: [],
  orderableEntities: ['attribute'],
  comparatorsFor(key) {
    return key.valueType === 'number' ? NUMERIC : STRING;
  },
};

const CANONICAL_PREFIX: Readonly<Record<SearchEntity, string>> = {
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
  attribute: 'attributes',
  dataset: 'dataset',
};

/** A key written back in its canonical form, e.g. metrics.rmse or tags.`my tag`, for messages and UIs. */
export function formatKey(key: Pick<SearchKey, 'entity' | 'name'>): string {
  const name = /^[\p{L}_][\p{L}\p{M}\p{N}_.]*$/u.test(key.name) ? key.name : `\`${key.name.replaceAll('`', '``')}\``;
  return `${CANONICAL_PREFIX[key.entity]}.${name}`;
}
