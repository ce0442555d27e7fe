// The MLflow Python client's most common flows, replayed request by request against the real
// tracking server: each request carries the fields the client sends (message_to_json of its
// request protos in mlflow/store/tracking/rest_store.py and mlflow/store/model_registry/rest_store.py,
// GET arguments as query strings, artifacts through mlflow/store/artifact/http_artifact_repo.py),
// and each answer is checked for the fields the client reads next. The real client cannot be
// installed here, so these tests stand in for running it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestResponse, type TestTrackingServer } from './test-tracking-server';

/** Where MlflowArtifactsRepository sends mlflow-artifacts:/ paths. */
const PROXIED_ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** The page size TrackingServiceClient.get_metric_history asks for (GET_METRIC_HISTORY_MAX_RESULTS). */
const METRIC_HISTORY_PAGE = 25_000;

/** The page size fluent search_runs asks for (NUM_RUNS_PER_PAGE_PANDAS). */
const SEARCH_RUNS_PAGE = 10_000;

/** What DefaultRunContext and GitRunContext resolve on a developer's machine (mlflow/tracking/context/). */
const CONTEXT_TAGS = [
  { key: 'mlflow.user', value: 'alice' },
  { key: 'mlflow.source.name', value: 'train.py' },
  { key: 'mlflow.source.type', value: 'LOCAL' },
  { key: 'mlflow.source.git.commit', value: '9f1c2d3e4b5a697887766554433221100ffeeddc' },
];

/** A model file as log_artifacts uploads it: its path below the model directory, body and guessed MIME type. */
interface ModelFile {
  readonly path: string;
  readonly body: string;
  readonly contentType: string;
}

let server: TestTrackingServer;

beforeEach(async () => {
  server = await startTestTrackingServer();
});

afterEach(async () => {
  await server.close();
});

/** The answer's JSON after checking it is a 200, as the client's verify_rest_response does. */
function answered(response: TestResponse): any {
  expect(response.status, response.text).toBe(200);
  return response.json;
}

/** A PATCH with a JSON body, as the requests library sends call_endpoint's non-GET calls. */
function patch(route: string, body: unknown): Promise<TestResponse> {
  const text = JSON.stringify(body);
  return server.raw({
    method: 'PATCH',
    path: `/api/2.0/mlflow/${route}`,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
    body: text,
  });
}

/** RestStore.get_run: a GET naming the run twice, as run_uuid and run_id. */
function getRun(runId: string): Promise<TestResponse> {
  return server.get('runs/get', { run_uuid: runId, run_id: runId });
}

/** RestStore.get_metric_history as TrackingServiceClient.get_metric_history calls it, first page. */
function getMetricHistory(runId: string, key: string): Promise<TestResponse> {
  return server.get('metrics/get-history', { run_uuid: runId, run_id: runId, metric_key: key, max_results: METRIC_HISTORY_PAGE });
}

/**
 * fluent start_run(run_name=...): create_run with the resolved context tags, mlflow.user as user_id,
 * and, when a name is given, the name both as run_name and as the mlflow.runName tag.
 */
async function startRun(startTime: number, runName?: string): Promise<any> {
  const tags = runName === undefined ? CONTEXT_TAGS : [...CONTEXT_TAGS, { key: 'mlflow.runName', value: runName }];
  const body = { experiment_id: '0', user_id: 'alice', start_time: startTime, tags, run_name: runName };
  return answered(await server.post('runs/create', body)).run;
}

/**
 * fluent log_metrics in MLflow 3: two get_run calls (model outputs at the step, then the run's
 * inputs), then log-batch with each metric's run_id. MLflow 2.x sends only the log-batch.
 */
async function logMetrics(runId: string, metrics: Record<string, number>, step: number, timestamp: number): Promise<void> {
  answered(await getRun(runId));
  answered(await getRun(runId));
  const batch = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step, run_id: runId }));
  expect(answered(await server.post('runs/log-batch', { run_id: runId, metrics: batch }))).toEqual({});
}

