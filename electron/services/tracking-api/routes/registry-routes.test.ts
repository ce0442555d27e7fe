// The model registry over HTTP, with the requests MLflow's client sends for register_model,
// aliases, stage transitions, searches (with the prompt filter MLflow 3 appends), renames and deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

const NOT_PROMPT = "tag.`mlflow.prompt.is_prompt` != 'true'";

let server: TestTrackingServer;

beforeEach(async () => {
  server = await startTestTrackingServer();
});

afterEach(async () => {
  await server.close();
});

/** A PATCH or DELETE with a JSON body, sized as the requests library sizes it. */
function send(method: 'PATCH' | 'DELETE', route: string, body: unknown) {
  const text = JSON.stringify(body);
  return server.raw({
    method,
    path: `/api/2.0/mlflow/${route}`,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
    body: text,
  });
}

async function newRun(): Promise<string> {
  return (await server.post('runs/create', { experiment_id: '0', start_time: Date.now() })).json.run.info.run_id;
}

async function registerVersion(name: string, source = 'runs:/r/model'): Promise<any> {
  const response = await server.post('model-versions/create', { name, source });
  expect(response.status).toBe(200);
  return response.json.model_version;
}

describe('registered models', () => {
  it('registers a model from a run as mlflow.register_model does, field by field', async () => {
    const runId = await newRun();
    const source = `mlflow-artifacts:/0/${runId}/artifacts/model`;
    const created = await server.post('registered-models/create', { name: 'fraud' });
    expect(created.status).toBe(200);
    const model = created.json.registered_model;
    expect(model).toEqual({
      name: 'fraud',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: model.creation_timestamp,
      latest_versions: [],
      tags: [],
      aliases: [],
    });
    const again = await server.post('registered-models/create', { name: 'fraud' });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=fraud) already exists.' });

    const version = await server.post('model-versions/create', { name: 'fraud', source, run_id: runId, tags: [{ key: 'k', value: 'v' }] });
    expect(version.status).toBe(200);
    expect(version.json.model_version).toEqual({
      name: 'fraud',
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      current_stage: 'None',
      source,
      run_id: runId,
      status: 'READY',
      tags: [{ key: 'k', value: 'v' }],
      aliases: [],
    });
    // The client polls the new version until it is READY.
    const fetched = await server.get('model-versions/get', { name: 'fraud', version: '1' });
    expect(fetched.json.model_version.status).toBe('READY');
    expect((await server.get('model-versions/get-download-uri', { name: 'fraud', version: '1' })).json).toEqual({ artifact_uri: source });
    expect((await server.get('registered-models/get', { name: 'fraud' })).json.registered_model.latest_versions).toEqual([
      fetched.json.model_version,
    ]);
  });

  it('answers client mistakes with 4xx in MLflow\'s shape', async () => {
    const noName = await server.post('registered-models/create', {});
    expect(noName.status).toBe(400);
    expect(noName.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    });
    const unknown = await server.get('registered-models/get', { name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' });
    await server.post('registered-models/create', { name: 'm' });
    expect((await server.get('model-versions/get', { name: 'm', version: 'one' })).status).toBe(400);
    expect((await server.get('model-versions/get', { name: 'm', version: '3' })).json).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model Version (name=m, version=3) not found',
    });
    expect((await server.post('model-versions/create', { name: 'm', source: '/etc/passwd' })).status).toBe(400);
    expect((await server.post('model-versions/create', { name: 'm', source: 'mlflow-artifacts:/0/../../../etc' })).status).toBe(400);
    expect((await server.post('model-versions/create', { name: 'm' })).status).toBe(400);
    expect((await server.get('registered-models/search', { max_results: 1001 })).status).toBe(400);
    const badFilter = await server.get('registered-models/search', { filter: "run_id = 'a'" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await server.get('registered-models/search', { filter: "name = 'a' AND" })).status).toBe(400);
    expect((await server.get('registered-models/search', { order_by: ['name', 'name DESC'] })).status).toBe(400);
  });

  it('sets, reads and deletes aliases, so models:/name@alias loads', async () => {
    await server.post('registered-models/create', { name: 'fraud' });
    await registerVersion('fraud', 'runs:/r1/model');
    await registerVersion('fraud', 'runs:/r2/model');
    expect((await server.post('registered-models/alias', { name: 'fraud', alias: 'champion', version: '2' })).json).toEqual({});
    const byAlias = await server.get('registered-models/alias', { name: 'fraud', alias: 'champion' });
    expect(byAlias.status).toBe(200);
    expect(byAlias.json.model_version).toMatchObject({ name: 'fraud', version: '2', aliases: ['champion'], source: 'runs:/r2/model' });
    expect((await server.get('model-versions/get-download-uri', { name: 'fraud', version: '2' })).json.artifact_uri).toBe('runs:/r2/model');
    expect((await server.get('registered-models/get', { name: 'fraud' })).json.registered_model.aliases).toEqual([
      { alias: 'champion', version: '2' },
    ]);
    const reserved = await server.post('registered-models/alias', { name: 'fraud', alias: 'latest', version: '1' });
    expect(reserved.status).toBe(400);
    expect((await send('DELETE', 'registered-models/alias', { name: 'fraud', alias: 'champion' })).json).toEqual({});
    const gone = await server.get('registered-models/alias', { name: 'fraud', alias: 'champion' });
    expect(gone.status).toBe(400);
    expect(gone.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias champion not found.' });
  });

  it('transitions stages with archive_existing_versions and answers get-latest-versions by POST and GET', async () => {
    await server.post('registered-models/create', { name: 'fraud' });
    for (let i = 0; i < 3; i++) await registerVersion('fraud');
    await server.post('model-versions/transition-stage', { name: 'fraud', version: '1', stage: 'Production', archive_existing_versions: false });
    const moved = await server.post('model-versions/transition-stage', {
      name: 'fraud',
      version: '2',
      stage: 'production',
      archive_existing_versions: true,
    });
    expect(moved.json.model_version).toMatchObject({ version: '2', current_stage: 'Production' });
    expect((await server.get('model-versions/get', { name: 'fraud', version: '1' })).json.model_version.current_stage).toBe('Archived');

    const posted = await server.post('registered-models/get-latest-versions', { name: 'fraud', stages: ['Production'] });
    expect(posted.json.model_versions.map((v: any) => v.version)).toEqual(['2']);
    const got = await server.get('registered-models/get-latest-versions', { name: 'fraud', stages: ['None', 'Archived'] });
    expect(got.json.model_versions.map((v: any) => [v.version, v.current_stage])).toEqual([
      ['1', 'Archived'],
      ['3', 'None'],
    ]);
    const all = await server.post('registered-models/get-latest-versions', { name: 'fraud' });
    expect(all.json.model_versions).toHaveLength(3);
    const invalid = await server.post('model-versions/transition-stage', { name: 'fraud', version: '3', stage: 'None', archive_existing_versions: true });
    expect(invalid.status).toBe(400);
    expect((await server.post('model-versions/transition-stage', { name: 'fraud', version: '3', stage: 'Live' })).status).toBe(400);
  });

  it('searches with the prompt filter MLflow 3 clients append: models without the tag match', async () => {
    await server.post('registered-models/create', { name: 'fraud' });
    await server.post('registered-models/create', { name: 'fraud-v2', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'false' }] });
    await server.post('registered-models/create', { name: 'summarize', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    const all = await server.get('registered-models/search', { filter: NOT_PROMPT, max_results: 100 });
    expect(all.status).toBe(200);
    expect(all.json.registered_models.map((m: any) => m.name)).toEqual(['fraud', 'fraud-v2']);
    expect(all.json.next_page_token).toBeUndefined();
    const named = await server.get('registered-models/search', { filter: `name = 'fraud' AND ${NOT_PROMPT}` });
    expect(named.json.registered_models.map((m: any) => m.name)).toEqual(['fraud']);
    const like = await server.get('registered-models/search', { filter: `name ILIKE 'FRAUD%' AND ${NOT_PROMPT}`, order_by: ['name DESC'] });
    expect(like.json.registered_models.map((m: any) => m.name)).toEqual(['fraud-v2', 'fraud']);
    // OR and parentheses are a Cairn extension, as in run search.
    const either = await server.get('registered-models/search', { filter: `(name = 'fraud' OR name = 'summarize') AND ${NOT_PROMPT}` });
    expect(either.json.registered_models.map((m: any) => m.name)).toEqual(['fraud']);
    const prompts = await server.get('registered-models/search', { filter: "tag.`mlflow.prompt.is_prompt` = 'true'" });
    expect(prompts.json.registered_models.map((m: any) => m.name)).toEqual(['summarize']);

    const first = await server.get('registered-models/search', { max_results: 2 });
    expect(first.json.registered_models).toHaveLength(2);
    const second = await server.get('registered-models/search', { max_results: 2, page_token: first.json.next_page_token });
    expect(second.json.registered_models.map((m: any) => m.name)).toEqual(['summarize']);
    const none = await server.get('registered-models/search', { filter: "name = 'nothing'" });
    // As MLflow's protobuf JSON does, an empty list is left out (and so is an absent page token).
    expect(none.json).toEqual({});
  });

  it('gives no page token when a page of models or versions ends exactly at the last one, as MLflow does', async () => {
    // MLflow's registry store reads max_results + 1 rows and gives a token only when the extra one exists.
    for (const name of ['a', 'b']) await server.post('registered-models/create', { name });
    await registerVersion('a');
    await registerVersion('a');
    const models = await server.get('registered-models/search', { max_results: 2 });
    expect(models.json.registered_models.map((m: any) => m.name)).toEqual(['a', 'b']);
    expect(models.json.next_page_token).toBeUndefined();
    const firstModel = await server.get('registered-models/search', { max_results: 1 });
    expect(typeof firstModel.json.next_page_token).toBe('string');
    const lastModel = await server.get('registered-models/search', { max_results: 1, page_token: firstModel.json.next_page_token });
    expect(lastModel.json).toEqual({ registered_models: [expect.objectContaining({ name: 'b' })] });

    const versions = await server.get('model-versions/search', { filter: "name = 'a'", max_results: 2 });
    expect(versions.json.model_versions.map((v: any) => v.version)).toEqual(['2', '1']);
    expect(versions.json.next_page_token).toBeUndefined();
    const firstVersion = await server.get('model-versions/search', { filter: "name = 'a'", max_results: 1 });
    expect(typeof firstVersion.json.next_page_token).toBe('string');
    const lastVersion = await server.get('model-versions/search', { filter: "name = 'a'", max_results: 1, page_token: firstVersion.json.next_page_token });
    expect(lastVersion.json).toEqual({ model_versions: [expect.objectContaining({ version: '1' })] });
  });

  it('searches versions by name, run_id, source_path, version_number and tags', async () => {
    await server.post('registered-models/create', { name: 'a' });
    await server.post('model-versions/create', { name: 'a', source: 'runs:/r1/model', run_id: 'r1' });
    await server.post('model-versions/create', { name: 'a', source: 'runs:/r2/model', run_id: 'r2', tags: [{ key: 'good', value: 'yes' }] });
    const search = async (filter: string) =>
      (await server.get('model-versions/search', { filter, order_by: ['version_number'] })).json.model_versions.map((v: any) => v.version);
    expect(await search("name = 'a'")).toEqual(['1', '2']);
    expect(await search("run_id = 'r2'")).toEqual(['2']);
    expect(await search("source_path = 'runs:/r1/model'")).toEqual(['1']);
    expect(await search("name = 'a' AND version_number >= 2")).toEqual(['2']);
    expect(await search("tags.good = 'yes'")).toEqual(['2']);
    expect((await server.get('model-versions/search', { filter: "stage = 'x'" })).status).toBe(400);
  });

  it('updates descriptions, sets and deletes tags', async () => {
    await server.post('registered-models/create', { name: 'm', description: 'first' });
    await registerVersion('m');
    const updated = await send('PATCH', 'registered-models/update', { name: 'm', description: 'second' });
    expect(updated.json.registered_model.description).toBe('second');
    const version = await send('PATCH', 'model-versions/update', { name: 'm', version: '1', description: 'v1' });
    expect(version.json.model_version.description).toBe('v1');

    expect((await server.post('registered-models/set-tag', { name: 'm', key: 'team', value: 'risk' })).json).toEqual({});
    expect((await server.post('model-versions/set-tag', { name: 'm', version: '1', key: 'validated', value: 'true' })).json).toEqual({});
    expect((await server.get('registered-models/get', { name: 'm' })).json.registered_model.tags).toEqual([{ key: 'team', value: 'risk' }]);
    expect((await server.get('model-versions/get', { name: 'm', version: '1' })).json.model_version.tags).toEqual([
      { key: 'validated', value: 'true' },
    ]);
    expect((await send('DELETE', 'registered-models/delete-tag', { name: 'm', key: 'team' })).json).toEqual({});
    expect((await send('DELETE', 'model-versions/delete-tag', { name: 'm', version: '1', key: 'validated' })).json).toEqual({});
    expect((await server.get('registered-models/get', { name: 'm' })).json.registered_model.tags).toEqual([]);
    expect((await server.get('model-versions/get', { name: 'm', version: '1' })).json.model_version.tags).toEqual([]);
  });

  it('renames a model, its versions following, and deletes versions and models', async () => {
    await server.post('registered-models/create', { name: 'old' });
    await registerVersion('old');
    await registerVersion('old');
    const renamed = await server.post('registered-models/rename', { name: 'old', new_name: 'new' });
    expect(renamed.json.registered_model.name).toBe('new');
    expect(renamed.json.registered_model.latest_versions.map((v: any) => [v.name, v.version])).toEqual([['new', '2']]);
    const versions = await server.get('model-versions/search', { filter: "name = 'new'" });
    expect(versions.json.model_versions.map((v: any) => v.name)).toEqual(['new', 'new']);
    expect((await server.get('registered-models/get', { name: 'old' })).status).toBe(404);

    expect((await send('DELETE', 'model-versions/delete', { name: 'new', version: '2' })).json).toEqual({});
    expect((await server.get('model-versions/get', { name: 'new', version: '2' })).status).toBe(404);
    expect((await registerVersion('new')).version).toBe('3');
    expect((await send('DELETE', 'registered-models/delete', { name: 'new' })).json).toEqual({});
    expect((await server.get('registered-models/get', { name: 'new' })).status).toBe(404);
    expect((await server.get('model-versions/search', { filter: "name = 'new'" })).json).toEqual({});
  });
});

