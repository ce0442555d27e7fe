// The two data triggers that look into the new data before acting, on the real services: the data
// capability's checks (DuckDB) for checks-failing, and the production model (a real scikit-learn
// model trained by the example's pipeline, registered under its alias) scored on the new labelled
// rows for metric-decay, by a threshold and by a margin from its value at promotion.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { TEST_PYTHON } from '../deploy/test-deploy-fixture';
import { createContinuousTraining, type ContinuousTraining } from './create-continuous-training';
import { formatMetric } from './gate-rule';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'continuous-training');
const hasSklearn = fs.existsSync('/usr/lib/python3/dist-packages/sklearn') || Boolean(process.env.CAIRN_PYTHON);
let root: string;
let project: string;
let stores: CairnStores;
let ct: ContinuousTraining;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-trigger-conditions-'));
  project = path.join(root, 'project');
  stores = openCairnStores(path.join(root, 'data'));
  ct = createContinuousTraining({ stores, via: 'test', keepEndpointsRunning: false });
});

afterEach(async () => {
  await ct.close();
  stores.close();
  fs.rmSync(root, { recursive: true, force: true });
});

it('checks-failing fires only when the new data fails its checks, with the results and their run as evidence', async () => {
  fs.mkdirSync(path.join(project, 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  clean:\n    cmd: echo cleaned > cleaned.txt\n    outs: [cleaned.txt]\n');
  fs.writeFileSync(path.join(project, 'checks.yaml'), 'rows: {min: 1}\ncolumns:\n  amount: {type: numeric, not_null: true, range: {min: 0, max: 100}}\n');
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    `python: ${TEST_PYTHON}\nautomations:\n  clean-up:\n    data: {watch: incoming}\n    triggers: [{checks-failing: {checks: checks.yaml}}]\n    action: {pipeline: .}\n`,
  );

  fs.writeFileSync(path.join(project, 'incoming', 'good.csv'), 'amount,label\n5,0\n50,1\n99,0\n');
  const [passing] = await ct.service.runDue(project);
  expect(passing!.firing).toMatchObject({ outcome: 'nothing-to-do', pipeline: null });
  expect(passing!.firing!.reason).toMatch(/no trigger condition held.*checks-failing: all \d+ checks passed/);
  expect(passing!.firing!.evidence).toMatchObject([{ kind: 'checks-failing', fired: false }]);

  fs.writeFileSync(path.join(project, 'incoming', 'bad.csv'), 'amount,label\n5,0\n250,1\n,0\n');
  const [failing] = await ct.service.runDue(project);
  const firing = failing!.firing!;
  expect(firing.outcome).toBe('completed');
  // The condition that held is recorded as the firing's trigger, not the new file that woke it.
  expect(firing.trigger).toEqual({ kind: 'checks-failing', detail: `${firing.evidence[0]!.summary}, in 1 new file: incoming/bad.csv` });
  expect(firing.newData?.files.map((file) => file.path)).toEqual(['incoming/bad.csv']);
  const [evidence] = firing.evidence;
  expect(evidence).toMatchObject({ kind: 'checks-failing', fired: true });
  expect(evidence!.summary).toMatch(/^2 of \d+ checks failed: /);
  expect(JSON.stringify(evidence!.details)).toMatch(/amount/);
  // The check is a tracked run, linked from the evidence.
  expect((await stores.store.getRun(evidence!.runId!)).info.runId).toBe(evidence!.runId);
  expect(firing.steps.map((step) => [step.name, step.outcome])).toEqual([
    ['new-data', 'succeeded'],
    ['checks-failing', 'succeeded'],
    ['prepare-data', 'succeeded'],
    ['pipeline', 'succeeded'],
  ]);
}, 120_000);

it('an automation on new data and drift records drift as the trigger when the batch drifts (with its share), new-data when it does not', async () => {
  fs.mkdirSync(path.join(project, 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  clean:\n    cmd: echo cleaned > cleaned.txt\n    outs: [cleaned.txt]\n');
  const table = (shift: number) => `amount,size\n${Array.from({ length: 200 }, (_, row) => `${(row % 50) + shift},${(row % 20) + shift}`).join('\n')}\n`;
  fs.writeFileSync(path.join(project, 'reference.csv'), table(0));
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    `python: ${TEST_PYTHON}\nautomations:\n  retrain:\n    data: {watch: incoming, reference: reference.csv}\n    triggers: [new-data, {drift: {drift_share: 0.5}}]\n    action: {pipeline: .}\n`,
  );

  fs.writeFileSync(path.join(project, 'incoming', 'same.csv'), table(0));
  const [steady] = await ct.service.runDue(project);
  expect(steady!.firing!.evidence.map((item) => [item.kind, item.fired])).toEqual([
    ['new-data', true],
    ['drift', false],
  ]);
  expect(steady!.firing!.trigger).toEqual({ kind: 'new-data', detail: '1 new file: incoming/same.csv' });

  fs.writeFileSync(path.join(project, 'incoming', 'shifted.csv'), table(500));
  const [drifted] = await ct.service.runDue(project);
  const firing = drifted!.firing!;
  expect(firing.outcome, firing.reason ?? '').toBe('completed');
  expect(firing.evidence.map((item) => [item.kind, item.fired])).toEqual([
    ['new-data', true],
    ['drift', true],
  ]);
  expect(firing.trigger).toEqual({ kind: 'drift', detail: '2 of 2 columns drifted (share 1.00 ≥ 0.5), in 1 new file: incoming/shifted.csv' });
  // `cairn ct history` and the page read the same record.
  expect(ct.service.getFiring(firing.id).trigger.kind).toBe('drift');
}, 120_000);

it("metric-decay fires when production's metric on the new rows falls below a value, or under its value at promotion by more than a margin", async () => {
  if (!hasSklearn) {
    console.log('metric-decay not run: Debian python3-sklearn is not installed (/usr/lib/python3/dist-packages/sklearn)');
    return;
  }
  fs.cpSync(EXAMPLE, project, { recursive: true, filter: (source) => !source.endsWith('play_world.py') && !source.includes('__pycache__') });
  // Each decay automation retrains and gates a candidate; its gate asks the impossible, so production stays v1 throughout.
  const decay = (name: string, options: string) =>
    `  ${name}:\n    data: {watch: data/incoming, label: churned}\n    triggers: [{metric-decay: {metric: accuracy, ${options}}}]\n` +
    '    action: {pipeline: ., new_data: {param: new_data}, model: {stage: train, path: model}}\n' +
    '    gate: {rules: ["metrics.accuracy >= production + 1"]}\n    promote: {model: churn, alias: champion}\n';
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    `python: ${TEST_PYTHON}\nautomations:\n` +
      '  bootstrap:\n    data: {label: churned}\n    triggers: [manual]\n    action: {pipeline: ., model: {stage: train, path: model}}\n' +
      '    gate: {fallback: data/holdout.csv, rules: ["metrics.accuracy >= 0.5"]}\n    promote: {model: churn, alias: champion}\n' +
      decay('below-value', 'below: 0.95') +
      decay('under-promotion', 'margin: 0.01') +
      decay('lenient', 'below: 0.2'),
  );
  const env = { ...process.env, PATH: `${path.dirname(TEST_PYTHON)}:${process.env.PATH ?? ''}` };
  process.env.PATH = env.PATH;

  // v1, trained on the reference, holds @champion; the gate's accuracy on the holdout is kept with it.
  const [bootstrap] = await ct.service.runDue(project, { automation: 'bootstrap', manual: true });
  expect(bootstrap!.firing, bootstrap!.firing?.reason ?? '').toMatchObject({ outcome: 'promoted', promotion: { version: '1', alias: 'champion' } });
  const atPromotion = bootstrap!.firing!.candidate!.metrics.accuracy!;

  // A drifted batch (heavy usage now drives churn) lands: v1 does worse on it.
  execFileSync(TEST_PYTHON, [path.join(project, 'src', 'make_data.py'), 'drifted', path.join(project, 'data', 'incoming', 'batch-1.csv')], { env });
  const results = Object.fromEntries((await ct.service.runDue(project)).map((result) => [result.automation, result]));

  const below = results['below-value']!.firing!;
  expect(below.outcome, below.reason ?? '').toBe('rejected');
  expect(below.production).toMatchObject({ name: 'churn', version: '1' });
  const [belowEvidence] = below.evidence;
  const value = (belowEvidence!.details as { value: number }).value;
  expect(value).toBeLessThan(0.95);
  expect(belowEvidence).toMatchObject({ kind: 'metric-decay', fired: true, details: { metric: 'accuracy', threshold: 0.95, production: { name: 'churn', version: '1' } } });
  expect(belowEvidence!.summary).toBe(`accuracy ${formatMetric(value)} on 1500 new rows: ${formatMetric(value)} is below 0.95`);

  const margin = results['under-promotion']!.firing!;
  expect(value).toBeLessThan(atPromotion - 0.01);
  expect(margin.outcome, margin.reason ?? '').toBe('rejected');
  expect(margin.evidence[0]).toMatchObject({ kind: 'metric-decay', fired: true, details: { atPromotion, margin: 0.01 } });
  expect(margin.evidence[0]!.summary).toMatch(/is worse than .* at promotion by more than 0\.01/);

  const lenient = results.lenient!.firing!;
  expect(lenient).toMatchObject({ outcome: 'nothing-to-do', pipeline: null, candidate: null });
  expect(lenient.evidence[0]).toMatchObject({ kind: 'metric-decay', fired: false });
  expect(lenient.evidence[0]!.summary).toMatch(/\(no decay\)$/);
}, 300_000);
