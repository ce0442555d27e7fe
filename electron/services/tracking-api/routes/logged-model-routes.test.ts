// MLflow 3 logged models over HTTP, as a 3.x log_model sends them: create (PENDING), upload the
// files under the model's artifact location, finalize (READY), tags and params, search (also with
// an empty body, as list_artifacts may send), the model's file listing and download, and delete.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

let server: TestTrackingServer;

beforeEach(async () => {
  server = await startTestTrackingServer();
});

afterEach(async () => {
  await server.close();
});

function send(method: 'PATCH' | 'DELETE' | 'POST', route: string, body?: string) {
  return server.raw({
    method,
    path: `/api/2.0/mlflow/${route}`,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body ?? '')) },
    body,
  });
}

async function createModel(fields: Record<string, unknown> = {}): Promise<any> {
  const response = await server.post('logged-models', { experiment_id: '0', name: 'model', ...fields });
  expect(response.status).toBe(200);
  return response.json.model;
}

describe('logged models', () => {
  it('creates, uploads files to, finalizes and reads a logged model, field by field', async () => {
    const runId = (await server.post('runs/create', { experiment_id: '0', start_time: Date.now() })).json.run.info.run_id;
    const model = await createModel({
      model_type: 'sklearn',
      source_run_id: runId,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
    });
    const modelId: string = model.info.model_id;
    expect(modelId).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model).toEqual({
      info: {
        model_id: modelId,
        experiment_id: '0',
        name: 'model',
        creation_timestamp_ms: expect.any(Number),
        last_updated_timestamp_ms: expect.any(Number),
        artifact_uri: `mlflow-artifacts:/0/models/${modelId}/artifacts`,
        status: 'LOGGED_MODEL_PENDING',
        model_type: 'sklearn',
        source_run_id: runId,
        tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
      },
      data: { params: [{ key: 'alpha', value: '0.5' }] },
    });

    for (const [file, body] of [
      ['MLmodel', 'flavors: {}\n'],
      ['model.pkl', 'bytes'],
    ]) {
      const uploaded = await server.raw({
        method: 'PUT',
        path: `/api/2.0/mlflow-artifacts/artifacts/0/models/${modelId}/artifacts/${file}`,
        headers: { 'content-type': 'application/octet-stream' },
        body,
      });
      expect(uploaded.status).toBe(200);
    }

    const finalized = await send('PATCH', `logged-models/${modelId}`, JSON.stringify({ model_id: modelId, status: 'LOGGED_MODEL_READY' }));
    expect(finalized.status).toBe(200);
    expect(finalized.json.model.info.status).toBe('LOGGED_MODEL_READY');
    expect((await server.get(`logged-models/${modelId}`)).json.model.info.status).toBe('LOGGED_MODEL_READY');

    const listed = await server.get(`logged-models/${modelId}/artifacts/directories`);
    expect(listed.json).toEqual({
      root_uri: `mlflow-artifacts:/0/models/${modelId}/artifacts`,
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'model.pkl', is_dir: false, file_size: 5 },
      ],
    });
    const file = await server.get(`logged-models/${modelId}/artifacts/files`, { artifact_file_path: 'MLmodel' });
    expect(file.text).toBe('flavors: {}\n');
    expect((await server.get(`logged-models/${modelId}/artifacts/files`)).status).toBe(400);
    expect((await server.get(`logged-models/${modelId}/artifacts/files`, { artifact_file_path: '../../../etc/passwd' })).status).toBe(400);
  });

  it('keeps metrics logged with a model id as that model\'s, and searches and orders models by them', async () => {
    const runId = (await server.post('runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id;
    const good = await createModel({ name: 'good', source_run_id: runId });
    const poor = await createModel({ name: 'poor', source_run_id: runId });
    const unmeasured = await createModel({ name: 'unmeasured' });
    const log = (modelId: string, value: number | string, step: number, extra: Record<string, unknown> = {}) =>
      server.post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'accuracy', value, timestamp: 100 + step, step, model_id: modelId, ...extra }],
      });
    expect((await log(good.info.model_id, 0.8, 0)).status).toBe(200);
    expect((await log(good.info.model_id, 0.95, 1, { dataset_name: 'holdout', dataset_digest: 'abc123' })).status).toBe(200);
    expect((await log(poor.info.model_id, 0.6, 0)).status).toBe(200);
    expect((await log(poor.info.model_id, 'NaN', 1)).status).toBe(200);

    const read = (await server.get(`logged-models/${good.info.model_id}`)).json.model;
    expect(read.data.metrics).toEqual([
      { key: 'accuracy', value: 0.8, timestamp: 100, step: 0, run_id: runId, model_id: good.info.model_id },
      {
        key: 'accuracy',
        value: 0.95,
        timestamp: 101,
        step: 1,
        run_id: runId,
        model_id: good.info.model_id,
        dataset_name: 'holdout',
        dataset_digest: 'abc123',
      },
    ]);
    expect((await server.get(`logged-models/${poor.info.model_id}`)).json.model.data.metrics.at(-1).value).toBe('NaN');
    // The run keeps them as its own metrics too: at a tie of step and timestamp the larger value is the latest.
    const run = (await server.get('runs/get', { run_id: runId })).json.run;
    expect(run.data.metrics).toEqual([{ key: 'accuracy', value: 0.95, timestamp: 101, step: 1 }]);

    const search = async (body: Record<string, unknown>) =>
      ((await server.post('logged-models/search', { experiment_ids: ['0'], ...body })).json.models ?? []).map(
        (model: { info: { name: string } }) => model.info.name,
      );
    // The latest value counts: poor's latest is NaN, which no comparison matches.
    expect(await search({ filter: 'metrics.accuracy > 0.5' })).toEqual(['good']);
    expect(await search({ filter: 'metrics.accuracy < 0.9' })).toEqual([]);
    // Models without a (non-NaN) latest value come last in both directions.
    for (const ascending of [false, true]) {
      const names = await search({ order_by: [{ field_name: 'metrics.accuracy', ascending }] });
      expect(names[0]).toBe('good');
      expect(new Set(names.slice(1))).toEqual(new Set(['poor', 'unmeasured']));
    }
    await log(poor.info.model_id, 0.7, 2);
    expect(await search({ order_by: [{ field_name: 'metrics.accuracy', ascending: true }] })).toEqual(['poor', 'good', 'unmeasured']);
    expect(await search({ order_by: [{ field_name: 'metrics.accuracy', ascending: false }] })).toEqual(['good', 'poor', 'unmeasured']);
    expect(unmeasured.data.metrics).toBeUndefined();
  });

  it('refuses a metric whose model id is not a string, and writes nothing of its batch', async () => {
    const runId = (await server.post('runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id;
    const before = server.snapshot();
    const response = await server.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 1, timestamp: 1, step: 0 },
        { key: 'accuracy', value: 0.9, timestamp: 1, step: 0, model_id: 42 },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(response.json.message).toMatch(/metrics\[1\]\.model_id/);
    expect(server.snapshot()).toBe(before);
  });

  it('accepts the status as an enum number and refuses statuses that do not finalize', async () => {
    const { info } = await createModel();
    const failed = await send('PATCH', `logged-models/${info.model_id}`, JSON.stringify({ model_id: info.model_id, status: 3 }));
    expect(failed.json.model.info.status).toBe('LOGGED_MODEL_UPLOAD_FAILED');
    const pending = await send('PATCH', `logged-models/${info.model_id}`, JSON.stringify({ status: 'LOGGED_MODEL_PENDING' }));
    expect(pending.status).toBe(400);
    expect((await send('PATCH', `logged-models/${info.model_id}`, JSON.stringify({}))).status).toBe(400);
    const unknown = await send('PATCH', 'logged-models/m-nope', JSON.stringify({ status: 'LOGGED_MODEL_READY' }));
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Logged model with ID 'm-nope' not found." });
  });

  it('refuses a model without an experiment or in an unknown one', async () => {
    expect((await server.post('logged-models', { name: 'x' })).status).toBe(400);
    expect((await server.post('logged-models', { experiment_id: '99' })).status).toBe(404);
    expect((await server.post('logged-models', { experiment_id: '0' })).json.model.info.name).toMatch(/\S/);
  });

  it('sets and deletes tags and logs params', async () => {
    const { info } = await createModel();
    const tagged = await send('PATCH', `logged-models/${info.model_id}/tags`, JSON.stringify({ tags: [{ key: 'stage', value: 'dev' }, { key: 'x', value: '1' }] }));
    expect(tagged.status).toBe(200);
    expect(tagged.json).toEqual({});
    expect((await send('DELETE', `logged-models/${info.model_id}/tags/x`)).json).toEqual({});
    expect((await send('DELETE', `logged-models/${info.model_id}/tags/x`)).status).toBe(404);
    const params = await server.post(`logged-models/${info.model_id}/params`, { model_id: info.model_id, params: [{ key: 'depth', value: '4' }] });
    expect(params.json).toEqual({});
    const model = (await server.get(`logged-models/${info.model_id}`)).json.model;
    expect(model.info.tags).toEqual([{ key: 'stage', value: 'dev' }]);
    expect(model.data.params).toEqual([{ key: 'depth', value: '4' }]);
  });

  it('searches by experiment and filter, in pages, and answers an empty body with every model', async () => {
    const other = (await server.post('experiments/create', { name: 'other' })).json.experiment_id;
    const a = (await createModel({ source_run_id: 'r1' })).info.model_id;
    const b = (await createModel({ source_run_id: 'r2' })).info.model_id;
    const c = (await createModel({ experiment_id: other, name: 'elsewhere' })).info.model_id;

    const byName = await server.post('logged-models/search', { experiment_ids: ['0'], filter: "name = 'model'", max_results: 50 });
    expect(byName.status).toBe(200);
    expect(new Set(byName.json.models.map((m: any) => m.info.model_id))).toEqual(new Set([a, b]));
    const byRun = await server.post('logged-models/search', { experiment_ids: ['0'], filter: "source_run_id = 'r2'" });
    expect(byRun.json.models.map((m: any) => m.info.model_id)).toEqual([b]);
    const ordered = await server.post('logged-models/search', {
      experiment_ids: ['0', other],
      order_by: [{ field_name: 'name', ascending: false }, { field_name: 'source_run_id', ascending: true }],
    });
    expect(ordered.json.models.map((m: any) => m.info.model_id)).toEqual([a, b, c]);

    const first = await server.post('logged-models/search', { experiment_ids: ['0', other], max_results: 2 });
    expect(first.json.models).toHaveLength(2);
    const second = await server.post('logged-models/search', { experiment_ids: ['0', other], max_results: 2, page_token: first.json.next_page_token });
    expect(second.json.models).toHaveLength(1);
    expect(second.json.next_page_token).toBeUndefined();

    for (const body of [undefined, '', '{}']) {
      const empty = await send('POST', 'logged-models/search', body);
      expect(empty.status).toBe(200);
      expect(empty.json.models).toHaveLength(3);
    }
    expect((await server.post('logged-models/search', { filter: "size = 'big'" })).status).toBe(400);
  });

  it('gives no page token when a page ends exactly at the last model, as MLflow does', async () => {
    // MLflow's SQL store reads max_results + 1 models and gives a token only when the extra one exists.
    const a = (await createModel({ name: 'a' })).info.model_id;
    const b = (await createModel({ name: 'b' })).info.model_id;
    const order = [{ field_name: 'name', ascending: true }];
    const whole = await server.post('logged-models/search', { experiment_ids: ['0'], order_by: order, max_results: 2 });
    expect(whole.json.models.map((m: any) => m.info.model_id)).toEqual([a, b]);
    expect(whole.json.next_page_token).toBeUndefined();
    const first = await server.post('logged-models/search', { experiment_ids: ['0'], order_by: order, max_results: 1 });
    expect(typeof first.json.next_page_token).toBe('string');
    const last = await server.post('logged-models/search', { experiment_ids: ['0'], order_by: order, max_results: 1, page_token: first.json.next_page_token });
    expect(last.json.models.map((m: any) => m.info.model_id)).toEqual([b]);
    expect(last.json.next_page_token).toBeUndefined();
  });

  it('deletes a model: gone from get and search, still readable with allow_deleted', async () => {
    const { info } = await createModel();
    expect((await send('DELETE', `logged-models/${info.model_id}`)).json).toEqual({});
    expect((await server.get(`logged-models/${info.model_id}`)).status).toBe(404);
    expect((await server.get(`logged-models/${info.model_id}`, { allow_deleted: 'true' })).status).toBe(200);
    // An empty page is `{}`, as MLflow's protobuf JSON leaves out an empty list.
    expect((await server.post('logged-models/search', { experiment_ids: ['0'] })).json).toEqual({});
  });
});
