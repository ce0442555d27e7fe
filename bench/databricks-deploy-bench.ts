// The Databricks target with the scikit-learn example, against the local workspace the tests
// use (a second Cairn tracking server as its MLflow, the fake Model Serving whose entities serve
// with Cairn's local endpoint host), through the deployment service:
// - copying a version into the workspace registry: the upload-model and register-model steps of
//   a deploy (median of three deploys);
// - scoring a 1-row request through the target's predict (Cairn's REST client, Bearer token, the
//   workspace's invocations route), p50 of 300 after 30 warm-ups, and in the same run the
//   reference: the same request sent straight to the served entity's local endpoint.
// The fake's own serving time says nothing about real Databricks (building a container takes
// minutes there), so the endpoint's time to ready is not reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeDatabricks } from '../test-support/cloud-peers/fake-databricks';
import { createDeploymentService } from '../electron/services/deploy/create-deployment-service';
import { bundleEndpointHost, TEST_PYTHON, trainExample } from '../electron/services/deploy/test-deploy-fixture';
import { openCairnStores } from '../electron/services/cairn-services';
import { startTrackingServer } from '../electron/services/tracking-api/tracking-server';
import { median, type BenchFigure } from './bench-result';

const TOKEN = 'dapi-bench-0123456789abcdef';
const DEPLOYS = 3;
const WARM_UPS = 30;
const SAMPLES = 300;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Measures the Databricks target against the local workspace. */
export async function runDatabricksDeployBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-databricks-'));
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-workspace-'));
  const stores = openCairnStores(dataDir);
  const workspaceStores = openCairnStores(workspaceDir);
  const tracking = await startTrackingServer({ context: stores });
  const workspace = await startTrackingServer({ context: workspaceStores, token: TOKEN });
  const fake = await FakeDatabricks.start({ token: TOKEN, mlflowUrl: workspace.url, launcher: await bundleEndpointHost(), python: TEST_PYTHON, readyDelayMs: 0 });
  const savedToken = process.env.DATABRICKS_TOKEN;
  process.env.DATABRICKS_TOKEN = TOKEN;
  const service = createDeploymentService({
    database: stores.database,
    stores: { registry: stores.registry, artifacts: stores.artifacts, tracker: stores.store, loggedModels: stores.loggedModels },
    dataDir,
    via: 'bench',
    keepRunningByDefault: false,
  });
  try {
    await trainExample(tracking.url);
    const copyMs: number[] = [];
    for (let i = 0; i < DEPLOYS; i++) {
      const name = `bench-${i}`;
      const operation = await (await service.create({ name, target: 'databricks', modelUri: 'models:/digits-classifier/1', config: { host: fake.url, poll_seconds: '0.05' } })).done;
      if (operation.outcome !== 'succeeded') throw new Error(`the deploy failed: ${operation.error}`);
      const copy = operation.steps.filter((s) => s.name === 'upload-model' || s.name === 'register-model');
      copyMs.push(copy.reduce((sum, s) => sum + (s.endedAt! - s.startedAt), 0));
      if (i < DEPLOYS - 1) await (await service.delete({ name })).done;
    }
    const input = { json: { dataframe_split: { columns: Array.from({ length: 64 }, (_, i) => `pixel_${i}`), data: [Array.from({ length: 64 }, (_, i) => i % 16)] } } };
    const entity = [...fake.entities.values()][0]!;
    const direct = `${entity.ref!.endpointUrl}/invocations`;
    const body = JSON.stringify(input.json);
    const throughTarget: number[] = [];
    const straight: number[] = [];
    for (let i = 0; i < WARM_UPS + SAMPLES; i++) {
      let started = performance.now();
      const answer = await service.predict(`bench-${DEPLOYS - 1}`, input);
      if (answer.status !== 200) throw new Error(`predict answered ${answer.status}`);
      if (i >= WARM_UPS) throughTarget.push(performance.now() - started);
      started = performance.now();
      const reference = await fetch(direct, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await reference.text();
      if (i >= WARM_UPS) straight.push(performance.now() - started);
    }
    const viaTarget = percentile(throughTarget, 50);
    const reference = percentile(straight, 50);
    return [
      { name: 'copy the example into the workspace registry (upload + register), median of 3', value: median(copyMs), unit: 'ms', target: 'none set' },
      { name: 'predict 1 row through the Databricks target, p50', value: viaTarget, unit: 'ms', target: 'none set' },
      { name: 'the same request straight to the served local endpoint (reference), p50', value: reference, unit: 'ms', target: 'none set' },
      { name: 'target / reference', value: viaTarget / reference, unit: '×', target: 'none set' },
    ];
  } finally {
    await service.close();
    await fake.close();
    await workspace.close();
    await tracking.close();
    stores.close();
    workspaceStores.close();
    if (savedToken === undefined) delete process.env.DATABRICKS_TOKEN;
    else process.env.DATABRICKS_TOKEN = savedToken;
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workspaceDir, { recursive: true, force: true });
  }
}