describe('registering an MLflow 3 logged model', () => {
  it('follows a 3.x register_model("runs:/<run>/model"): empty run folder, logged-model search, models:/ source', async () => {
    const runId = await newRun();
    const logged = await server.post('logged-models', { experiment_id: '0', name: 'model', source_run_id: runId, model_type: '' });
    const modelId = logged.json.model.info.model_id;
    await server.raw({
      method: 'PUT',
      path: `/api/2.0/mlflow-artifacts/artifacts/0/models/${modelId}/artifacts/MLmodel`,
      headers: { 'content-type': 'application/octet-stream' },
      body: 'flavors: {}\n',
    });
    await send('PATCH', `logged-models/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' });

    // The client lists the run's model folder: nothing there, the model lives as a logged model.
    const runFolder = await server.raw({ method: 'GET', path: `/api/2.0/mlflow-artifacts/artifacts?path=0/${runId}/artifacts/model` });
    expect(runFolder.json).toEqual({ files: [] });
    const found = await server.post('logged-models/search', { experiment_ids: ['0'], filter: "name = 'model'" });
    expect(found.json.models.map((m: any) => m.info.source_run_id)).toEqual([runId]);

    await server.post('registered-models/create', { name: 'fraud' });
    const version = await server.post('model-versions/create', { name: 'fraud', source: `models:/${modelId}`, model_id: modelId });
    expect(version.status).toBe(200);
    expect(version.json.model_version).toMatchObject({ version: '1', source: `models:/${modelId}`, model_id: modelId, run_id: runId });
    const uri = (await server.get('model-versions/get-download-uri', { name: 'fraud', version: '1' })).json.artifact_uri;
    expect(uri).toBe(`mlflow-artifacts:/0/models/${modelId}/artifacts`);
    // Loading models:/fraud/1 then lists and downloads from that location.
    const listed = await server.raw({ method: 'GET', path: `/api/2.0/mlflow-artifacts/artifacts?path=0/models/${modelId}/artifacts` });
    expect(listed.json.files).toEqual([{ path: 'MLmodel', is_dir: false, file_size: 12 }]);
    const tags = (await server.get(`logged-models/${modelId}`)).json.model.info.tags;
    expect(tags).toContainEqual({ key: 'mlflow.modelVersions', value: '[{"name":"fraud","version":1}]' });
  });
});
