// A fake of Amazon SageMaker's control plane and runtime for tests, on 127.0.0.1, following the
// published API contract: the control plane speaks the AWS JSON 1.1 protocol (POST / with
// `X-Amz-Target: SageMaker.<Operation>`, errors as status 400 with `{"__type", "message"}` and
// `x-amzn-ErrorType`); the runtime speaks REST-JSON (`POST /endpoints/<name>/invocations`, a
// container's error answered as 424 ModelError with OriginalStatusCode and OriginalMessage).
// Every request's SigV4 signature is checked against the known keys.
//
// Endpoints move through Creating / Updating / Deleting as SageMaker's do, taking `transitionMs`.
// Before an endpoint goes InService, the fake does what SageMaker's hosts do with a model: it
// downloads ModelDataUrl from the S3 peer (real radosgw) and unpacks it; an archive that is not a
// valid tar.gz, has no MLmodel, or holds `fake-container-fails.txt` ends the endpoint Failed with
// a FailureReason (a failed update goes back InService on the previous config, FailureReason
// set, as SageMaker does). The "serving container" answers every row of a request with the
// value in the archive's `fake-container.json` ({"prediction": ...}), so a test can tell which
// version serves. Injected failures: ThrottlingException for the next N calls of an operation, and
// ResourceLimitExceeded when an endpoint would use more instances of a type than its quota.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { x as extract } from 'tar';
import { checkSigV4 } from './sigv4-check';

/** Where the fake reads model archives from, with the keys its "execution role" has. */
export interface FakeSageMakerOptions {
  /** access key id → secret key: the credentials the fake accepts. */
  readonly keys: ReadonlyMap<string, string>;
  readonly s3: { readonly endpoint: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  /** How long Creating, Updating and Deleting take (default 300 ms). */
  readonly transitionMs?: number;
  readonly account?: string;
  readonly region?: string;
}

interface Model {
  readonly name: string;
  readonly arn: string;
  readonly created: number;
  readonly request: Record<string, unknown>;
}
interface EndpointConfig {
  readonly name: string;
  readonly arn: string;
  readonly created: number;
  readonly modelName: string;
  readonly request: Record<string, unknown>;
}
interface Endpoint {
  readonly name: string;
  readonly arn: string;
  readonly created: number;
  modified: number;
  status: 'Creating' | 'Updating' | 'InService' | 'Failed' | 'Deleting' | 'SystemUpdating' | 'RollingBack' | 'OutOfService' | 'UpdateRollbackFailed';
  configName: string;
  failureReason?: string;
  /** What the serving container answers with (from the archive). */
  prediction?: unknown;
}

/** One call the fake received (operation and request body), for assertions. */
export interface FakeSageMakerCall {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  /** The error the fake answered with, when it did. */
  readonly error: string | null;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const validation = (message: string) => new ApiError('ValidationException', message);

/** A running fake SageMaker (control plane and runtime on one port). */
export class FakeSageMaker {
  readonly calls: FakeSageMakerCall[] = [];
  readonly models = new Map<string, Model>();
  readonly endpointConfigs = new Map<string, EndpointConfig>();
  readonly endpoints = new Map<string, Endpoint>();
  private readonly throttles = new Map<string, number>();
  /** Instance type → how many instances of it the account's endpoints may use ('<type> for endpoint usage'); no entry: no limit. */
  readonly instanceQuota = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly s3: S3Client;
  private readonly account: string;
  private readonly region: string;

