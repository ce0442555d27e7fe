import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import { SearchSyntaxError } from '../../../shared/search';
import { SqliteTrackerStore } from './sqlite-tracker-store';
import type { SearchExperimentsQuery } from './tracker-store';
import { buildExperimentSearchSql } from './experiment-search-sql';

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;

/** The names of the experiments a search returns, in order. */
async function names(filter: string, orderBy: readonly string[] = [], extra: Partial<SearchExperimentsQuery> = {}): Promise<string[]> {
  const page = await store.searchExperiments({ filter, orderBy, ...extra });
  return page.items.map((experiment) => experiment.name);
}

async function searchError(filter: string, orderBy: readonly string[] = []): Promise<SearchSyntaxError> {
  try {
    await store.searchExperiments({ filter, orderBy });
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error('expected the search to fail');
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-experiment-search-'));
  database = openDatabase(path.join(dir, 'database.connection'));
  store = new SqliteTrackerStore(database);
  const seeds = [
    { name: 'fraud-model', created: 3000, updated: 9000, tags: { group: 'risk', owner: 'Ann' } },
    { name: 'Fraud-baseline', created: 2000, updated: 8000, tags: { group: 'risk' } },
    { name: 'churn', created: 2000, updated: 7000, tags: { group: 'growth' } },
  ];
  // The Default experiment (id 0) exists already; give it the oldest times.
  database.connection.prepare('UPDATE experiments SET creation_time = 1000, last_update_time = 1000 WHERE experiment_id = 0').run();
  for (const seed of seeds) {
    const experiment = await store.createExperiment({
      name: seed.name,
      tags: Object.entries(seed.tags).map(([key, value]) => ({ key, value })),
    });
    database.connection
      .prepare('UPDATE experiments SET creation_time = ?, last_update_time = ? WHERE experiment_id = ?')
      .run(seed.created, seed.updated, Number(experiment.experimentId));
  }
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('experiment search: filters', () => {
  it('returns every active experiment, newest first, then by id', async () => {
    // fraud-model (id 1, created 3000), then Fraud-baseline and churn (both 2000) by id, then Default.
    expect(await names('')).toEqual(['fraud-model', 'Fraud-baseline', 'churn', 'Default']);
  });

  it.each([
    ["name = 'churn'", ['churn']],
    ["attributes.name = 'CHURN'", []],
    ["attribute.name != 'churn'", ['fraud-model', 'Fraud-baseline', 'Default']],
    ["name LIKE 'fraud%'", ['fraud-model']],
    ["name LIKE '%-%'", ['fraud-model', 'Fraud-baseline']],
    ["name ILIKE 'fraud%'", ['fraud-model', 'Fraud-baseline']],
    ["name LIKE '_hurn'", ['churn']],
    ['creation_time > 1500', ['fraud-model', 'Fraud-baseline', 'churn']],
    ['creation_time = 2000', ['Fraud-baseline', 'churn']],
    ['attributes.last_update_time <= 8000', ['Fraud-baseline', 'churn', 'Default']],
    ['last_update_time != 9000', ['Fraud-baseline', 'churn', 'Default']],
    ["tags.group = 'risk'", ['fraud-model', 'Fraud-baseline']],
    ["tags.group != 'risk'", ['churn']],
    ["tag.owner ILIKE 'ann'", ['fraud-model']],
    ["tags.`group` LIKE 'g%'", ['churn']],
    ["tags.missing != 'x'", []],
    ["tags.group = 'risk' AND name ILIKE '%base%'", ['Fraud-baseline']],
    ["tags.group = 'growth' OR creation_time < 1500", ['churn', 'Default']],
    ["(tags.group = 'growth' OR tags.owner = 'Ann') AND creation_time >= 3000", ['fraud-model']],
  ])('%s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('follows the view type', async () => {
    const churn = await store.getExperimentByName('churn');
    await store.deleteExperiment(churn!.experimentId);
    expect(await names("tags.group = 'growth'")).toEqual([]);
    expect(await names("tags.group = 'growth'", [], { viewType: 'DELETED_ONLY' })).toEqual(['churn']);
    expect(await names('creation_time = 2000', [], { viewType: 'ALL' })).toEqual(['Fraud-baseline', 'churn']);
  });
});

describe('experiment search: order_by', () => {
  it.each([
    [['name'], ['Default', 'Fraud-baseline', 'churn', 'fraud-model']],
    [['attributes.name DESC'], ['fraud-model', 'churn', 'Fraud-baseline', 'Default']],
    [['experiment_id'], ['Default', 'fraud-model', 'Fraud-baseline', 'churn']],
    [['experiment_id DESC'], ['churn', 'Fraud-baseline', 'fraud-model', 'Default']],
    [['last_update_time'], ['Default', 'churn', 'Fraud-baseline', 'fraud-model']],
    // Ties end with experiment_id DESC, as in MLflow.
    [['creation_time'], ['Default', 'churn', 'Fraud-baseline', 'fraud-model']],
    [['creation_time ASC', 'experiment_id ASC'], ['Default', 'Fraud-baseline', 'churn', 'fraud-model']],
  ])('orders by %j', async (orderBy, expected) => {
    expect(await names('', orderBy)).toEqual(expected);
  });

  it('pages through the result', async () => {
    const first = await store.searchExperiments({ maxResults: 3 });
    expect(first.items.map((e) => e.name)).toEqual(['fraud-model', 'Fraud-baseline', 'churn']);
    const second = await store.searchExperiments({ maxResults: 3, pageToken: first.nextPageToken });
    expect(second.items.map((e) => e.name)).toEqual(['Default']);
  });
});

describe('experiment search: errors', () => {
  it.each([
    ['metrics.x > 1', "Unknown key type 'metrics' (use tags., attributes. or an attribute) at position 0"],
    ["name IN ('churn')", 'attributes.name cannot be compared with IN; use one of =, !=, LIKE, ILIKE at position 5'],
    ["creation_time > 'x'", "Expected a number for attributes.creation_time after '>', found 'x' at position 16"],
    ["name = 'churn' AND", "Expected a key after 'AND' at position 18"],
  ])('%s', async (filter, message) => {
    const error = await searchError(filter);
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe(message);
  });

  it('refuses to order by tags', async () => {
    expect((await searchError('', ['tags.group'])).message).toBe(
      "tags.group cannot order experiments in order_by clause 'tags.group' at position 0",
    );
  });
});

describe('buildExperimentSearchSql', () => {
  it('binds every name and value', () => {
    const { sql, params } = buildExperimentSearchSql({
      filter: "tags.`secret key` = 'secret value' OR name LIKE 'a%'",
      orderBy: [],
      stages: ['active'],
    });
    expect(sql).not.toContain('secret');
    expect(params).toEqual(['["active"]', 'secret key', 'secret value', 'a*']);
  });
});
