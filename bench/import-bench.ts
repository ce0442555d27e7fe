// How fast `cairn import` brings in an MLflow file store: a generated mlruns folder of 50 runs ×
// 5 metrics × 20,000 steps (5,000,000 metric points, about 170 MB of metric files).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importMlflowFileStore } from '../electron/services/importer/mlflow-file-store-importer';
import { writeMlflowExperiment, writeMlflowRun } from '../electron/services/importer/mlflow-file-store-writer';
import { openCairnStores } from '../electron/services/cairn-services';
import type { BenchFigure } from './bench-result';

const RUNS = 50;
const METRICS = ['loss', 'val_loss', 'accuracy', 'learning_rate', 'grad_norm'];
const STEPS = 20_000;
const POINTS = RUNS * METRICS.length * STEPS;
const T0 = 1_700_000_000_000;

/** Import speed in metric points per second: a full import, a dry run (reading and parsing only), and a second import. */
export async function runImportBench(): Promise<BenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-import-bench-'));
  try {
    const mlruns = path.join(dir, 'mlruns');
    writeGeneratedMlruns(mlruns);
    const dataDir = path.join(dir, 'data');
    const context = openCairnStores(dataDir);
    const { store } = context;
    try {
      const options = { source: mlruns, store, artifacts: context.artifacts, registry: context.registry, loggedModels: context.loggedModels };

      let started = performance.now();
      const dryRun = await importMlflowFileStore({ ...options, dryRun: true });
      const dryRunSeconds = (performance.now() - started) / 1000;

      started = performance.now();
      const imported = await importMlflowFileStore(options);
      const importSeconds = (performance.now() - started) / 1000;
      if (imported.metricPoints !== POINTS || dryRun.metricPoints !== POINTS) {
        throw new Error(`expected ${POINTS} metric points, imported ${imported.metricPoints} (dry run: ${dryRun.metricPoints})`);
      }

      started = performance.now();
      const again = await importMlflowFileStore(options);
      const againMs = performance.now() - started;
      if (again.runs !== 0) throw new Error(`a second import imported ${again.runs} runs`);

      const shape = `${RUNS} runs × ${METRICS.length} metrics × ${STEPS.toLocaleString('en')} steps`;
      return [
        { name: `import an mlruns folder (${shape}), metric points per second`, value: Math.round(POINTS / importSeconds), unit: 'points/s', target: 'none set' },
        { name: `dry run of the same import (read and parse only), metric points per second`, value: Math.round(POINTS / dryRunSeconds), unit: 'points/s', target: 'none set' },
        { name: `import the same folder again (everything already imported)`, value: Math.round(againMs), unit: 'ms', target: 'none set' },
      ];
    } finally {
      context.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the benchmark's mlruns folder: noisy decaying curves, one point per step, a NaN now and then. */
function writeGeneratedMlruns(root: string): void {
  writeMlflowExperiment(root, { experimentId: '1', name: 'bench' });
  let seed = 42;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let run = 0; run < RUNS; run++) {
    const runId = run.toString(16).padStart(32, '0');
    const metrics: Record<string, string[]> = {};
    for (const [index, key] of METRICS.entries()) {
      const lines = new Array<string>(STEPS);
      for (let step = 0; step < STEPS; step++) {
        const value = random() < 0.0001 ? 'nan' : String((index + 1) * Math.exp(-step / 5000) + (random() - 0.5) * 0.05);
        lines[step] = `${T0 + step * 1000} ${value} ${step}`;
      }
      metrics[key] = lines;
    }
    writeMlflowRun(root, {
      experimentId: '1',
      runId,
      startTime: T0 + run,
      params: { lr: String(0.001 * (run + 1)), batch_size: '64' },
      tags: { 'mlflow.runName': `bench-${run}`, 'mlflow.user': 'bench' },
      metrics,
      artifacts: { 'model/MLmodel': 'flavors: {}\n' },
    });
  }
}
