// The pipelines slice against the real main side (in-process API, real SQLite, real processes):
// opening a project, a run followed through the pushed progress, and what the page shows after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: () => void;
let project: string;

beforeEach(() => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = store.getState().watchPipelines();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-slice-project-'));
  fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  hello:\n    cmd: printf "\\033[32mhello\\033[0m\\n" 1>&2; echo hi > hi.txt\n    outs: [hi.txt]\n');
});

afterEach(async () => {
  stopWatching();
  await cairn.close();
  fs.rmSync(project, { recursive: true, force: true });
});

describe('pipelines slice', () => {
  it('refuses a folder without a dvc.yaml with a message, and opens one with it', async () => {
    expect(await store.getState().openPipelineProject(os.tmpdir())).toBeNull();
    expect(store.getState().pipelineActionError).toMatch(/holds no dvc\.yaml/);
    expect(await store.getState().openPipelineProject(project)).toBe(project);
    await vi.waitFor(() => expect(store.getState().pipelineProjects.items.map((item) => item.projectDir)).toEqual([project]));
  });

  it("opens the folder chosen with the desktop app's picker, does nothing when cancelled, and says why in the browser mode", async () => {
    await store.getState().loadPipelineProjects();
    expect(store.getState().pipelineProjects.folderPicker).toBe(false);
    expect(await store.getState().pickPipelineProject()).toBeNull();
    expect(store.getState().pipelineActionError).toMatch(/no folder picker in the browser mode/);

    const answers: Array<string | null> = [null, project];
    const desktop = startInProcessCairn({ pickFolder: async () => answers.shift() ?? null });
    try {
      const desktopStore = createAppStore(desktop.api);
      await desktopStore.getState().loadPipelineProjects();
      expect(desktopStore.getState().pipelineProjects.folderPicker).toBe(true);
      expect(await desktopStore.getState().pickPipelineProject()).toBeNull();
      expect(desktopStore.getState().pipelineActionError).toBeNull();
      expect(await desktopStore.getState().pickPipelineProject()).toBe(project);
      await vi.waitFor(() => expect(desktopStore.getState().pipelineProjects.items.map((item) => item.projectDir)).toEqual([project]));
    } finally {
      await desktop.close();
    }
  });

  it('follows a run through the pushed progress, then shows the project up to date with its execution', async () => {
    await store.getState().loadPipelineProject(project);
    expect(store.getState().pipelineProject).toMatchObject({ loadStatus: 'ready', statusError: null });
    expect(store.getState().pipelineProject!.status!.stages.map((stage) => stage.outlook)).toEqual(['will-run']);

    await store.getState().runPipeline({});
    const executionId = store.getState().shownExecutionId!;
    await vi.waitFor(() => expect(store.getState().liveExecutions[executionId]?.status).toBe('succeeded'), { timeout: 20_000 });
    const live = store.getState().liveExecutions[executionId]!;
    expect(live.stages.hello).toMatchObject({ state: 'done' });
    expect(live.logs.hello).toBe('\u001b[32mhello\u001b[0m\n');
    await vi.waitFor(() => expect(store.getState().pipelineProject!.status!.stages.map((stage) => stage.outlook)).toEqual(['up-to-date']));
    await vi.waitFor(() => expect(store.getState().pipelineProject!.latest?.execution.executionId).toBe(executionId));
    expect(store.getState().pipelineProject!.latest!.stages[0]!.runId).toBe(live.stages.hello!.runId);
  });

  it('says why a run is refused', async () => {
    await store.getState().loadPipelineProject(project);
    await store.getState().runPipeline({ targets: ['nope'] });
    expect(store.getState().pipelineActionError).toMatch(/no stage named 'nope'/);
  });
});
