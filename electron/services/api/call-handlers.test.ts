import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCairnServices, type CairnServices } from '../cairn-services';
import { dispatchCall } from './call-handlers';

let dir: string;
let services: CairnServices;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-calls-'));
  services = startCairnServices({ dataDir: dir, mode: 'browser', changeIntervalMs: 10 });
});

afterEach(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dispatchCall', () => {
  it('runs a valid call and applies the schema defaults', async () => {
    const result = await dispatchCall(services.handlers, 'listExperiments', {});
    expect(result.ok).toBe(true);
    expect(result.ok && (result.value as { name: string }[]).map((e) => e.name)).toEqual(['Default']);
  });

  it.each([
    ['a wrong type', 'createExperiment', { name: 42 }, /name/],
    ['a missing field', 'getRun', {}, /runId/],
    ['an unknown field', 'createExperiment', { name: 'x', extra: true }, /extra/],
    ['a non-object payload', 'getRun', 'run-1', /Invalid request/],
    ['a path trick in an id', 'getRun', { runId: '../../etc/passwd' }, /runId/],
    ['an empty experiment id list', 'searchRuns', { experimentIds: [] }, /experimentIds/],
  ])('answers %s with INVALID_PARAMETER_VALUE and changes nothing', async (_label, name, payload, message) => {
    const before = await services.store.listExperiments('ALL');
    const result = await dispatchCall(services.handlers, name, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMETER_VALUE' } });
    expect(!result.ok && result.error.message).toMatch(message);
    expect(await services.store.listExperiments('ALL')).toEqual(before);
  });

  it('answers an unknown call, including inherited property names, with ENDPOINT_NOT_FOUND', async () => {
    for (const name of ['dropDatabase', '__proto__', 'constructor', 'toString']) {
      expect(await dispatchCall(services.handlers, name, {})).toMatchObject({ ok: false, error: { code: 'ENDPOINT_NOT_FOUND' } });
    }
  });

  it('carries store errors as typed error values', async () => {
    const result = await dispatchCall(services.handlers, 'getRun', { runId: 'f'.repeat(32) });
    expect(result).toMatchObject({ ok: false, error: { code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('pushes one coalesced tracker.changed event for a burst of writes', async () => {
    const events: unknown[] = [];
    services.events.subscribe((name, payload) => events.push({ name, payload }));
    const { experimentId } = await services.store.createExperiment({ name: 'live' });
    const run = await services.store.createRun({ experimentId });
    // Twenty requests arriving together, as from a training script's logging thread.
    await Promise.all(
      Array.from({ length: 20 }, (_, step) =>
        services.store.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 1 / (step + 1), step, timestamp: step }] }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'tracker.changed',
      payload: { experimentIds: [experimentId], runIds: [run.info.runId] },
    });
  });
});

describe('model calls', () => {
  it("answers a run's logged models and registered versions, every registered model, and one model's versions", async () => {
    const { registry, loggedModels } = services.tracking;
    const run = await services.store.createRun({ experimentId: '0' });
    const other = await services.store.createRun({ experimentId: '0' });
    const logged = await loggedModels.createLoggedModel({ experimentId: '0', name: 'model', sourceRunId: run.info.runId });
    await loggedModels.createLoggedModel({ experimentId: '0', name: 'elsewhere', sourceRunId: other.info.runId });
    await registry.createRegisteredModel({ name: "fraud's" });
    await registry.createModelVersion({ name: "fraud's", source: `models:/${logged.modelId}`, runId: run.info.runId, modelId: logged.modelId });
    await registry.createModelVersion({ name: "fraud's", source: `runs:/${other.info.runId}/model`, runId: other.info.runId });
    await registry.setRegisteredModelAlias("fraud's", 'champion', '2');
    await registry.createRegisteredModel({ name: 'churn' });

    const runModels = await services.handlers.getRunModels({ runId: run.info.runId });
    expect(runModels.loggedModels.map((model) => model.modelId)).toEqual([logged.modelId]);
    expect(runModels.modelVersions.map((version) => [version.name, version.version])).toEqual([["fraud's", '1']]);

    const models = await services.handlers.listRegisteredModels({});
    expect(models.map((model) => model.name)).toEqual(['churn', "fraud's"]);

    const versions = await services.handlers.listModelVersions({ name: "fraud's" });
    expect(versions.map((version) => [version.version, version.aliases])).toEqual([
      ['2', ['champion']],
      ['1', []],
    ]);

    const missing = await dispatchCall(services.handlers, 'listModelVersions', { name: 'absent' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'RESOURCE_DOES_NOT_EXIST' } });
    const unknownRun = await dispatchCall(services.handlers, 'getRunModels', { runId: 'f'.repeat(32) });
    expect(unknownRun).toMatchObject({ ok: false, error: { code: 'RESOURCE_DOES_NOT_EXIST' } });
  });
});
