// Seeds an experiment of many runs for the runs-table benchmarks, straight into a data folder's
// database with the SQLite store (no HTTP). Runs are written in chunks inside one transaction
// each: the store's own transactions nest as savepoints, so a chunk of thousands of runs costs
// one commit instead of thousands. With CAIRN_BENCH_SEED_CACHE=<dir>, a seeded data folder is
// kept there (keyed by the seed's parameters) and copied instead of seeding again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openCairnStores } from '../electron/services/cairn-services';

/** What to seed: how many runs, and the params and metrics each run logs. */
export interface RunsTableSeed {
  readonly experimentName: string;
  readonly runs: number;
  /** The param keys and, per run, their values. */
  readonly params: readonly string[];
  readonly paramValue: (param: number, random: () => number) => string;
  /** The metric keys and, per run, their values (logged at step 0). */
  readonly metrics: readonly string[];
  readonly metricValue: (metric: number, random: () => number) => number;
  /** Runs per transaction. */
  readonly chunk?: number;
}

/** Writes the runs into a fresh database in `dataDir`; resolves to the experiment id. */
export async function seedRunsTable(dataDir: string, seed: RunsTableSeed): Promise<string> {
  const stores = openCairnStores(dataDir);
  const { store } = stores;
  const db = stores.database.connection;
  try {
    const { experimentId } = await store.createExperiment({ name: seed.experimentName });
    const start = Date.now() - seed.runs * 1000;
    let state = 7;
    const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
    const chunk = seed.chunk ?? 2000;
    for (let from = 0; from < seed.runs; from += chunk) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const writes: Promise<unknown>[] = [];
        for (let run = from; run < Math.min(seed.runs, from + chunk); run++) {
          const runId = `${run.toString(16).padStart(8, '0')}${'b'.repeat(24)}`;
          const startTime = start + run * 1000;
          await store.importRun({
            runId,
            experimentId,
            runName: `run-${run}`,
            status: run % 17 === 0 ? 'FAILED' : 'FINISHED',
            startTime,
            endTime: startTime + 900,
            userId: 'bench',
            artifactUri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
            params: seed.params.map((key, k) => ({ key, value: seed.paramValue(k, random) })),
            tags: [{ key: 'mlflow.runName', value: `run-${run}` }],
          });
          writes.push(
            store.logBatch(runId, {
              metrics: seed.metrics.map((key, k) => ({ key, value: seed.metricValue(k, random), step: 0, timestamp: startTime + 500 })),
            }),
          );
        }
        await Promise.all(writes);
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    }
    return experimentId;
  } finally {
    stores.close();
  }
}

/** The cache folder's name for a seed: a digest of its parameters, value functions' source included. */
function seedCacheKey(seed: RunsTableSeed): string {
  const parameters = JSON.stringify({
    experimentName: seed.experimentName,
    runs: seed.runs,
    params: seed.params,
    paramValue: seed.paramValue.toString(),
    metrics: seed.metrics,
    metricValue: seed.metricValue.toString(),
    chunk: seed.chunk ?? null,
  });
  return `${seed.experimentName}-${createHash('sha256').update(parameters).digest('hex').slice(0, 16)}`;
}

/**
 * Seeds `seed` into the empty folder `dataDir`, as seedRunsTable does; with `cacheDir`, copies a
 * data folder seeded earlier with the same parameters from there instead, or seeds and keeps a copy.
 */
export async function seedRunsTableCached(dataDir: string, seed: RunsTableSeed, cacheDir: string | undefined): Promise<string> {
  if (!cacheDir) return seedRunsTable(dataDir, seed);
  const cached = path.join(path.resolve(cacheDir), seedCacheKey(seed));
  const experimentFile = path.join(cached, 'experiment-id');
  if (fs.existsSync(experimentFile)) {
    fs.cpSync(path.join(cached, 'data'), dataDir, { recursive: true });
    return fs.readFileSync(experimentFile, 'utf8');
  }
  const experimentId = await seedRunsTable(dataDir, seed);
  // Written under a temporary name and renamed, so an interrupted copy is never taken for a seed.
  const partial = `${cached}.part-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(dataDir, path.join(partial, 'data'), { recursive: true });
  fs.writeFileSync(path.join(partial, 'experiment-id'), experimentId);
  fs.rmSync(cached, { recursive: true, force: true });
  fs.renameSync(partial, cached);
  return experimentId;
}
