// Long answers of the tracking API over real sockets: a history longer than one piece comes whole
// and in order (NaN, infinities and repeated steps at the pieces' seams included), paged or not;
// clients that stop reading a 300,000-step history cost the server about one piece each, not the
// whole answer, and are dropped once the send timeout passes.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePageToken } from '../tracker/page-token';
import { startTestTrackingServer, type TestTrackingServer } from './test-tracking-server';

const T0 = 1_700_000_000_000;

interface LoggedPoint {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

/** A raw GET on its own connection, `Connection: close`: resolves with the socket, which the caller reads or not. */
function rawGet(port: number, path: string): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
  return socket;
}

/** Reads a socket and counts the bytes it delivers until it closes, for whatever reason. */
function bytesUntilClosed(socket: net.Socket): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(bytes));
    socket.resume();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('long answers', () => {
  let server: TestTrackingServer;

  afterEach(async () => {
    await server.close();
  });

  describe('a history longer than one piece', () => {
    let runId: string;
    let expected: LoggedPoint[];

    beforeEach(async () => {
      server = await startTestTrackingServer();
      runId = (await server.post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
      // 7,600 points over 7,500 steps: every 75th step is logged twice, and NaN and ±Infinity sit
      // where one piece ends and the next begins (a first piece of 100 points, then 2,500 a piece).
      const points: LoggedPoint[] = [];
      for (let step = 0; step < 7_500; step++) {
        points.push({ key: 'loss', value: 1 / (step + 1), timestamp: T0 + step, step });
        if (step % 75 === 0) points.push({ key: 'loss', value: 2, timestamp: T0 + step + 1, step });
      }
      for (const seam of [100, 2_600, 5_100]) {
        points[seam - 1]!.value = 'NaN';
        points[seam]!.value = 'Infinity';
        points[seam + 1]!.value = '-Infinity';
      }
      for (let start = 0; start < points.length; start += 1_000) {
        const response = await server.post('runs/log-batch', { run_id: runId, metrics: points.slice(start, start + 1_000) });
        expect(response.status, response.text).toBe(200);
      }
      expected = points;
    });

    it('answers it whole, in order, with no point lost or repeated at the seams', async () => {
      const response = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss' });
      expect(response.status).toBe(200);
      expect(response.headers['transfer-encoding']).toBe('chunked');
      expect(response.json.metrics).toEqual(expected);
      expect(response.json.next_page_token).toBeUndefined();
    });

    it('pages through it with max_results larger and smaller than a piece', async () => {
      for (const maxResults of [3_000, 1_900]) {
        const seen: LoggedPoint[] = [];
        let pageToken: string | undefined;
        do {
          const response = await server.get('metrics/get-history', {
            run_id: runId,
            metric_key: 'loss',
            max_results: maxResults,
            ...(pageToken ? { page_token: pageToken } : {}),
          });
          expect(response.status).toBe(200);
          expect(response.json.metrics.length).toBeLessThanOrEqual(maxResults);
          seen.push(...response.json.metrics);
          pageToken = response.json.next_page_token;
        } while (pageToken);
        expect(seen).toEqual(expected);
      }
    });

    it('still reads a page token that carries only an offset, as Cairn wrote them before', async () => {
      const response = await server.get('metrics/get-history', {
        run_id: runId,
        metric_key: 'loss',
        max_results: 10,
        page_token: encodePageToken(2_495),
      });
      expect(response.json.metrics).toEqual(expected.slice(2_495, 2_505));
      const past = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss', page_token: encodePageToken(9_999) });
      expect(past.status).toBe(200);
      expect(past.json).toEqual({});
    });

    it('refuses a page token whose position is not a point of a history', async () => {
      for (const after of [[1, 2], ['a', 0, '1', 0], [1, 2, 'x', 0], [1, 2, '3', 7]]) {
        const response = await server.get('metrics/get-history', { run_id: runId, metric_key: 'loss', page_token: encodePageToken(5, after) });
        expect(response.status, JSON.stringify(after)).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });

    it('answers get-history-bulk with at most max_results points without reading whole histories', async () => {
      const response = await server.get('metrics/get-history-bulk', { run_id: [runId, runId], metric_key: 'loss', max_results: 6_000 });
      expect(response.status).toBe(200);
      expect(response.json.metrics).toHaveLength(6_000);
      expect(response.json.metrics.slice(0, 5).map((m: LoggedPoint) => m.step)).toEqual([0, 0, 1, 2, 3]);
    });
  });

  it('holds about one piece per client that stops reading, and drops such clients once the send timeout passes', async () => {
    const sendTimeoutMs = 1_500;
    server = await startTestTrackingServer({ sendTimeoutMs });
    // Written through the store, so that no keep-alive connection of the test's own client comes or goes meanwhile.
    const experiment = await server.store.createExperiment({ name: 'long' });
    const runId = (await server.store.createRun({ experimentId: experiment.experimentId })).info.runId;
    const steps = 300_000;
    for (let start = 0; start < steps; start += 10_000) {
      await server.store.logBatch(runId, {
        metrics: Array.from({ length: 10_000 }, (_, i) => ({ key: 'loss', value: 1 / (start + i + 1), timestamp: T0 + start + i, step: start + i })),
      });
    }
    const path = `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`;
    // One client reads it all, to know the answer's size: about 25 MB.
    const fullSize = await bytesUntilClosed(rawGet(server.port, path));
    expect(fullSize).toBeGreaterThan(20_000_000);

    // Each stalled request is two sockets in this process, the client's and the server's. A paused
    // client does not notice that the server dropped its end, but this process's count of sockets does.
    const sockets = () => process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;
    const waitFor = async (condition: () => boolean, onEachWait: () => void = () => undefined) => {
      const deadline = Date.now() + 90_000;
      while (!condition() && Date.now() < deadline) {
        await sleep(100);
        onEachWait();
      }
      return condition();
    };
    expect(await waitFor(() => sockets() === 0)).toBe(true);
    const rssBefore = process.memoryUsage().rss;
    const stalled = Array.from({ length: 20 }, () => {
      const socket = rawGet(server.port, path);
      socket.pause();
      return socket;
    });
    expect(await waitFor(() => sockets() === 2 * stalled.length)).toBe(true);
    let largestGrowth = 0;
    const dropped = await waitFor(
      () => sockets() === stalled.length,
      () => (largestGrowth = Math.max(largestGrowth, process.memoryUsage().rss - rssBefore)),
    );
    expect(dropped).toBe(true);
    // Holding the 20 answers whole costs about 20 x 25 MB x 2 (text and bytes); one piece each is a few MB.
    expect(largestGrowth).toBeLessThan(150 * 1024 * 1024);
    // What the clients still receive once they read is short of the answer: the server let go of the rest.
    const received = await Promise.all(stalled.map(bytesUntilClosed));
    for (const bytes of received) expect(bytes).toBeLessThan(fullSize);
    // The server still answers afterwards.
    expect((await server.get('experiments/get', { experiment_id: '0' })).status).toBe(200);
  }, 120_000);
});
