// The example in examples/pipeline, a real scikit-learn pipeline, run with Debian's python3
// (python3-sklearn) put first on PATH, as the README tells: every stage runs once, a second run
// skips them all, a changed param reruns exactly what DVC would, and switching it back restores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../tracking-api/test-tracking-server';
import { PipelineService } from './pipeline-service';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'pipeline');
const hasSklearn = fs.existsSync('/usr/lib/python3/dist-packages/sklearn');

let server: TestTrackingServer;
let service: PipelineService;
let project: string;

beforeAll(async () => {
  server = await startTestTrackingServer();
  service = new PipelineService({
    dataDir: server.dataDir,
    store: server.store,
    artifacts: server.context.artifacts,
    database: server.database,
    trackingUri: () => server.url,
    env: { PATH: `/usr/bin:${process.env.PATH ?? ''}` },
  });
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-example-')), 'pipeline');
  fs.cpSync(EXAMPLE, project, { recursive: true });
});

afterAll(async () => {
  await service.close();
  await server.close();
  fs.rmSync(path.dirname(project), { recursive: true, force: true });
});

async function states(): Promise<Record<string, string>> {
  const execution = await service.start(project);
  const result = await execution.done;
  return Object.fromEntries(result.stages.map((stage) => [stage.name, stage.state]));
}

function setParam(from: string, to: string): void {
  const file = path.join(project, 'params.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
}

describe.skipIf(!hasSklearn)('examples/pipeline', () => {
  if (!hasSklearn) console.log('examples/pipeline not run: Debian python3-sklearn is not installed (/usr/lib/python3/dist-packages/sklearn)');

  it('trains and evaluates both models; a second run skips every stage; a changed param reruns exactly what it reaches', { timeout: 240_000 }, async () => {
    expect(await states()).toEqual({ prepare: 'done', featurize: 'done', 'train@logreg': 'done', 'train@forest': 'done', evaluate: 'done' });
    const metrics = JSON.parse(fs.readFileSync(path.join(project, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics)).toEqual(['forest', 'logreg']);
    expect(metrics.logreg.accuracy).toBeGreaterThan(0.9);
    expect(fs.readdirSync(path.join(project, 'plots')).sort()).toEqual(['roc_forest.csv', 'roc_logreg.csv']);

    expect(Object.values(await states())).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);

    setParam('n_estimators: 100', 'n_estimators: 20');
    expect(await states()).toEqual({ prepare: 'skipped', featurize: 'skipped', 'train@logreg': 'skipped', 'train@forest': 'done', evaluate: 'done' });

    setParam('n_estimators: 20', 'n_estimators: 100');
    expect(await states()).toEqual({ prepare: 'skipped', featurize: 'skipped', 'train@logreg': 'skipped', 'train@forest': 'restored', evaluate: 'restored' });

    // The train stage's own logging (src/tracking.py, through MLFLOW_RUN_ID) landed in its run.
    const runs = await server.store.searchRuns({ experimentIds: [(await server.store.getExperimentByName('pipeline'))!.experimentId], filter: "attributes.run_name = 'train@logreg'" });
    expect(runs.items.some((run) => run.metrics.some((metric) => metric.key === 'train_accuracy'))).toBe(true);
  });
});