/** The artifact path behind an mlflow-artifacts:/ URI, as MlflowArtifactsRepository.resolve_uri maps it. */
function proxiedPath(artifactUri: string): string {
  expect(artifactUri).toMatch(/^mlflow-artifacts:\//);
  return artifactUri.slice('mlflow-artifacts:'.length).replace(/^\/+/, '');
}

/** HttpArtifactRepository.log_artifacts: one PUT per file below the artifact URI. */
async function uploadArtifacts(artifactUri: string, files: readonly ModelFile[]): Promise<void> {
  const root = proxiedPath(artifactUri);
  for (const file of files) {
    const uploaded = await server.raw({
      method: 'PUT',
      path: `${PROXIED_ARTIFACTS}/${root}/${file.path}`,
      headers: { 'content-type': file.contentType },
      body: file.body,
    });
    expect(answered(uploaded)).toEqual({});
  }
}

/**
 * ArtifactRepository.download_artifacts over HttpArtifactRepository: list the directory with
 * GET ?path=, descend into directories, GET each file. Answers each file's text by relative path.
 */
async function downloadArtifacts(artifactUri: string, directory = ''): Promise<Record<string, string>> {
  const root = proxiedPath(artifactUri);
  const listed = answered(await server.raw({ method: 'GET', path: `${PROXIED_ARTIFACTS}?path=${encodeURIComponent(directory ? `${root}/${directory}` : root)}` }));
  const files: Record<string, string> = {};
  for (const entry of listed.files ?? []) {
    const relative = directory ? `${directory}/${entry.path}` : entry.path;
    if (entry.is_dir) {
      Object.assign(files, await downloadArtifacts(artifactUri, relative));
      continue;
    }
    const downloaded = await server.raw({ method: 'GET', path: `${PROXIED_ARTIFACTS}/${root}/${relative}` });
    expect(downloaded.status).toBe(200);
    expect(Number(entry.file_size)).toBe(Buffer.byteLength(downloaded.text));
    files[relative] = downloaded.text;
  }
  return files;
}

/** The files mlflow.sklearn.save_model writes, with the MIME types _guess_mime_type gives them. */
function sklearnModelFiles(mlmodel: string): ModelFile[] {
  return [
    { path: 'MLmodel', body: mlmodel, contentType: 'application/octet-stream' },
    { path: 'conda.yaml', body: 'channels:\n- conda-forge\ndependencies:\n- python=3.11.9\n- pip:\n  - mlflow\n  - scikit-learn==1.5.1\nname: mlflow-env\n', contentType: 'application/octet-stream' },
    { path: 'model.pkl', body: 'cloudpickled LogisticRegression', contentType: 'application/octet-stream' },
    { path: 'python_env.yaml', body: 'python: 3.11.9\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n', contentType: 'application/octet-stream' },
    { path: 'requirements.txt', body: 'mlflow\nscikit-learn==1.5.1\n', contentType: 'text/plain' },
  ];
}

/** The sklearn and pyfunc flavors of an MLmodel file, as YAML below `flavors:`. */
const SKLEARN_FLAVORS_YAML =
  'flavors:\n  python_function:\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n' +
  '    loader_module: mlflow.sklearn\n    model_path: model.pkl\n    predict_fn: predict\n    python_version: 3.11.9\n' +
  '  sklearn:\n    code: null\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n    sklearn_version: 1.5.1\n';

/** The same flavors as Model.to_dict holds them (get_tags_dict keeps them whole). */
const SKLEARN_FLAVORS = {
  python_function: {
    env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
    loader_module: 'mlflow.sklearn',
    model_path: 'model.pkl',
    predict_fn: 'predict',
    python_version: '3.11.9',
  },
  sklearn: { code: null, pickled_model: 'model.pkl', serialization_format: 'cloudpickle', sklearn_version: '1.5.1' },
};

/** Tags or params in key order, as the server answers them. */
function byKey(entries: readonly { key: string }[]): { key: string }[] {
  return [...entries].sort((a, b) => a.key.localeCompare(b.key));
}

describe('MLflow client flows', () => {
  // Follows mlflow/models/model.py (Model.log), mlflow/tracking/fluent.py (_create_logged_model,
  // _use_logged_model, log_metrics), mlflow/tracking/_tracking_service/client.py (log_outputs,
  // log_model_artifacts), mlflow/tracking/_model_registry/fluent.py (_register_model),
  // mlflow/tracking/_model_registry/client.py (create_model_version and its wait for READY),
  // mlflow/store/artifact/models_artifact_repo.py (loading models:/fraud/1) and
  // mlflow/store/artifact/runs_artifact_repo.py (a later register_model("runs:/<run_id>/model")).
  it('MLflow 3.x: sklearn.log_model(model, name="model", registered_model_name="fraud") inside a run, then loading models:/fraud/1', async () => {
    const startTime = Date.now();
    const run = await startRun(startTime);
    const runId: string = run.info.run_id;
    answered(await server.post('runs/log-batch', { run_id: runId, params: [{ key: 'C', value: '1.0' }, { key: 'max_iter', value: '100' }] }));
    const metricTime = startTime + 10;
    await logMetrics(runId, { accuracy: 0.93 }, 0, metricTime);

    // Model.log: the run's params become the logged model's params.
    const runParams = answered(await getRun(runId)).run.data.params;
    expect(runParams).toEqual([{ key: 'C', value: '1.0' }, { key: 'max_iter', value: '100' }]);
    const created = answered(
      await server.post('logged-models', { experiment_id: '0', name: 'model', source_run_id: runId, params: runParams, tags: CONTEXT_TAGS }),
    ).model;
    const modelId: string = created.info.model_id;
    const modelArtifactUri = `mlflow-artifacts:/0/models/${modelId}/artifacts`;
    expect(created).toEqual({
      info: {
        model_id: expect.stringMatching(/^m-[0-9a-f]{32}$/),
        experiment_id: '0',
        name: 'model',
        creation_timestamp_ms: expect.any(Number),
        last_updated_timestamp_ms: expect.any(Number),
        artifact_uri: modelArtifactUri,
        status: 'LOGGED_MODEL_PENDING',
        source_run_id: runId,
        tags: byKey(CONTEXT_TAGS),
      },
      data: { params: runParams },
    });

    // log_outputs, then log_model_metrics_for_step: the step-0 metrics are logged again with the model id.
    expect(answered(await server.post('runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 0 }] }))).toEqual({});
    const withOutput = answered(await getRun(runId)).run;
    expect(withOutput.outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 0 }] });
    expect(withOutput.data.metrics.map((metric: { key: string }) => metric.key)).toEqual(['accuracy']);
    const history = answered(await getMetricHistory(runId, 'accuracy'));
    expect(history).toEqual({ metrics: [{ key: 'accuracy', value: 0.93, timestamp: metricTime, step: 0 }] });
    const linked = history.metrics.map((metric: object) => ({ ...metric, model_id: modelId }));
    expect(answered(await server.post('runs/log-batch', { run_id: runId, metrics: linked }))).toEqual({});
    expect(answered(await getMetricHistory(runId, 'accuracy'))).toEqual(history);

    // log_model_artifacts: get_logged_model for the artifact location, then one PUT per file.
    const forUpload = answered(await server.get(`logged-models/${modelId}`)).model;
    expect(forUpload.info.artifact_uri).toBe(modelArtifactUri);
    // The linked metrics are the model's own now (ModelInfo.metrics reads them).
    expect(forUpload.data.metrics).toEqual([{ key: 'accuracy', value: 0.93, timestamp: metricTime, step: 0, run_id: runId, model_id: modelId }]);
    const mlmodel =
      `artifact_path: ${modelArtifactUri}\n${SKLEARN_FLAVORS_YAML}is_signature_from_type_hint: false\nmlflow_version: 3.1.0\n` +
      `model_id: ${modelId}\nmodel_size_bytes: 31\nmodel_uuid: ${modelId}\nprompts: null\nrun_id: ${runId}\n` +
      "type_hint_from_example: false\nutc_time_created: '2025-06-01 10:00:00.000000'\n";
    const files = sklearnModelFiles(mlmodel);
    await uploadArtifacts(forUpload.info.artifact_uri, files);

    // Leaving _use_logged_model finalizes the model.
    const finalized = answered(await patch(`logged-models/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' })).model;
    expect(finalized.info).toMatchObject({ model_id: modelId, status: 'LOGGED_MODEL_READY', artifact_uri: modelArtifactUri });

    // _register_model("models:/<model_id>", "fraud"): create the name, then the version with model_id.
    const registered = answered(await server.post('registered-models/create', { name: 'fraud' })).registered_model;
    expect(registered).toMatchObject({ name: 'fraud', latest_versions: [], tags: [], aliases: [] });
    const source = `models:/${modelId}`;
    const version = answered(await server.post('model-versions/create', { name: 'fraud', source, model_id: modelId })).model_version;
    expect(version).toEqual({
      name: 'fraud',
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      current_stage: 'None',
      source,
      run_id: runId,
      status: 'READY',
      tags: [],
      aliases: [],
      model_id: modelId,
    });
    // The client waits while the status is PENDING_REGISTRATION, reading the version again.
    expect(answered(await server.get('model-versions/get', { name: 'fraud', version: '1' })).model_version).toEqual(version);

    // The client appends {name, version} to the model's mlflow.modelVersions tag after the server has.
    const afterRegistration = answered(await server.get(`logged-models/${modelId}`)).model;
    const versionsTag = afterRegistration.info.tags.find((tag: { key: string }) => tag.key === 'mlflow.modelVersions');
    expect(versionsTag).toEqual({ key: 'mlflow.modelVersions', value: '[{"name":"fraud","version":1}]' });
    const clientVersions = '[{"name": "fraud", "version": 1}, {"name": "fraud", "version": "1"}]';
    expect(answered(await patch(`logged-models/${modelId}/tags`, { tags: [{ key: 'mlflow.modelVersions', value: clientVersions }] }))).toEqual({});
    const tagged = answered(await server.get(`logged-models/${modelId}`)).model;
    expect(tagged.info.tags).toContainEqual({ key: 'mlflow.modelVersions', value: clientVersions });
    expect(tagged.info.status).toBe('LOGGED_MODEL_READY');

    // Loading models:/fraud/1: the prompt check, the download URI, then the files through the proxy.
    expect(answered(await server.get('registered-models/get', { name: 'fraud' })).registered_model.latest_versions).toEqual([version]);
    const download = answered(await server.get('model-versions/get-download-uri', { name: 'fraud', version: '1' }));
    expect(download).toEqual({ artifact_uri: modelArtifactUri });
    expect(await downloadArtifacts(download.artifact_uri)).toEqual(Object.fromEntries(files.map((file) => [file.path, file.body])));

    // mlflow.register_model("runs:/<run_id>/model", "fraud") afterwards: the name exists already, the
    // run has no files at model/, so the client finds the logged model by name and source run.
    const again = await server.post('registered-models/create', { name: 'fraud' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const runModelDirectory = `${answered(await getRun(runId)).run.info.artifact_uri}/model`;
    expect(await downloadArtifacts(runModelDirectory)).toEqual({});
    const experimentId: string = answered(await getRun(runId)).run.info.experiment_id;
    const search = answered(await server.post('logged-models/search', { experiment_ids: [experimentId], filter: "name = 'model'" }));
    expect(search).toEqual({ models: [tagged] });
    expect(search.models[0].info.source_run_id).toBe(runId);
    const second = answered(await server.post('model-versions/create', { name: 'fraud', source, run_id: runId, model_id: modelId })).model_version;
    expect(second).toMatchObject({ name: 'fraud', version: '2', source, run_id: runId, model_id: modelId, status: 'READY' });
    const twiceRegistered = answered(await server.get(`logged-models/${modelId}`)).model;
    expect(twiceRegistered.info.tags).toContainEqual({
      key: 'mlflow.modelVersions',
      value: '[{"name":"fraud","version":1},{"name":"fraud","version":"1"},{"name":"fraud","version":2}]',
    });

    const finalRun = answered(await getRun(runId)).run;
    expect(finalRun.outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 0 }] });
  });

  // Follows mlflow/models/model.py (Model._log_v2, the MLflow 2.x log_model), mlflow/tracking/fluent.py
  // (start_run(run_name=...), log_artifacts, _record_logged_model), the 2.x mlflow/tracking/_model_registry/fluent.py
  // (_register_model resolving runs:/ through RunsArtifactRepository.get_underlying_uri),
  // mlflow/tracking/client.py (create_model_version, set_registered_model_alias, _raise_if_prompt)
  // and mlflow/store/artifact/utils/models.py with models_artifact_repo.py (loading models:/fraud@champion).
  it('MLflow 2.x: log_model(..., registered_model_name="fraud"), a runs:/ version, and loading models:/fraud@champion', async () => {
    const run = await startRun(Date.now(), 'baseline');
    const runId: string = run.info.run_id;
    expect(run.info.run_name).toBe('baseline');
    expect(run.data.tags).toEqual(byKey([...CONTEXT_TAGS, { key: 'mlflow.runName', value: 'baseline' }]));
    const runArtifactUri = `mlflow-artifacts:/0/${runId}/artifacts`;

    // log_artifacts(local_path, "model"): get_run for the artifact root, then one PUT per file.
    const forUpload = answered(await getRun(runId)).run;
    expect(forUpload.info.artifact_uri).toBe(runArtifactUri);
    const modelUuid = '6c0ab8bb0b0c4a4c9d6f0b1e2a3c4d5e';
    const createdAt = '2024-05-01 10:00:00.000000';
    const mlmodel =
      `artifact_path: model\n${SKLEARN_FLAVORS_YAML}mlflow_version: 2.17.2\nmodel_size_bytes: 31\n` +
      `model_uuid: ${modelUuid}\nrun_id: ${runId}\nutc_time_created: '${createdAt}'\n`;
    const files = sklearnModelFiles(mlmodel);
    await uploadArtifacts(`${forUpload.info.artifact_uri}/model`, files);

    // _record_logged_model: runs/log-model with Model.get_tags_dict() as JSON.
    const modelJson = { run_id: runId, artifact_path: 'model', utc_time_created: createdAt, model_uuid: modelUuid, flavors: SKLEARN_FLAVORS };
    expect(answered(await server.post('runs/log-model', { run_id: runId, model_json: JSON.stringify(modelJson) }))).toEqual({});
    const history = answered(await getRun(runId)).run.data.tags.find((tag: { key: string }) => tag.key === 'mlflow.log-model.history');
    expect(JSON.parse(history.value)).toEqual([modelJson]);

    // _register_model("runs:/<run_id>/model", "fraud"): the source is the run's artifact URI.
    answered(await server.post('registered-models/create', { name: 'fraud' }));
    const underlying = `${answered(await getRun(runId)).run.info.artifact_uri}/model`;
    expect(underlying).toBe(`${runArtifactUri}/model`);
    const first = answered(await server.post('model-versions/create', { name: 'fraud', source: underlying, run_id: runId })).model_version;
    expect(first).toEqual({
      name: 'fraud',
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      current_stage: 'None',
      source: underlying,
      run_id: runId,
      status: 'READY',
      tags: [],
      aliases: [],
    });
    expect(answered(await server.get('model-versions/get', { name: 'fraud', version: '1' })).model_version.status).toBe('READY');

    // A second registration under the same name: create answers RESOURCE_ALREADY_EXISTS, which the
    // client takes as "add a version"; MlflowClient.create_model_version with a runs:/ source.
    const again = await server.post('registered-models/create', { name: 'fraud' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const runsSource = `runs:/${runId}/model`;
    const second = answered(await server.post('model-versions/create', { name: 'fraud', source: runsSource, run_id: runId })).model_version;
    expect(second).toMatchObject({ name: 'fraud', version: '2', source: runsSource, run_id: runId, status: 'READY' });

    // set_registered_model_alias: the prompt check, then the alias with the version as a string.
    answered(await server.get('registered-models/get', { name: 'fraud' }));
    expect(answered(await server.post('registered-models/alias', { name: 'fraud', alias: 'champion', version: '1' }))).toEqual({});

    // Loading models:/fraud@champion: the version by alias, the prompt check, the download URI, the files.
    const byAlias = answered(await server.get('registered-models/alias', { name: 'fraud', alias: 'champion' })).model_version;
    expect(byAlias).toEqual({ ...first, last_updated_timestamp: expect.any(Number), aliases: ['champion'] });
    const model = answered(await server.get('registered-models/get', { name: 'fraud' })).registered_model;
    expect(model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(model.tags).toEqual([]);
    const download = answered(await server.get('model-versions/get-download-uri', { name: 'fraud', version: byAlias.version }));
    expect(download).toEqual({ artifact_uri: underlying });
    const expectedFiles = Object.fromEntries(files.map((file) => [file.path, file.body]));
    expect(await downloadArtifacts(download.artifact_uri)).toEqual(expectedFiles);

    // Loading models:/fraud/2: a runs:/ download URI is resolved through get_run, then downloaded alike.
    const runsDownload = answered(await server.get('model-versions/get-download-uri', { name: 'fraud', version: '2' }));
    expect(runsDownload).toEqual({ artifact_uri: runsSource });
    const resolved = `${answered(await getRun(runId)).run.info.artifact_uri}/model`;
    expect(await downloadArtifacts(resolved)).toEqual(expectedFiles);
  });

  // Follows mlflow/tracking/fluent.py (start_run, log_params, log_metrics, set_tags, log_input,
  // end_run, search_runs), mlflow/tracking/context/default_context.py and git_context.py (the system
  // tags), and mlflow/tracking/_tracking_service/client.py (create_run, log_batch, set_terminated,
  // search_runs, get_metric_history).
  it('start_run, log_params, log_metrics(step=...), set_tags, log_input, end_run, then search_runs and get_metric_history', async () => {
    const startTime = Date.now();
    const run = await startRun(startTime);
    const runId: string = run.info.run_id;
    const runName: string = run.info.run_name;
    expect(runName).toMatch(/\S/);
    expect(run).toEqual({
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: runName,
        experiment_id: '0',
        user_id: 'alice',
        status: 'RUNNING',
        start_time: startTime,
        artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: { tags: byKey([...CONTEXT_TAGS, { key: 'mlflow.runName', value: runName }]) },
      inputs: {},
    });

    // log_params and set_tags: one log-batch each, values made strings by the client.
    expect(answered(await server.post('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.01' }, { key: 'n_estimators', value: '10' }] }))).toEqual({});
    await logMetrics(runId, { loss: 0.7, acc: 0.61 }, 1, startTime + 100);
    await logMetrics(runId, { loss: 0.5, acc: 0.8 }, 2, startTime + 200);
    expect(answered(await server.post('runs/log-batch', { run_id: runId, tags: [{ key: 'team', value: 'fraud' }, { key: 'release', value: '2' }] }))).toEqual({});

    // log_input(dataset, context="training"): a DatasetInput with the context as an input tag.
    const dataset = {
      name: 'transactions',
      digest: 'a1b2c3d4',
      source_type: 'local',
      source: '{"uri": "/home/alice/fraud/transactions.csv"}',
      schema: '{"mlflow_colspec": [{"type": "double", "name": "amount", "required": true}, {"type": "long", "name": "label", "required": true}]}',
      profile: '{"num_rows": 1000, "num_elements": 2000}',
    };
    const datasetInput = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
    expect(answered(await server.post('runs/log-inputs', { run_id: runId, datasets: [datasetInput] }))).toEqual({});

    // end_run: set_terminated reads the run (to print its URL), then updates status and end time.
    expect(answered(await getRun(runId)).run.info.status).toBe('RUNNING');
    const endTime = startTime + 300;
    const ended = answered(await server.post('runs/update', { run_uuid: runId, run_id: runId, status: 'FINISHED', end_time: endTime }));
    expect(ended).toEqual({ run_info: { ...run.info, status: 'FINISHED', end_time: endTime } });

    // search_runs(): the active experiment, an empty filter, ACTIVE_ONLY, a page of 10,000.
    const found = answered(
      await server.post('runs/search', { experiment_ids: ['0'], filter: '', run_view_type: 'ACTIVE_ONLY', max_results: SEARCH_RUNS_PAGE }),
    );
    expect(found).toEqual({
      runs: [
        {
          info: { ...run.info, status: 'FINISHED', end_time: endTime },
          data: {
            metrics: [
              { key: 'acc', value: 0.8, timestamp: startTime + 200, step: 2 },
              { key: 'loss', value: 0.5, timestamp: startTime + 200, step: 2 },
            ],
            params: [{ key: 'lr', value: '0.01' }, { key: 'n_estimators', value: '10' }],
            tags: byKey([...CONTEXT_TAGS, { key: 'mlflow.runName', value: runName }, { key: 'release', value: '2' }, { key: 'team', value: 'fraud' }]),
          },
          inputs: { dataset_inputs: [datasetInput] },
        },
      ],
    });

    // MlflowClient.get_metric_history: every point in step order, and no next page to ask for.
    expect(answered(await getMetricHistory(runId, 'loss'))).toEqual({
      metrics: [
        { key: 'loss', value: 0.7, timestamp: startTime + 100, step: 1 },
        { key: 'loss', value: 0.5, timestamp: startTime + 200, step: 2 },
      ],
    });
  });
});
