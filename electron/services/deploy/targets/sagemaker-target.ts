// The AWS SageMaker deploy target, with the AWS SDK for JavaScript v3: the model version's folder
// packed as model.tar.gz (as `mlflow sagemaker` packs it), uploaded to S3, a SageMaker model with
// the serving image (image_url, e.g. what `mlflow sagemaker build-and-push-container` pushed), an
// endpoint config, then CreateEndpoint or UpdateEndpoint, waited for until InService or Failed.
// Every revision's model and endpoint config is named after its operation and kept while the
// deployment's records can roll back to it (the one serving and the one before), so rollback is
// one UpdateEndpoint back to the kept config. When an update fails, SageMaker itself keeps the
// old config serving; Cairn reports the FailureReason and removes what the update made.
//
// Credentials: the keychain's access key when the desktop app holds one, else the SDK's own chain
// (AWS_* environment, aws_profile or the default profile, SSO, instance roles). The SDK's endpoint
// settings are honoured (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SAGEMAKER,
// AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME), so the target can be pointed at local peers; S3 is then
// addressed path-style.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type DescribeEndpointCommandOutput,
  type ListEndpointConfigsCommandOutput,
  type ListModelsCommandOutput,
  type ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CairnError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/quantity-text';
import type { ConnectionCheck, ConnectionCheckItem, DeployTargetInfo, PredictionInput, PredictionResult } from '../../../../shared/deployments';
import type {
  DeployContext,
  DeployTarget,
  TargetDeployment,
  TargetDeploymentRef,
  TargetDeployRequest,
  TargetListedDeployment,
  TargetStatus,
  TargetUpdateRequest,
} from '../deploy-target';
import { completeSettings, seconds, settingInfo, wholeNumber, type CloudSetting } from '../cloud/cloud-settings';
import { writeModelArchive } from '../cloud/model-archive';
import { pollUntil, sleep } from '../cloud/polling';
import { SecretRedactor } from '../cloud/secret-redactor';
import type { SecretStore } from '../secrets/secret-store';
import { awsErrorCode, awsFailure, isAccessDenied, isCredentialError, isNotFound } from './sagemaker/aws-errors';

const TITLE = 'AWS SageMaker';

