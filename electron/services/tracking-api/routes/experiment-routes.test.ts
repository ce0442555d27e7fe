// The experiment routes over HTTP, with the requests MLflow's client sends, checked field by field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

describe('experiment routes', () => {
  let server: TestTrackingServer;

  beforeEach(async () => {
    server = await startTestTrackingServer();
  });

  afterEach(async () => {
    await server.close();
  });

  /** Expects an MLflow error answer and that the tracker did not change. */
  async function expectRefused(
    request: () => Promise<{ status: number; json: { error_code: string; message: string } }>,
    status: number,
    errorCode: string,
  ): Promise<string> {
    const before = server.snapshot();
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.json.error_code).toBe(errorCode);
    expect(typeof response.json.message).toBe('string');
    expect(server.snapshot()).toBe(before);
    return response.json.message;
  }

  it('creates an experiment and answers its id; get answers every field of MLflow Experiment', async () => {
    const before = Date.now();
    const created = await server.post('experiments/create', { name: 'churn', tags: [{ key: 'team', value: 'ml' }] });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ experiment_id: '1' });
    const { json } = await server.get('experiments/get', { experiment_id: '1' });
    expect(Object.keys(json)).toEqual(['experiment']);
    const experiment = json.experiment;
    expect(experiment).toEqual({
      experiment_id: '1',
      name: 'churn',
      artifact_location: 'mlflow-artifacts:/1',
      lifecycle_stage: 'active',
      last_update_time: expect.any(Number),
      creation_time: expect.any(Number),
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect(experiment.creation_time).toBeGreaterThanOrEqual(before);
    expect(experiment.last_update_time).toBeGreaterThanOrEqual(experiment.creation_time);
  });

  it('has the Default experiment 0, without tags (empty lists are left out)', async () => {
    const { json } = await server.get('experiments/get', { experiment_id: '0' });
    expect(json.experiment).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
    expect(json.experiment).not.toHaveProperty('tags');
  });

  it('keeps a given artifact location', async () => {
    await server.post('experiments/create', { name: 'located', artifact_location: 's3://bucket/path' });
    const { json } = await server.get('experiments/get-by-name', { experiment_name: 'located' });
    expect(json.experiment.artifact_location).toBe('s3://bucket/path');
  });

  it('refuses a duplicate name with RESOURCE_ALREADY_EXISTS', async () => {
    await server.post('experiments/create', { name: 'dup' });
    await expectRefused(() => server.post('experiments/create', { name: 'dup' }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('refuses bad create requests with INVALID_PARAMETER_VALUE and creates nothing', async () => {
    const bad: unknown[] = [
      {},
      { name: '' },
      { name: 42 },
      { name: 'x'.repeat(501) },
      { name: 'ok', tags: 'team=ml' },
      { name: 'ok', tags: [{ key: '../escape', value: 'v' }] },
      { name: 'ok', tags: [{ key: 'k', value: 'v'.repeat(5001) }] },
      { name: 'ok', artifact_location: 'runs:/abc/model' },
    ];
    for (const body of bad) await expectRefused(() => server.post('experiments/create', body), 400, 'INVALID_PARAMETER_VALUE');
    const message = await expectRefused(() => server.post('experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE');
    expect(message).toContain("Missing value for required parameter 'name'");
  });

  it('answers an unknown or missing experiment id with MLflow errors', async () => {
    const missing = await server.get('experiments/get', { experiment_id: '99' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=99 exists' });
    const absent = await server.get('experiments/get');
    expect(absent.status).toBe(400);
    expect(absent.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('gets an experiment by name, deleted ones included, and 404s an unknown name', async () => {
    await server.post('experiments/create', { name: 'gone' });
    await server.post('experiments/delete', { experiment_id: '1' });
    const found = await server.get('experiments/get-by-name', { experiment_name: 'gone' });
    expect(found.status).toBe(200);
    expect(found.json.experiment).toMatchObject({ experiment_id: '1', lifecycle_stage: 'deleted' });
    const unknown = await server.get('experiments/get-by-name', { experiment_name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'nope'" });
  });

  it('renames with update, refusing a taken name, an unknown id and a deleted experiment', async () => {
    await server.post('experiments/create', { name: 'a' });
    await server.post('experiments/create', { name: 'b' });
    const renamed = await server.post('experiments/update', { experiment_id: '1', new_name: 'a2' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toEqual({});
    expect((await server.get('experiments/get', { experiment_id: '1' })).json.experiment.name).toBe('a2');
    await expectRefused(() => server.post('experiments/update', { experiment_id: '1', new_name: 'b' }), 400, 'RESOURCE_ALREADY_EXISTS');
    await expectRefused(() => server.post('experiments/update', { experiment_id: '9', new_name: 'z' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectRefused(() => server.post('experiments/update', { experiment_id: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await server.post('experiments/delete', { experiment_id: '2' });
    await expectRefused(() => server.post('experiments/update', { experiment_id: '2', new_name: 'z' }), 400, 'INVALID_STATE');
  });

  it('deletes and restores an experiment with its runs, as MLflow does', async () => {
    await server.post('experiments/create', { name: 'life' });
    const run = (await server.post('runs/create', { experiment_id: '1' })).json.run;
    expect((await server.post('experiments/delete', { experiment_id: '1' })).json).toEqual({});
    expect((await server.get('experiments/get', { experiment_id: '1' })).json.experiment.lifecycle_stage).toBe('deleted');
    expect((await server.get('runs/get', { run_id: run.info.run_id })).json.run.info.lifecycle_stage).toBe('deleted');
    // Deleting twice, or restoring an active one, is an unknown experiment to MLflow.
    await expectRefused(() => server.post('experiments/delete', { experiment_id: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await server.post('experiments/restore', { experiment_id: '1' })).status).toBe(200);
    expect((await server.get('runs/get', { run_id: run.info.run_id })).json.run.info.lifecycle_stage).toBe('active');
    await expectRefused(() => server.post('experiments/restore', { experiment_id: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectRefused(() => server.post('experiments/delete', { experiment_id: '7' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('sets experiment tags, overwriting by key, and refuses bad tags and deleted experiments', async () => {
    await server.post('experiments/create', { name: 'tagged' });
    expect((await server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'k', value: 'v1' })).json).toEqual({});
    await server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'k', value: 'v2' });
    await server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'mlflow.note.content', value: '# Notes' });
    const { json } = await server.get('experiments/get', { experiment_id: '1' });
    expect(json.experiment.tags).toEqual([
      { key: 'k', value: 'v2' },
      { key: 'mlflow.note.content', value: '# Notes' },
    ]);
    await expectRefused(() => server.post('experiments/set-experiment-tag', { experiment_id: '1', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectRefused(
      () => server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'k', value: 'x'.repeat(5001) }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    await expectRefused(() => server.post('experiments/set-experiment-tag', { experiment_id: '5', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await server.post('experiments/delete', { experiment_id: '1' });
    await expectRefused(() => server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('deletes an experiment tag, announcing the change as setting one does', async () => {
    await server.post('experiments/create', { name: 'tagged', tags: [{ key: 'k', value: 'v' }, { key: 'keep', value: 'yes' }] });
    const changes: unknown[] = [];
    server.store.onChange((change) => changes.push(change));
    await server.post('experiments/set-experiment-tag', { experiment_id: '1', key: 'other', value: 'x' });
    const deleted = await server.post('experiments/delete-experiment-tag', { experiment_id: '1', key: 'k' });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({});
    expect(changes).toHaveLength(2);
    expect(changes[1]).toEqual(changes[0]);
    expect(changes[1]).toEqual({ entity: 'experiment', experimentId: '1' });
    const { json } = await server.get('experiments/get', { experiment_id: '1' });
    expect(json.experiment.tags).toEqual([
      { key: 'keep', value: 'yes' },
      { key: 'other', value: 'x' },
    ]);
  });

  it('refuses bad delete-experiment-tag requests as MLflow does, changing nothing', async () => {
    await server.post('experiments/create', { name: 'tagged', tags: [{ key: 'k', value: 'v' }] });
    await server.post('experiments/create', { name: 'gone', tags: [{ key: 'k', value: 'v' }] });
    await server.post('experiments/delete', { experiment_id: '2' });
    const changes: unknown[] = [];
    server.store.onChange((change) => changes.push(change));
    const deleteTag = (body: unknown) => () => server.post('experiments/delete-experiment-tag', body);

    expect(await expectRefused(deleteTag({ key: 'k' }), 400, 'INVALID_PARAMETER_VALUE')).toMatch("'experiment_id'");
    expect(await expectRefused(deleteTag({ experiment_id: '1' }), 400, 'INVALID_PARAMETER_VALUE')).toMatch("'key'");
    expect(await expectRefused(deleteTag({ experiment_id: '1', key: '' }), 400, 'INVALID_PARAMETER_VALUE')).toMatch("'key'");
    expect(await expectRefused(deleteTag({ experiment_id: '1', key: ['k'] }), 400, 'INVALID_PARAMETER_VALUE')).toMatch("'key'");
    expect(await expectRefused(deleteTag({ experiment_id: 1, key: 'k' }), 400, 'INVALID_PARAMETER_VALUE')).toMatch("'experiment_id'");
    expect(await expectRefused(deleteTag({ experiment_id: '9', key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST')).toBe(
      'No Experiment with id=9 exists',
    );
    expect(await expectRefused(deleteTag({ experiment_id: '1', key: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST')).toBe(
      'No tag with name: nope in experiment with id 1',
    );
    // Keys are matched exactly, as MLflow's SQL store matches them.
    await expectRefused(deleteTag({ experiment_id: '1', key: 'K' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await expectRefused(deleteTag({ experiment_id: '2', key: 'k' }), 400, 'INVALID_PARAMETER_VALUE')).toBe(
      "The experiment 2 must be in the 'active' state. Current state is deleted.",
    );
    // A POST-only endpoint, as in MLflow.
    expect((await server.get('experiments/delete-experiment-tag', { experiment_id: '1', key: 'k' })).status).toBe(405);
    expect(changes).toEqual([]);
    expect((await server.get('experiments/get', { experiment_id: '1' })).json.experiment.tags).toEqual([{ key: 'k', value: 'v' }]);
  });

  describe('search', () => {
    beforeEach(async () => {
      for (const name of ['alpha', 'beta', 'gamma']) await server.post('experiments/create', { name });
      await server.post('experiments/set-experiment-tag', { experiment_id: '2', key: 'team', value: 'ml' });
      await server.post('experiments/delete', { experiment_id: '3' });
    });

    const names = (json: { experiments?: Array<{ name: string }> }) => (json.experiments ?? []).map((e) => e.name).sort();

    it('lists active experiments by default', async () => {
      const { status, json } = await server.post('experiments/search', {});
      expect(status).toBe(200);
      expect(names(json)).toEqual(['Default', 'alpha', 'beta']);
      expect(json.experiments[0]).toHaveProperty('creation_time');
      expect(json).not.toHaveProperty('next_page_token');
    });

    it('honours view_type, by name or number', async () => {
      expect(names((await server.post('experiments/search', { view_type: 'DELETED_ONLY' })).json)).toEqual(['gamma']);
      expect(names((await server.post('experiments/search', { view_type: 'ALL' })).json)).toEqual(['Default', 'alpha', 'beta', 'gamma']);
      expect(names((await server.post('experiments/search', { view_type: 2 })).json)).toEqual(['gamma']);
    });

    it('filters and orders in MLflow grammar, also over GET', async () => {
      expect(names((await server.post('experiments/search', { filter: "name = 'alpha'" })).json)).toEqual(['alpha']);
      expect(names((await server.post('experiments/search', { filter: "tags.team = 'ml'" })).json)).toEqual(['beta']);
      const ordered = await server.get('experiments/search', { order_by: ['name ASC'], max_results: 10 });
      expect(ordered.json.experiments.map((e: { name: string }) => e.name)).toEqual(['Default', 'alpha', 'beta']);
    });

    it('pages with max_results and page_token', async () => {
      const first = await server.post('experiments/search', { max_results: 2, order_by: ['name ASC'] });
      expect(first.json.experiments.map((e: { name: string }) => e.name)).toEqual(['Default', 'alpha']);
      expect(typeof first.json.next_page_token).toBe('string');
      const second = await server.post('experiments/search', { max_results: 2, order_by: ['name ASC'], page_token: first.json.next_page_token });
      expect(second.json.experiments.map((e: { name: string }) => e.name)).toEqual(['beta']);
      expect(second.json).not.toHaveProperty('next_page_token');
    });

    it('gives no page token when a page ends exactly at the last experiment, as MLflow does', async () => {
      // MLflow's SQL store reads max_results + 1 rows and gives a token only when the extra one exists.
      const whole = await server.post('experiments/search', { max_results: 3, order_by: ['name ASC'] });
      expect(whole.json.experiments.map((e: { name: string }) => e.name)).toEqual(['Default', 'alpha', 'beta']);
      expect(whole.json).not.toHaveProperty('next_page_token');
      const first = await server.post('experiments/search', { max_results: 1, order_by: ['name ASC'] });
      const rest = await server.post('experiments/search', { max_results: 2, order_by: ['name ASC'], page_token: first.json.next_page_token });
      expect(rest.json.experiments.map((e: { name: string }) => e.name)).toEqual(['alpha', 'beta']);
      expect(rest.json).not.toHaveProperty('next_page_token');
    });

    it('refuses bad max_results, page tokens, view types and filters', async () => {
      for (const body of [
        { max_results: 50_001 },
        { max_results: 0 },
        { max_results: 'ten' },
        { page_token: 'not-a-token' },
        { view_type: 'SOME' },
        { filter: 'name ==== 1' },
      ]) {
        const response = await server.post('experiments/search', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });
});
