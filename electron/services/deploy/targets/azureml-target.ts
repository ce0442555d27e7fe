// The Azure ML deploy target: a managed online endpoint serving the model version as an MLflow
// model (no scoring script, no environment: Azure ML builds them for mlflow_model assets). The
// version's MLflow folder is uploaded to the workspace's blob datastore with @azure/storage-blob
// (the account key from the datastore's listSecrets), registered as a model version, and served
// by a new deployment beside the current one (blue/green): traffic moves to it only once it has
// provisioned, so a failed update leaves the current one serving. Every ARM call that starts work
// is followed as ARM's long-running operations are (Azure-AsyncOperation, else Location).
// Deployments are named after their operation (op<id>); the serving one and the one before are kept,
// so rollback is one traffic change back. Predictions go to the endpoint's scoring URI with its key.
//
// Credentials through the Azure SDK (azureml/azure-credential.ts): an Entra ID app registration
// (tenant_id and client_id, else AZURE_TENANT_ID and AZURE_CLIENT_ID) with its client secret from
// the keychain when the desktop app holds one, else AZURE_CLIENT_SECRET; without a secret,
// DefaultAzureCredential (e.g. an Azure CLI login). authority_host, else AZURE_AUTHORITY_HOST,
// points the sign-in elsewhere; arm_endpoint and blob_endpoint point ARM and the datastore
// elsewhere (a sovereign cloud, or local peers).
import { performance } from 'node:perf_hooks';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { CairnError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/quantity-text';
import type { ConnectionCheck, ConnectionCheckItem, DeployTargetInfo, PredictionInput, PredictionResult } from '../../../../shared/deployments';
import type {
  DeployContext,
  DeployTarget,
  StepHandle,
  TargetDeployment,
  TargetDeploymentRef,
  TargetDeployRequest,
  TargetListedDeployment,
  TargetStatus,
  TargetUpdateRequest,
} from '../deploy-target';
import { completeSettings, seconds, serviceUrl, settingInfo, wholeNumber, type CloudSetting } from '../cloud/cloud-settings';
import { listModelFiles } from '../cloud/model-archive';
import { SecretRedactor } from '../cloud/secret-redactor';
import type { SecretStore } from '../secrets/secret-store';
import { azureSignIn, DEFAULT_AUTHORITY_HOST } from './azureml/azure-credential';
import { ArmClient, azureFailure, isNotFound, sendRequest, stringField, type ArmAnswer } from './azureml/arm-client';

const TITLE = 'Azure ML';
/** The ARM API version of Microsoft.MachineLearningServices used (GA for managed online endpoints). */
const AZUREML_API_VERSION = '2024-04-01';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ENDPOINT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;

const SETTINGS: readonly CloudSetting[] = [
  { key: 'subscription_id', description: "The Azure subscription's ID (a GUID)", defaultValue: null, required: true, check: (v) => (GUID.test(v) ? null : `must be a subscription ID such as 00000000-0000-0000-0000-000000000000, got '${v}'`) },
  { key: 'resource_group', description: 'The resource group of the workspace', defaultValue: null, required: true, check: (v) => (/^[\w().-]{1,90}$/.test(v) && !v.endsWith('.') ? null : `must be a resource group name (1 to 90 letters, digits, '_', '-', '.', '(' and ')'), got '${v}'`) },
  { key: 'workspace_name', description: 'The Azure ML workspace', defaultValue: null, required: true, check: (v) => (/^[a-zA-Z0-9][\w-]{2,32}$/.test(v) ? null : `must be a workspace name (3 to 33 letters, digits, '_' and '-'), got '${v}'`) },
  { key: 'tenant_id', description: 'The Entra ID tenant (directory ID, a GUID) of the app registration Cairn deploys as; empty: AZURE_TENANT_ID, or the Azure CLI login\'s', defaultValue: '', check: (v) => (GUID.test(v) || /^[\w.-]+\.[a-z]{2,}$/i.test(v) ? null : `must be a tenant ID (a GUID) or its domain, got '${v}'`) },
  { key: 'client_id', description: 'The application (client) ID of the app registration (a GUID), its secret in the keychain or AZURE_CLIENT_SECRET; empty: AZURE_CLIENT_ID. Without a secret Cairn signs in as DefaultAzureCredential (e.g. az login)', defaultValue: '', check: (v) => (GUID.test(v) ? null : `must be an application (client) ID (a GUID), got '${v}'`) },
  { key: 'location', description: 'The Azure region of the workspace, e.g. eastus', defaultValue: 'eastus', check: (v) => (/^[a-z][a-z0-9]{2,30}$/.test(v) ? null : `must be an Azure region name such as eastus or westeurope, got '${v}'`) },
  { key: 'instance_type', description: 'The VM size serving the model', defaultValue: 'Standard_DS3_v2', check: (v) => (/^Standard_[A-Za-z0-9_]+$/.test(v) ? null : `must be a VM size such as Standard_DS3_v2, got '${v}'`) },
  { key: 'instance_count', description: 'How many instances serve the model', defaultValue: '1', check: wholeNumber(1, 100) },
  { key: 'endpoint_name', description: "The online endpoint's name (unique in the region); empty: the deployment's name with '_' as '-'", defaultValue: '', check: (v) => (ENDPOINT_NAME.test(v) ? null : `must be 3 to 32 letters, digits and '-', starting with a letter and not ending with '-', got '${v}'`) },
  { key: 'model_name', description: "The name the versions are registered under in the workspace; empty: the registered model's name", defaultValue: '', check: (v) => (/^[a-zA-Z0-9][\w.-]{0,254}$/.test(v) ? null : `must be a model name (letters, digits, '_', '-', '.'), got '${v}'`) },
  { key: 'datastore', description: 'The blob datastore of the workspace the model files go to', defaultValue: 'workspaceblobstore', check: (v) => (/^[a-z0-9_]{1,255}$/.test(v) ? null : `must be a datastore name (lower-case letters, digits, '_'), got '${v}'`) },
  { key: 'arm_endpoint', description: 'Azure Resource Manager', defaultValue: 'https://management.azure.com', check: serviceUrl },
  { key: 'authority_host', description: 'Entra ID; empty: AZURE_AUTHORITY_HOST, else https://login.microsoftonline.com', defaultValue: '', check: serviceUrl },
  { key: 'blob_endpoint', description: "The datastore's blob service URL; empty: the one its storage account has (https://<account>.blob.core.windows.net)", defaultValue: '', check: serviceUrl },
  { key: 'timeout_seconds', description: 'How long to wait for the endpoint and the deployment to provision', defaultValue: '1800', check: seconds(1, 7200) },
  { key: 'poll_seconds', description: 'How often to ask ARM how a long-running operation is doing', defaultValue: '10', check: seconds(0.01, 300) },
];

const SECRETS = [
  { key: 'client_secret', description: 'The client secret (its value) of the app registration Cairn deploys as', fallback: 'AZURE_CLIENT_SECRET' },
] as const;

/** What the target records about a revision (no secrets). */
interface AzureMlState {
  readonly endpointName: string;
  readonly deploymentName: string;
  readonly modelName: string;
  readonly modelVersion: string;
  /** The datastore path the model's files went to. */
  readonly modelPath: string;
}

/** What an operation has made so far, removed again when it fails or is cancelled. */
interface MadeResources {
  modelPath?: string;
  modelVersion?: { name: string; version: string };
  endpoint?: boolean;
  deployment?: string;
}

/** One operation's connection to the workspace. */
interface Workspace {
  readonly arm: ArmClient;
  readonly redactor: SecretRedactor;
  /** Who Cairn signs in as, for messages. */
  readonly who: string;
  readonly config: Readonly<Record<string, string>>;
  /** /subscriptions/.../workspaces/<ws> */
  readonly path: string;
}

/** What the Azure ML target needs from where it runs. */
export interface AzureMlTargetOptions {
  readonly secrets: SecretStore;
}

function stateOf(value: unknown): AzureMlState | null {
  const s = value as Partial<AzureMlState> | null;
  return s && typeof s.endpointName === 'string' && typeof s.deploymentName === 'string' ? (s as AzureMlState) : null;
}

function withApiVersion(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}api-version=${AZUREML_API_VERSION}`;
}

/** Deploys model versions to Azure ML managed online endpoints. */
export class AzureMlTarget implements DeployTarget {
  readonly info: DeployTargetInfo = {
    name: 'azureml',
    title: TITLE,
    description: 'An Azure ML managed online endpoint serving the model as an MLflow model, each version a deployment beside the last (blue/green), traffic moved once it is ready.',
    settings: SETTINGS.map(settingInfo),
    secrets: SECRETS,
  };

  constructor(private readonly options: AzureMlTargetOptions) {}

  checkConfig(name: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const complete = completeSettings(TITLE, SETTINGS, config);
    if (!complete.endpoint_name) {
      const derived = name.replace(/_/g, '-').replace(/^[^a-zA-Z]+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
      if (!ENDPOINT_NAME.test(derived)) throw new CairnError('INVALID_PARAMETER_VALUE', `${TITLE} settings: the name '${name}' cannot be an online endpoint name; set endpoint_name.`);
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
    let workspace: Workspace;
    try {
      workspace = await this.connect(complete);
    } catch (error) {
      checks.push({ name: 'credentials', ok: false, message: (error as Error).message });
      return done();
    }
    try {
      await workspace.arm.accessToken(signal);
      checks.push({ name: 'credentials', ok: true, message: `Entra ID gave ${workspace.who} a token for Azure Resource Manager.` });
    } catch (error) {
      checks.push({ name: 'credentials', ok: false, message: azureFailure(`Signing in to Entra ID as ${workspace.who}`, error, workspace.redactor).message });
      return done();
    }
    try {
      const answer = await workspace.arm.request('GET', withApiVersion(workspace.path), undefined, signal);
      const location = stringField(answer.json?.location, '');
      const wrongRegion = location && location !== complete.location ? ` It is in ${location}, not ${complete.location}: set location to ${location}.` : '';
      checks.push({ name: 'workspace', ok: !wrongRegion, message: `The workspace ${complete.workspace_name} exists and can be read.${wrongRegion}` });
    } catch (error) {
      checks.push({ name: 'workspace', ok: false, message: azureFailure(`Reading the workspace ${complete.workspace_name}`, error, workspace.redactor, 'Microsoft.MachineLearningServices/workspaces/read').message });
      return done();
    }
    try {
      const container = await this.datastoreContainer(workspace, signal);
      const probe = container.getBlockBlobClient('cairn-models/.cairn-connection-test');
      await probe.uploadData(Buffer.from('cairn'), { abortSignal: signal });
      await probe.deleteIfExists();
      checks.push({ name: 'datastore', ok: true, message: `Cairn can write to the datastore ${complete.datastore} (container ${container.containerName}).` });
    } catch (error) {
      checks.push({ name: 'datastore', ok: false, message: this.storageFailure(`Writing to the datastore ${complete.datastore}`, error, workspace.redactor).message });
    }
    return done();
  }

  async create(request: TargetDeployRequest, context: DeployContext): Promise<TargetDeployment> {
    const workspace = await this.connect(request.config);
    const endpointName = request.config.endpoint_name!;
    const made: MadeResources = {};
    try {
      await context.step('check-endpoint', `Check that no endpoint ${endpointName} exists`, async (step) => {
        const existing = await this.getEndpoint(workspace, endpointName, context.signal);
        if (existing) {
          throw new CairnError(
            'RESOURCE_ALREADY_EXISTS',
            `An online endpoint named ${endpointName} exists already in ${request.config.workspace_name} (${stringField(existing.properties?.provisioningState, 'Unknown')}) and Cairn's records do not know it: delete it in Azure ML studio, or set endpoint_name to another name.`,
          );
        }
        step.detail(`None in ${request.config.workspace_name}; Entra ID and ARM accepted the credentials.`);
      });
      const state = await this.uploadAndRegister(workspace, request, context, made);
      await context.step('create-endpoint', `Create the online endpoint ${endpointName}`, async (step) => {
        const answer = await this.call(workspace, `Creating the endpoint ${endpointName}`, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write', context, () =>
          workspace.arm.request('PUT', withApiVersion(this.endpointPath(workspace, endpointName)), this.endpointBody(workspace, request.name, {}), context.signal),
        );
        made.endpoint = true;
        await this.waitFor(workspace, answer, `The endpoint ${endpointName}`, context, step);
      });
      await this.createDeployment(workspace, state, request, context, made);
      const scoringUri = await this.switchTraffic(workspace, request.name, state, context, 'Send all traffic to', 'kept for rollback');
      return { endpointUrl: scoringUri, state: { ...state } };
    } catch (error) {
      // A create that failed or was cancelled leaves nothing behind.
      await this.cleanUp(workspace, context, made);
      throw azureFailure('Azure ML deploy', error, workspace.redactor);
    }
  }

  async update(request: TargetUpdateRequest, context: DeployContext): Promise<TargetDeployment> {
    const workspace = await this.connect(request.config);
    const current = stateOf(request.current.state);
    const endpointName = current?.endpointName ?? request.config.endpoint_name!;
    const restoring = request.restoring ? stateOf(request.restoring.state) : null;
    const made: MadeResources = {};
    try {
      await context.step('check-endpoint', `Check the endpoint ${endpointName}`, async (step) => {
        const found = await this.getEndpoint(workspace, endpointName, context.signal);
        if (!found) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The online endpoint ${endpointName} no longer exists in ${request.config.workspace_name}: delete this deployment and create it again.`);
        const provisioning = stringField(found.properties?.provisioningState, 'Unknown');
        if (provisioning !== 'Succeeded') throw new CairnError('INVALID_STATE', `The online endpoint ${endpointName} is ${provisioning}, not Succeeded: wait for the change under way to end (\`cairn deploy status\`), then try again.`);
        step.detail(`Succeeded; traffic ${trafficText(found.properties?.traffic)}.`);
      });
      let state: AzureMlState;
      if (restoring && (await this.deploymentReady(workspace, endpointName, restoring.deploymentName, context.signal))) {
        state = restoring;
        const scoringUri = await this.switchTraffic(workspace, request.name, state, context, 'Send all traffic back to', `kept since it served ${request.model.name} version ${request.model.version}`);
        await this.removeUnusedStep(workspace, endpointName, [state, current], context);
        return { endpointUrl: scoringUri, state: { ...state } };
      }
      state = await this.uploadAndRegister(workspace, request, context, made);
      await this.createDeployment(workspace, state, request, context, made);
      const scoringUri = await this.switchTraffic(workspace, request.name, state, context, 'Send all traffic to', `${current?.deploymentName ?? 'the previous deployment'} kept for rollback`);
      await this.removeUnusedStep(workspace, endpointName, [state, current], context);
      return { endpointUrl: scoringUri, state: { ...state } };
    } catch (error) {
      // Traffic never left the current deployment; what this update made goes.
      await this.cleanUp(workspace, context, made);
      throw azureFailure('Azure ML update', error, workspace.redactor);
    }
  }

  async status(ref: TargetDeploymentRef, signal?: AbortSignal): Promise<TargetStatus> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    let workspace: Workspace | null = null;
    try {
      workspace = await this.connect(ref.config);
      const endpoint = await this.getEndpoint(workspace, endpointName, signal);
      if (!endpoint) return { health: 'stopped', endpointUrl: ref.endpointUrl, message: `The online endpoint ${endpointName} does not exist (deleted outside Cairn?).` };
      const provisioning = stringField(endpoint.properties?.provisioningState, 'Unknown');
      const traffic = (endpoint.properties?.traffic ?? {}) as Record<string, number>;
      const deployment = state ? await this.getDeployment(workspace, endpointName, state.deploymentName, signal) : null;
      const deploymentState = stringField(deployment?.properties?.provisioningState, 'missing');
      const servesOurs = state ? (traffic[state.deploymentName] ?? 0) > 0 : false;
      const health =
        provisioning === 'Failed' || deploymentState === 'Failed'
          ? 'failed'
          : provisioning === 'Deleting'
            ? 'stopped'
            : provisioning === 'Succeeded' && deploymentState === 'Succeeded' && servesOurs
              ? 'serving'
              : ['Creating', 'Updating'].includes(provisioning) || ['Creating', 'Updating'].includes(deploymentState)
                ? 'starting'
                : 'unknown';
      const expected = state && !servesOurs ? ` (Cairn's records expect traffic on ${state.deploymentName})` : '';
      return {
        health,
        endpointUrl: stringField(endpoint.properties?.scoringUri, ref.endpointUrl ?? ''),
        message: `${endpointName} is ${provisioning}; deployment ${state?.deploymentName ?? '?'} is ${deploymentState}; traffic ${trafficText(traffic)}${expected}.`,
      };
    } catch (error) {
      return { health: 'unknown', endpointUrl: ref.endpointUrl, message: azureFailure('Reading the endpoint', error, workspace?.redactor ?? new SecretRedactor(), 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read').message };
    }
  }

  async predict(ref: TargetDeploymentRef, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    const workspace = await this.connect(ref.config);
    try {
      const keys = await workspace.arm.request('POST', withApiVersion(`${this.endpointPath(workspace, endpointName)}/listKeys`), undefined, signal);
      const key = stringField(keys.json?.primaryKey, '');
      workspace.redactor.add(key);
      const scoringUri = ref.endpointUrl ?? stringField((await this.getEndpoint(workspace, endpointName, signal))?.properties?.scoringUri, '');
      const started = performance.now();
      const answer = await sendRequest(scoringUri, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'csv' in input ? 'text/csv' : 'application/json' },
        body: 'csv' in input ? input.csv : JSON.stringify(input.json),
        signal,
      });
      let json: unknown = null;
      try {
        json = JSON.parse(answer.text);
      } catch {
        json = null;
      }
      return { status: answer.status, json, text: answer.text, durationMs: performance.now() - started };
    } catch (error) {
      throw azureFailure(`Scoring through ${endpointName}`, error, workspace.redactor, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action');
    }
  }

  async delete(ref: TargetDeploymentRef, context: DeployContext): Promise<void> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    const workspace = await this.connect(ref.config);
    try {
      await context.step('delete-endpoint', `Delete the endpoint ${endpointName} and its deployments`, async (step) => {
        const endpoint = await this.getEndpoint(workspace, endpointName, context.signal);
        if (!endpoint) {
          step.detail('It did not exist.');
          return;
        }
        const answer = await workspace.arm.request('DELETE', withApiVersion(this.endpointPath(workspace, endpointName)), undefined, context.signal);
        await this.waitFor(workspace, answer, `Deleting ${endpointName}`, context, step);
        step.detail(`Deleted ${endpointName} (traffic was ${trafficText(endpoint.properties?.traffic)}).`);
      });
      await context.step('remove-models', 'Delete its registered model versions and their files', async (step) => {
        step.detail(await this.removeModels(workspace, endpointName, ref.config.model_name || state?.modelName || '', new Set()));
      });
    } catch (error) {
      throw azureFailure('Azure ML delete', error, workspace.redactor);
    }
  }

  /** Cloud targets are listed from Cairn's records: without a deployment's settings there is no workspace to ask. */
  async list(): Promise<TargetListedDeployment[]> {
    return [];
  }

  // ---------------------------------------------------------------- internals

  private async connect(config: Readonly<Record<string, string>>): Promise<Workspace> {
    const redactor = new SecretRedactor();
    const secret = (await this.options.secrets.get('azureml/client_secret')) ?? process.env.AZURE_CLIENT_SECRET ?? '';
    redactor.add(secret);
    const signIn = azureSignIn({
      tenantId: config.tenant_id || process.env.AZURE_TENANT_ID || '',
      clientId: config.client_id || process.env.AZURE_CLIENT_ID || '',
      clientSecret: secret,
      authorityHost: config.authority_host || process.env.AZURE_AUTHORITY_HOST || DEFAULT_AUTHORITY_HOST,
    });
    const arm = new ArmClient({ armEndpoint: config.arm_endpoint!, signIn, redactor });
    const path = `/subscriptions/${config.subscription_id}/resourceGroups/${encodeURIComponent(config.resource_group!)}/providers/Microsoft.MachineLearningServices/workspaces/${config.workspace_name}`;
    return { arm, redactor, who: signIn.who, config, path };
  }

  private endpointPath(workspace: Workspace, endpointName: string): string {
    return `${workspace.path}/onlineEndpoints/${endpointName}`;
  }

  private endpointBody(workspace: Workspace, deploymentName: string, traffic: Record<string, number>): unknown {
    return {
      location: workspace.config.location,
      identity: { type: 'SystemAssigned' },
      tags: { 'cairn.deployment': deploymentName },
      properties: { authMode: 'Key', description: `Cairn deployment ${deploymentName}`, traffic },
    };
  }

  /** Runs an ARM call that starts work, noting retries in the step (throttling answered with backoff). */
  private async call(workspace: Workspace, what: string, permission: string, context: DeployContext, send: () => Promise<ArmAnswer>): Promise<ArmAnswer> {
    try {
      return await send();
    } catch (error) {
      if (context.signal.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
      throw azureFailure(what, error, workspace.redactor, permission);
    }
  }

  private async waitFor(workspace: Workspace, answer: ArmAnswer, what: string, context: DeployContext, step: StepHandle): Promise<void> {
    const started = Date.now();
    try {
      await workspace.arm.waitForOperation(answer, {
        signal: context.signal,
        intervalMs: Number(workspace.config.poll_seconds) * 1000,
        timeoutMs: Number(workspace.config.timeout_seconds) * 1000,
        onProgress: (detail) => step.detail(`${what}: ${detail}`),
        what,
      });
    } catch (error) {
      if (context.signal.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
      throw azureFailure(what, error, workspace.redactor);
    }
    step.detail(`${what}: Succeeded after ${((Date.now() - started) / 1000).toFixed(1)} s${answer.attempts > 1 ? ` (answered at attempt ${answer.attempts}: ARM throttled the earlier ones, retried with backoff)` : ''}`);
  }

  private async getEndpoint(workspace: Workspace, endpointName: string, signal?: AbortSignal): Promise<{ properties?: Record<string, unknown> } | null> {
    try {
      return (await workspace.arm.request('GET', withApiVersion(this.endpointPath(workspace, endpointName)), undefined, signal)).json;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw azureFailure(`Reading the endpoint ${endpointName}`, error, workspace.redactor, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read');
    }
  }

  private async getDeployment(workspace: Workspace, endpointName: string, deploymentName: string, signal?: AbortSignal): Promise<{ properties?: Record<string, unknown> } | null> {
    try {
      return (await workspace.arm.request('GET', withApiVersion(`${this.endpointPath(workspace, endpointName)}/deployments/${deploymentName}`), undefined, signal)).json;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async deploymentReady(workspace: Workspace, endpointName: string, deploymentName: string, signal: AbortSignal): Promise<boolean> {
    return (await this.getDeployment(workspace, endpointName, deploymentName, signal))?.properties?.provisioningState === 'Succeeded';
  }

  /** The datastore's blob container, with the account key from listSecrets. */
  private async datastoreContainer(workspace: Workspace, signal?: AbortSignal): Promise<ContainerClient> {
    const datastorePath = `${workspace.path}/datastores/${workspace.config.datastore}`;
    const datastore = (await workspace.arm.request('GET', withApiVersion(datastorePath), undefined, signal)).json?.properties as
      | { datastoreType?: string; accountName?: string; containerName?: string; endpoint?: string; protocol?: string }
      | undefined;
    if (datastore?.datastoreType !== 'AzureBlob' || !datastore.accountName || !datastore.containerName) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `The datastore ${workspace.config.datastore} is not an Azure Blob datastore (it is ${datastore?.datastoreType ?? 'unknown'}): set datastore to a blob one, such as workspaceblobstore.`);
    }
    const secrets = (await workspace.arm.request('POST', withApiVersion(`${datastorePath}/listSecrets`), undefined, signal)).json as { secretsType?: string; key?: string } | null;
    if (!secrets?.key) throw new CairnError('PERMISSION_DENIED', `The datastore ${workspace.config.datastore} gave no account key (its credentials are ${secrets?.secretsType ?? 'none'}): give it account-key credentials, or use workspaceblobstore.`);
    workspace.redactor.add(secrets.key);
    const url = workspace.config.blob_endpoint || `${datastore.protocol ?? 'https'}://${datastore.accountName}.blob.${datastore.endpoint ?? 'core.windows.net'}`;
    const service = new BlobServiceClient(url, new StorageSharedKeyCredential(datastore.accountName, secrets.key), { retryOptions: { maxTries: 4 } });
    return service.getContainerClient(datastore.containerName);
  }

  private storageFailure(what: string, error: unknown, redactor: SecretRedactor): CairnError {
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (error instanceof CairnError || e?.statusCode === undefined) return azureFailure(what, error, redactor);
    const advice =
      e.statusCode === 403
        ? 'The storage account refused the key (AuthorizationFailure): the datastore\'s credentials are out of date; update them in Azure ML studio.'
        : e.statusCode === 404
          ? "The datastore's container does not exist: check the datastore in Azure ML studio."
          : 'Check the datastore and blob_endpoint.';
    return new CairnError(e.statusCode === 403 ? 'PERMISSION_DENIED' : 'INVALID_STATE', redactor.redact(`${what} failed: ${e.code ?? 'Error'} (HTTP ${e.statusCode}): ${(e.message ?? '').split('\n')[0]} ${advice}`));
  }

  /** upload-model, register-model: what a new deployment needs. */
  private async uploadAndRegister(workspace: Workspace, request: TargetDeployRequest, context: DeployContext, made: MadeResources): Promise<AzureMlState> {
    const config = request.config;
    const endpointName = config.endpoint_name!;
    const modelPath = `cairn-models/${endpointName}/${request.operationId}/model`;
    await context.step('upload-model', `Upload the model's files to the datastore ${config.datastore}`, async (step) => {
      let container: ContainerClient;
      try {
        container = await this.datastoreContainer(workspace, context.signal);
      } catch (error) {
        throw azureFailure(`Reading the datastore ${config.datastore}`, error, workspace.redactor, 'Microsoft.MachineLearningServices/workspaces/datastores/listSecrets/action');
      }
      const files = await listModelFiles(request.modelDir);
      const bytes = files.reduce((sum, file) => sum + file.size, 0);
      const started = performance.now();
      made.modelPath = modelPath;
      try {
        let sent = 0;
        for (const file of files) {
          await container.getBlockBlobClient(`${modelPath}/${file.relativePath}`).uploadFile(file.fullPath, { abortSignal: context.signal, concurrency: 4 });
          sent += file.size;
          step.detail(`${formatBytes(sent)} of ${formatBytes(bytes)}`);
        }
      } catch (error) {
        if (context.signal.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
        throw this.storageFailure(`Uploading to ${container.containerName}/${modelPath}`, error, workspace.redactor);
      }
      const secondsTaken = (performance.now() - started) / 1000;
      step.detail(`${files.length} files, ${formatBytes(bytes)} in ${secondsTaken.toFixed(2)} s (${formatBytes(bytes / Math.max(secondsTaken, 1e-6))}/s) to ${container.containerName}/${modelPath}`);
    });
    const modelName = config.model_name || request.model.name.replace(/[^\w.-]/g, '-');
    const modelVersion = String(request.operationId);
    await context.step('register-model', `Register ${modelName} version ${modelVersion} in the workspace`, async (step) => {
      const [sub, rg, ws] = [config.subscription_id, config.resource_group, config.workspace_name];
      const answer = await this.call(workspace, `Registering ${modelName}:${modelVersion}`, 'Microsoft.MachineLearningServices/workspaces/models/versions/write', context, () =>
        workspace.arm.request(
          'PUT',
          withApiVersion(`${workspace.path}/models/${modelName}/versions/${modelVersion}`),
          {
            properties: {
              modelType: 'mlflow_model',
              modelUri: `azureml://subscriptions/${sub}/resourcegroups/${rg}/workspaces/${ws}/datastores/${config.datastore}/paths/${modelPath}`,
              description: `${request.model.name} version ${request.model.version} (${request.model.uri}), deployed by Cairn as ${request.name}`,
              tags: { 'cairn.model': request.model.name, 'cairn.version': request.model.version, 'cairn.endpoint': endpointName },
            },
          },
          context.signal,
        ),
      );
      made.modelVersion = { name: modelName, version: modelVersion };
      step.detail(`${stringField(answer.json?.id, `${modelName}:${modelVersion}`)} (mlflow_model)`);
    });
    return { endpointName, deploymentName: `op${request.operationId}`, modelName, modelVersion, modelPath };
  }

  /** create-deployment: a new deployment beside the current one, with no traffic yet, waited for until it has provisioned. */
  private async createDeployment(workspace: Workspace, state: AzureMlState, request: TargetDeployRequest, context: DeployContext, made: MadeResources): Promise<void> {
    const config = request.config;
    await context.step('create-deployment', `Create the deployment ${state.deploymentName} (${config.instance_count} × ${config.instance_type}) and wait for it`, async (step) => {
      const answer = await this.call(workspace, `Creating the deployment ${state.deploymentName}`, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write', context, () =>
        workspace.arm.request(
          'PUT',
          withApiVersion(`${this.endpointPath(workspace, state.endpointName)}/deployments/${state.deploymentName}`),
          {
            location: config.location,
            sku: { name: 'Default', capacity: Number(config.instance_count) },
            tags: { 'cairn.model': `${request.model.name}/${request.model.version}` },
            properties: {
              endpointComputeType: 'Managed',
              model: `${workspace.path}/models/${state.modelName}/versions/${state.modelVersion}`,
              instanceType: config.instance_type,
              description: `${request.model.name} version ${request.model.version}`,
            },
          },
          context.signal,
        ),
      );
      made.deployment = state.deploymentName;
      await this.waitFor(workspace, answer, `The deployment ${state.deploymentName}`, context, step);
    });
  }

  /** switch-traffic: all traffic to `state`'s deployment (a PUT of the endpoint, as ARM takes traffic); returns the scoring URI. */
  private async switchTraffic(workspace: Workspace, deploymentName: string, state: AzureMlState, context: DeployContext, verb: string, note: string): Promise<string> {
    return context.step('switch-traffic', `${verb} ${state.deploymentName}`, async (step) => {
      const answer = await this.call(workspace, `Moving traffic to ${state.deploymentName}`, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write', context, () =>
        workspace.arm.request('PUT', withApiVersion(this.endpointPath(workspace, state.endpointName)), this.endpointBody(workspace, deploymentName, { [state.deploymentName]: 100 }), context.signal),
      );
      await this.waitFor(workspace, answer, `Traffic to ${state.deploymentName}`, context, step);
      const endpoint = await this.getEndpoint(workspace, state.endpointName, context.signal);
      const scoringUri = stringField(endpoint?.properties?.scoringUri, '');
      if (!scoringUri) throw new CairnError('INVALID_STATE', `The endpoint ${state.endpointName} reports no scoring URI.`);
      step.detail(`${state.deploymentName} 100% (${note}); scoring URI ${scoringUri}`);
      return scoringUri;
    });
  }

  private async removeUnusedStep(workspace: Workspace, endpointName: string, keep: ReadonlyArray<AzureMlState | null>, context: DeployContext): Promise<void> {
    await context.step('remove-unused', 'Remove deployments and model versions no revision needs', async (step) => {
      const kept = keep.filter((s): s is AzureMlState => s !== null);
      const keepDeployments = new Set(kept.map((s) => s.deploymentName));
      const listed = await workspace.arm.request('GET', withApiVersion(`${this.endpointPath(workspace, endpointName)}/deployments`), undefined, context.signal);
      const removed: string[] = [];
      for (const deployment of (listed.json?.value ?? []) as Array<{ name: string }>) {
        if (keepDeployments.has(deployment.name) || !/^op\d+$/.test(deployment.name)) continue;
        const answer = await workspace.arm.request('DELETE', withApiVersion(`${this.endpointPath(workspace, endpointName)}/deployments/${deployment.name}`), undefined, context.signal);
        await workspace.arm.waitForOperation(answer, { signal: context.signal, intervalMs: Number(workspace.config.poll_seconds) * 1000, timeoutMs: Number(workspace.config.timeout_seconds) * 1000, what: `Deleting ${deployment.name}` });
        removed.push(`deployment ${deployment.name}`);
      }
      const models = await this.removeModels(workspace, endpointName, kept[0]?.modelName ?? '', new Set(kept.map((s) => s.modelVersion)));
      step.detail(`${removed.length ? `Removed ${removed.join(', ')}; ` : ''}${models} Kept ${[...keepDeployments].join(', ')}.`);
    });
  }

  /** Deletes the model versions registered for `endpointName` (tag cairn.endpoint) not in `keep`, with their files; says what it did. */
  private async removeModels(workspace: Workspace, endpointName: string, modelName: string, keep: ReadonlySet<string>): Promise<string> {
    if (!modelName) return 'No model versions to remove.';
    let listed: ArmAnswer;
    try {
      listed = await workspace.arm.request('GET', withApiVersion(`${workspace.path}/models/${modelName}/versions`));
    } catch (error) {
      if (isNotFound(error)) return 'No model versions to remove.';
      throw error;
    }
    const removed: string[] = [];
    let container: ContainerClient | null = null;
    for (const version of (listed.json?.value ?? []) as Array<{ name: string; properties?: { tags?: Record<string, string>; modelUri?: string } }>) {
      if (version.properties?.tags?.['cairn.endpoint'] !== endpointName || keep.has(version.name)) continue;
      await workspace.arm.request('DELETE', withApiVersion(`${workspace.path}/models/${modelName}/versions/${version.name}`)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      const path = /\/paths\/(.+)$/.exec(version.properties?.modelUri ?? '')?.[1];
      if (path) {
        container ??= await this.datastoreContainer(workspace);
        await this.deleteFolder(container, path);
      }
      removed.push(`${modelName}:${version.name}`);
    }
    return removed.length ? `Removed model versions ${removed.join(', ')} and their files.` : 'No model versions to remove.';
  }

  private async deleteFolder(container: ContainerClient, folder: string): Promise<void> {
    for await (const blob of container.listBlobsFlat({ prefix: `${folder}/` })) await container.deleteBlob(blob.name).catch(() => undefined);
  }

  /** Deletes what an operation made before it failed or was cancelled (runs even after cancellation). */
  private async cleanUp(workspace: Workspace, context: DeployContext, made: MadeResources): Promise<void> {
    if (!made.endpoint && !made.deployment && !made.modelVersion && !made.modelPath) return;
    const open = context.beginCleanUp('clean-up', 'Remove what this operation made');
    const removed: string[] = [];
    const endpointName = workspace.config.endpoint_name!;
    const wait = { signal: new AbortController().signal, intervalMs: Number(workspace.config.poll_seconds) * 1000, timeoutMs: Number(workspace.config.timeout_seconds) * 1000 };
    try {
      if (made.endpoint) {
        const answer = await workspace.arm.request('DELETE', withApiVersion(this.endpointPath(workspace, endpointName)));
        await workspace.arm.waitForOperation(answer, { ...wait, what: `Deleting ${endpointName}` });
        removed.push(`endpoint ${endpointName}`);
      } else if (made.deployment) {
        const answer = await workspace.arm.request('DELETE', withApiVersion(`${this.endpointPath(workspace, endpointName)}/deployments/${made.deployment}`));
        await workspace.arm.waitForOperation(answer, { ...wait, what: `Deleting ${made.deployment}` });
        removed.push(`deployment ${made.deployment}`);
      }
      if (made.modelVersion) {
        await workspace.arm.request('DELETE', withApiVersion(`${workspace.path}/models/${made.modelVersion.name}/versions/${made.modelVersion.version}`)).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
        removed.push(`model ${made.modelVersion.name}:${made.modelVersion.version}`);
      }
      if (made.modelPath) {
        await this.deleteFolder(await this.datastoreContainer(workspace), made.modelPath);
        removed.push(`files ${made.modelPath}`);
      }
      open.succeed(`Removed ${removed.join(', ')}.`);
    } catch (error) {
      open.fail(azureFailure(`Removing ${removed.length ? 'the rest after ' + removed.join(', ') : 'what this operation made'}`, error, workspace.redactor));
    }
  }
}

function trafficText(traffic: unknown): string {
  const entries = Object.entries((traffic ?? {}) as Record<string, number>).filter(([, share]) => share > 0);
  return entries.length ? entries.map(([name, share]) => `${name} ${share}%`).join(', ') : 'none';
}