const SETTINGS: readonly CloudSetting[] = [
  { key: 'region_name', description: 'The AWS region of the endpoint and the bucket, e.g. us-west-2', defaultValue: 'us-west-2', required: true, check: (v) => (/^[a-z]{2}(-[a-z]+)+-\d$/.test(v) ? null : `must be an AWS region such as us-west-2, got '${v}'`) },
  {
    key: 'execution_role_arn',
    description: 'The IAM role SageMaker assumes to read the model from S3 and pull the image, e.g. arn:aws:iam::123456789012:role/SageMakerExecution',
    defaultValue: null,
    required: true,
    check: (v) => (/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(v) ? null : `must be an IAM role ARN such as arn:aws:iam::123456789012:role/SageMakerExecution (12-digit account, then role/<name>), got '${v}'`),
  },
  {
    key: 'bucket',
    description: 'The S3 bucket model.tar.gz is uploaded to (in the same region)',
    defaultValue: null,
    required: true,
    check: (v) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) && !v.includes('..') ? null : `must be an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-'), got '${v}'`),
  },
  {
    key: 'image_url',
    description: 'The serving image in ECR, e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/mlflow-pyfunc:2.17.0 (what `mlflow sagemaker build-and-push-container` pushes)',
    defaultValue: null,
    required: true,
    check: (v) => (/^[\w.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[0-9a-f]{64})?$/.test(v) ? null : `must be an image URI such as 123456789012.dkr.ecr.us-west-2.amazonaws.com/mlflow-pyfunc:2.17.0, got '${v}'`),
  },
  { key: 'instance_type', description: 'The ML instance type serving the model', defaultValue: 'ml.m5.large', check: (v) => (/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(v) ? null : `must be a SageMaker instance type such as ml.m5.large, got '${v}'`) },
  { key: 'instance_count', description: 'How many instances serve the model', defaultValue: '1', check: wholeNumber(1, 100) },
  {
    key: 'endpoint_name',
    description: "The SageMaker endpoint's name; empty: the deployment's name with '_' as '-'",
    defaultValue: '',
    check: (v) => (/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,49}$/.test(v) ? null : `must be 1 to 50 letters, digits and '-', starting and ending with a letter or digit, got '${v}'`),
  },
  { key: 's3_prefix', description: 'The folder of the bucket the archives go to', defaultValue: 'cairn-models', check: (v) => (/^[\w.!*'()/-]{1,200}$/.test(v) && !v.startsWith('/') ? null : `must be a relative S3 key prefix, got '${v}'`) },
  { key: 'aws_profile', description: 'A profile of ~/.aws/config and ~/.aws/credentials to use when the keychain holds no key; empty: the default chain', defaultValue: '' },
  { key: 'timeout_seconds', description: 'How long to wait for the endpoint to be InService', defaultValue: '1800', check: seconds(1, 7200) },
  { key: 'poll_seconds', description: 'How often to ask SageMaker how the endpoint is doing', defaultValue: '15', check: seconds(0.01, 300) },
];

const SECRETS = [
  { key: 'aws_access_key_id', description: 'The access key ID of the IAM user Cairn deploys as', fallback: 'AWS_ACCESS_KEY_ID, aws_profile, the default profile, SSO or an instance role' },
  { key: 'aws_secret_access_key', description: 'Its secret access key', fallback: 'AWS_SECRET_ACCESS_KEY, aws_profile, the default profile, SSO or an instance role' },
  { key: 'aws_session_token', description: 'A session token, for temporary credentials (optional)', fallback: 'AWS_SESSION_TOKEN or the profile' },
] as const;

/** What the target records about a revision (no secrets). */
interface SageMakerState {
  readonly region: string;
  readonly endpointName: string;
  readonly endpointConfigName: string;
  readonly modelName: string;
  readonly modelDataUrl: string;
}

/** What an operation has made so far, removed again when it fails or is cancelled. */
interface MadeResources {
  modelDataUrl?: string;
  modelName?: string;
  endpointConfigName?: string;
  endpoint?: boolean;
}

interface AwsClients {
  readonly s3: S3Client;
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly redactor: SecretRedactor;
}

/** What the SageMaker target needs from where it runs. */
export interface SageMakerTargetOptions {
  readonly secrets: SecretStore;
  /** Where model.tar.gz files are built (a temporary folder when absent). */
  readonly workDir?: string;
}

function stateOf(value: unknown): SageMakerState | null {
  const s = value as Partial<SageMakerState> | null;
  return s && typeof s.endpointConfigName === 'string' && typeof s.endpointName === 'string' && typeof s.modelName === 'string' ? (s as SageMakerState) : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Deploys model versions to SageMaker real-time endpoints. */
export class SageMakerTarget implements DeployTarget {
  readonly info: DeployTargetInfo = {
    name: 'sagemaker',
    title: TITLE,
    description: 'A SageMaker real-time endpoint serving the model from model.tar.gz in S3 with an MLflow serving image, as `mlflow sagemaker` deploys it.',
    settings: SETTINGS.map(settingInfo),
    secrets: SECRETS,
  };

  constructor(private readonly options: SageMakerTargetOptions) {}

  checkConfig(name: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const complete = completeSettings(TITLE, SETTINGS, config);
    if (!complete.endpoint_name) {
      const derived = name.replace(/_/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,49}$/.test(derived)) {
        throw new CairnError('INVALID_PARAMETER_VALUE', `${TITLE} settings: the name '${name}' cannot be a SageMaker endpoint name; set endpoint_name.`);
      }
      complete.endpoint_name = derived;
    }
    return complete;
  }

  async testConnection(config: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ConnectionCheck> {
    const checks: ConnectionCheckItem[] = [];
    const done = () => ({ target: this.info.name, ok: checks.every((c) => c.ok), checks });
    let complete: Readonly<Record<string, string>>;
    try {
      complete = this.checkConfig(config.endpoint_name || 'connection-test', config);
      checks.push({ name: 'settings', ok: true, message: 'The settings are well formed.' });
    } catch (error) {
      checks.push({ name: 'settings', ok: false, message: (error as Error).message });
      return done();
    }
    const imageRegion = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(complete.image_url!)?.[1];
    if (imageRegion && imageRegion !== complete.region_name) {
      checks.push({ name: 'image_url', ok: false, message: `The image is in ${imageRegion} but the endpoint would be in ${complete.region_name}: SageMaker pulls images from its own region; push the image there or change region_name.` });
    }
    const aws = await this.clients(complete);
    try {
      try {
        const found = await aws.sagemaker.send(new ListEndpointsCommand({ MaxResults: 1, NameContains: complete.endpoint_name }), { abortSignal: signal });
        checks.push({ name: 'credentials', ok: true, message: `AWS accepted the credentials; SageMaker in ${complete.region_name} answers (sagemaker:ListEndpoints allowed${found.Endpoints?.length ? `; an endpoint named like ${complete.endpoint_name} exists` : ''}).` });
      } catch (error) {
        checks.push({ name: isCredentialError(error) ? 'credentials' : 'sagemaker:ListEndpoints', ok: false, message: awsFailure('SageMaker ListEndpoints', error, aws.redactor, 'sagemaker:ListEndpoints').message });
        if (isCredentialError(error)) return done();
      }
      try {
        await aws.s3.send(new HeadBucketCommand({ Bucket: complete.bucket }), { abortSignal: signal });
        checks.push({ name: 'bucket', ok: true, message: `The bucket ${complete.bucket} exists and can be listed.` });
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const message =
          status === 404 || isNotFound(error)
            ? `The bucket ${complete.bucket} does not exist (S3 answered 404): create it in ${complete.region_name}, or set bucket to one that exists.`
            : status === 301
              ? `The bucket ${complete.bucket} is in another region than ${complete.region_name}: set region_name to its region.`
              : isAccessDenied(error)
                ? `AccessDenied on s3:ListBucket for ${complete.bucket}: grant s3:ListBucket on arn:aws:s3:::${complete.bucket} to the IAM user or role.`
                : awsFailure(`S3 HeadBucket ${complete.bucket}`, error, aws.redactor, 's3:ListBucket').message;
        checks.push({ name: 'bucket', ok: false, message });
        return done();
      }
      const probeKey = `${complete.s3_prefix}/.cairn-connection-test`;
      try {
        await aws.s3.send(new PutObjectCommand({ Bucket: complete.bucket, Key: probeKey, Body: 'cairn', ContentLength: 5 }), { abortSignal: signal });
        checks.push({ name: 's3:PutObject', ok: true, message: `Cairn can write to s3://${complete.bucket}/${complete.s3_prefix}/.` });
        await aws.s3.send(new DeleteObjectCommand({ Bucket: complete.bucket, Key: probeKey })).catch(() => undefined);
      } catch (error) {
        checks.push({
          name: 's3:PutObject',
          ok: false,
          message: isAccessDenied(error)
            ? `AccessDenied on s3:PutObject for s3://${complete.bucket}/${complete.s3_prefix}/: grant s3:PutObject on arn:aws:s3:::${complete.bucket}/${complete.s3_prefix}/* to the IAM user or role.`
            : awsFailure(`S3 PutObject s3://${complete.bucket}/${probeKey}`, error, aws.redactor, 's3:PutObject').message,
        });
      }
      return done();
    } finally {
      this.destroy(aws);
    }
  }

  async create(request: TargetDeployRequest, context: DeployContext): Promise<TargetDeployment> {
    const config = request.config;
    const aws = await this.clients(config);
    const endpointName = config.endpoint_name!;
    const made: MadeResources = {};
    try {
      await context.step('check-endpoint', `Check that no endpoint ${endpointName} exists`, async (step) => {
        const existing = await this.describe(aws, endpointName, context.signal);
        if (existing) {
          throw new CairnError(
            'RESOURCE_ALREADY_EXISTS',
            `A SageMaker endpoint named ${endpointName} exists already in ${config.region_name} (${existing.EndpointStatus}) and Cairn's records do not know it: delete it in the AWS console, or set endpoint_name to another name.`,
          );
        }
        step.detail(`None in ${config.region_name}; AWS accepted the credentials.`);
      });
      const state = await this.packageAndRegister(aws, request, context, made);
      await context.step('create-endpoint', `Create the endpoint ${endpointName}`, async (step) => {
        await this.call(aws, `SageMaker CreateEndpoint ${endpointName}`, 'sagemaker:CreateEndpoint', context.signal, (abortSignal) =>
          aws.sagemaker.send(
            new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: state.endpointConfigName, Tags: [{ Key: 'cairn:deployment', Value: request.name }] }),
            { abortSignal },
          ),
        );
        made.endpoint = true;
        step.detail(`${endpointName} → ${state.endpointConfigName}`);
      });
      await this.waitInService(aws, config, state.endpointConfigName, context, 'create');
      return { endpointUrl: this.invocationsUrl(config), state: { ...state } };
    } catch (error) {
      // A create that failed or was cancelled leaves nothing behind.
      await this.cleanUp(aws, context, made, made.endpoint ? endpointName : null);
      throw awsFailure('SageMaker deploy', error, aws.redactor);
    } finally {
      this.destroy(aws);
    }
  }

  async update(request: TargetUpdateRequest, context: DeployContext): Promise<TargetDeployment> {
    const config = request.config;
    const aws = await this.clients(config);
    const current = stateOf(request.current.state);
    const endpointName = current?.endpointName ?? config.endpoint_name!;
    const restoring = request.restoring ? stateOf(request.restoring.state) : null;
    const made: MadeResources = {};
    try {
      const endpoint = await context.step('check-endpoint', `Check the endpoint ${endpointName}`, async (step) => {
        const found = await this.describe(aws, endpointName, context.signal);
        if (!found) {
          throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The SageMaker endpoint ${endpointName} no longer exists in ${config.region_name}: delete this deployment and create it again.`);
        }
        if (found.EndpointStatus !== 'InService') {
          throw new CairnError('INVALID_STATE', `The SageMaker endpoint ${endpointName} is ${found.EndpointStatus}, not InService: wait for the change under way to end (\`cairn deploy status\`), then try again.`);
        }
        step.detail(`InService on ${found.EndpointConfigName}.`);
        return found;
      });
      let state: SageMakerState;
      if (restoring && (await this.configExists(aws, restoring.endpointConfigName, context.signal))) {
        state = restoring;
        await context.step('switch-traffic', `Switch ${endpointName} back to ${restoring.endpointConfigName}`, async (step) => {
          await this.updateEndpoint(aws, endpointName, restoring.endpointConfigName, context.signal);
          step.detail(`UpdateEndpoint ${endpointName} → ${restoring.endpointConfigName} (kept since it served ${request.model.name} version ${request.model.version})`);
        });
      } else {
        state = await this.packageAndRegister(aws, request, context, made);
        await context.step('switch-traffic', `Update the endpoint ${endpointName}`, async (step) => {
          await this.updateEndpoint(aws, endpointName, state.endpointConfigName, context.signal);
          step.detail(`UpdateEndpoint ${endpointName} → ${state.endpointConfigName}; ${current?.endpointConfigName ?? endpoint.EndpointConfigName} serves until it is InService`);
        });
      }
      try {
        await this.waitInService(aws, config, state.endpointConfigName, context, 'update');
      } catch (error) {
        if (context.signal.aborted && current) await this.revertCancelledUpdate(aws, config, context, endpointName, state.endpointConfigName, current.endpointConfigName);
        throw error;
      }
      await context.step('remove-unused', 'Remove models and configs no revision needs', async (step) => {
        const keep = new Set([state.endpointConfigName, current?.endpointConfigName, state.modelName, current?.modelName].filter(Boolean) as string[]);
        step.detail(await this.removeUnused(aws, endpointName, keep));
      });
      return { endpointUrl: this.invocationsUrl(config), state: { ...state } };
    } catch (error) {
      // The endpoint still serves the current config (SageMaker rolls a failed update back); what this update made goes.
      await this.cleanUp(aws, context, made, null);
      throw awsFailure('SageMaker update', error, aws.redactor);
    } finally {
      this.destroy(aws);
    }
  }

  async status(ref: TargetDeploymentRef, signal?: AbortSignal): Promise<TargetStatus> {
    const state = stateOf(ref.state);
    const aws = await this.clients(ref.config);
    try {
      const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
      const endpoint = await this.describe(aws, endpointName, signal);
      if (!endpoint) return { health: 'stopped', endpointUrl: ref.endpointUrl, message: `The SageMaker endpoint ${endpointName} does not exist (deleted outside Cairn?).` };
      const status = endpoint.EndpointStatus ?? 'Unknown';
      const health = status === 'InService' ? 'serving' : status === 'Failed' ? 'failed' : ['OutOfService', 'Deleting'].includes(status) ? 'stopped' : 'starting';
      const stale = state && endpoint.EndpointConfigName !== state.endpointConfigName ? ` (Cairn's records expect ${state.endpointConfigName})` : '';
      return {
        health,
        endpointUrl: ref.endpointUrl,
        message: `${endpointName} is ${status} on ${endpoint.EndpointConfigName}${stale}${endpoint.FailureReason ? `; FailureReason: ${endpoint.FailureReason}` : ''}.`,
      };
    } catch (error) {
      return { health: 'unknown', endpointUrl: ref.endpointUrl, message: awsFailure('SageMaker DescribeEndpoint', error, aws.redactor, 'sagemaker:DescribeEndpoint').message };
    } finally {
      this.destroy(aws);
    }
  }

  async predict(ref: TargetDeploymentRef, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult> {
    const state = stateOf(ref.state);
    const aws = await this.clients(ref.config);
    const started = performance.now();
    try {
      const body = 'csv' in input ? input.csv : JSON.stringify(input.json);
      const answer = await aws.runtime.send(
        new InvokeEndpointCommand({
          EndpointName: state?.endpointName ?? ref.config.endpoint_name!,
          ContentType: 'csv' in input ? 'text/csv' : 'application/json',
          Accept: 'application/json',
          Body: Buffer.from(body),
        }),
        { abortSignal: signal },
      );
      const text = Buffer.from(answer.Body ?? new Uint8Array()).toString('utf8');
      return { status: 200, json: parseJson(text), text, durationMs: performance.now() - started };
    } catch (error) {
      // The container answered with an error (ModelError): hand its status and body back as the endpoint's answer.
      const original = error as { OriginalStatusCode?: number; OriginalMessage?: string };
      if (awsErrorCode(error) === 'ModelError' && original.OriginalStatusCode) {
        const text = original.OriginalMessage ?? '';
        return { status: original.OriginalStatusCode, json: parseJson(text), text, durationMs: performance.now() - started };
      }
      throw awsFailure('SageMaker InvokeEndpoint', error, aws.redactor, 'sagemaker:InvokeEndpoint');
    } finally {
      this.destroy(aws);
    }
  }

  async delete(ref: TargetDeploymentRef, context: DeployContext): Promise<void> {
    const state = stateOf(ref.state);
    const aws = await this.clients(ref.config);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    try {
      await context.step('delete-endpoint', `Delete the endpoint ${endpointName}`, async (step) => {
        const endpoint = await this.describe(aws, endpointName, context.signal);
        if (!endpoint) {
          step.detail('It did not exist.');
          return;
        }
        await this.call(aws, `SageMaker DeleteEndpoint ${endpointName}`, 'sagemaker:DeleteEndpoint', context.signal, (abortSignal) =>
          aws.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName }), { abortSignal }),
        );
        step.detail(`Deleted ${endpointName} (it was ${endpoint.EndpointStatus} on ${endpoint.EndpointConfigName}).`);
      });
      await context.step('remove-unused', 'Delete its models, endpoint configs and archives', async (step) => {
        step.detail(await this.removeUnused(aws, endpointName, new Set()));
      });
    } catch (error) {
      throw awsFailure('SageMaker delete', error, aws.redactor);
    } finally {
      this.destroy(aws);
    }
  }

  /** Cloud targets are listed from Cairn's records: without a deployment's settings there is no account or region to ask. */
  async list(): Promise<TargetListedDeployment[]> {
    return [];
  }

  // ---------------------------------------------------------------- internals

  private async clients(config: Readonly<Record<string, string>>): Promise<AwsClients> {
    const redactor = new SecretRedactor();
    const [keyId, secret, token] = await Promise.all(SECRETS.map((s) => this.options.secrets.get(`sagemaker/${s.key}`)));
    for (const value of [secret, token, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]) redactor.add(value);
    const credentials = keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } : undefined;
    const common = {
      region: config.region_name,
      maxAttempts: 6,
      ...(credentials ? { credentials } : {}),
      ...(!credentials && config.aws_profile ? { profile: config.aws_profile } : {}),
    };
    const customS3 = Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
    return {
      redactor,
      s3: new S3Client({ ...common, forcePathStyle: customS3, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
      sagemaker: new SageMakerClient(common),
      runtime: new SageMakerRuntimeClient({ ...common, maxAttempts: 3 }),
    };
  }

  private destroy(aws: AwsClients): void {
    aws.s3.destroy();
    aws.sagemaker.destroy();
    aws.runtime.destroy();
  }

  private invocationsUrl(config: Readonly<Record<string, string>>): string {
    const base = (process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME || process.env.AWS_ENDPOINT_URL || `https://runtime.sagemaker.${config.region_name}.amazonaws.com`).replace(/\/+$/, '');
    return `${base}/endpoints/${config.endpoint_name}/invocations`;
  }

  /** Runs an AWS call, recording retries (the SDK retries throttling and transient errors with backoff). */
  private async call<T extends { $metadata?: { attempts?: number } }>(
    aws: AwsClients,
    what: string,
    permission: string,
    signal: AbortSignal,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(signal);
    } catch (error) {
      if (signal.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
      throw awsFailure(what, error, aws.redactor, permission);
    }
  }

  private async describe(aws: AwsClients, endpointName: string, signal?: AbortSignal): Promise<DescribeEndpointCommandOutput | null> {
    try {
      return await aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }), { abortSignal: signal });
    } catch (error) {
      if (isNotFound(error)) return null;
      if (signal?.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
      throw awsFailure(`SageMaker DescribeEndpoint ${endpointName}`, error, aws.redactor, 'sagemaker:DescribeEndpoint');
    }
  }

  private async configExists(aws: AwsClients, configName: string, signal: AbortSignal): Promise<boolean> {
    const listed = await aws.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: configName, MaxResults: 100 }), { abortSignal: signal });
    return (listed.EndpointConfigs ?? []).some((c) => c.EndpointConfigName === configName);
  }

  private async updateEndpoint(aws: AwsClients, endpointName: string, configName: string, signal: AbortSignal): Promise<void> {
    await this.call(aws, `SageMaker UpdateEndpoint ${endpointName}`, 'sagemaker:UpdateEndpoint', signal, (abortSignal) =>
      aws.sagemaker.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }), { abortSignal }),
    );
  }

  /** package-model, upload-model, create-model, create-endpoint-config: what a new revision needs before the endpoint moves to it. */
  private async packageAndRegister(aws: AwsClients, request: TargetDeployRequest, context: DeployContext, made: MadeResources): Promise<SageMakerState> {
    const config = request.config;
    const endpointName = config.endpoint_name!;
    const workDir = fs.mkdtempSync(path.join(this.options.workDir ?? os.tmpdir(), 'cairn-sagemaker-'));
    try {
      const archive = path.join(workDir, 'model.tar.gz');
      const size = await context.step('package-model', 'Package the model as model.tar.gz', async (step) => {
        const started = performance.now();
        const bytes = await writeModelArchive(request.modelDir, archive);
        step.detail(`${formatBytes(bytes)} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
        return bytes;
      });
      const key = `${config.s3_prefix}/${endpointName}/${request.operationId}/model.tar.gz`;
      const modelDataUrl = `s3://${config.bucket}/${key}`;
      await context.step('upload-model', `Upload it to ${modelDataUrl}`, async (step) => {
        const started = performance.now();
        const answer = await this.call(aws, `S3 PutObject ${modelDataUrl}`, `s3:PutObject on arn:aws:s3:::${config.bucket}/${key}`, context.signal, (abortSignal) =>
          aws.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: fs.createReadStream(archive), ContentLength: size, ContentType: 'application/gzip' }), {
            abortSignal,
          }),
        );
        made.modelDataUrl = modelDataUrl;
        const secondsTaken = (performance.now() - started) / 1000;
        step.detail(`${formatBytes(size)} in ${secondsTaken.toFixed(2)} s (${formatBytes(size / Math.max(secondsTaken, 1e-6))}/s)${retriedNote(answer)}`);
      });
      const modelName = `${endpointName}-m${request.operationId}`;
      await context.step('create-model', `Create the SageMaker model ${modelName}`, async (step) => {
        const answer = await this.call(aws, `SageMaker CreateModel ${modelName}`, 'sagemaker:CreateModel and iam:PassRole on the execution role', context.signal, (abortSignal) =>
          aws.sagemaker.send(
            new CreateModelCommand({
              ModelName: modelName,
              ExecutionRoleArn: config.execution_role_arn,
              PrimaryContainer: {
                Image: config.image_url,
                ModelDataUrl: modelDataUrl,
                // What MLflow's serving container reads to pick the flavour and its SageMaker behaviour.
                Environment: { MLFLOW_DEPLOYMENT_FLAVOR_NAME: 'python_function', SERVING_ENVIRONMENT: 'SageMaker' },
              },
              Tags: [
                { Key: 'cairn:deployment', Value: request.name },
                { Key: 'cairn:model', Value: `${request.model.name}/${request.model.version}`.slice(0, 256) },
              ],
            }),
            { abortSignal },
          ),
        );
        made.modelName = modelName;
        step.detail(`${answer.ModelArn ?? modelName} with ${config.image_url}${retriedNote(answer)}`);
      });
      const endpointConfigName = `${endpointName}-c${request.operationId}`;
      await context.step('create-endpoint-config', `Create the endpoint config ${endpointConfigName}`, async (step) => {
        const answer = await this.call(aws, `SageMaker CreateEndpointConfig ${endpointConfigName}`, 'sagemaker:CreateEndpointConfig', context.signal, (abortSignal) =>
          aws.sagemaker.send(
            new CreateEndpointConfigCommand({
              EndpointConfigName: endpointConfigName,
              ProductionVariants: [
                { VariantName: 'cairn', ModelName: modelName, InitialInstanceCount: Number(config.instance_count), InstanceType: config.instance_type as ProductionVariantInstanceType, InitialVariantWeight: 1 },
              ],
              Tags: [{ Key: 'cairn:deployment', Value: request.name }],
            }),
            { abortSignal },
          ),
        );
        made.endpointConfigName = endpointConfigName;
        step.detail(`${config.instance_count} × ${config.instance_type}${retriedNote(answer)}`);
      });
      return { region: config.region_name!, endpointName, endpointConfigName, modelName, modelDataUrl };
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }

  /** Polls DescribeEndpoint until the endpoint is InService on `configName`; fails with SageMaker's FailureReason. */
  private async waitInService(aws: AwsClients, config: Readonly<Record<string, string>>, configName: string, context: DeployContext, kind: 'create' | 'update'): Promise<void> {
    const endpointName = config.endpoint_name!;
    await context.step('wait-in-service', `Wait for ${endpointName} to be InService`, async (step) => {
      const started = Date.now();
      await pollUntil<void>({
        signal: context.signal,
        intervalMs: Number(config.poll_seconds) * 1000,
        timeoutMs: Number(config.timeout_seconds) * 1000,
        onProgress: (detail) => step.detail(detail),
        timeoutMessage: (last, waited) =>
          `${endpointName} was not InService after ${waited} s (timeout_seconds=${config.timeout_seconds}); last seen: ${last}. ` +
          (kind === 'update'
            ? 'SageMaker may still finish the update: `cairn deploy status` shows where it stands; the previous version serves meanwhile.'
            : 'It is deleted again; raise timeout_seconds if the image is large, or look at its CloudWatch logs (/aws/sagemaker/Endpoints/' + endpointName + ').'),
        check: async () => {
          let endpoint: DescribeEndpointCommandOutput | null;
          try {
            endpoint = await this.describe(aws, endpointName, context.signal);
          } catch (error) {
            // Throttling and transient errors while waiting: keep waiting (the SDK retried already).
            if (context.signal.aborted || isCredentialError(error)) throw error;
            return { done: false, detail: `DescribeEndpoint failed, asking again: ${(error as Error).message}` };
          }
          if (!endpoint) throw new CairnError('INVALID_STATE', `The endpoint ${endpointName} disappeared while Cairn waited for it (deleted outside Cairn?).`);
          const status = endpoint.EndpointStatus;
          const elapsed = `${Math.round((Date.now() - started) / 1000)} s`;
          if (status === 'InService' && endpoint.EndpointConfigName === configName) return { done: true, value: undefined };
          if (status === 'InService' && kind === 'update') {
            throw new CairnError(
              'INVALID_STATE',
              `SageMaker rolled the update back: ${endpointName} is InService on ${endpoint.EndpointConfigName}, not ${configName}. FailureReason: ${endpoint.FailureReason ?? '(none given)'}. The previous version goes on serving; fix what the reason names (often the image or the model's requirements; see CloudWatch logs /aws/sagemaker/Endpoints/${endpointName}) and update again.`,
            );
          }
          if (status === 'Failed' || status === 'UpdateRollbackFailed') {
            throw new CairnError(
              'INVALID_STATE',
              `${endpointName} is ${status}. FailureReason: ${endpoint.FailureReason ?? '(none given)'}. Look at its CloudWatch logs (/aws/sagemaker/Endpoints/${endpointName}); fix the image_url, the role's permissions or the model's requirements, then deploy again.`,
            );
          }
          return { done: false, detail: `${status} after ${elapsed}` };
        },
      });
      step.detail(`InService on ${configName} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  }

  /** A cancelled update cannot be stopped in SageMaker: wait for it to settle, then move the endpoint back to the config that served. */
  private async revertCancelledUpdate(
    aws: AwsClients,
    config: Readonly<Record<string, string>>,
    context: DeployContext,
    endpointName: string,
    newConfig: string,
    previousConfig: string,
  ): Promise<void> {
    const open = context.beginCleanUp('revert-update', `Return ${endpointName} to ${previousConfig} (SageMaker cannot stop an update under way)`);
    try {
      const deadline = Date.now() + Number(config.timeout_seconds) * 1000;
      for (;;) {
        const endpoint = await this.describe(aws, endpointName);
        if (!endpoint) break;
        if (endpoint.EndpointStatus === 'InService' || endpoint.EndpointStatus === 'Failed') {
          if (endpoint.EndpointConfigName === newConfig && endpoint.EndpointStatus === 'InService') {
            await aws.sagemaker.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: previousConfig }));
            open.succeed(`The update had finished; UpdateEndpoint back to ${previousConfig} was sent.`);
          } else {
            open.succeed(`${endpointName} stayed on ${endpoint.EndpointConfigName}.`);
          }
          return;
        }
        if (Date.now() > deadline) break;
        await sleep(Number(config.poll_seconds) * 1000);
      }
      open.fail(new CairnError('INVALID_STATE', `${endpointName} was still updating after timeout_seconds; \`cairn deploy status\` shows where it ended.`));
    } catch (error) {
      open.fail(awsFailure('Returning to the previous config', error, aws.redactor));
    }
  }

  /** Deletes what an operation made before it failed or was cancelled (runs even after cancellation). */
  private async cleanUp(aws: AwsClients, context: DeployContext, made: MadeResources, endpointName: string | null): Promise<void> {
    if (!endpointName && !made.endpointConfigName && !made.modelName && !made.modelDataUrl) return;
    const open = context.beginCleanUp('clean-up', 'Remove what this operation made');
    const removed: string[] = [];
    try {
      if (endpointName) {
        await aws.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName })).catch(ignoreNotFound);
        removed.push(`endpoint ${endpointName}`);
      }
      if (made.endpointConfigName) {
        await aws.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: made.endpointConfigName })).catch(ignoreNotFound);
        removed.push(`config ${made.endpointConfigName}`);
      }
      if (made.modelName) {
        await aws.sagemaker.send(new DeleteModelCommand({ ModelName: made.modelName })).catch(ignoreNotFound);
        removed.push(`model ${made.modelName}`);
      }
      if (made.modelDataUrl) {
        await this.deleteArchive(aws, made.modelDataUrl);
        removed.push(made.modelDataUrl);
      }
      open.succeed(`Removed ${removed.join(', ')}.`);
    } catch (error) {
      open.fail(awsFailure(`Removing ${removed.length ? 'the rest after ' + removed.join(', ') : 'what this operation made'}`, error, aws.redactor));
    }
  }

  /** Deletes the endpoint's configs and models (with their archives) not in `keep`; returns what it did. */
  private async removeUnused(aws: AwsClients, endpointName: string, keep: ReadonlySet<string>): Promise<string> {
    const ours = new RegExp(`^${escapeRegExp(endpointName)}-[cm]\\d+$`);
    const configs: string[] = [];
    let token: string | undefined;
    do {
      const page: ListEndpointConfigsCommandOutput = await aws.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: endpointName, MaxResults: 100, NextToken: token }));
      for (const c of page.EndpointConfigs ?? []) if (c.EndpointConfigName && ours.test(c.EndpointConfigName)) configs.push(c.EndpointConfigName);
      token = page.NextToken;
    } while (token);
    const models: string[] = [];
    token = undefined;
    do {
      const page: ListModelsCommandOutput = await aws.sagemaker.send(new ListModelsCommand({ NameContains: endpointName, MaxResults: 100, NextToken: token }));
      for (const m of page.Models ?? []) if (m.ModelName && ours.test(m.ModelName)) models.push(m.ModelName);
      token = page.NextToken;
    } while (token);
    const removed: string[] = [];
    for (const name of configs.filter((c) => !keep.has(c))) {
      await aws.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })).catch(ignoreNotFound);
      removed.push(name);
    }
    for (const name of models.filter((m) => !keep.has(m))) {
      const described = await aws.sagemaker.send(new DescribeModelCommand({ ModelName: name })).catch(ignoreNotFound);
      await aws.sagemaker.send(new DeleteModelCommand({ ModelName: name })).catch(ignoreNotFound);
      const url = described?.PrimaryContainer?.ModelDataUrl;
      if (url) await this.deleteArchive(aws, url);
      removed.push(name);
    }
    const kept = [...keep].filter((k) => configs.includes(k) || models.includes(k));
    return `${removed.length ? `Removed ${removed.join(', ')}` : 'Nothing to remove'}${kept.length ? `; kept ${kept.join(', ')}` : ''}.`;
  }

  private async deleteArchive(aws: AwsClients, modelDataUrl: string): Promise<void> {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(modelDataUrl);
    if (match) await aws.s3.send(new DeleteObjectCommand({ Bucket: match[1], Key: match[2] })).catch(ignoreNotFound);
  }
}

function ignoreNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

function retriedNote(answer: { $metadata?: { attempts?: number } }): string {
  const attempts = answer.$metadata?.attempts ?? 1;
  return attempts > 1 ? ` (answered at attempt ${attempts}: AWS throttled or failed the earlier ones, retried with backoff)` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}


