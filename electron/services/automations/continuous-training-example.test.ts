// examples/continuous-training end to end, as CI runs it: the CLI built as the build builds it,
// the script that plays the world (Debian's python3 with scikit-learn) driving `cairn ct run` as
// separate processes, a real pipeline, a real local endpoint answering HTTP during the switch.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stopEveryEndpoint, TEST_PYTHON } from '../deploy/test-deploy-fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// Laid out as dist/ is (cli/ beside deploy/ and workers/), inside the repository so that node_modules resolve.
const OUT = path.join(ROOT, 'node_modules', '.cache', 'cairn-ct-cli-test');
const hasSklearn = fs.existsSync('/usr/lib/python3/dist-packages/sklearn') || Boolean(process.env.CAIRN_PYTHON);
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ct-example-'));
  if (!hasSklearn) return;
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT, loader: { '.py': 'text' } } as const;
  await Promise.all([
    build({ ...common, entryPoints: ['electron/cli/cairn.ts'], outfile: path.join(OUT, 'cli', 'cairn.js') }),
    build({ ...common, entryPoints: ['electron/services/deploy/local/local-endpoint-host-main.ts'], outfile: path.join(OUT, 'deploy', 'local-endpoint-host.js') }),
    build({ ...common, entryPoints: ['electron/services/data/engine/data-engine-worker.ts'], outfile: path.join(OUT, 'workers', 'data-engine-worker.js') }),
  ]);
}, 120_000);

afterAll(async () => {
  if (fs.existsSync(path.join(root, 'data'))) await stopEveryEndpoint(path.join(root, 'data'));
  fs.rmSync(root, { recursive: true, force: true });
});

it('plays the three steps: v1 deployed; a drifted batch retrains and promotes v2 with no failed request; a corrupted batch changes nothing', async () => {
  if (!hasSklearn) {
    console.log('examples/continuous-training not run: Debian python3-sklearn is not installed (/usr/lib/python3/dist-packages/sklearn)');
    return;
  }
  const summary = path.join(root, 'summary.json');
  const { stdout } = await promisify(execFile)(
    TEST_PYTHON,
    [
      path.join(ROOT, 'examples', 'continuous-training', 'play_world.py'),
      '--project', path.join(root, 'churn'),
      '--data-dir', path.join(root, 'data'),
      '--cairn', `${process.execPath} ${path.join(OUT, 'cli', 'cairn.js')}`,
      '--summary', summary,
    ],
    { env: { ...process.env, CAIRN_DATA_DIR: '' }, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`play_world.py failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  console.log(stdout);
  const figures = JSON.parse(fs.readFileSync(summary, 'utf8')) as { failed_requests: number; requests_during_switch: number; step2_steps: Record<string, number> };
  expect(figures.failed_requests).toBe(0);
  expect(figures.requests_during_switch).toBeGreaterThan(0);
  expect(Object.keys(figures.step2_steps)).toEqual(['new-data', 'checks', 'drift', 'prepare-data', 'pipeline', 'candidate', 'gate', 'register', 'deploy', 'alias']);
  expect(stdout).toContain('ok: the endpoint still serves churn version 2');
}, 900_000);
