// `cairn ct` in-process against a real data folder: usage mistakes and invalid automations files
// exit 2 with the file and line, and a person's decision on a waiting candidate is recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
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

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ct-command-'));
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it('exits 2 for a usage mistake and for an automations file with problems, naming the line', async () => {
  expect((await ct('launch')).stderr).toMatch(/expected a command: run, list, history/);
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
  await expect(ct('reject', String(rejectId))).rejects.toThrow(/does not wait for approval \(it is rejected\)/);
});
