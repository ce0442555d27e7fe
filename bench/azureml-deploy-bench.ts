// The Azure ML target against its local peers (azurite for the datastore, the HTTPS fake of Entra
// ID and ARM whose deployments serve the model with a real Python worker), through the deployment
// service as the app and the CLI use it:
// - deploy: from the create call until traffic is on the new deployment (median of 3; each LRO of
//   the fake takes 100 ms, polled every 50 ms, so most of the time is Cairn's and the worker's);
// - upload: a version of the example model with a 32 MB weights file, its upload-model step in
//   MB/s, against the same bytes uploaded with @azure/storage-blob's own uploadFile to the same
//   azurite in the same run (the reference).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAzureMlPeers } from '../test-support/cloud-peers/fake-azureml';
import { DeployTargets } from '../electron/services/deploy/deploy-targets';
import { DeploymentService } from '../electron/services/deploy/deployment-service';
import { bundleEndpointHost, readFolder, registerModelFiles, TEST_PYTHON, trainExample } from '../electron/services/deploy/test-deploy-fixture';
import { startTestTrackingServer } from '../electron/services/tracking-api/test-tracking-server';
import { median, type BenchFigure } from './bench-result';

const DEPLOYS = 3;
const WEIGHTS_BYTES = 32 * 1024 * 1024;
const MB = 1024 * 1024;

/** Runs the Azure ML deploy benchmark. */
export async function runAzureMlDeployBench(): Promise<BenchFigure[]> {
  const server = await startTestTrackingServer();
  const launcher = await bundleEndpointHost();
  const peers = await startAzureMlPeers(launcher, TEST_PYTHON);
  const savedSecret = process.env.AZURE_CLIENT_SECRET;
  process.env.AZURE_CLIENT_SECRET = peers.clientSecret;
  const context = server.context;
  const service = new DeploymentService({
    database: server.database,
    stores: { registry: context.registry, artifacts: context.artifacts, tracker: context.store, loggedModels: context.loggedModels },
    targets: new DeployTargets({ dataDir: server.dataDir, localLauncher: launcher, defaultPython: TEST_PYTHON, keepRunningByDefault: false }),
    dataDir: server.dataDir,
    via: 'api',
  });
  try {
    await trainExample(server.url);
    const uri = await context.registry.getModelVersionDownloadUri('digits-classifier', '1');
    const run = await context.store.getRun(/^runs:\/([^/]+)/.exec(uri)![1]!);
    const modelDir = await context.artifacts.artifactFilePath(run.info.artifactUri, 'model');
    const weights = randomBytes(WEIGHTS_BYTES);
    const big = await registerModelFiles(context, 'digits-classifier', { ...readFolder(modelDir), 'weights.bin': weights });

    const deploys: number[] = [];
    for (let i = 0; i < DEPLOYS; i++) {
      const started = performance.now();
      const operation = await (await service.create({ name: `bench-az-${i}`, target: 'azureml', modelUri: 'models:/digits-classifier/1', config: peers.settings() })).done;
      if (operation.outcome !== 'succeeded') throw new Error(`the deploy failed: ${operation.error}`);
      deploys.push(performance.now() - started);
      console.log(`  deploy ${i + 1}: ${deploys.at(-1)!.toFixed(0)} ms`);
      await (await service.delete({ name: `bench-az-${i}` })).done;
    }

    const bigDeploy = await (await service.create({ name: 'bench-az-big', target: 'azureml', modelUri: `models:/digits-classifier/${big}`, config: peers.settings() })).done;
    const upload = bigDeploy.steps.find((step) => step.name === 'upload-model');
    if (bigDeploy.outcome !== 'succeeded' || !upload?.endedAt) throw new Error(`the deploy of the large version failed: ${bigDeploy.error}`);
    const bytes = fs.readdirSync(modelDir).reduce((sum, name) => sum + fs.statSync(path.join(modelDir, name)).size, WEIGHTS_BYTES);
    const cairnMbps = bytes / MB / ((upload.endedAt - upload.startedAt) / 1000);
    await (await service.delete({ name: 'bench-az-big' })).done;

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-azure-bench-')), 'weights.bin');
    fs.writeFileSync(file, weights);
    const started = performance.now();
    await peers.fake.container().getBlockBlobClient('reference/weights.bin').uploadFile(file);
    const rawMbps = WEIGHTS_BYTES / MB / ((performance.now() - started) / 1000);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    return [
      { name: `Azure ML deploy against the fakes, create call → traffic on the new deployment (median of ${DEPLOYS}; first ${deploys[0]!.toFixed(0)} ms)`, value: median(deploys), unit: 'ms', target: 'none set' },
      { name: `upload of a ${(bytes / MB).toFixed(1)} MB model version to azurite (the whole upload-model step: the datastore's lookup and key included)`, value: cairnMbps, unit: 'MB/s', target: 'none set' },
      { name: `@azure/storage-blob uploadFile of the 32 MB file to the same azurite (reference; Cairn ${(cairnMbps / rawMbps).toFixed(2)}×)`, value: rawMbps, unit: 'MB/s', target: 'reference' },
    ];
  } finally {
    await service.close();
    await peers.close();
    await server.close();
    if (savedSecret === undefined) delete process.env.AZURE_CLIENT_SECRET;
    else process.env.AZURE_CLIENT_SECRET = savedSecret;
  }
}