  private constructor(
    private readonly server: http.Server,
    private readonly options: FakeSageMakerOptions,
  ) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-west-2';
    this.s3 = new S3Client({
      region: 'us-east-1',
      endpoint: options.s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: options.s3.accessKeyId, secretAccessKey: options.s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  static async start(options: FakeSageMakerOptions): Promise<FakeSageMaker> {
    const server = http.createServer();
    const fake = new FakeSageMaker(server, options);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** http://127.0.0.1:PORT: both AWS_ENDPOINT_URL_SAGEMAKER and AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as import('node:net').AddressInfo).port}`;
  }

  /** Answers the next `times` calls of `operation` with ThrottlingException ("Rate exceeded"). */
  throttle(operation: string, times: number): void {
    this.throttles.set(operation, times);
  }

  /** The operations received, in order (optionally only those named). */
  operations(...names: string[]): string[] {
    return this.calls.map((c) => c.operation).filter((op) => names.length === 0 || names.includes(op));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.s3.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = randomUUID();
    const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
    const send = (status: number, payload: unknown, contentType: string, headers: Record<string, string> = {}) => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      response.writeHead(status, { 'content-type': contentType, 'x-amzn-RequestId': requestId, 'content-length': Buffer.byteLength(text), ...headers });
      response.end(text);
    };
    const sendError = (error: ApiError, json11: boolean) =>
      send(error.status, json11 ? { __type: error.code, message: error.message } : { message: error.message }, json11 ? 'application/x-amz-json-1.1' : 'application/json', {
        'x-amzn-ErrorType': `${error.code}:`,
      });
    const problem = checkSigV4({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body }, this.options.keys);
    if (invocation) {
      if (problem) {
        sendError(new ApiError(problem.code, problem.message, problem.code === 'InvalidSignatureException' ? 403 : 400), false);
        return;
      }
      this.invoke(decodeURIComponent(invocation[1]!), request, body, send, (e) => sendError(e, false));
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : '';
    let parsed: Record<string, unknown> = {};
    try {
      parsed = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      sendError(new ApiError('SerializationException', 'Start of structure or map found where not expected.'), true);
      return;
    }
    try {
      if (problem) throw new ApiError(problem.code, problem.message);
      if (request.method !== 'POST' || !operation) throw new ApiError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      if (!String(request.headers['content-type']).startsWith('application/x-amz-json-1.1')) throw new ApiError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
      const left = this.throttles.get(operation) ?? 0;
      if (left > 0) {
        this.throttles.set(operation, left - 1);
        throw new ApiError('ThrottlingException', 'Rate exceeded');
      }
      const answer = await this.operate(operation, parsed);
      this.calls.push({ operation, body: parsed, error: null });
      send(200, answer, 'application/x-amz-json-1.1');
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('InternalFailure', String(error), 500);
      this.calls.push({ operation, body: parsed, error: apiError.code });
      sendError(apiError, true);
    }
  }

  private arn(kind: string, name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.account}:${kind}/${name.toLowerCase()}`;
  }

  private async operate(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const now = Date.now() / 1000;
    const name = (key: string): string => {
      const value = body[key];
      if (typeof value !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(value)) {
        throw validation(`1 validation error detected: Value '${String(value)}' at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`);
      }
      return value;
    };
    switch (operation) {
      case 'CreateModel': {
        const modelName = name('ModelName');
        if (this.models.has(modelName)) throw validation(`Cannot create already existing model "${this.arn('model', modelName)}".`);
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(String(body.ExecutionRoleArn))) throw validation(`Could not access model data: invalid ExecutionRoleArn '${String(body.ExecutionRoleArn)}'.`);
        const container = body.PrimaryContainer as { Image?: string; ModelDataUrl?: string } | undefined;
        if (!container?.Image) throw validation('1 validation error detected: Value null at \'primaryContainer.image\' failed to satisfy constraint: Member must not be null');
        if (container.ModelDataUrl && !/^s3:\/\/[^/]+\/.+/.test(container.ModelDataUrl)) throw validation(`Could not find model data at ${container.ModelDataUrl}.`);
        const model = { name: modelName, arn: this.arn('model', modelName), created: now, request: body };
        this.models.set(modelName, model);
        return { ModelArn: model.arn };
      }
      case 'DescribeModel': {
        const model = this.models.get(name('ModelName'));
        if (!model) throw validation(`Could not find model "${this.arn('model', String(body.ModelName))}".`);
        return { ...model.request, ModelArn: model.arn, CreationTime: model.created };
      }
      case 'DeleteModel': {
        const modelName = name('ModelName');
        if (!this.models.delete(modelName)) throw validation(`Could not find model "${this.arn('model', modelName)}".`);
        return {};
      }
      case 'ListModels':
        return this.list(body, [...this.models.values()], 'Models', (m) => ({ ModelName: m.name, ModelArn: m.arn, CreationTime: m.created }));
      case 'CreateEndpointConfig': {
        const configName = name('EndpointConfigName');
        if (this.endpointConfigs.has(configName)) throw validation(`Cannot create already existing endpoint configuration "${this.arn('endpoint-config', configName)}".`);
        const variants = body.ProductionVariants as Array<{ ModelName?: string; InstanceType?: string; InitialInstanceCount?: number }> | undefined;
        if (!variants?.length) throw validation("1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: Member must not be null");
        const variant = variants[0]!;
        if (!variant.ModelName || !this.models.has(variant.ModelName)) throw validation(`Could not find model "${this.arn('model', String(variant.ModelName))}".`);
        if (!/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(String(variant.InstanceType))) {
          throw validation(`1 validation error detected: Value '${String(variant.InstanceType)}' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set`);
        }
        const config = { name: configName, arn: this.arn('endpoint-config', configName), created: now, modelName: variant.ModelName, request: body };
        this.endpointConfigs.set(configName, config);
        return { EndpointConfigArn: config.arn };
      }
      case 'DeleteEndpointConfig': {
        const configName = name('EndpointConfigName');
        if (!this.endpointConfigs.delete(configName)) throw validation(`Could not find endpoint configuration "${this.arn('endpoint-config', configName)}".`);
        return {};
      }
      case 'ListEndpointConfigs':
        return this.list(body, [...this.endpointConfigs.values()], 'EndpointConfigs', (c) => ({ EndpointConfigName: c.name, EndpointConfigArn: c.arn, CreationTime: c.created }));
      case 'CreateEndpoint': {
        const endpointName = name('EndpointName');
        if (this.endpoints.has(endpointName)) throw validation(`Cannot create already existing endpoint "${this.arn('endpoint', endpointName)}".`);
        const configName = name('EndpointConfigName');
        if (!this.endpointConfigs.has(configName)) throw validation(`Could not find endpoint configuration "${this.arn('endpoint-config', configName)}".`);
        this.checkQuota(configName);
        const endpoint: Endpoint = { name: endpointName, arn: this.arn('endpoint', endpointName), created: now, modified: now, status: 'Creating', configName };
        this.endpoints.set(endpointName, endpoint);
        this.later(() => this.bringUp(endpoint, configName, null));
        return { EndpointArn: endpoint.arn };
      }
      case 'UpdateEndpoint': {
        const endpoint = this.endpoints.get(name('EndpointName'));
        if (!endpoint) throw validation(`Could not find endpoint "${this.arn('endpoint', String(body.EndpointName))}".`);
        const configName = name('EndpointConfigName');
        if (!this.endpointConfigs.has(configName)) throw validation(`Could not find endpoint configuration "${this.arn('endpoint-config', configName)}".`);
        if (endpoint.status !== 'InService') throw validation(`Cannot update in-progress endpoint "${endpoint.arn}".`);
        // The new fleet comes up beside the current one (blue/green), so both count.
        this.checkQuota(configName);
        endpoint.status = 'Updating';
        endpoint.modified = now;
        delete endpoint.failureReason;
        this.later(() => this.bringUp(endpoint, configName, endpoint.configName));
        return { EndpointArn: endpoint.arn };
      }
      case 'DescribeEndpoint': {
        const endpoint = this.endpoints.get(name('EndpointName'));
        if (!endpoint) throw validation(`Could not find endpoint "${this.arn('endpoint', String(body.EndpointName))}".`);
        return {
          EndpointName: endpoint.name,
          EndpointArn: endpoint.arn,
          EndpointConfigName: endpoint.configName,
          EndpointStatus: endpoint.status,
          ...(endpoint.failureReason ? { FailureReason: endpoint.failureReason } : {}),
          CreationTime: endpoint.created,
          LastModifiedTime: endpoint.modified,
          ProductionVariants: endpoint.status === 'InService' ? [{ VariantName: 'cairn', CurrentWeight: 1, CurrentInstanceCount: 1 }] : [],
        };
      }
      case 'DeleteEndpoint': {
        const endpoint = this.endpoints.get(name('EndpointName'));
        if (!endpoint) throw validation(`Could not find endpoint "${this.arn('endpoint', String(body.EndpointName))}".`);
        endpoint.status = 'Deleting';
        this.later(() => this.endpoints.delete(endpoint.name));
        return {};
      }
      case 'ListEndpoints':
        return this.list(body, [...this.endpoints.values()], 'Endpoints', (e) => ({
          EndpointName: e.name,
          EndpointArn: e.arn,
          CreationTime: e.created,
          LastModifiedTime: e.modified,
          EndpointStatus: e.status,
        }));
      default:
        throw new ApiError('UnknownOperationException', `The operation ${operation} is not supported by this fake.`);
    }
  }

  /** ResourceLimitExceeded, worded as SageMaker words it, when `configName`'s instances would exceed their type's quota. */
  private checkQuota(configName: string): void {
    const variant = (config: EndpointConfig | undefined) => {
      const first = (config?.request.ProductionVariants as Array<{ InstanceType?: string; InitialInstanceCount?: number }> | undefined)?.[0];
      return { type: String(first?.InstanceType), count: Number(first?.InitialInstanceCount ?? 1) };
    };
    const wanted = variant(this.endpointConfigs.get(configName));
    const limit = this.instanceQuota.get(wanted.type);
    if (limit === undefined) return;
    const used = [...this.endpoints.values()]
      .filter((endpoint) => endpoint.status !== 'Failed' && endpoint.status !== 'Deleting')
      .map((endpoint) => variant(this.endpointConfigs.get(endpoint.configName)))
      .filter((inUse) => inUse.type === wanted.type)
      .reduce((sum, inUse) => sum + inUse.count, 0);
    if (used + wanted.count <= limit) return;
    throw new ApiError(
      'ResourceLimitExceeded',
      `The account-level service limit '${wanted.type} for endpoint usage' is ${limit} Instances, with current utilization of ${used} Instances and a request delta of ${wanted.count} Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.`,
    );
  }

  private list<T extends { name: string }>(body: Record<string, unknown>, items: T[], key: string, shape: (item: T) => unknown): unknown {
    const contains = typeof body.NameContains === 'string' ? body.NameContains : '';
    const max = typeof body.MaxResults === 'number' ? body.MaxResults : 10;
    const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
    const matching = items.filter((item) => item.name.includes(contains)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = matching.slice(start, start + max);
    return { [key]: page.map(shape), ...(start + max < matching.length ? { NextToken: String(start + max) } : {}) };
  }

  private later(work: () => unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void work();
    }, this.options.transitionMs ?? 300);
    this.timers.add(timer);
  }

  /** What SageMaker's hosts do before InService: fetch and unpack the model; Failed (or back to `previous`) with a FailureReason when that fails. */
  private async bringUp(endpoint: Endpoint, configName: string, previous: string | null): Promise<void> {
    const config = this.endpointConfigs.get(configName);
    const model = config ? this.models.get(config.modelName) : undefined;
    const url = (model?.request.PrimaryContainer as { ModelDataUrl?: string } | undefined)?.ModelDataUrl;
    let outcome: { prediction: unknown } | { failure: string };
    try {
      outcome = url ? await this.loadModel(url) : { failure: 'The model has no ModelDataUrl.' };
    } catch (error) {
      outcome = { failure: String(error) };
    }
    if (!this.endpoints.has(endpoint.name)) return;
    endpoint.modified = Date.now() / 1000;
    if ('prediction' in outcome) {
      endpoint.status = 'InService';
      endpoint.configName = configName;
      endpoint.prediction = outcome.prediction;
    } else if (previous) {
      endpoint.status = 'InService';
      endpoint.failureReason = outcome.failure;
    } else {
      endpoint.status = 'Failed';
      endpoint.failureReason = outcome.failure;
    }
  }

  private async loadModel(url: string): Promise<{ prediction: unknown } | { failure: string }> {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(url) ?? [];
    let bytes: Uint8Array;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = await object.Body!.transformToByteArray();
    } catch (error) {
      return { failure: `Could not download model data from ${url}: ${(error as Error).name}. Please ensure that the execution role can read it.` };
    }
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-sagemaker-'));
    try {
      fs.writeFileSync(path.join(folder, 'model.tar.gz'), bytes);
      fs.mkdirSync(path.join(folder, 'model'));
      try {
        await extract({ file: path.join(folder, 'model.tar.gz'), cwd: path.join(folder, 'model'), strict: true });
      } catch {
        return { failure: `Failed to extract model data archive from URL "${url}". Please ensure that the object located at the URL is a valid tar.gz archive.` };
      }
      const file = (name: string) => path.join(folder, 'model', name);
      if (!fs.existsSync(file('MLmodel'))) return { failure: `The archive at ${url} has no MLmodel at its root: the MLflow serving container cannot load it.` };
      if (fs.existsSync(file('fake-container-fails.txt'))) {
        return { failure: `The primary container for production variant cairn did not pass the ping health check: ${fs.readFileSync(file('fake-container-fails.txt'), 'utf8').trim()}. Please check CloudWatch logs for this endpoint.` };
      }
      const spec = fs.existsSync(file('fake-container.json')) ? (JSON.parse(fs.readFileSync(file('fake-container.json'), 'utf8')) as { prediction?: unknown }) : {};
      return { prediction: spec.prediction ?? null };
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  private invoke(
    name: string,
    request: http.IncomingMessage,
    body: Buffer,
    send: (status: number, payload: unknown, contentType: string, headers?: Record<string, string>) => void,
    fail: (error: ApiError) => void,
  ): void {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) {
      fail(validation(`Endpoint ${name} of account ${this.account} not found.`));
      return;
    }
    if (endpoint.status !== 'InService' && endpoint.status !== 'Updating') {
      fail(validation(`Endpoint ${name} is not in service (it is ${endpoint.status}).`));
      return;
    }
    const contentType = String(request.headers['content-type'] ?? '');
    let rows: number;
    if (contentType.startsWith('text/csv')) {
      rows = body.toString('utf8').trim().split('\n').length - 1;
    } else {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        const original = JSON.stringify({ error_code: 'BAD_REQUEST', message: 'Failed to parse input as JSON.' });
        send(
          424,
          {
            ErrorCode: 'CLIENT_ERROR_FROM_MODEL',
            LogStreamArn: `arn:aws:logs:${this.region}:${this.account}:log-group:/aws/sagemaker/Endpoints/${name}`,
            Message: `Received client error (400) from primary with message "${original}". See logs.`,
            OriginalMessage: original,
            OriginalStatusCode: 400,
          },
          'application/json',
          { 'x-amzn-ErrorType': 'ModelError:' },
        );
        return;
      }
      const split = json.dataframe_split as { data?: unknown[] } | undefined;
      const records = json.dataframe_records ?? json.instances ?? json.inputs;
      rows = split?.data?.length ?? (Array.isArray(records) ? records.length : 1);
    }
    send(200, { predictions: Array.from({ length: rows }, () => endpoint.prediction) }, 'application/json', { 'x-Amzn-Invoked-Production-Variant': 'cairn' });
  }
}
