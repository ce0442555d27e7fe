// The metric-history routes over HTTP: get-history (whole or paged, in step order) and
// get-history-bulk-interval (MLflow's step sampling across runs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

describe('metric routes', () => {
  let server: TestTrackingServer;

  beforeEach(async () => {
    server = await startTestTrackingServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function runWithSteps(steps: readonly number[], key = 'loss'): Promise<string> {
    const runId = (await server.post('runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id as string;
    const response = await server.post('runs/log-batch', {
      run_id: runId,
      metrics: steps.map((step) => ({ key, value: step / 10, timestamp: 1000 + step, step })),
    });
    expect(response.status, response.text).toBe(200);
    return runId;
  }

  describe('get-history', () => {
    it('answers the whole history in step order when max_results is not given', async () => {
      const runId = (await server.post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
      await server.post('runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'loss', value: 0.5, timestamp: 30, step: 5 },
          { key: 'loss', value: 'NaN', timestamp: 10, step: 1 },
          { key: 'loss', value: 0.3, timestamp: 20, step: 3 },
          { key: 'loss', value: 0.25, timestamp: 25, step: 3 },
          { key: 'other', value: 1, timestamp: 1, step: 0 },
        ],
      });
      const response = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss' });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        metrics: [
          { key: 'loss', value: 'NaN', timestamp: 10, step: 1 },
          { key: 'loss', value: 0.3, timestamp: 20, step: 3 },
          { key: 'loss', value: 0.25, timestamp: 25, step: 3 },
          { key: 'loss', value: 0.5, timestamp: 30, step: 5 },
        ],
      });
      const byUuid = await server.get('metrics/get-history', { run_uuid: runId, metric_key: 'loss' });
      expect(byUuid.json.metrics).toHaveLength(4);
    });

    it('pages with max_results and page_token, as MLflow 2.x/3.x clients ask', async () => {
      const runId = await runWithSteps([0, 1, 2, 3, 4]);
      const seen: number[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const response = await server.get('metrics/get-history', {
          run_id: runId,
          metric_key: 'loss',
          max_results: 2,
          ...(pageToken ? { page_token: pageToken } : {}),
        });
        expect(response.status).toBe(200);
        seen.push(...response.json.metrics.map((m: { step: number }) => m.step));
        pageToken = response.json.next_page_token;
        pages++;
      } while (pageToken);
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      expect(pages).toBe(3);
    });

    it('round-trips every double exactly, ±Infinity as strings, and non-ASCII keys', async () => {
      const runId = (await server.post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
      const key = 'val loss: ünï/日本';
      const values = [0.1 + 0.2, 1 / 3, 5e-324, -1.7976931348623157e308, 123456789.12345679, -0.5, 1e21, 2 ** 53 + 2];
      const metrics = [
        ...values.map((value, step) => ({ key, value, timestamp: 1_700_000_000_000 + step, step })),
        { key, value: 'Infinity', timestamp: 1, step: values.length },
        { key, value: '-Infinity', timestamp: 2, step: values.length + 1 },
      ];
      expect((await server.post('runs/log-batch', { run_id: runId, metrics })).status).toBe(200);
      const response = await server.get('metrics/get-history', { run_id: runId, metric_key: key, max_results: 100 });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ metrics });
    });

    it('keeps step order over many batches logged out of order, and pages through them exactly', async () => {
      const runId = (await server.post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
      const steps = Array.from({ length: 3000 }, (_, i) => i);
      for (let batch = 2; batch >= 0; batch--) {
        const chunk = steps.slice(batch * 1000, (batch + 1) * 1000).reverse();
        await server.post('runs/log-batch', {
          run_id: runId,
          metrics: chunk.map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 5000 - step, step })),
        });
      }
      const whole = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss' });
      expect(whole.json.metrics.map((m: { step: number }) => m.step)).toEqual(steps);
      expect(whole.json.next_page_token).toBeUndefined();
      // A page that ends exactly at the last point has no next page.
      const exact = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 3000 });
      expect(exact.json.metrics).toHaveLength(3000);
      expect(exact.json.next_page_token).toBeUndefined();
      const first = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2999 });
      const rest = await server.get('metrics/get-history', {
        run_id: runId,
        metric_key: 'loss',
        max_results: 2999,
        page_token: first.json.next_page_token,
      });
      expect(rest.json).toEqual({ metrics: [{ key: 'loss', value: 1 / 3000, timestamp: 5000 - 2999, step: 2999 }] });
    });

    it('answers a metric never logged with no points, and refuses bad requests', async () => {
      const runId = await runWithSteps([0]);
      expect((await server.get('metrics/get-history', { run_id: runId, metric_key: 'absent' })).json).toEqual({});
      const unknown = await server.get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'loss' });
      expect(unknown.status).toBe(404);
      expect(unknown.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      for (const query of [
        { run_id: runId },
        { metric_key: 'loss' },
        { run_id: runId, metric_key: 'loss', max_results: 0 },
        { run_id: runId, metric_key: 'loss', max_results: 'many' },
        { run_id: runId, metric_key: 'loss', max_results: 2, page_token: 'bogus' },
      ]) {
        const response = await server.get('metrics/get-history', query);
        expect(response.status, JSON.stringify(query)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });

  describe('get-history-bulk', () => {
    it("answers each named run's whole history with its run_id, as MLflow's web UI asks for it", async () => {
      const first = await runWithSteps([2, 0, 1]);
      const second = await runWithSteps([5]);
      await server.post('runs/log-metric', { run_id: second, key: 'loss', value: 'NaN', timestamp: 1, step: 6 });
      const response = await server.get('metrics/get-history-bulk', { run_id: [first, 'f'.repeat(32), second], metric_key: 'loss' });
      expect(response.status, response.text).toBe(200);
      expect(response.json).toEqual({
        metrics: [
          { key: 'loss', value: 0, timestamp: 1000, step: 0, run_id: first },
          { key: 'loss', value: 0.1, timestamp: 1001, step: 1, run_id: first },
          { key: 'loss', value: 0.2, timestamp: 1002, step: 2, run_id: first },
          { key: 'loss', value: 0.5, timestamp: 1005, step: 5, run_id: second },
          { key: 'loss', value: 'NaN', timestamp: 1, step: 6, run_id: second },
        ],
      });
      // The same route under the prefix MLflow's web UI uses, and max_results over all runs together.
      const query = new URLSearchParams([['run_id', first], ['run_id', second], ['metric_key', 'loss'], ['max_results', '4']]);
      const capped = await server.raw({ method: 'GET', path: `/ajax-api/2.0/mlflow/metrics/get-history-bulk?${query}` });
      expect(capped.json.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1, 2, 5]);
      expect((await server.get('metrics/get-history-bulk', { run_id: first, metric_key: 'absent' })).json).toEqual({ metrics: [] });
    });

    it('refuses a request without runs, with more than 100, or without a metric key', async () => {
      const runId = await runWithSteps([0]);
      for (const [query, message] of [
        [{ metric_key: 'loss' }, /at least one run_id/],
        [{ run_id: Array.from({ length: 101 }, () => runId), metric_key: 'loss' }, /more than 100 run_ids/],
        [{ run_id: runId }, /must specify a metric_key/],
        [{ run_id: runId, metric_key: 'loss', max_results: 'all' }, /max_results/],
      ] as const) {
        const response = await server.get('metrics/get-history-bulk', query);
        expect(response.status, JSON.stringify(query)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(response.json.message).toMatch(message);
      }
    });
  });

  describe('get-history-bulk-interval', () => {
    it('answers every point when the runs have no more steps than max_results, with run_id', async () => {
      const a = await runWithSteps([0, 1, 2]);
      const b = await runWithSteps([1, 5]);
      const response = await server.get('metrics/get-history-bulk-interval', { run_ids: [a, b], metric_key: 'loss' });
      expect(response.status).toBe(200);
      expect(response.json.metrics).toEqual([
        { key: 'loss', value: 0, timestamp: 1000, step: 0, run_id: a },
        { key: 'loss', value: 0.1, timestamp: 1001, step: 1, run_id: a },
        { key: 'loss', value: 0.2, timestamp: 1002, step: 2, run_id: a },
        { key: 'loss', value: 0.1, timestamp: 1001, step: 1, run_id: b },
        { key: 'loss', value: 0.5, timestamp: 1005, step: 5, run_id: b },
      ]);
    });

    it('samples max_results steps spread over all runs steps, keeping each run first and last step', async () => {
      const a = await runWithSteps([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const b = await runWithSteps([0, 1, 2, 3, 4]);
      const stepsOf = (json: { metrics: Array<{ step: number; run_id: string }> }, runId: string) =>
        json.metrics.filter((m) => m.run_id === runId).map((m) => m.step);
      const sampled = await server.get('metrics/get-history-bulk-interval', { run_ids: [a, b], metric_key: 'loss', max_results: 3 });
      expect(stepsOf(sampled.json, a)).toEqual([0, 3, 4, 6, 9]);
      expect(stepsOf(sampled.json, b)).toEqual([0, 3, 4]);
      const windowed = await server.get('metrics/get-history-bulk-interval', {
        run_ids: [a, b],
        metric_key: 'loss',
        start_step: 2,
        end_step: 8,
        max_results: 2,
      });
      expect(stepsOf(windowed.json, a)).toEqual([2, 4, 5, 8]);
      expect(stepsOf(windowed.json, b)).toEqual([2, 4]);
    });

    it('answers unknown runs with no points and refuses bad requests', async () => {
      const a = await runWithSteps([0, 1]);
      const unknown = await server.get('metrics/get-history-bulk-interval', { run_ids: ['f'.repeat(32)], metric_key: 'loss' });
      expect(unknown.status).toBe(200);
      expect(unknown.json).toEqual({});
      const tooMany = Array.from({ length: 101 }, (_, i) => `r${i}`);
      for (const query of [
        { metric_key: 'loss' },
        { run_ids: [a] },
        { run_ids: tooMany, metric_key: 'loss' },
        { run_ids: [a], metric_key: 'loss', start_step: 1 },
        { run_ids: [a], metric_key: 'loss', start_step: 5, end_step: 1 },
        { run_ids: [a], metric_key: 'loss', max_results: 2501 },
        { run_ids: [a], metric_key: 'loss', max_results: 0 },
      ]) {
        const response = await server.get('metrics/get-history-bulk-interval', query);
        expect(response.status, JSON.stringify(query).slice(0, 80)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });
});
