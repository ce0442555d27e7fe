// `cairn deploy` as scripts and CI run it: the CLI built as the build builds it, run as its own
// process against a data folder a tracking server (this process) also uses. The endpoint it
// creates outlives the command and is stopped by a later `cairn deploy delete`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFolder, registerModelFiles, stopEveryEndpoint, TEST_PYTHON, trainExample } from '../services/deploy/test-deploy-fixture';
import { startTestTrackingServer, type TestTrackingServer } from '../services/tracking-api/test-tracking-server';

const ROOT = path.resolve(__dirname, '..', '..');
// Laid out as dist/ is (cli/ beside deploy/), inside the repository so that node_modules resolve.
const OUT = path.join(ROOT, 'node_modules', '.cache', 'cairn-deploy-cli-test');
const COLUMNS = Array.from({ length: 64 }, (_, i) => `pixel_${i}`);

let server: TestTrackingServer;

async function cairn(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(OUT, 'cli', 'cairn.js'), ...args], {
      env: { ...process.env, CAIRN_DATA_DIR: '', CAIRN_PYTHON: TEST_PYTHON },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function ping(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(`${url}/ping`, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

beforeAll(async () => {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT, loader: { '.py': 'text' } } as const;
  await Promise.all([
    build({ ...common, entryPoints: ['electron/cli/cairn.ts'], outfile: path.join(OUT, 'cli', 'cairn.js') }),
    build({ ...common, entryPoints: ['electron/services/deploy/local/local-endpoint-host-main.ts'], outfile: path.join(OUT, 'deploy', 'local-endpoint-host.js') }),
  ]);
  server = await startTestTrackingServer();
  await trainExample(server.url);
}, 240_000);

afterAll(async () => {
  if (server) await stopEveryEndpoint(server.dataDir);
  await server?.close();
});

it('creates an endpoint that outlives the command, scores, updates, rolls back, lists and deletes it', async () => {
  const dataDir = ['--data-dir', server.dataDir];
  const created = await cairn('deploy', 'create', 'web', '--target', 'local', '--model-uri', 'models:/digits-classifier/1', '--python', TEST_PYTHON, ...dataDir);
  expect(created.code, created.stderr).toBe(0);
  const url = /^ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(created.stdout)?.[1];
  expect(url, created.stdout).toBeDefined();
  expect(created.stderr).toContain('✓ Load the model');
  // The command has exited; the endpoint serves on.
  expect(await ping(url!)).toBe(200);

  const example = path.join(server.dataDir, 'example.json');
  const input = JSON.parse(fs.readFileSync(path.join(fs.readdirSync(path.join(server.dataDir, 'deployments', 'web', 'packages')).map((d) => path.join(server.dataDir, 'deployments', 'web', 'packages', d))[0]!, 'input_example.json'), 'utf8'));
  fs.writeFileSync(example, JSON.stringify({ dataframe_split: input }));
  const predicted = await cairn('deploy', 'predict', 'web', '--input-path', example, ...dataDir);
  expect(predicted.code, predicted.stderr).toBe(0);
  expect(JSON.parse(predicted.stdout).predictions).toHaveLength(2);
  const csv = path.join(server.dataDir, 'example.csv');
  fs.writeFileSync(csv, `${COLUMNS.join(',')}\n${input.data.map((row: number[]) => row.join(',')).join('\n')}\n`);
  expect(JSON.parse((await cairn('deploy', 'predict', 'web', '--input-path', csv, ...dataDir)).stdout)).toEqual(JSON.parse(predicted.stdout));
  const bad = path.join(server.dataDir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ dataframe_split: { columns: COLUMNS.slice(1), data: [input.data[0].slice(1)] } }));
  const refused = await cairn('deploy', 'predict', 'web', '--input-path', bad, ...dataDir);
  expect(refused.code).toBe(1);
  expect(JSON.parse(refused.stdout).error_code).toBe('INVALID_PARAMETER_VALUE');

  const versionFolder = path.join(server.dataDir, 'deployments', 'web', 'packages', fs.readdirSync(path.join(server.dataDir, 'deployments', 'web', 'packages'))[0]!);
  const second = await registerModelFiles(server.context, 'digits-classifier', readFolder(versionFolder));
  const updated = await cairn('deploy', 'update', 'web', '--model-uri', `models:/digits-classifier/${second}`, ...dataDir);
  expect(updated.code, updated.stderr).toBe(0);
  expect(updated.stdout).toContain(`ENDPOINT_URL=${url}\n`);

  const listed = await cairn('deploy', 'list', ...dataDir);
  expect(listed.stdout).toMatch(new RegExp(`web\\s+local\\s+digits-classifier v${second}\\s+serving\\s+${url}`));
  const status = await cairn('deploy', 'status', 'web', ...dataDir);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain('rollback:   digits-classifier version 1');

  const rolledBack = await cairn('deploy', 'rollback', 'web', ...dataDir);
  expect(rolledBack.code, rolledBack.stderr).toBe(0);
  expect(JSON.parse((await cairn('deploy', 'status', 'web', '--json', ...dataDir)).stdout).deployment.model.version).toBe('1');
  const history = await cairn('deploy', 'history', 'web', ...dataDir);
  expect(history.stdout).toMatch(/#\d+ \S+ rollback digits-classifier v1 succeeded \(\S+ via cli\)/);

  const deleted = await cairn('deploy', 'delete', 'web', ...dataDir);
  expect(deleted.code, deleted.stderr).toBe(0);
  await expect(ping(url!)).rejects.toThrow();
  expect((await cairn('deploy', 'status', 'web', ...dataDir)).stdout).toContain('health:     stopped (Deleted.)');
}, 240_000);

it('says what is wrong with a command line, and exits 2', async () => {
  const dataDir = ['--data-dir', server.dataDir];
  const noTarget = await cairn('deploy', 'create', 'x', ...dataDir);
  expect(noTarget.code).toBe(2);
  expect(noTarget.stderr).toContain('create needs --target and --model-uri');
  expect((await cairn('deploy', 'frobnicate', ...dataDir)).stderr).toContain("unknown command 'frobnicate'");
  expect((await cairn('deploy', 'create', 'x', '--target', 'local', '--model-uri', 'models:/digits-classifier/1', '-C', 'nonsense', ...dataDir)).code).toBe(2);
  const unknownModel = await cairn('deploy', 'create', 'x', '--target', 'local', '--model-uri', 'models:/nope/1', ...dataDir);
  expect(unknownModel.code).toBe(1);
  expect(unknownModel.stderr).toContain('Model Version (name=nope, version=1) not found');
  expect((await cairn('deploy', 'list', '--data-dir', path.join(server.dataDir, 'missing'))).code).toBe(2);
  const help = await cairn('deploy', '--help');
  expect(help.stdout).toContain('prints ENDPOINT_URL=<url> once it answers');
  expect((await cairn('--help')).stdout).toContain('deploy       Deploy registered model versions');
});
