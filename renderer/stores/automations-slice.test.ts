// The automations slice against the real main side (in-process API, real SQLite, real pipeline
// processes): a project is added, Run now's firing reaches the trail through the pushed
// `automations.changed` event alone, a failing automation becomes a notice linking to its firing,
// and a wrong folder is refused with the reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: () => void;
let project: string;

beforeEach(() => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = store.getState().watchAutomations();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-slice-automations-'));
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  ok:\n    cmd: echo ok > ok.txt\n    outs: [ok.txt]\n  broken:\n    cmd: echo the data is gone >&2 && exit 3\n');
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    'automations:\n  tidy:\n    triggers: [manual]\n    action: {pipeline: ., targets: [ok]}\n  nightly:\n    triggers: [manual, {schedule: "0 3 * * *"}]\n    action: {pipeline: ., targets: [broken]}\n',
  );
});

afterEach(async () => {
  stopWatching();
  await cairn.close();
  fs.rmSync(project, { recursive: true, force: true });
});

it('adds a project, shows Run now’s firing live, and notices a failed automation once', async () => {
  expect(await store.getState().addAutomationProject(os.tmpdir())).toBe(false);
  expect(store.getState().automationAction.error).toMatch(/cairn-automations\.yaml/);

  expect(await store.getState().addAutomationProject(project)).toBe(true);
  const view = () => store.getState().automationViews[project]!;
  expect(view().automations.map((item) => [item.name, item.state])).toEqual([
    ['tidy', 'idle'],
    ['nightly', 'idle'],
  ]);
  expect(view().automations[1]!.nextScheduledAt).toBeGreaterThan(Date.now());

  // Run now answers at once; the firing reaches the page through the event only.
  await store.getState().runAutomation(project, 'tidy');
  await vi.waitFor(() => expect(view().firings[0]).toMatchObject({ automation: 'tidy', outcome: 'completed' }), { timeout: 30_000 });
  expect(store.getState().automationNotices).toEqual([]);

  await store.getState().runAutomation(project, 'nightly');
  await vi.waitFor(() => expect(store.getState().automationNotices.map((notice) => notice.outcome)).toEqual(['failed']), { timeout: 30_000 });
  const [notice] = store.getState().automationNotices;
  expect(notice).toMatchObject({ automation: 'nightly', title: 'nightly failed' });
  expect(notice!.body).toMatch(/the pipeline failed at broken/);
  expect(view().firings[0]).toMatchObject({ id: notice!.firingId, outcome: 'failed' });

  store.getState().dismissAutomationNotice(notice!.firingId);
  expect(store.getState().automationNotices).toEqual([]);

  // Disabled, it says so; a switch is reflected at once.
  await store.getState().setAutomationEnabled(project, 'nightly', false);
  expect(view().automations[1]).toMatchObject({ enabled: false, state: 'disabled' });
}, 60_000);
