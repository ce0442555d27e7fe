import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import { CairnError } from '../../../shared/errors';
import type { LifecycleStage } from '../../../shared/models';
import { SearchSyntaxError } from '../../../shared/search';
import { SqliteTrackerStore } from './sqlite-tracker-store';
import type { MetricInput, SearchRunsQuery } from './tracker-store';
import { buildRunSearchSql } from './run-search-sql';

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;
let experimentId: string;
/** Run ids by run name. */
let ids: Record<string, string>;

function metric(key: string, value: number, step = 0, timestamp = 1000): MetricInput {
  return { key, value, step, timestamp };
}

interface RunSeed {
  readonly name: string;
  readonly startTime: number;
  readonly userId?: string;
  readonly endTime?: number;
  readonly status?: 'FINISHED' | 'FAILED' | 'KILLED';
  readonly params?: Record<string, string>;
  readonly tags?: Record<string, string>;
  readonly metrics?: readonly MetricInput[];
}

async function seed(runs: readonly RunSeed[], experiment = experimentId): Promise<void> {
  for (const run of runs) {
    const created = await store.createRun({ experimentId: experiment, runName: run.name, startTime: run.startTime, userId: run.userId });
    ids[run.name] = created.info.runId;
    await store.logBatch(created.info.runId, {
      params: Object.entries(run.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(run.tags ?? {}).map(([key, value]) => ({ key, value })),
      metrics: run.metrics ?? [],
    });
    if (run.status || run.endTime) await store.updateRun(created.info.runId, { status: run.status, endTime: run.endTime });
  }
}

/** The names of the runs a search returns, in order. */
async function names(filter: string, orderBy: readonly string[] = [], extra: Partial<SearchRunsQuery> = {}): Promise<string[]> {
  const page = await store.searchRuns({ experimentIds: [experimentId], filter, orderBy, ...extra });
  return page.items.map((run) => run.info.runName);
}

async function searchError(filter: string, orderBy: readonly string[] = []): Promise<SearchSyntaxError> {
  try {
    await store.searchRuns({ experimentIds: [experimentId], filter, orderBy });
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error('expected the search to fail');
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-run-search-'));
  database = openDatabase(path.join(dir, 'database.connection'));
  store = new SqliteTrackerStore(database);
  experimentId = (await store.createExperiment({ name: 'search' })).experimentId;
  ids = {};
  await seed([
    {
      name: 'alpha',
      startTime: 1000,
      endTime: 1500,
      status: 'FINISHED',
      userId: 'bob',
      params: { model: 'xgb', lr: '0.1' },
      tags: { team: 'Vision', 'mlflow.user': 'bob' },
      metrics: [metric('rmse', 0.5), metric('acc', 0.9)],
    },
    {
      name: 'beta',
      startTime: 2000,
      endTime: 2600,
      status: 'FAILED',
      userId: 'ann',
      params: { model: 'lgbm', lr: '0.01' },
      tags: { team: 'nlp' },
      // The latest value is the one at the highest step, whatever the order of logging.
      metrics: [metric('rmse', 0.3, 1), metric('rmse', 0.9, 0), metric('acc', Number.NaN)],
    },
    {
      name: 'gamma',
      startTime: 3000,
      userId: 'bob',
      params: { model: 'XGB', pattern: 'a*[b]?' },
      // An earlier value matched rmse < 0.2, but the latest value is NaN.
      metrics: [metric('rmse', 0.1, 0), metric('rmse', Number.NaN, 1)],
    },
    {
      name: 'delta',
      startTime: 4000,
      params: { 'my param': 'y', pattern: 'abc' },
      tags: { 'my tag': 'x' },
      metrics: [metric('my metric', 2), metric('acc', Number.POSITIVE_INFINITY)],
    },
  ]);
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('run search: filters', () => {
  it('returns every run, newest first, without a filter', async () => {
    expect(await names('')).toEqual(['delta', 'gamma', 'beta', 'alpha']);
    expect(await names('   ')).toEqual(['delta', 'gamma', 'beta', 'alpha']);
  });

  it.each([
    ['metrics.rmse = 0.5', ['alpha']],
    ['metrics.rmse != 0.5', ['beta']],
    ['metrics.rmse < 0.4', ['beta']],
    ['metrics.rmse <= 0.5', ['beta', 'alpha']],
    ['metrics.rmse > 0.3', ['alpha']],
    ['metrics.rmse >= 0.3', ['beta', 'alpha']],
    ['metrics.rmse < 0.2', []],
    ['metrics.rmse > -1e9', ['beta', 'alpha']],
    ['metrics.acc > 1e308', ['delta']],
    ['metrics.acc != 0.9', ['delta']],
    ['metrics.nothing < 1', []],
  ])('compares latest metric values: %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it.each([
    ["params.model = 'xgb'", ['alpha']],
    ["params.model != 'xgb'", ['gamma', 'beta']],
    ["params.model LIKE 'x%'", ['alpha']],
    ["params.model LIKE 'X%'", ['gamma']],
    ["params.model ILIKE 'x%'", ['gamma', 'alpha']],
    ["params.model ILIKE '%GB%'", ['gamma', 'beta', 'alpha']],
    ["params.lr LIKE '0._'", ['alpha']],
    ["params.lr LIKE '0.%'", ['beta', 'alpha']],
    ["params.pattern LIKE 'a*[b]?'", ['gamma']],
    ["params.pattern LIKE 'a*%'", ['gamma']],
    ["params.pattern LIKE 'a%'", ['delta', 'gamma']],
    ["params.model IN ('xgb', 'lgbm')", ['beta', 'alpha']],
    ["params.model NOT IN ('xgb')", ['gamma', 'beta']],
    ["params.model = 'XGB' OR params.model = 'xgb'", ['gamma', 'alpha']],
  ])('compares params as strings, only on runs that have them: %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it.each([
    ["tags.team = 'Vision'", ['alpha']],
    ["tags.team = 'vision'", []],
    ["tags.team ILIKE 'vision'", ['alpha']],
    ["tags.team != 'nlp'", ['alpha']],
    ["tags.\"mlflow.user\" = 'bob'", ['alpha']],
    ["tags.`mlflow.runName` = 'gamma'", ['gamma']],
    ["tag.mlflow.runName LIKE '%a'", ['delta', 'gamma', 'beta', 'alpha']],
    ["tags.team IN ('nlp', 'Vision')", ['beta', 'alpha']],
    ["tags.team NOT IN ('nlp')", ['alpha']],
  ])('compares tags: %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it.each([
    ['metrics.`my metric` = 2', ['delta']],
    ['metrics."my metric" >= 2', ['delta']],
    ["metrics.'my metric' < 3", ['delta']],
    ["params.`my param` = 'y'", ['delta']],
    ["tags.'my tag' = \"x\"", ['delta']],
  ])('reads quoted names: %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it.each([
    ["attributes.status = 'FAILED'", ['beta']],
    ["status != 'RUNNING'", ['beta', 'alpha']],
    ["status IN ('FAILED', 'RUNNING')", ['delta', 'gamma', 'beta']],
    ["status NOT IN ('RUNNING')", ['beta', 'alpha']],
    ["attributes.run_name = 'gamma'", ['gamma']],
    ["run_name LIKE '%ta'", ['delta', 'beta']],
    ["`Run name` ILIKE 'ALPHA'", ['alpha']],
    ["user_id = 'bob'", ['gamma', 'alpha']],
    ["artifact_uri LIKE '%/artifacts'", ['delta', 'gamma', 'beta', 'alpha']],
    ["attr.artifact_uri LIKE '%/ARTIFACTS'", []],
    ['start_time > 2500', ['delta', 'gamma']],
    ['attributes.start_time = 1000', ['alpha']],
    ['created >= 2000', ['delta', 'gamma', 'beta']],
    ['end_time < 2000', ['alpha']],
    ['end_time != 1500', ['beta']],
    ['run.end_time > 0', ['beta', 'alpha']],
  ])('compares attributes: %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('matches run ids one by one or in a list', async () => {
    expect(await names(`run_id = '${ids.beta}'`)).toEqual(['beta']);
    expect(await names(`attributes.run_id IN ('${ids.alpha}', '${ids.delta}', 'nope')`)).toEqual(['delta', 'alpha']);
    expect(await names(`run_id NOT IN ('${ids.alpha}', '${ids.delta}')`)).toEqual(['gamma', 'beta']);
  });

  it('combines with AND, OR and parentheses, AND binding tighter', async () => {
    expect(await names("params.model = 'xgb' AND metrics.rmse < 0.4")).toEqual([]);
    expect(await names("params.model = 'xgb' OR metrics.rmse < 0.4")).toEqual(['beta', 'alpha']);
    expect(await names("params.model = 'lgbm' AND metrics.rmse > 0.4 OR params.model = 'xgb'")).toEqual(['alpha']);
    expect(await names("params.model = 'lgbm' AND (metrics.rmse > 0.4 OR params.model = 'xgb')")).toEqual([]);
    expect(await names("(params.model = 'xgb' or params.model = 'lgbm') and metrics.rmse < 0.4")).toEqual(['beta']);
    expect(await names("((tags.team = 'nlp' OR user_id = 'bob') AND (status = 'RUNNING' OR metrics.acc > 0.5))")).toEqual([
      'gamma',
      'alpha',
    ]);
  });

  it('binds values and names, so quotes in them are only text', async () => {
    expect(await names("params.model = 'x''; DROP TABLE runs; --'")).toEqual([]);
    expect(await names("params.\"model') OR 1=1 --\" = 'x'")).toEqual([]);
    expect(await names('')).toHaveLength(4);
  });

  it('searches only the requested experiments and lifecycle stages', async () => {
    const other = (await store.createExperiment({ name: 'other' })).experimentId;
    await seed([{ name: 'elsewhere', startTime: 5000, params: { model: 'xgb' } }], other);
    expect(await names("params.model = 'xgb'")).toEqual(['alpha']);
    const both = await store.searchRuns({ experimentIds: [experimentId, other], filter: "params.model = 'xgb'" });
    expect(both.items.map((run) => run.info.runName)).toEqual(['elsewhere', 'alpha']);

    await store.deleteRun(ids.alpha as string);
    expect(await names("params.model = 'xgb'")).toEqual([]);
    expect(await names("params.model = 'xgb'", [], { viewType: 'DELETED_ONLY' })).toEqual(['alpha']);
    expect(await names("params.model ILIKE 'xgb'", [], { viewType: 'ALL' })).toEqual(['gamma', 'alpha']);
  });
});

