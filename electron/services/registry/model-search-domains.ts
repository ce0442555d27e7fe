// The vocabularies of the model searches, for the shared search grammar (shared/search): which
// keys a registered-model, model-version or logged-model filter and order_by may use, following
// MLflow's SearchModelUtils, SearchModelVersionUtils and logged-model search. OR and parentheses
// are accepted, as in Cairn's run search, though MLflow's grammar has only AND.
import type { AttributeSpec, Comparator, SearchDomain, SearchEntity, SearchValueType } from '../../../shared/search';

const NUMERIC: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_OR_LIST: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

function attribute(name: string, valueType: SearchValueType, use: 'search' | 'order' | 'both' = 'both'): AttributeSpec {
  return { name, valueType, searchable: use !== 'order', orderable: use !== 'search' };
}

const TAG_AND_ATTRIBUTE_PREFIXES: ReadonlyArray<readonly [string, SearchEntity]> = [
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
];

/** Registered-model search: name and tags; ordered by name or timestamps. */
export const REGISTERED_MODEL_SEARCH: SearchDomain = {
  subject: 'registered model',
  entities: new Map(TAG_AND_ATTRIBUTE_PREFIXES),
  suggestedPrefixes: ['tags.'],
  attributes: new Map([
    ['name', attribute('name', 'string')],
    ['timestamp', attribute('last_updated_timestamp', 'number', 'order')],
    ['last_updated_timestamp', attribute('last_updated_timestamp', 'number', 'order')],
    ['creation_timestamp', attribute('creation_timestamp', 'number', 'order')],
  ]),
  datasetFields: [],
  orderableEntities: ['attribute'],
  comparatorsFor(key) {
    return key.valueType === 'number' ? NUMERIC : STRING;
  },
};

/** Model-version search: name, run_id, source_path, version_number and tags. */
export const MODEL_VERSION_SEARCH: SearchDomain = {
  subject: 'model version',
  entities: new Map(TAG_AND_ATTRIBUTE_PREFIXES),
  suggestedPrefixes: ['tags.'],
  attributes: new Map([
    ['name', attribute('name', 'string')],
    ['run_id', attribute('run_id', 'string', 'search')],
    ['source_path', attribute('source_path', 'string', 'search')],
    ['version_number', attribute('version_number', 'number')],
    ['timestamp', attribute('last_updated_timestamp', 'number', 'order')],
    ['last_updated_timestamp', attribute('last_updated_timestamp', 'number', 'order')],
    ['creation_timestamp', attribute('creation_timestamp', 'number', 'order')],
  ]),
  datasetFields: [],
  orderableEntities: ['attribute'],
  comparatorsFor(key) {
    if (key.valueType === 'number') return NUMERIC;
    return key.entity === 'attribute' && key.name === 'run_id' ? STRING_OR_LIST : STRING;
  },
};

/** Logged-model search: attributes, params, tags and (linked) metrics. */
export const LOGGED_MODEL_SEARCH: SearchDomain = {
  subject: 'logged model',
  entities: new Map([
    ...TAG_AND_ATTRIBUTE_PREFIXES,
    ['param', 'param'],
    ['params', 'param'],
    ['metric', 'metric'],
    ['metrics', 'metric'],
  ]),
  suggestedPrefixes: ['params.', 'tags.', 'metrics.'],
  attributes: new Map([
    ['name', attribute('name', 'string')],
    ['model_id', attribute('model_id', 'string')],
    ['model_type', attribute('model_type', 'string')],
    ['source_run_id', attribute('source_run_id', 'string')],
    ['status', attribute('status', 'string')],
    ['creation_timestamp', attribute('creation_timestamp', 'number')],
    ['creation_time', attribute('creation_timestamp', 'number')],
    ['last_updated_timestamp', attribute('last_updated_timestamp', 'number')],
  ]),
  datasetFields: [],
  orderableEntities: ['attribute', 'metric'],
  comparatorsFor(key) {
    return key.valueType === 'number' ? NUMERIC : STRING_OR_LIST;
  },
};
