// The automations change feed over a real database written by two connections (as the app and a
// `cairn ct` beside it would): this connection's writes and the other's both arrive, a firing's
// outcome becomes one notice, and a switch flipped elsewhere is announced. Then cancellation: a
// firing whose pipeline runs is cancelled from another connection and ends cancelled, naming who.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AutomationsChange } from '../../../shared/contract';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { startAutomationChangeFeed } from './automation-change-feed';
import { createContinuousTraining, type ContinuousTraining } from './create-continuous-training';
import { SqliteAutomationStore } from './sqlite-automation-store';

let root: string;
let mine: CairnStores;
let other: CairnStores;
const stops: Array<() => void | Promise<void>> = [];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-automation-feed-'));
  mine = openCairnStores(path.join(root, 'data'));
  other = openCairnStores(path.join(root, 'data'));
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  other.close();
  mine.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => T | null | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("announces this connection's and another's changes, with one notice per outcome", async () => {
  const store = new SqliteAutomationStore(mine.database);
  const otherStore = new SqliteAutomationStore(other.database);
  const changes: AutomationsChange[] = [];
  stops.push(startAutomationChangeFeed(store, (change) => changes.push(change), { intervalMs: 20, otherProcessesIntervalMs: 50 }));

  // Another connection runs a firing to its end: it arrives, and its promotion is one notice.
  const id = otherStore.beginFiring({ projectDir: '/p', automation: 'retrain', trigger: { kind: 'manual', detail: 'test' }, actor: { user: 'ana', via: 'cli' }, definition: null });
  await until('the other connection’s firing', () => changes.find((change) => change.firings.some((firing) => firing.id === id && firing.outcome === 'running')));
  otherStore.updateFiring(
    id,
    { promotion: { state: 'done', model: 'churn', alias: 'champion', version: '2', previousVersion: '1', deployment: null, error: null } },
    { outcome: 'promoted', reason: 'churn version 2 passed the gate and holds @champion' },
  );
  const promoted = await until('the promotion notice', () => changes.flatMap((change) => change.notices).find((notice) => notice.firingId === id));
  expect(promoted).toMatchObject({ outcome: 'promoted', automation: 'retrain', title: 'retrain promoted churn version 2 to @champion', body: 'churn version 2 passed the gate and holds @champion' });

  // This connection's own firing, rejected: announced through the store's own notices.
  const mineId = store.beginFiring({ projectDir: '/p', automation: 'retrain', trigger: { kind: 'new-data', detail: 'x' }, actor: { user: 'ana', via: 'app' }, definition: null });
  store.updateFiring(mineId, {}, { outcome: 'rejected', reason: 'the candidate failed the gate' });
  const rejected = await until('the rejection notice', () => changes.flatMap((change) => change.notices).find((notice) => notice.firingId === mineId));
  expect(rejected.title).toBe('retrain rejected the candidate');

  // New data that failed its required checks: nothing was trained, so the notice names the data, not a candidate.
  const checksId = store.beginFiring({ projectDir: '/p', automation: 'retrain', trigger: { kind: 'new-data', detail: 'y' }, actor: { user: 'ana', via: 'app' }, definition: null });
  const checksRule = { kind: 'checks' as const, rule: 'checks: checks.yaml', passed: false, values: { failed: 1, rules: 3 }, detail: '1 of 3 checks failed: age: not null (2 values are missing)' };
  store.updateFiring(checksId, { gate: { data: null, rules: [checksRule], passed: false } }, { outcome: 'rejected', reason: 'the new data failed its required checks' });
  const checksNotice = await until('the checks notice', () => changes.flatMap((change) => change.notices).find((notice) => notice.firingId === checksId));
  expect(checksNotice.title).toBe('retrain rejected the new data: its required checks failed');

  // A switch flipped by the other connection.
  otherStore.setEnabled('/p', 'retrain', false);
  await until('the settings change', () => changes.find((change) => change.settings));

  // Each outcome was noticed once, however many changes mentioned the firing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const notices = changes.flatMap((change) => change.notices);
  expect(notices.map((notice) => [notice.firingId, notice.outcome])).toEqual([
    [id, 'promoted'],
    [mineId, 'rejected'],
    [checksId, 'rejected'],
  ]);
});

it('cancels a running firing from another connection: the pipeline stops and the firing ends cancelled, naming who', async () => {
  const project = path.join(root, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  slow:\n    cmd: sleep 60 && echo done > done.txt\n    outs: [done.txt]\n');
  fs.writeFileSync(path.join(project, 'cairn-automations.yaml'), 'automations:\n  slow:\n    triggers: [manual]\n    action: {pipeline: .}\n');
  const running: ContinuousTraining = createContinuousTraining({ stores: mine, via: 'test', keepEndpointsRunning: false });
  const cancelling: ContinuousTraining = createContinuousTraining({ stores: other, via: 'test', keepEndpointsRunning: false });
  stops.push(() => running.close(), () => cancelling.close());

  const done = running.service.runDue(project, { automation: 'slow', manual: true });
  const firing = await until('the pipeline step', () => running.service.history({ projectDir: project }).find((item) => item.steps.some((step) => step.name === 'pipeline')));
  const asked = Date.now();
  cancelling.service.cancel(firing.id, { actor: { user: 'ana', via: 'app' } });
  const [result] = await done;
  const waited = Date.now() - asked;
  expect(waited).toBeLessThan(10_000);
  expect(result!.firing).toMatchObject({ outcome: 'cancelled', reason: 'cancelled by ana (app); production did not change' });
  expect(fs.existsSync(path.join(project, 'done.txt'))).toBe(false);
  // Only a running firing can be cancelled.
  expect(() => cancelling.service.cancel(firing.id)).toThrow(/is not running \(it is cancelled\)/);
}, 60_000);
