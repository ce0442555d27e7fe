// A firing's steps as the store reads them back from a real database: a checks step whose required
// checks failed and a gate step whose gate rejected the candidate carry their negative verdict (they
// ran to their end; the firing was rejected), while an errored step, a cancelled one and a passing
// one carry none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FiringGate, FiringStepOutcome } from '../../../shared/automation-models';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { SqliteAutomationStore } from './sqlite-automation-store';

let root: string;
let stores: CairnStores;
let store: SqliteAutomationStore;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-step-verdict-'));
  stores = openCairnStores(path.join(root, 'data'));
  store = new SqliteAutomationStore(stores.database);
});

afterEach(() => {
  stores.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const checksRule = (passed: boolean) => ({ kind: 'checks' as const, rule: 'checks: checks.yaml', passed, values: { failed: passed ? 0 : 2, rules: 19 }, detail: passed ? 'all 19 checks passed' : '2 of 19 checks failed: a (b)' });
const metricRule = (passed: boolean) => ({ kind: 'metric' as const, rule: 'metrics.accuracy >= production + 0.01', passed, values: {}, detail: passed ? 'met' : 'not met' });

/** A firing with the given steps ended as given, and the gate recorded with it; its steps as read back. */
function firingWith(steps: ReadonlyArray<readonly [string, FiringStepOutcome]>, gate: FiringGate | null) {
  const id = store.beginFiring({ projectDir: root, automation: 'retrain', trigger: { kind: 'new-data', detail: '1 new file' }, actor: { user: 'a', via: 'test' }, definition: {} });
  for (const [name, outcome] of steps) store.endStep(id, store.beginStep(id, name, name), outcome, `${name} ${outcome}`);
  store.updateFiring(id, { gate }, { outcome: 'rejected', reason: 'test' });
  return store.getFiring(id).steps.map((step) => [step.name, step.outcome, step.verdict]);
}

it('marks the checks step whose required checks failed and the gate step that rejected the candidate', () => {
  expect(firingWith([['new-data', 'succeeded'], ['checks', 'succeeded']], { data: null, rules: [checksRule(false)], passed: false })).toEqual([
    ['new-data', 'succeeded', null],
    ['checks', 'succeeded', 'checks-failed'],
  ]);
  const rejected = { data: { path: 'holdout.csv', rows: 450, kind: 'holdout' as const }, rules: [checksRule(true), metricRule(false)], passed: false };
  expect(firingWith([['checks', 'succeeded'], ['pipeline', 'succeeded'], ['gate', 'succeeded']], rejected)).toEqual([
    ['checks', 'succeeded', null],
    ['pipeline', 'succeeded', null],
    ['gate', 'succeeded', 'gate-rejected'],
  ]);
});

it('gives no verdict to a passing step, an errored one or a cancelled one', () => {
  const passed = { data: { path: 'holdout.csv', rows: 450, kind: 'holdout' as const }, rules: [checksRule(true), metricRule(true)], passed: true };
  expect(firingWith([['checks', 'succeeded'], ['gate', 'succeeded']], passed)).toEqual([
    ['checks', 'succeeded', null],
    ['gate', 'succeeded', null],
  ]);
  const failedGate = { data: null, rules: [checksRule(false)], passed: false };
  expect(firingWith([['checks', 'failed']], failedGate)).toEqual([['checks', 'failed', null]]);
  expect(firingWith([['gate', 'cancelled']], { ...passed, passed: false })).toEqual([['gate', 'cancelled', null]]);
  expect(firingWith([['checks', 'succeeded']], null)).toEqual([['checks', 'succeeded', null]]);
});
