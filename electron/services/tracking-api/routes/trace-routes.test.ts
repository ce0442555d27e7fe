// The trace searches over HTTP, as mlflow.search_traces() sends them: a 3.x client's POST
// /api/3.0/mlflow/traces/search, and the 2.0 GET mlflow/traces it falls back to (and older
// clients send); both answer an empty page, and refuse what MLflow's handlers refuse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

let server: TestTrackingServer;

beforeEach(async () => {
  server = await startTestTrackingServer();
});

afterEach(async () => {
  await server.close();
});

function postV3(prefix: string, body: unknown) {
  return server.raw({
    method: 'POST',
    path: `/${prefix}/3.0/mlflow/traces/search`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('trace searches', () => {
  it('answers the 3.x search (SearchTracesV3) with an empty page', async () => {
    // What RestStore.search_traces posts for mlflow.search_traces() in the active experiment.
    const body = {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }],
      filter: "trace.status = 'OK'",
      max_results: 100,
      order_by: ['timestamp_ms DESC'],
    };
    for (const prefix of ['api', 'ajax-api']) {
      const response = await postV3(prefix, body);
      expect(response.status, response.text).toBe(200);
      expect(response.json).toEqual({});
    }
  });

  it('answers the 2.0 search (SearchTraces) with an empty page', async () => {
    const response = await server.get('traces', { experiment_ids: ['0', '1'], max_results: 100, order_by: ['timestamp_ms DESC'] });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({});
    const ajax = await server.raw({ method: 'GET', path: '/ajax-api/2.0/mlflow/traces?experiment_ids=0' });
    expect(ajax.status).toBe(200);
  });

  it('refuses searches MLflow refuses: no locations or experiments, more than 500 results, wrong types', async () => {
    const refusals = [
      await postV3('api', {}),
      await postV3('api', { locations: [{ mlflow_experiment: { experiment_id: '0' } }], max_results: 501 }),
      await postV3('api', { locations: 'everywhere' }),
      await postV3('api', { locations: [{ mlflow_experiment: { experiment_id: '0' } }], order_by: [1] }),
      await server.get('traces', {}),
      await server.get('traces', { experiment_ids: ['0'], max_results: 'lots' }),
    ];
    for (const response of refusals) {
      expect(response.status, response.text).toBe(400);
      expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // Starting a trace is not served: POST /api/2.0/mlflow/traces is not a search.
    const start = await server.post('traces', { experiment_id: '0' });
    expect(start.status).toBe(405);
  });
});
