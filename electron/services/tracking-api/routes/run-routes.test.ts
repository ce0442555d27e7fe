// The run routes over HTTP, with the requests MLflow's client sends, checked field by field;
// every refused request is checked to leave the tracker unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestResponse, type TestTrackingServer } from '../test-tracking-server';

describe('run routes', () => {
  let server: TestTrackingServer;

  beforeEach(async () => {
    server = await startTestTrackingServer();
    await server.post('experiments/create', { name: 'exp' });
  });

  afterEach(async () => {
    await server.close();
  });

  /** Expects an MLflow error answer and that the tracker did not change; returns the message. */
  async function expectRefused(request: () => Promise<TestResponse>, status: number, errorCode: string): Promise<string> {
    const before = server.snapshot();
    const response = await request();
    expect(response.status, response.text).toBe(status);
    expect(response.json.error_code, response.text).toBe(errorCode);
    expect(server.snapshot()).toBe(before);
    return response.json.message as string;
  }

  async function createRun(body: Record<string, unknown> = {}): Promise<string> {
    const response = await server.post('runs/create', { experiment_id: '1', start_time: 1_700_000_000_000, ...body });
    expect(response.status, response.text).toBe(200);
    return response.json.run.info.run_id as string;
  }

  async function getRun(runId: string) {
    const response = await server.get('runs/get', { run_id: runId });
    expect(response.status, response.text).toBe(200);
    return response.json.run;
  }

  describe('create and get', () => {
    it('creates a run as MLflow answers it, keeping the system tags', async () => {
      const tags = [
        { key: 'mlflow.user', value: 'ada' },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
        { key: 'mlflow.source.git.commit', value: 'abc123' },
        { key: 'mlflow.note.content', value: 'first try' },
      ];
      const response = await server.post('runs/create', {
        experiment_id: '1',
        user_id: 'ada',
        run_name: 'baseline',
        start_time: 1_700_000_000_000,
        tags,
      });
      expect(response.status).toBe(200);
      const run = response.json.run;
      expect(Object.keys(run).sort()).toEqual(['data', 'info', 'inputs']);
      const runId = run.info.run_id;
      expect(runId).toMatch(/^[0-9a-f]{32}$/);
      expect(run.info).toEqual({
        run_id: runId,
        run_uuid: runId,
        run_name: 'baseline',
        experiment_id: '1',
        user_id: 'ada',
        status: 'RUNNING',
        start_time: 1_700_000_000_000,
        artifact_uri: `mlflow-artifacts:/1/${runId}/artifacts`,
        lifecycle_stage: 'active',
      });
      expect(run.data).toEqual({ tags: expect.any(Array) });
      expect(run.data.tags).toEqual(expect.arrayContaining([...tags, { key: 'mlflow.runName', value: 'baseline' }]));
      expect(run.data.tags).toHaveLength(tags.length + 1);
      expect(run.inputs).toEqual({});
      expect(await getRun(runId)).toEqual(run);
    });

    it('takes the run name from the mlflow.runName tag, and makes one up when there is none', async () => {
      const named = await getRun(await createRun({ tags: [{ key: 'mlflow.runName', value: 'from-tag' }] }));
      expect(named.info.run_name).toBe('from-tag');
      const generated = await getRun(await createRun());
      expect(generated.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect(generated.data.tags).toContainEqual({ key: 'mlflow.runName', value: generated.info.run_name });
    });

    it('keeps a nested run parent tag', async () => {
      const parent = await createRun();
      const child = await getRun(await createRun({ tags: [{ key: 'mlflow.parentRunId', value: parent }] }));
      expect(child.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: parent });
      expect((await server.store.getRun(child.info.run_id)).info.parentRunId).toBe(parent);
    });

    it('logs to the Default experiment when no experiment is given', async () => {
      const response = await server.post('runs/create', { start_time: 1 });
      expect(response.json.run.info.experiment_id).toBe('0');
      expect(response.json.run.info.artifact_uri).toMatch(/^mlflow-artifacts:\/0\/[0-9a-f]{32}\/artifacts$/);
    });

    it('refuses bad runs/create requests and creates nothing', async () => {
      await expectRefused(() => server.post('runs/create', { experiment_id: '42' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      const message = await expectRefused(
        () => server.post('runs/create', { experiment_id: '1', run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message).toContain("Both 'run_name' argument and 'mlflow.runName' tag are specified");
      await expectRefused(() => server.post('runs/create', { experiment_id: '1', start_time: 'soon' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(
        () => server.post('runs/create', { experiment_id: '1', tags: [{ key: '/abs', value: 'v' }] }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await server.post('experiments/delete', { experiment_id: '1' });
      const deleted = await expectRefused(() => server.post('runs/create', { experiment_id: '1' }), 400, 'INVALID_PARAMETER_VALUE');
      expect(deleted).toBe("The experiment 1 must be in the 'active' state. Current state is deleted.");
    });

    it('answers runs/get for run_uuid too, and 404s an unknown run', async () => {
      const runId = await createRun();
      expect((await server.get('runs/get', { run_uuid: runId })).json.run.info.run_id).toBe(runId);
      const unknown = await server.get('runs/get', { run_id: 'f'.repeat(32) });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${'f'.repeat(32)} not found` });
      expect((await server.get('runs/get')).status).toBe(400);
    });
  });

  describe('update, delete, restore', () => {
    it('updates status, end time and name, answering run_info', async () => {
      const runId = await createRun();
      const response = await server.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
      expect(response.status).toBe(200);
      expect(Object.keys(response.json)).toEqual(['run_info']);
      expect(response.json.run_info).toMatchObject({ run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
      const run = await getRun(runId);
      expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
      // The older run_uuid field and the protobuf enum number are understood too.
      await server.post('runs/update', { run_uuid: runId, status: 4 });
      expect((await getRun(runId)).info.status).toBe('FAILED');
    });

    it('refuses bad updates and leaves the run as it was', async () => {
      const runId = await createRun();
      await expectRefused(() => server.post('runs/update', { run_id: runId, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/update', { run_id: runId, end_time: 'later' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/update', { status: 'FINISHED' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/update', { run_id: 'a'.repeat(32), status: 'FINISHED' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      await server.post('runs/delete', { run_id: runId });
      await expectRefused(() => server.post('runs/update', { run_id: runId, status: 'FINISHED' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('deletes and restores a run', async () => {
      const runId = await createRun();
      expect((await server.post('runs/delete', { run_id: runId })).json).toEqual({});
      expect((await getRun(runId)).info.lifecycle_stage).toBe('deleted');
      expect((await server.post('runs/restore', { run_id: runId })).json).toEqual({});
      expect((await getRun(runId)).info.lifecycle_stage).toBe('active');
      await expectRefused(() => server.post('runs/delete', { run_id: 'b'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
      await expectRefused(() => server.post('runs/restore', {}), 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('log-metric, log-parameter, set-tag, delete-tag', () => {
    it('logs a metric; the latest value is the highest step, then the latest timestamp', async () => {
      const runId = await createRun();
      const log = (value: unknown, timestamp: number, step?: number) =>
        server.post('runs/log-metric', { run_id: runId, run_uuid: runId, key: 'loss', value, timestamp, ...(step === undefined ? {} : { step }) });
      expect((await log(0.5, 1000, 5)).json).toEqual({});
      await log(0.9, 5000, 3);
      await log(0.4, 2000, 5);
      await log(0.7, 1500, 5);
      const data = (await getRun(runId)).data;
      expect(data.metrics).toEqual([{ key: 'loss', value: 0.4, timestamp: 2000, step: 5 }]);
      const noStep = await createRun();
      await server.post('runs/log-metric', { run_id: noStep, key: 'acc', value: '0.25', timestamp: '77' });
      expect((await getRun(noStep)).data.metrics).toEqual([{ key: 'acc', value: 0.25, timestamp: 77, step: 0 }]);
    });

    it('round-trips NaN and ±Infinity as MLflow writes them', async () => {
      const runId = await createRun();
      await server.post('runs/log-metric', { run_id: runId, key: 'nan', value: 'NaN', timestamp: 1, step: 0 });
      await server.post('runs/log-metric', { run_id: runId, key: 'inf', value: 'Infinity', timestamp: 1, step: 0 });
      await server.post('runs/log-metric', { run_id: runId, key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 });
      const metrics = (await getRun(runId)).data.metrics;
      expect(metrics).toEqual([
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      ]);
    });

    it('refuses bad metrics and writes nothing', async () => {
      const runId = await createRun();
      const bad: Array<Record<string, unknown>> = [
        { key: 'm', value: 1 },
        { key: 'm', timestamp: 1 },
        { key: 'm', value: 'high', timestamp: 1 },
        { key: 'm', value: true, timestamp: 1 },
        { key: 'm', value: 1, timestamp: -5 },
        { key: 'm', value: 1, timestamp: 1, step: 1.5 },
        { key: '../m', value: 1, timestamp: 1 },
        { key: 'a/../b', value: 1, timestamp: 1 },
        { key: 'bad*name', value: 1, timestamp: 1 },
        { key: 'k'.repeat(251), value: 1, timestamp: 1 },
        { value: 1, timestamp: 1 },
      ];
      for (const body of bad) {
        await expectRefused(() => server.post('runs/log-metric', { run_id: runId, ...body }), 400, 'INVALID_PARAMETER_VALUE');
      }
      await expectRefused(() => server.post('runs/log-metric', { run_id: 'c'.repeat(32), key: 'm', value: 1, timestamp: 1 }), 404, 'RESOURCE_DOES_NOT_EXIST');
      await server.post('runs/delete', { run_id: runId });
      const message = await expectRefused(
        () => server.post('runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1 }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message).toBe(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
    });

    it('accepts MLflow metric names with slashes, spaces, dots, colons and non-ASCII letters', async () => {
      const runId = await createRun();
      for (const key of ['train/loss', 'val acc', 'f1.macro', 'epoch:1', 'précision', 'a-b_c']) {
        const response = await server.post('runs/log-metric', { run_id: runId, key, value: 1, timestamp: 1 });
        expect(response.status, key).toBe(200);
      }
    });

    it('logs params once: the same value again is fine, a changed value is refused', async () => {
      const runId = await createRun();
      expect((await server.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' })).json).toEqual({});
      expect((await server.post('runs/log-parameter', { run_uuid: runId, key: 'lr', value: '0.01' })).status).toBe(200);
      const message = await expectRefused(
        () => server.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.02' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message).toContain('Changing param values is not allowed');
      expect((await getRun(runId)).data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      await expectRefused(() => server.post('runs/log-parameter', { run_id: runId, value: 'x' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/log-parameter', { run_id: runId, key: 'k', value: 3 }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('cuts param values to 6000 characters and tag values to 8000, as MLflow does by default', async () => {
      const runId = await createRun();
      await server.post('runs/log-parameter', { run_id: runId, key: 'long', value: 'p'.repeat(7000) });
      await server.post('runs/set-tag', { run_id: runId, key: 'long', value: 't'.repeat(9000) });
      const data = (await getRun(runId)).data;
      expect(data.params[0].value).toHaveLength(6000);
      expect(data.tags.find((t: { key: string }) => t.key === 'long').value).toHaveLength(8000);
    });

    it('sets tags (overwriting), renames the run through mlflow.runName, and deletes tags', async () => {
      const runId = await createRun({ run_name: 'first' });
      expect((await server.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'dev' })).json).toEqual({});
      await server.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'prod' });
      await server.post('runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: 'second' });
      let run = await getRun(runId);
      expect(run.info.run_name).toBe('second');
      expect(run.data.tags).toContainEqual({ key: 'stage', value: 'prod' });
      expect((await server.post('runs/delete-tag', { run_id: runId, key: 'stage' })).json).toEqual({});
      run = await getRun(runId);
      expect(run.data.tags.map((t: { key: string }) => t.key)).not.toContain('stage');
      const message = await expectRefused(() => server.post('runs/delete-tag', { run_id: runId, key: 'stage' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expect(message).toBe(`No tag with name: stage in run with id ${runId}`);
      await expectRefused(() => server.post('runs/set-tag', { run_id: runId, key: '', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/set-tag', { run_id: 'd'.repeat(32), key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('log-batch', () => {
    it('logs metrics, params and tags in one request', async () => {
      const runId = await createRun();
      const response = await server.post('runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 20, step: 1 },
          { key: 'acc', value: 0.7, timestamp: 20, step: 1 },
        ],
        params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }],
        tags: [{ key: 'team', value: 'ml' }],
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({});
      const data = (await getRun(runId)).data;
      expect(data.metrics).toEqual([
        { key: 'acc', value: 0.7, timestamp: 20, step: 1 },
        { key: 'loss', value: 0.5, timestamp: 20, step: 1 },
      ]);
      expect(data.params).toEqual([{ key: 'depth', value: '3' }, { key: 'lr', value: '0.1' }]);
      expect(data.tags).toContainEqual({ key: 'team', value: 'ml' });
    });

    it('writes nothing of a batch that changes a logged param', async () => {
      const runId = await createRun();
      await server.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
      const message = await expectRefused(
        () =>
          server.post('runs/log-batch', {
            run_id: runId,
            metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }],
            params: [{ key: 'depth', value: '3' }, { key: 'lr', value: '0.2' }],
            tags: [{ key: 't', value: 'v' }],
          }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message).toContain('Changing param values is not allowed');
    });

    it('enforces the batch limits: 1000 metrics, 100 params, 100 tags, 1000 in all', async () => {
      const runId = await createRun();
      const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
      const keyValues = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      const tooMany = [
        { metrics: metrics(1001) },
        { params: keyValues(101) },
        { tags: keyValues(101) },
        { metrics: metrics(950), params: keyValues(51) },
      ];
      for (const batch of tooMany) {
        const message = await expectRefused(() => server.post('runs/log-batch', { run_id: runId, ...batch }), 400, 'INVALID_PARAMETER_VALUE');
        expect(message).toMatch(/A batch logging request can contain at most/);
      }
      const full = await server.post('runs/log-batch', { run_id: runId, metrics: metrics(900), params: keyValues(50), tags: keyValues(50) });
      expect(full.status).toBe(200);
    });

    it('refuses a body over 1 MB with INVALID_PARAMETER_VALUE', async () => {
      const runId = await createRun();
      const tags = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(10_050) }));
      const message = await expectRefused(() => server.post('runs/log-batch', { run_id: runId, tags }), 400, 'INVALID_PARAMETER_VALUE');
      expect(message).toMatch(/at most 1000000 bytes/);
    });

    it('refuses malformed batches, naming the field, and writes nothing', async () => {
      const runId = await createRun();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ metrics: [{ key: 'm', timestamp: 1 }] }, 'metrics[0].value'],
        [{ metrics: [{ key: 'm', value: 1, timestamp: 1 }, { value: 1, timestamp: 1 }] }, 'metrics[1].key'],
        [{ metrics: [{ key: 'm', value: 1 }] }, 'metrics[0].timestamp'],
        [{ params: [{ value: 'v' }] }, 'params[0].key'],
        [{ tags: [{ key: 'a//b', value: 'v' }] }, 'tags[0].key'],
        [{ params: [{ key: 'p', value: '1' }, { key: 'p', value: '1' }] }, 'Duplicate parameter keys'],
        [{ metrics: { key: 'm' } }, 'metrics'],
      ];
      for (const [batch, expected] of cases) {
        const message = await expectRefused(() => server.post('runs/log-batch', { run_id: runId, ...batch }), 400, 'INVALID_PARAMETER_VALUE');
        expect(message).toContain(expected);
      }
      await expectRefused(() => server.post('runs/log-batch', { run_id: 'no good!', metrics: [] }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/log-batch', { metrics: [] }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(
        () => server.post('runs/log-batch', { run_id: 'e'.repeat(32), metrics: [{ key: 'm', value: 1, timestamp: 1 }] }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });
  });

  describe('search', () => {
    let runs: string[];

    beforeEach(async () => {
      runs = [];
      for (let i = 0; i < 3; i++) {
        const runId = await createRun({ run_name: `r${i}`, start_time: 1_700_000_000_000 + i });
        await server.post('runs/log-batch', {
          run_id: runId,
          metrics: [{ key: 'rmse', value: 1 - i / 10, timestamp: 1, step: 0 }],
          params: [{ key: 'model', value: i === 1 ? 'tree' : 'linear' }],
        });
        runs.push(runId);
      }
    });

    it('lists active runs newest first by default, each a full MLflow Run', async () => {
      const response = await server.post('runs/search', { experiment_ids: ['1'] });
      expect(response.status).toBe(200);
      expect(response.json.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual(['r2', 'r1', 'r0']);
      expect(response.json.runs[0]).toEqual(await getRun(runs[2]!));
      expect(response.json).not.toHaveProperty('next_page_token');
    });

    it('filters on params and metrics and orders by a metric, in MLflow grammar', async () => {
      const response = await server.post('runs/search', {
        experiment_ids: ['1'],
        filter: "params.model = 'linear' and metrics.rmse < 1",
        order_by: ['metrics.rmse ASC'],
      });
      expect(response.json.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual(['r2']);
      const ordered = await server.post('runs/search', { experiment_ids: ['1'], order_by: ['metrics.rmse ASC'] });
      expect(ordered.json.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual(['r2', 'r1', 'r0']);
    });

    it('gives a next-page token whenever a page is full, even at the last run, as MLflow does', async () => {
      const first = await server.post('runs/search', { experiment_ids: ['1'], max_results: 2 });
      expect(first.json.runs).toHaveLength(2);
      const second = await server.post('runs/search', { experiment_ids: ['1'], max_results: 2, page_token: first.json.next_page_token });
      expect(second.json.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual(['r0']);
      expect(second.json).not.toHaveProperty('next_page_token');
      const exact = await server.post('runs/search', { experiment_ids: ['1'], max_results: 3 });
      expect(exact.json.runs).toHaveLength(3);
      expect(typeof exact.json.next_page_token).toBe('string');
      const after = await server.post('runs/search', { experiment_ids: ['1'], max_results: 3, page_token: exact.json.next_page_token });
      expect(after.status).toBe(200);
      expect(after.json).toEqual({});
    });

    it('honours run_view_type', async () => {
      await server.post('runs/delete', { run_id: runs[0] });
      const names = async (view: unknown) =>
        ((await server.post('runs/search', { experiment_ids: ['1'], run_view_type: view })).json.runs ?? []).map(
          (run: { info: { run_name: string } }) => run.info.run_name,
        );
      expect(await names('ACTIVE_ONLY')).toEqual(['r2', 'r1']);
      expect(await names('DELETED_ONLY')).toEqual(['r0']);
      expect(await names('ALL')).toEqual(['r2', 'r1', 'r0']);
      expect(await names(3)).toEqual(['r2', 'r1', 'r0']);
    });

    it('refuses bad searches', async () => {
      for (const body of [
        { experiment_ids: ['1'], max_results: 50_001 },
        { experiment_ids: ['1'], max_results: -1 },
        { experiment_ids: ['1'], page_token: '%%%' },
        { experiment_ids: ['1'], filter: 'metrics.rmse <' },
        { experiment_ids: ['1'], run_view_type: 'EVERYTHING' },
        { experiment_ids: 'one' },
      ]) {
        const response = await server.post('runs/search', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });

  describe('log-inputs', () => {
    const dataset = {
      name: 'iris',
      digest: 'abc123',
      source_type: 'local',
      source: '{"uri": "/data/iris.csv"}',
      schema: '{"mlflow_colspec": []}',
      profile: '{"num_rows": 150}',
    };

    it('records datasets with their context, answered as inputs.dataset_inputs', async () => {
      const runId = await createRun();
      const response = await server.post('runs/log-inputs', {
        run_id: runId,
        datasets: [
          { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset },
          { tags: [{ key: 'mlflow.data.context', value: 'ignored duplicate' }], dataset },
          { dataset: { name: 'holdout', digest: 'd2', source_type: 'http', source: 'https://x/holdout.csv' } },
        ],
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({});
      await server.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset }] });
      const run = await getRun(runId);
      expect(run.inputs).toEqual({
        dataset_inputs: [
          { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset },
          { dataset: { name: 'holdout', digest: 'd2', source_type: 'http', source: 'https://x/holdout.csv' } },
        ],
      });
      const stored = await server.store.getRun(runId);
      expect(stored.datasets[0]).toMatchObject({ name: 'iris', digest: 'abc123', sourceType: 'local', context: 'training' });
      expect(stored.datasets[1]).toMatchObject({ name: 'holdout', schema: null, profile: null, context: null });
      const other = await createRun();
      await server.post('runs/log-inputs', { run_id: other, datasets: [{ dataset }] });
      expect(server.database.connection.prepare('SELECT COUNT(*) AS n FROM datasets').get()).toEqual({ n: 2 });
      const found = await server.post('runs/search', { experiment_ids: ['1'], filter: "dataset.name = 'holdout'" });
      expect(found.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
    });

    it('records the logged models a run used, answered as inputs.model_inputs', async () => {
      const runId = await createRun();
      const models = [{ model_id: 'm-0123456789abcdef0123456789abcdef' }, { model_id: 'm-fedcba9876543210fedcba9876543210' }];
      expect((await server.post('runs/log-inputs', { run_id: runId, models })).status).toBe(200);
      // MLflow 3 clients send the same model again with each metric they log for it: kept once.
      expect((await server.post('runs/log-inputs', { run_id: runId, models: [models[0]] })).status).toBe(200);
      expect((await getRun(runId)).inputs).toEqual({ model_inputs: models });
      const before = server.snapshot();
      await expectRefused(
        () => server.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset }], models: [{ model_id: 'm-1' }, {}] }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(server.snapshot()).toBe(before);
    });

    it('refuses bad inputs and records nothing', async () => {
      const runId = await createRun();
      const bad = [
        [{ dataset: { ...dataset, name: undefined } }],
        [{ dataset: { ...dataset, digest: 'x'.repeat(37) } }],
        [{ dataset: { ...dataset, source: 5 } }],
        [{ tags: [{ key: 'mlflow.data.context' }], dataset }],
        [{ tags: [{ key: 'k', value: 'v'.repeat(501) }], dataset }],
        [{}],
      ];
      for (const datasets of bad) {
        await expectRefused(() => server.post('runs/log-inputs', { run_id: runId, datasets }), 400, 'INVALID_PARAMETER_VALUE');
      }
      await expectRefused(() => server.post('runs/log-inputs', { run_id: 'f'.repeat(32), datasets: [{ dataset }] }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('log-model and outputs', () => {
    const model = (path: string) =>
      JSON.stringify({ artifact_path: path, flavors: { sklearn: {} }, utc_time_created: '2024-01-01 00:00:00.000000', run_id: 'r' });

    it('appends MLflow 2.x models to the mlflow.log-model.history tag', async () => {
      const runId = await createRun();
      expect((await server.post('runs/log-model', { run_id: runId, model_json: model('model') })).json).toEqual({});
      await server.post('runs/log-model', { run_id: runId, model_json: model('model2') });
      const tag = (await getRun(runId)).data.tags.find((t: { key: string }) => t.key === 'mlflow.log-model.history');
      expect(JSON.parse(tag.value).map((m: { artifact_path: string }) => m.artifact_path)).toEqual(['model', 'model2']);
    });

    it('refuses malformed models and writes nothing', async () => {
      const runId = await createRun();
      await expectRefused(() => server.post('runs/log-model', { run_id: runId, model_json: '{nope' }), 400, 'INVALID_PARAMETER_VALUE');
      const message = await expectRefused(
        () => server.post('runs/log-model', { run_id: runId, model_json: JSON.stringify({ artifact_path: 'm', run_id: 'r' }) }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message).toBe("Model json is missing mandatory fields: {'flavors', 'utc_time_created'}");
      await expectRefused(() => server.post('runs/log-model', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('records MLflow 3 model outputs, answered as outputs.model_outputs', async () => {
      const runId = await createRun();
      const modelId = `m-${'a'.repeat(32)}`;
      expect((await server.post('runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 3 }] })).json).toEqual({});
      expect((await getRun(runId)).outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 3 }] });
      await expectRefused(() => server.post('runs/outputs', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/outputs', { run_id: runId, models: [{ step: 1 }] }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRefused(() => server.post('runs/outputs', { run_id: runId, models: [{ model_id: modelId }] }), 400, 'INVALID_PARAMETER_VALUE');
    });
  });
});
