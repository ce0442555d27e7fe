// The scheduler and the service on a real project folder, a real pipeline (shell stages), real
// file events and the real SQLite store: a landing file fires its automation, triggers that come
// while a run is under way are coalesced, a held lease keeps a second run out, and a firing whose
// process ended is marked failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AutomationFiring } from '../../../shared/automation-models';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { AutomationScheduler } from './automation-scheduler';
import { createContinuousTraining, type ContinuousTraining } from './create-continuous-training';

const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';
let root: string;
let project: string;
let stores: CairnStores;
let ct: ContinuousTraining;

function land(name: string, rows: number): number {
  const file = path.join(project, 'incoming', name);
  const text = `a,b\n${Array.from({ length: rows }, (_, i) => `${i},${i % 2}`).join('\n')}\n`;
  fs.writeFileSync(`${file}.tmp`, text);
  const at = Date.now();
  fs.renameSync(`${file}.tmp`, file);
  return at;
}

async function until<T>(what: string, probe: () => T | null | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-scheduler-'));
  project = path.join(root, 'project');
  fs.mkdirSync(path.join(project, 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(project, 'params.yaml'), 'new_data: ""\n');
  // The stage sleeps long enough for a second batch to land while it runs.
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  ingest:\n    cmd: sleep 1 && cat params.yaml > seen.txt\n    params: [new_data]\n    outs: [seen.txt]\n');
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    `python: ${PYTHON}\nautomations:\n  ingest:\n    data: {watch: incoming}\n    triggers: [new-data, manual]\n    action: {pipeline: ., new_data: {param: new_data}}\n`,
  );
  stores = openCairnStores(path.join(root, 'data'));
  ct = createContinuousTraining({ stores, via: 'test', keepEndpointsRunning: false });
});

afterEach(async () => {
  await ct.close();
  stores.close();
  fs.rmSync(root, { recursive: true, force: true });
});

it('fires when a file lands, coalesces batches that land during the run, and never overlaps two runs', async () => {
  const scheduler = new AutomationScheduler(ct.service, ct.store, { settleMs: 100 });
  await scheduler.start();
  scheduler.addProject(project);
  const landedAt = land('one.csv', 30);
  const first = await until('the first firing', () => ct.service.history({ projectDir: project })[0]);
  console.log(`trigger latency from the file landing to the firing: ${first.startedAt - landedAt} ms`);
  expect(first.trigger.kind).toBe('new-data');
  // Two batches land while the first firing's pipeline runs: one more firing takes both.
  await until('the pipeline step', () => ct.service.getFiring(first.id).steps.find((step) => step.name === 'pipeline'));
  land('two.csv', 10);
  land('three.csv', 10);
  const done = await until('two ended firings', () => {
    const firings = ct.service.history({ projectDir: project });
    return firings.length === 2 && firings.every((firing) => firing.endedAt !== null) ? firings : null;
  });
  await scheduler.close();
  const [second, firstEnded] = done as [AutomationFiring, AutomationFiring];
  expect(firstEnded.outcome).toBe('completed');
  expect(firstEnded.newData?.files.map((file) => file.path)).toEqual(['incoming/one.csv']);
  expect(second.outcome).toBe('completed');
  expect(second.newData?.files.map((file) => file.path)).toEqual(['incoming/three.csv', 'incoming/two.csv']);
  expect(second.newData?.rows).toBe(20);
  expect(second.startedAt).toBeGreaterThanOrEqual(firstEnded.endedAt!);
  expect(second.pipeline?.setParams.some((param) => param.startsWith('new_data='))).toBe(true);
  // Nothing new: a second look fires nothing.
  expect((await ct.service.runDue(project))[0]!.skipped).toBe('nothing due');
}, 180_000);

it('skips an automation whose lease another run holds, and runs it by hand once free', async () => {
  expect(ct.store.acquireLease(project, 'ingest', 'another-run', 60_000)).toBe(true);
  const [skipped] = await ct.service.runDue(project, { manual: true });
  expect(skipped!.firing).toBeNull();
  expect(skipped!.skipped).toMatch(/a run of it is under way/);
  ct.store.releaseLease(project, 'ingest', 'another-run');
  const [ran] = await ct.service.runDue(project, { manual: true });
  expect(ran!.firing?.trigger.kind).toBe('manual');
  expect(ran!.firing?.outcome).toBe('completed');
}, 120_000);

it('marks a firing whose process ended as failed, with a recover step, and leaves production as it was', async () => {
  const id = ct.store.beginFiring({ projectDir: project, automation: 'ingest', trigger: { kind: 'manual', detail: 'test' }, actor: { user: 'a', via: 'test' }, definition: null });
  ct.store.beginStep(id, 'pipeline', 'Run the pipeline');
  ct.store.updateFiring(id, { promotion: { state: 'registered', model: 'm', alias: 'champion', version: '3', previousVersion: '2', deployment: null, error: null } });
  const ended = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  stores.database.connection.prepare('UPDATE automation_firings SET owner_pid = ? WHERE firing_id = ?').run(Number(ended.stdout.trim()), id);
  const [recovered] = await ct.service.recover();
  expect(recovered!.id).toBe(id);
  expect(recovered!.outcome).toBe('failed');
  expect(recovered!.reason).toMatch(/ended during the firing.*production did not change/);
  expect(recovered!.steps.map((step) => [step.name, step.outcome])).toEqual([
    ['pipeline', 'failed'],
    ['recover', 'succeeded'],
  ]);
  expect(await ct.service.recover()).toEqual([]);

  // Ended after both the endpoint and the alias moved: the promotion is whole and recorded as such.
  const whole = ct.store.beginFiring({ projectDir: project, automation: 'ingest', trigger: { kind: 'manual', detail: 'test' }, actor: { user: 'a', via: 'test' }, definition: null });
  ct.store.updateFiring(whole, { promotion: { state: 'alias-moved', model: 'm', alias: 'champion', version: '3', previousVersion: '2', deployment: null, error: null } });
  stores.database.connection.prepare('UPDATE automation_firings SET owner_pid = ? WHERE firing_id = ?').run(Number(ended.stdout.trim()), whole);
  const [promoted] = await ct.service.recover();
  expect(promoted!.outcome).toBe('promoted');
  expect(promoted!.promotion?.state).toBe('done');
});
