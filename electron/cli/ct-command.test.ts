// `cairn ct` in-process against a real data folder: usage mistakes and invalid automations files
// exit 2 with the file and line, a person's decision on a waiting candidate is recorded, and
// `cancel` stops a running firing that another `cairn ct run` runs: it ends cancelled (the step it
// stopped too), and run exits 1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openCairnStores } from '../services/cairn-services';
import { SqliteAutomationStore } from '../services/automations/sqlite-automation-store';
import { runCtCommand } from './ct-command';

let root: string;

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
}

async function ct(...args: string[]) {
  const { out, output } = capture();
  const code = await runCtCommand([...args, '--data-dir', path.join(root, 'data'), '--project', root], output);
  return { code, ...out };
}

/** A project whose automation `retrain` watches data/incoming (holding batch-1.csv as `batch`) and whose checks.yaml says ages are 0 to 120; `gate` is appended to that automation. */
function writeWatchedProject(batch: string, options: { readonly gate?: string; readonly more?: string; readonly files?: Record<string, string> } = {}): void {
  fs.writeFileSync(path.join(root, 'dvc.yaml'), 'stages: {}\n');
  fs.mkdirSync(path.join(root, 'data', 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'incoming', 'batch-1.csv'), batch);
  for (const [name, text] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(root, name), text);
  fs.writeFileSync(path.join(root, 'checks.yaml'), 'columns:\n  age: {range: {min: 0, max: 120}}\n');
  fs.writeFileSync(
    path.join(root, 'cairn-automations.yaml'),
    `automations:\n  retrain:\n    data: {watch: data/incoming}\n    triggers: [new-data]\n    action: {pipeline: .}\n${options.gate ?? ''}${options.more ?? ''}`,
  );
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ct-command-'));
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it('exits 2 for a usage mistake and for an automations file with problems, naming the line', async () => {
  expect((await ct('launch')).stderr).toMatch(/expected a command: run, list, check, history/);
  expect((await ct('approve', 'x')).code).toBe(2);
  const missing = await ct('list');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/no automations file at/);
  fs.writeFileSync(path.join(root, 'dvc.yaml'), 'stages: {}\n');
  fs.writeFileSync(path.join(root, 'cairn-automations.yaml'), 'automations:\n  a:\n    triggers: [hourly]\n    action: {pipeline: .}\n');
  const invalid = await ct('run');
  expect(invalid.code).toBe(2);
  expect(invalid.stderr).toMatch(/cairn-automations\.yaml:3: automation 'a': unknown trigger 'hourly'/);
});

