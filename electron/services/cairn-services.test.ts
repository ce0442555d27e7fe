// The running services' change events: a write through the tracking API, to the tracker, the
// model registry or the logged models, reaches every subscriber of `events` (the IPC registration
// and the browser server's event stream both subscribe there) as `tracker.changed`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackerChange } from '../../shared/contract';
import { startCairnServices, type CairnServices } from './cairn-services';
import { startTrackingServer, type TrackingServer } from './tracking-api/tracking-server';

const INTERVAL_MS = 10;

let dir: string;
let services: CairnServices;
let tracking: TrackingServer;
let changes: TrackerChange[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-services-'));
  services = startCairnServices({ dataDir: dir, mode: 'browser', changeIntervalMs: INTERVAL_MS });
  tracking = await startTrackingServer({ context: services.tracking, port: 0 });
  changes = [];
  services.events.subscribe((name, payload) => {
    if (name === 'tracker.changed') changes.push(payload as TrackerChange);
  });
});

afterEach(async () => {
  await tracking.close();
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function post(route: string, body: unknown): Promise<any> {
  const response = await fetch(`${tracking.url}/api/2.0/mlflow/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Waits until a pushed change has `entity`, or fails after a second. */
async function changeWith(entity: TrackerChange['entities'][number]): Promise<TrackerChange> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const change = changes.find((candidate) => candidate.entities.includes(entity));
    if (change) return change;
    if (Date.now() > deadline) throw new Error(`no tracker.changed with ${entity}; got ${JSON.stringify(changes)}`);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

describe('change events of the running services', () => {
  it('pushes registry writes made through the tracking API', async () => {
    await post('registered-models/create', { name: 'fraud' });
    await post('model-versions/create', { name: 'fraud', source: 'runs:/r/model' });
    expect(await changeWith('registered-model')).toMatchObject({ experimentIds: [], runIds: [] });
    await changeWith('model-version');
  });

  it('pushes logged-model writes with their experiment', async () => {
    const { experiment_id: experimentId } = await post('experiments/create', { name: 'models' });
    await changeWith('experiment');
    await post('logged-models', { experiment_id: experimentId, name: 'model' });
    expect((await changeWith('logged-model')).experimentIds).toEqual([experimentId]);
  });
});