describe('run search: dataset filters', () => {
  beforeEach(() => {
    // The datasets and run_inputs tables come with another migration; until it has landed
    // everywhere, create them here when they are missing.
    database.connection.exec(`
      CREATE TABLE IF NOT EXISTS datasets (dataset_uuid TEXT PRIMARY KEY, experiment_id INTEGER, name TEXT, digest TEXT,
        source_type TEXT, source TEXT, schema TEXT, profile TEXT);
      CREATE TABLE IF NOT EXISTS run_inputs (run_uuid TEXT, dataset_uuid TEXT, context TEXT);
    `);
    const dataset = database.connection.prepare('INSERT INTO datasets (dataset_uuid, experiment_id, name, digest) VALUES (?, ?, ?, ?)');
    dataset.run('d1', Number(experimentId), 'iris', 'aaaa1111');
    dataset.run('d2', Number(experimentId), 'iris', 'bbbb2222');
    dataset.run('d3', Number(experimentId), 'wine', 'cccc3333');
    const input = database.connection.prepare('INSERT INTO run_inputs (run_uuid, dataset_uuid, context) VALUES (?, ?, ?)');
    input.run(ids.alpha, 'd1', 'training');
    input.run(ids.alpha, 'd3', 'eval');
    input.run(ids.beta, 'd2', 'training');
    input.run(ids.gamma, 'd3', null);
  });

  it.each([
    ["dataset.name = 'iris'", ['beta', 'alpha']],
    ["dataset.name = 'IRIS'", []],
    ["datasets.name ILIKE 'IRIS'", ['beta', 'alpha']],
    ["dataset.name != 'iris'", ['gamma', 'alpha']],
    ["dataset.name LIKE 'w%'", ['gamma', 'alpha']],
    ["dataset.digest = 'bbbb2222'", ['beta']],
    ["dataset.digest IN ('aaaa1111', 'cccc3333')", ['gamma', 'alpha']],
    ["dataset.digest NOT IN ('aaaa1111', 'cccc3333')", ['beta']],
    ["dataset.context = 'training'", ['beta', 'alpha']],
    ["dataset.context != 'training'", ['alpha']],
    ["dataset.context IN ('eval')", ['alpha']],
    ["dataset.name = 'iris' AND dataset.context = 'eval'", ['alpha']],
    ["dataset.name = 'wine' OR params.model = 'lgbm'", ['gamma', 'beta', 'alpha']],
  ])('%s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });
});

describe('run search: order_by', () => {
  it.each([
    [['metrics.rmse'], ['beta', 'alpha', 'gamma', 'delta']],
    [['metrics.rmse ASC'], ['beta', 'alpha', 'gamma', 'delta']],
    [['metrics.rmse DESC'], ['alpha', 'beta', 'gamma', 'delta']],
    [['metrics.acc DESC'], ['delta', 'alpha', 'beta', 'gamma']],
    [['metrics.acc'], ['alpha', 'delta', 'beta', 'gamma']],
    [['params.model'], ['gamma', 'beta', 'alpha', 'delta']],
    [['params.model DESC'], ['alpha', 'beta', 'gamma', 'delta']],
    [['tags.team'], ['alpha', 'beta', 'delta', 'gamma']],
    [['tags.`team` desc'], ['beta', 'alpha', 'delta', 'gamma']],
    [['params.`my param`'], ['delta', 'gamma', 'beta', 'alpha']],
    [['attributes.start_time'], ['alpha', 'beta', 'gamma', 'delta']],
    [['created DESC'], ['delta', 'gamma', 'beta', 'alpha']],
    [['end_time DESC'], ['beta', 'alpha', 'delta', 'gamma']],
    [['end_time'], ['alpha', 'beta', 'delta', 'gamma']],
    [['run_name'], ['alpha', 'beta', 'delta', 'gamma']],
    [['status DESC', 'run_name'], ['delta', 'gamma', 'alpha', 'beta']],
    [['user_id'], ['delta', 'beta', 'gamma', 'alpha']],
  ])('orders by %j, keys missing last in both directions', async (orderBy, expected) => {
    expect(await names('', orderBy)).toEqual(expected);
  });

  it('breaks ties by start_time DESC, then run id', async () => {
    await seed([
      { name: 'twin-1', startTime: 9000, metrics: [metric('score', 1)] },
      { name: 'twin-2', startTime: 9000, metrics: [metric('score', 1)] },
      { name: 'older', startTime: 100, metrics: [metric('score', 1)] },
    ]);
    const twins = [ids['twin-1'], ids['twin-2']].sort().map((id) => (id === ids['twin-1'] ? 'twin-1' : 'twin-2'));
    expect(await names('metrics.score = 1', ['metrics.score'])).toEqual([...twins, 'older']);
    expect(await names('metrics.score = 1', ['start_time ASC'])).toEqual(['older', ...twins]);
  });

  it('orders by a later key when the first ties', async () => {
    expect(await names('', ['status', 'metrics.rmse DESC'])).toEqual(['beta', 'alpha', 'gamma', 'delta']);
  });

  it('orders and filters together', async () => {
    expect(await names("params.model ILIKE '%g%'", ['metrics.rmse DESC'])).toEqual(['alpha', 'beta', 'gamma']);
  });
});

describe('run search: paging', () => {
  it('pages through a filtered, ordered result without gaps or repeats', async () => {
    const extra: RunSeed[] = Array.from({ length: 23 }, (_, i) => ({
      name: `bulk-${String(i).padStart(2, '0')}`,
      startTime: 10_000 + (i % 5),
      params: { kind: i % 3 === 0 ? 'skip' : 'keep' },
      metrics: [metric('loss', i % 4)],
    }));
    await seed(extra);
    const query = { experimentIds: [experimentId], filter: "params.kind = 'keep'", orderBy: ['metrics.loss DESC'] };
    const all = (await store.searchRuns(query)).items.map((run) => run.info.runId);
    expect(all).toHaveLength(15);
    const paged: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.searchRuns({ ...query, maxResults: 4, pageToken });
      paged.push(...page.items.map((run) => run.info.runId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(paged).toEqual(all);
  });
});

describe('run search: errors', () => {
  it('refuses a malformed filter with INVALID_PARAMETER_VALUE and the position', async () => {
    const error = await searchError("params.model = 'xgb' AND metrics.rmse > ");
    expect(error).toBeInstanceOf(CairnError);
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.position).toBe(40);
    expect(error.message).toBe("Expected a value after '>' at position 40");
  });

  it.each([
    ["metrics.rmse > 'a'", "Expected a number for metrics.rmse after '>', found 'a' at position 15"],
    ["params.lr < '1'", 'params.lr cannot be compared with <; use one of =, !=, LIKE, ILIKE, IN, NOT IN at position 10'],
    ['rmse > 1', "Unknown run attribute 'rmse' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
  ])('%s', async (filter, message) => {
    expect((await searchError(filter)).message).toBe(message);
  });

  it('refuses a malformed or repeated order_by', async () => {
    expect((await searchError('', ['metrics.rmse SIDEWAYS'])).message).toBe(
      "Expected ASC or DESC after 'metrics.rmse', found 'SIDEWAYS' in order_by clause 'metrics.rmse SIDEWAYS' at position 13",
    );
    expect((await searchError('', ['metrics.rmse', 'metric.rmse DESC'])).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await searchError('', ['dataset.name'])).message).toBe(
      "dataset.name cannot order runs in order_by clause 'dataset.name' at position 0",
    );
  });
});

describe('buildRunSearchSql', () => {
  it('compiles every kind of comparison, in any combination, to SQL that SQLite runs', () => {
    // The datasets and run_inputs tables come with another migration; create them when missing.
    database.connection.exec(`
      CREATE TABLE IF NOT EXISTS datasets (dataset_uuid TEXT PRIMARY KEY, experiment_id INTEGER, name TEXT, digest TEXT,
        source_type TEXT, source TEXT, schema TEXT, profile TEXT);
      CREATE TABLE IF NOT EXISTS run_inputs (run_uuid TEXT, dataset_uuid TEXT, context TEXT);
    `);
    const comparisons = [
      ...['=', '!=', '<', '<=', '>', '>='].flatMap((op) => [`metrics.rmse ${op} 0.4`, `start_time ${op} 2000`, `end_time ${op} 1`]),
      ...['=', '!=', 'LIKE', 'ILIKE'].flatMap((op) =>
        ['params.model', 'tags.team', 'status', 'run_name', 'run_id', 'user_id', 'artifact_uri', 'dataset.name', 'dataset.digest', 'dataset.context'].map(
          (key) => `${key} ${op} '%a_[*?'`,
        ),
      ),
      ...['IN', 'NOT IN'].flatMap((op) => ['params.lr', 'tags.x', 'status', 'dataset.context'].map((key) => `${key} ${op} ('a', 'b')`)),
    ];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const orders = ['metrics.acc DESC', 'params.model', 'tags.team DESC', 'end_time', 'run_name DESC'];
    for (let i = 0; i < 300; i++) {
      const parts = Array.from({ length: 1 + next(4) }, () => comparisons[next(comparisons.length)] as string);
      const filter = parts.reduce((text, part) => (next(2) ? `(${text}) OR ${part}` : `${text} AND ${part}`));
      const orderBy = next(2) ? [orders[next(orders.length)] as string] : [];
      const { sql, params } = buildRunSearchSql({ experimentIds: [experimentId], filter, orderBy, stages: ['active'] });
      expect(() => database.connection.prepare(sql).all(...params), filter).not.toThrow();
    }
  });

  it('binds every name and value and keeps them out of the SQL text', () => {
    const { sql, params } = buildRunSearchSql({
      experimentIds: ['1'],
      filter: "params.`secret key` = 'secret value' OR metrics.m > 42 OR tags.t IN ('v1', 'v2')",
      orderBy: ['tags.`order key` DESC'],
      stages: ['active'],
    });
    for (const text of ['secret', '42', 'v1', 'order key']) expect(sql).not.toContain(text);
    expect(params).toEqual(['order key', 1, 'active', 'secret key', 'secret value', 'm', 42, 't', 'v1', 'v2']);
    expect(sql.split('?')).toHaveLength(params.length + 1);
  });

  it('walks one experiment’s runs in index order and stops at the limit, rather than sorting them all', () => {
    const db = new Database(':memory:');
    try {
      db.exec(`CREATE TABLE runs (run_uuid TEXT PRIMARY KEY, experiment_id INTEGER, lifecycle_stage TEXT, start_time INTEGER);
        CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC);`);
      const plan = (experimentIds: string[], stages: LifecycleStage[]) => {
        const { sql, params } = buildRunSearchSql({ experimentIds, filter: '', orderBy: [], stages });
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql} LIMIT 10`).all(...params) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
      };
      // Only the run id, for ties, is sorted: the start-time order comes from the index.
      expect(plan(['1'], ['active'])).toContain('LAST TERM OF ORDER BY');
      expect(plan(['1', '2'], ['active', 'deleted'])).not.toContain('LAST TERM OF ORDER BY');
    } finally {
      db.close();
    }
  });
});
