// The pipelines capability through the contract, as the renderer calls it (real services, real
// SQLite, real processes): opening folders, running a pipeline with its progress pushed in
// batches, a rerun with everything up to date, the history, a comparison, stopping, and the
// opened projects surviving a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/pipelines';
import { startInProcessCairn, type InProcessCairn } from '../../../test-support/in-process-api';
import { startCairnServices } from '../cairn-services';

let cairn: InProcessCairn;
let project: string;

const PIPELINE = `stages:
  make:
    cmd: for i in 1 2 3; do echo line $i; done; echo \${size} > made.txt
    params:
      - size
    outs:
      - made.txt
  count:
    cmd: wc -c made.txt > count.txt
    deps:
      - made.txt
    outs:
      - count.txt
`;

beforeEach(() => {
  cairn = startInProcessCairn();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-project-'));
  fs.writeFileSync(path.join(project, 'dvc.yaml'), PIPELINE);
  fs.writeFileSync(path.join(project, 'params.yaml'), 'size: 3\n');
});

afterEach(async () => {
  await cairn.close();
  fs.rmSync(project, { recursive: true, force: true });
});

/** Collects the pushed events; `finished` waits for an execution's end. */
function collectProgress(): { events: PipelineEvent[]; finished: (executionId: string) => Promise<void> } {
  const events: PipelineEvent[] = [];
  cairn.api.onEvent('pipelines.progress', (progress) => events.push(...progress.events));
  return {
    events,
    async finished(executionId) {
      while (!events.some((event) => event.type === 'execution-finished' && event.executionId === executionId)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

function finalStates(events: readonly PipelineEvent[], executionId: string): Record<string, string> {
  const states: Record<string, string> = {};
  for (const event of events) if (event.type === 'stage-state' && event.executionId === executionId) states[event.stage] = event.state;
  return states;
}

describe('pipelines capability', () => {
  it('refuses a folder without a dvc.yaml or that does not exist, and remembers nothing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-empty-'));
    try {
      await expect(cairn.api.openPipelineProject({ projectDir: empty })).rejects.toThrow(/holds no dvc\.yaml/);
      await expect(cairn.api.openPipelineProject({ projectDir: path.join(empty, 'missing') })).rejects.toThrow(/There is no folder/);
      await expect(cairn.api.openPipelineProject({ projectDir: '   ' })).rejects.toThrow(/type the path/);
      expect((await cairn.api.listPipelineProjects({})).projects).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('opens a project, runs it with its stages and output pushed, and reruns it with every stage up to date', async () => {
    const overview = await cairn.api.openPipelineProject({ projectDir: project });
    expect(overview.issues).toEqual([]);
    expect(overview.pipeline?.stages.map((stage) => stage.name)).toEqual(['make', 'count']);
    expect(overview.pipeline?.edges).toEqual([{ from: 'make', to: 'count' }]);
    expect(overview.params).toMatchObject([{ file: 'params.yaml', key: 'size', value: 3, stages: ['make'] }]);
    expect((await cairn.api.getPipelineStatus({ projectDir: project })).stages.map((stage) => stage.outlook)).toEqual(['will-run', 'will-run']);

    const progress = collectProgress();
    const { executionId } = await cairn.api.runPipeline({ projectDir: project });
    await progress.finished(executionId);
    expect(finalStates(progress.events, executionId)).toEqual({ make: 'done', count: 'done' });
    const logged = progress.events.flatMap((event) => (event.type === 'stage-log' && event.stage === 'make' ? [event.text] : [])).join('');
    expect(logged).toContain('line 1\nline 2\nline 3\n');
    expect((await cairn.api.getStageLog({ executionId, stage: 'make' })).text).toContain('line 3');
    const detail = await cairn.api.getPipelineExecution({ executionId });
    expect(detail.execution.status).toBe('succeeded');
    expect(detail.stages.every((stage) => stage.runId !== null)).toBe(true);

    const rerun = await cairn.api.runPipeline({ projectDir: project });
    await progress.finished(rerun.executionId);
    expect(finalStates(progress.events, rerun.executionId)).toEqual({ make: 'skipped', count: 'skipped' });

    const history = await cairn.api.listPipelineExecutions({ projectDir: project });
    expect(history.map((execution) => execution.executionId)).toEqual([rerun.executionId, executionId]);
    const comparison = await cairn.api.comparePipelineExecutions({ a: executionId, b: rerun.executionId });
    expect(comparison.stages.map((stage) => [stage.stage, stage.stateChanged])).toEqual([
      ['make', true],
      ['count', true],
    ]);
    const projects = await cairn.api.listPipelineProjects({});
    expect(projects.projects).toMatchObject([{ projectDir: project, name: path.basename(project), hasPipeline: true }]);
    expect(projects.projects[0]!.lastExecutionAt).not.toBeNull();
  });

  it("follows a stage printing 200,000 lines: batches of at most 64 KiB, the kept end from a line's start, the whole output in its log artifact", async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  chatty:\n    cmd: seq 1 200000\n    always_changed: true\n');
    const output = Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join('');
    const progress = collectProgress();
    const { executionId } = await cairn.api.runPipeline({ projectDir: project });
    await progress.finished(executionId);
    const pushed = progress.events.flatMap((event) => (event.type === 'stage-log' ? [event.text] : []));
    expect(pushed.length).toBeGreaterThan(0);
    expect(Math.max(...pushed.map((text) => text.length))).toBeLessThanOrEqual(64 * 1024);
    expect(pushed.at(-1)!.endsWith('199999\n200000\n')).toBe(true);

    const kept = await cairn.api.getStageLog({ executionId, stage: 'chatty' });
    expect(kept.text.length).toBeLessThanOrEqual(256 * 1024);
    expect(kept.omittedBytes + kept.text.length).toBe(output.length);
    expect(output.slice(kept.omittedBytes)).toBe(kept.text);
    expect(output[kept.omittedBytes - 1]).toBe('\n');

    const runId = progress.events.flatMap((event) => (event.type === 'stage-state' && event.state === 'done' ? [event.runId] : []))[0]!;
    const run = await cairn.services.store.getRun(runId);
    const log = await cairn.services.tracking.artifacts.readArtifactPreview(run.info.artifactUri, 'stage.log', 2 * output.length);
    expect(log.bytes.toString()).toBe(output);
  });

  it('keeps the bytes a stage printed in its log artifact, and shows bytes that are not UTF-8 as replacement characters', async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), "stages:\n  bytes:\n    cmd: printf 'caf\\303\\251 \\377\\n'\n    always_changed: true\n");
    const progress = collectProgress();
    const { executionId } = await cairn.api.runPipeline({ projectDir: project });
    await progress.finished(executionId);
    expect((await cairn.api.getStageLog({ executionId, stage: 'bytes' })).text).toBe('café \uFFFD\n');
    const runId = progress.events.flatMap((event) => (event.type === 'stage-state' && event.state === 'done' ? [event.runId] : []))[0]!;
    const run = await cairn.services.store.getRun(runId);
    const log = await cairn.services.tracking.artifacts.readArtifactPreview(run.info.artifactUri, 'stage.log', 100);
    expect([...log.bytes]).toEqual([0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0xff, 0x0a]);
  });

  it('runs a variant with a params override in a copy, leaving the project unchanged', async () => {
    const progress = collectProgress();
    const { executionId } = await cairn.api.runPipeline({ projectDir: project, setParams: ['size=7'] });
    await progress.finished(executionId);
    const detail = await cairn.api.getPipelineExecution({ executionId });
    expect(detail.execution.options.setParams).toEqual(['size=7']);
    expect(fs.readFileSync(path.join(detail.execution.workspaceDir, 'made.txt'), 'utf8')).toBe('7\n');
    expect(fs.existsSync(path.join(project, 'made.txt'))).toBe(false);
    await expect(cairn.api.runPipeline({ projectDir: project, setParams: ['=1'] })).rejects.toThrow(/key=value/);
    await expect(cairn.api.runPipeline({ projectDir: project, targets: ['nope'] })).rejects.toThrow(/no stage named 'nope'/);
  });

  it('stops a running execution and marks its stage killed', async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  slow:\n    cmd: echo started; sleep 30\n');
    const progress = collectProgress();
    const { executionId } = await cairn.api.runPipeline({ projectDir: project });
    while (finalStates(progress.events, executionId).slow !== 'running') await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await cairn.api.stopPipelineExecution({ executionId })).toEqual({ stopped: true });
    await progress.finished(executionId);
    expect(finalStates(progress.events, executionId).slow).toBe('killed');
    expect(await cairn.api.stopPipelineExecution({ executionId })).toEqual({ stopped: false });
  });

  it('has no folder picker in the browser mode: it says so and refuses the call, so the page shows only the path field', async () => {
    expect((await cairn.api.listPipelineProjects({})).folderPicker).toBe(false);
    await expect(cairn.api.pickPipelineFolder({})).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('type the path of a folder') });
  });

  it("offers the desktop app's folder picker: the chosen folder comes back to be opened, a cancelled pick gives null", async () => {
    const answers: Array<string | null> = [project, null];
    const desktop = startInProcessCairn({ pickFolder: async () => answers.shift() ?? null });
    try {
      expect((await desktop.api.listPipelineProjects({})).folderPicker).toBe(true);
      const picked = await desktop.api.pickPipelineFolder({});
      expect(picked).toEqual({ projectDir: project });
      expect((await desktop.api.openPipelineProject({ projectDir: picked.projectDir! })).projectDir).toBe(project);
      expect(await desktop.api.pickPipelineFolder({})).toEqual({ projectDir: null });
      // Picking opens nothing by itself: only the folder opened afterwards is listed.
      expect((await desktop.api.listPipelineProjects({})).projects.map((item) => item.projectDir)).toEqual([project]);
    } finally {
      await desktop.close();
    }
  });

  it('shows an invalid pipeline with its issues, and keeps opened projects across a restart', async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo\n    colour: red\n');
    const overview = await cairn.api.openPipelineProject({ projectDir: `${project}/` });
    expect(overview.pipeline).toBeNull();
    expect(overview.issues[0]).toMatchObject({ file: 'dvc.yaml', stage: 'a' });
    const restarted = startCairnServices({ dataDir: cairn.dataDir, mode: 'browser' });
    try {
      expect(restarted.pipelines.listProjects().projects.map((item) => item.projectDir)).toEqual([project]);
      expect(restarted.pipelines.closeProject(project)).toBe(true);
      expect(restarted.pipelines.listProjects().projects).toEqual([]);
    } finally {
      await restarted.close();
    }
  });
});
