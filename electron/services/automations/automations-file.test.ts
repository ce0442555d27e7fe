import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutomationsFileError } from './automation-definition';
import { parseAutomationsFile } from './automations-file';

let project: string;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-automations-file-'));
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  train:\n    cmd: echo\n');
  fs.mkdirSync(path.join(project, 'data'));
  fs.writeFileSync(path.join(project, 'data', 'reference.csv'), 'a,label\n1,0\n');
  fs.writeFileSync(path.join(project, 'checks.yaml'), 'columns:\n  a: {not_null: true}\n');
});

afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

const VALID = `automations:
  retrain:
    description: Retrain on drift
    data: {watch: data/incoming, reference: data/reference.csv, label: label}
    triggers:
      - drift: {drift_share: 0.3}
      - schedule: "0 3 * * 1"
      - new-data
      - manual
    action:
      pipeline: .
      params: {train: {C: 0.5}}
      new_data: {param: new_data}
      model: {stage: train, path: model}
    gate:
      holdout: 0.25
      checks: [checks.yaml]
      min_new_rows: 50
      rules: ["metrics.accuracy >= production + 0.005", "metrics.latency_ms <= 20"]
    promote:
      model: churn
      alias: champion
      deploy: {name: churn, target: local}
`;

function problems(text: string): string[] {
  try {
    parseAutomationsFile(text, path.join(project, 'cairn-automations.yaml'));
  } catch (error) {
    expect(error).toBeInstanceOf(AutomationsFileError);
    return (error as AutomationsFileError).message.split('\n');
  }
  throw new Error('expected the file to be refused');
}

describe('parseAutomationsFile', () => {
  it('reads a complete automation with absolute paths, flattened params and parsed rules', () => {
    const file = parseAutomationsFile(VALID, path.join(project, 'cairn-automations.yaml'));
    const automation = file.automations[0]!;
    expect(automation.name).toBe('retrain');
    expect(automation.data.watch).toBe(path.join(project, 'data', 'incoming'));
    expect(automation.triggers.map((trigger) => trigger.kind)).toEqual(['drift', 'schedule', 'new-data', 'manual']);
    expect(automation.action.setParams).toEqual(['train.C=0.5']);
    expect(automation.action.newData).toEqual({ param: 'new_data' });
    expect(automation.gate?.data).toEqual({ kind: 'holdout', fraction: 0.25, seed: 0 });
    expect(automation.gate?.rules.map((rule) => rule.metric)).toEqual(['accuracy', 'latency_ms']);
    expect(automation.promote).toEqual({ model: 'churn', alias: 'champion', deploy: { name: 'churn', target: 'local', config: {} }, approval: false });
    expect(file.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('names the line of every problem, all at once', () => {
    const text = VALID.replace('"0 3 * * 1"', '"0 3 * *"').replace('metrics.latency_ms <= 20', 'metrics.speed <= 20').replace('alias: champion', 'alias: v2');
    const found = problems(text);
    expect(found).toContainEqual(expect.stringMatching(/^cairn-automations\.yaml:7: automation 'retrain': '0 3 \* \*' is not a cron expression/));
    expect(found).toContainEqual(expect.stringMatching(/^cairn-automations\.yaml:19: .*'speed' is not one of them/));
    expect(found).toContainEqual(expect.stringMatching(/^cairn-automations\.yaml:22: .*would be read as a version number/));
  });

  it('reports YAML errors and unknown keys with their lines', () => {
    expect(problems('automations:\n  a: [\n')[0]).toMatch(/^cairn-automations\.yaml:2: not valid YAML/);
    expect(problems(VALID.replace('    description:', '    descripton:'))[0]).toMatch(/^cairn-automations\.yaml:3: automation 'retrain': unknown key 'descripton'/);
    expect(problems('')[0]).toMatch(/the file is empty/);
  });

  it('refuses a promotion without a metric rule, so that a worse model is never promoted', () => {
    const text = VALID.replace(/ {6}rules: .*\n/, '');
    expect(problems(text)).toContainEqual(expect.stringMatching(/a promotion needs a gate with at least one metric rule/));
  });

  it('refuses a drift trigger without a reference and a missing checks file', () => {
    const text = VALID.replace(', reference: data/reference.csv', '').replace('checks: [checks.yaml]', 'checks: [missing.yaml]');
    const found = problems(text);
    expect(found).toContainEqual(expect.stringMatching(/the drift trigger compares new data with a reference/));
    expect(found).toContainEqual(expect.stringMatching(/^cairn-automations\.yaml:17: .*no file or folder at missing\.yaml/));
  });
});