it("records a person's rejection, and supersedes an approval once production moved", async () => {
  const stores = openCairnStores(path.join(root, 'data'));
  const store = new SqliteAutomationStore(stores.database);
  const waiting = () => {
    const id = store.beginFiring({
      projectDir: root,
      automation: 'a',
      trigger: { kind: 'manual', detail: 'test' },
      actor: { user: 'a', via: 'test' },
      definition: { automation: { name: 'a', promote: { model: 'churn', alias: 'champion', deploy: null, approval: true } } },
    });
    store.updateFiring(
      id,
      { production: { name: 'churn', version: '1', source: 'models:/churn@champion', runId: null, metrics: {} }, approval: { requestedAt: 1, decision: null, decidedAt: null, decidedBy: null, comment: null } },
      { outcome: 'waiting-approval', reason: 'waits' },
    );
    return id;
  };
  const rejectId = waiting();
  store.updateFiring(rejectId, {
    candidate: { name: null, version: null, source: 'runs:/r1/model', runId: 'r1', metrics: { accuracy: 0.75612 } },
    production: { name: 'churn', version: '1', source: 'models:/churn@champion', runId: null, metrics: { accuracy: 0.71333 } },
    gate: { data: null, passed: true, rules: [{ kind: 'metric', rule: 'metrics.accuracy >= production + 0.01', passed: true, values: {}, detail: '0.7561 ≥ 0.7233 (production 0.7133 + 0.01)' }] },
  });
  const approveId = waiting();
  stores.close();

  const rejected = await ct('reject', String(rejectId), '--comment', 'not before the release');
  expect(rejected.code).toBe(0);
  expect(rejected.stdout).toMatch(/rejected/);
  const approved = await ct('approve', String(approveId));
  expect(approved.stdout).toMatch(/superseded/);
  const history = JSON.parse((await ct('history', 'a', '--json')).stdout) as Array<{ id: number; outcome: string; reason: string; approval: { decision: string; comment: string | null } }>;
  expect(history.find((firing) => firing.id === rejectId)).toMatchObject({ outcome: 'rejected', approval: { decision: 'rejected', comment: 'not before the release' } });
  expect(history.find((firing) => firing.id === approveId)?.reason).toMatch(/production moved to version none/);
  const markdown = (await ct('history', 'a', '--markdown')).stdout;
  expect(markdown).toMatch(/^## Cairn: continuous training\n/);
  expect(markdown).toContain(`### a #${rejectId}: rejected`);
  expect(markdown).toContain('| metrics.accuracy >= production + 0.01 | ✅ | 0.7561 ≥ 0.7233 (production 0.7133 + 0.01) |');
  expect(markdown).toContain('| accuracy | 0.7561 | 0.7133 |');
  expect(markdown).toMatch(/\*\*Why:\*\* \S+ rejected the candidate: not before the release; production did not change/);
  await expect(ct('reject', String(rejectId))).rejects.toThrow(/does not wait for approval \(it is rejected\)/);
});

it('cancels a firing another `cairn ct run` runs: its pipeline stops, it ends cancelled, and run exits 1', async () => {
  fs.writeFileSync(path.join(root, 'dvc.yaml'), 'stages:\n  slow:\n    cmd: sleep 60 && echo done > done.txt\n    outs: [done.txt]\n');
  fs.writeFileSync(path.join(root, 'cairn-automations.yaml'), 'automations:\n  slow:\n    triggers: [manual]\n    action: {pipeline: .}\n');
  const running = ct('run', 'slow');
  const watcher = openCairnStores(path.join(root, 'data'));
  let firingId: number | undefined;
  try {
    const store = new SqliteAutomationStore(watcher.database);
    await vi.waitFor(
      () => {
        const firing = store.listFirings({ projectDir: root, limit: 1 })[0];
        expect(firing?.steps.some((step) => step.name === 'pipeline' && step.outcome === 'running')).toBe(true);
        firingId = firing!.id;
      },
      { timeout: 30_000, interval: 50 },
    );
  } finally {
    watcher.close();
  }
  expect((await ct('cancel', 'x')).code).toBe(2);
  const cancelled = await ct('cancel', String(firingId));
  expect(cancelled.code, cancelled.stderr).toBe(0);
  expect(cancelled.stdout).toMatch(new RegExp(`^#${firingId} slow: cancelled \\(`));
  expect(cancelled.stdout).toMatch(/why: +cancelled by .* \(cli\); production did not change/);
  const run = await running;
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/slow: cancelled/);
  expect(fs.existsSync(path.join(root, 'done.txt'))).toBe(false);
  // The step the cancel stopped is recorded cancelled, naming who, not failed.
  const history = JSON.parse((await ct('history', '--json')).stdout) as Array<{ steps: Array<{ name: string; outcome: string; detail: string }> }>;
  expect(history[0]!.steps.find((step) => step.name === 'pipeline')).toMatchObject({ outcome: 'cancelled', detail: expect.stringMatching(/^cancelled by .* \(cli\); production did not change$/) });
  await expect(ct('cancel', String(firingId))).rejects.toThrow(/is not running \(it is cancelled\)/);
}, 60_000);

it('`check --junit` makes the report\'s folder, and refuses a folder as the file before any check runs', async () => {
  writeWatchedProject('age\n30\n150\n');
  const nested = path.join(root, 'reports', 'ci', 'checks.xml');
  const written = await ct('check', '--junit', nested);
  expect([written.code, written.stderr]).toEqual([1, '']);
  expect(fs.readFileSync(nested, 'utf8')).toMatch(/<testsuites name="cairn data check" tests="\d+" failures="1"/);

  const refused = await ct('check', '--junit', path.join(root, 'reports'));
  expect([refused.code, refused.stdout, refused.stderr]).toEqual([2, '', `cairn ct: --junit ${path.join(root, 'reports')}: that is a folder; name a file.\n`]);
  const stores = openCairnStores(path.join(root, 'data'));
  try {
    const experiment = (await stores.store.getExperimentByName('Automation retrain'))!;
    expect((await stores.store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 10 })).items).toHaveLength(1);
  } finally {
    stores.close();
  }
});

