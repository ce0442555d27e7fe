// The automations calls through the one dispatch both transports use, over startCairnServices:
// a project is added, its automations listed, switched off and on, Run now queues a firing that
// lands in the trail, and a wrong file is refused with its line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { dispatchCall } from '../api/call-handlers';
import { startCairnServices, type CairnServices } from '../cairn-services';

let root: string;
let project: string;
let services: CairnServices;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-automation-handlers-'));
  project = path.join(root, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  hello:\n    cmd: echo hello > hello.txt\n    outs: [hello.txt]\n');
  fs.writeFileSync(path.join(project, 'cairn-automations.yaml'), 'automations:\n  hello:\n    triggers: [manual]\n    action: {pipeline: .}\n');
  services = startCairnServices({ dataDir: path.join(root, 'data'), mode: 'browser' });
});

afterEach(async () => {
  await services.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function call(name: string, payload: unknown): Promise<unknown> {
  const result = await dispatchCall(services.handlers, name, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

it('adds a project, lists, disables and runs its automation, and shows the firing in the trail', async () => {
  expect(await call('addAutomationProject', { projectDir: project })).toEqual({ projectDir: project, problem: null });
  expect(await call('listAutomationProjects', {})).toEqual([{ projectDir: project, problem: null }]);
  expect(await call('setAutomationEnabled', { projectDir: project, automation: 'hello', enabled: false })).toMatchObject({ state: 'disabled', enabled: false });
  expect(await call('setAutomationEnabled', { projectDir: project, automation: 'hello', enabled: true })).toMatchObject({ state: 'idle' });
  await call('runAutomation', { projectDir: project, automation: 'hello' });
  const end = Date.now() + 60_000;
  let firings: Array<{ outcome: string; trigger: { kind: string } }> = [];
  while (Date.now() < end) {
    firings = (await call('listAutomationFirings', { projectDir: project })) as typeof firings;
    if (firings[0] && firings[0].outcome !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(firings[0]).toMatchObject({ outcome: 'completed', trigger: { kind: 'manual' } });
  await expect(call('runAutomation', { projectDir: project, automation: 'nope' })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST/);
}, 90_000);

it('refuses a project whose automations file is wrong, naming the line', async () => {
  fs.writeFileSync(path.join(project, 'cairn-automations.yaml'), 'automations:\n  hello:\n    triggers: [manual]\n');
  await expect(call('addAutomationProject', { projectDir: project })).rejects.toThrow(/INVALID_PARAMETER_VALUE: cairn-automations\.yaml:2: automation 'hello': action is required/);
  expect(await call('listAutomationProjects', {})).toEqual([]);
});
