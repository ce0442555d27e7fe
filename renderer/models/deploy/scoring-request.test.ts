// How the Try it form's text and the curl line are made from a scoring request.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { curlAuthArgs, curlCommand, parseScoringText, readableJson, scoringText, shellQuote } from './scoring-request';

// The curl line runs in a real shell against a real server on 127.0.0.1.
describe('scoring requests', () => {
  it('round-trips a JSON request through the form text, and says what is wrong with bad JSON', () => {
    const input = { json: { dataframe_split: { columns: ['a', 'b'], data: [[1, 2.5]] } } };
    expect(parseScoringText(scoringText(input))).toEqual({ input });
    expect(parseScoringText({ format: 'json', text: '{"dataframe_split": ' })).toMatchObject({ error: expect.stringMatching(/^The request is not valid JSON/) });
    expect(parseScoringText({ format: 'csv', text: 'a,b\n1,2\n' })).toEqual({ input: { csv: 'a,b\n1,2\n' } });
    expect(parseScoringText({ format: 'csv', text: '  ' })).toMatchObject({ error: expect.any(String) });
  });

  it('keeps rows and column lists on one line each in the form text', () => {
    const request = { dataframe_split: { columns: ['a', 'b'], data: [[1, 2.5], [3, null]] }, params: {}, instances: [{ a: 'x' }] };
    expect(readableJson(request)).toBe(
      [
        '{',
        '  "dataframe_split": {',
        '    "columns": ["a","b"],',
        '    "data": [',
        '      [1,2.5],',
        '      [3,null]',
        '    ]',
        '  },',
        '  "params": {},',
        '  "instances": [',
        '    {',
        '      "a": "x"',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(JSON.parse(readableJson(request))).toEqual(request);
  });

  it('writes a curl line a shell runs as written, quotes included', async () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    // A real server receives exactly the body and content type the line names.
    const received: Array<{ url: string; type: string; body: string }> = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url!, type: request.headers['content-type']!, body: Buffer.concat(chunks).toString(), ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
        response.end('{"predictions": [1]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const json = { dataframe_records: [{ name: "O'Brien", x: 1 }] };
      const { stdout } = await promisify(execFile)('/bin/sh', ['-c', curlCommand(url, { json })], { encoding: 'utf8' });
      expect(stdout).toBe('{"predictions": [1]}');
      await promisify(execFile)('/bin/sh', ['-c', curlCommand(url, { csv: 'x\n1\n' })]);
      // A Databricks endpoint's URL ends in /invocations already; its token comes from the environment, not the line.
      const databricks = curlCommand(`${url}/serving-endpoints/churn/invocations`, { json }, curlAuthArgs('databricks', {}));
      expect(databricks).not.toContain('dapi-secret');
      await promisify(execFile)('/bin/sh', ['-c', databricks], { env: { ...process.env, DATABRICKS_TOKEN: 'dapi-secret' } });
      // Azure ML's scoring URI ends in /score; the endpoint key comes from the environment, and without it the shell says how to get it.
      const azure = curlCommand(`${url}/inference/churn/score`, { json }, curlAuthArgs('azureml', { endpoint_name: 'churn' }));
      await promisify(execFile)('/bin/sh', ['-c', azure], { env: { ...process.env, AZUREML_ENDPOINT_KEY: 'endpoint-key' } });
      const { AZUREML_ENDPOINT_KEY: _unset, ...withoutKey } = process.env;
      await expect(promisify(execFile)('/bin/sh', ['-c', azure], { env: withoutKey })).rejects.toThrow(
        'AZUREML_ENDPOINT_KEY: set it to the endpoint key: az ml online-endpoint get-credentials --name churn --query primaryKey -o tsv',
      );
      expect(received).toEqual([
        { url: '/invocations', type: 'application/json', body: JSON.stringify(json) },
        { url: '/invocations', type: 'text/csv', body: 'x\n1\n' },
        { url: '/serving-endpoints/churn/invocations', type: 'application/json', body: JSON.stringify(json), authorization: 'Bearer dapi-secret' },
        { url: '/inference/churn/score', type: 'application/json', body: JSON.stringify(json), authorization: 'Bearer endpoint-key' },
      ]);
      expect(curlAuthArgs('sagemaker', { region_name: 'eu-west-1' })).toBe(`--aws-sigv4 'aws:amz:eu-west-1:sagemaker' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`);
      expect(curlAuthArgs('local', {})).toBe('');
    } finally {
      server.close();
    }
  });
});