it("`check` runs the gate's checks and checks.yaml on every watched file, writing JUnit and a summary; exits 1 when a rule fails", async () => {
  writeWatchedProject('age,country\n30,DE\n150,FR\n', {
    files: { 'required.yaml': 'columns:\n  country: {allowed_values: [DE, FR]}\n' },
    gate: '    gate:\n      checks: [required.yaml]\n',
    more: '  nightly:\n    triggers: [manual]\n    action: {pipeline: .}\n',
  });
  const junit = path.join(root, 'checks.xml');
  const summary = path.join(root, 'checks.md');
  const failing = await ct('check', '--junit', junit, '--summary', summary);
  expect(failing.code, failing.stderr).toBe(1);
  expect(failing.stdout).toContain('retrain: required.yaml on data/incoming/batch-1.csv: 2 passed, 0 failed\n');
  expect(failing.stdout).toContain('retrain: checks.yaml on data/incoming/batch-1.csv: 1 passed, 1 failed\n');
  expect(failing.stdout).toContain('nightly: watches no data (data.watch), so its data checks have nothing to check\n');
  const xml = fs.readFileSync(junit, 'utf8');
  expect(xml).toMatch(/<testsuites name="cairn data check" tests="4" failures="1"/);
  expect(xml.match(/<testsuite /g)).toHaveLength(2);
  expect(xml).toContain('<testsuite name="retrain: checks.yaml on data/incoming/batch-1.csv" tests="2" failures="1"');
  expect(xml).toMatch(/<failure message="[^"]+" type="range">/);
  const markdown = fs.readFileSync(summary, 'utf8');
  expect(markdown).toContain('❌ 3 passed, 1 failed');
  expect(markdown).toMatch(/\| retrain: checks\.yaml on data\/incoming\/batch-1\.csv \| 1 \| 1 \| age/);

  // Once the data is fixed the checks pass; without watched files nothing runs, and a line says why.
  fs.writeFileSync(path.join(root, 'data', 'incoming', 'batch-1.csv'), 'age,country\n30,DE\n50,FR\n');
  expect((await ct('check', 'retrain', '--junit', junit)).code).toBe(0);
  fs.rmSync(path.join(root, 'data', 'incoming', 'batch-1.csv'));
  fs.rmSync(junit);
  const none = await ct('check', '--junit', junit, '--summary', summary);
  expect(none.code).toBe(0);
  expect(none.stdout).toContain('retrain: no data files under data/incoming to check\n');
  expect(none.stdout).toContain('No data checks ran; no JUnit report was written.\n');
  expect(fs.existsSync(junit)).toBe(false);
  expect(fs.readFileSync(summary, 'utf8')).toContain('No data checks ran.');
  expect((await ct('check', 'nope')).stderr).toMatch(/no automation 'nope' in .*cairn-automations\.yaml/);
}, 60_000);

it('`history --markdown` shows the firing\'s drift and what changed: the new data by digest, the stages that ran and those reused', async () => {
  const stores = openCairnStores(path.join(root, 'data'));
  const store = new SqliteAutomationStore(stores.database);
  const id = store.beginFiring({ projectDir: root, automation: 'retrain', trigger: { kind: 'new-data', detail: '1 new file' }, actor: { user: 'a', via: 'test' }, definition: {} });
  store.updateFiring(
    id,
    {
      evidence: [
        {
          kind: 'drift',
          fired: true,
          summary: '2 of 3 columns drifted (share 0.67 ≥ 0.5)',
          details: { columns: [{ column: 'age', test: 'ks', score: 0.01, threshold: 0.05, drift: true }, { column: 'plan', test: 'chisquare', score: 0.5, threshold: 0.05, drift: false }, { column: 'income', test: 'ks', score: 0.001, threshold: 0.05, drift: true }] },
          runId: null,
        },
      ],
      newData: { files: [{ path: 'data/incoming/batch-2.csv', digest: `sha256:${'ab'.repeat(32)}`, bytes: 10 }], rows: 1500, trainPath: null, trainRows: null, holdoutPath: null, holdoutRows: null },
      pipeline: {
        executionId: 'e1',
        projectDir: root,
        workspaceDir: root,
        status: 'succeeded',
        experimentId: null,
        parentRunId: null,
        setParams: [],
        targets: [],
        stages: [{ name: 'prepare', state: 'restored', runId: null }, { name: 'train', state: 'done', runId: 'r1' }, { name: 'report', state: 'skipped', runId: null }],
      },
    },
    { outcome: 'completed', reason: 'the pipeline ran' },
  );
  const bare = store.beginFiring({ projectDir: root, automation: 'retrain', trigger: { kind: 'manual', detail: 'by hand' }, actor: { user: 'a', via: 'test' }, definition: {} });
  store.updateFiring(bare, {}, { outcome: 'nothing-to-do', reason: 'nothing new' });
  stores.close();

  const { stdout, code } = await ct('history', '--markdown');
  expect(code).toBe(0);
  const [newest, older] = stdout.split(/(?=### retrain #)/).slice(1);
  expect(newest).not.toMatch(/Drift|What changed/);
  expect(older).toContain('**Drift:** 2 of 3 columns drifted (share 0.67 ≥ 0.5): age, income\n');
  expect(older).toContain('**What changed:**\n\n- New data (1,500 rows): data/incoming/batch-2.csv abababababab\n- Stages ran: train; reused (up to date or from the cache): prepare, report\n');
});

it('`history` marks a step whose verdict was no apart from one that succeeded, errored or was cancelled', async () => {
  const stores = openCairnStores(path.join(root, 'data'));
  const store = new SqliteAutomationStore(stores.database);
  const id = store.beginFiring({ projectDir: root, automation: 'retrain', trigger: { kind: 'new-data', detail: '1 new file' }, actor: { user: 'a', via: 'test' }, definition: {} });
  const step = (name: string, title: string, outcome: 'succeeded' | 'failed' | 'cancelled', detail: string) => store.endStep(id, store.beginStep(id, name, title), outcome, detail);
  step('new-data', 'Take the new data', 'succeeded', '1 file, 900 rows');
  step('checks', 'Run the required data checks on the new data', 'succeeded', '2 of 19 checks failed: a (b)');
  const checksRule = { kind: 'checks' as const, rule: 'checks: checks.yaml', passed: false, values: { failed: 2, rules: 19 }, detail: '2 of 19 checks failed: a (b)' };
  store.updateFiring(id, { gate: { data: null, rules: [checksRule], passed: false } }, { outcome: 'rejected', reason: 'the new data failed its required checks' });
  const gateId = store.beginFiring({ projectDir: root, automation: 'retrain', trigger: { kind: 'drift', detail: '2 of 2 columns drifted' }, actor: { user: 'a', via: 'test' }, definition: {} });
  store.endStep(gateId, store.beginStep(gateId, 'gate', 'Evaluate and decide'), 'succeeded', 'failed: 1 of 2 rules met');
  store.endStep(gateId, store.beginStep(gateId, 'compensate', 'Return the endpoint'), 'failed', 'no such deployment');
  store.endStep(gateId, store.beginStep(gateId, 'pipeline', 'Run the pipeline'), 'cancelled', 'cancelled by a (app)');
  store.updateFiring(gateId, { gate: { data: { path: 'h.csv', rows: 450, kind: 'holdout' }, rules: [{ kind: 'metric', rule: 'metrics.accuracy >= 0.9', passed: false, values: {}, detail: 'not met' }], passed: false } }, { outcome: 'rejected', reason: 'the candidate failed the gate' });
  stores.close();

  const { stdout, code } = await ct('history');
  expect(code).toBe(0);
  const steps = stdout.split('\n').filter((line) => /^ {2}\S+ .*\(\d+\.\d s\)/.test(line)).map((line) => line.replace(/\(\d+\.\d s\)/, '(…)'));
  expect(steps).toEqual([
    '  ✗ [Gate rejected] Evaluate and decide (…): failed: 1 of 2 rules met',
    '  ✕ [Error] Return the endpoint (…): no such deployment',
    '  ⊘ [Cancelled] Run the pipeline (…): cancelled by a (app)',
    '  ✓ Take the new data (…): 1 file, 900 rows',
    '  ✗ [Checks failed] Run the required data checks on the new data (…): 2 of 19 checks failed: a (b)',
  ]);
});
