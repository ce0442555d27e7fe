// The Databricks deploy target. A Databricks workspace is an MLflow tracking server, a model
// registry and Model Serving behind one host. Cairn copies the model version there as an MLflow
// client would: a run in an experiment of the workspace, the model's files uploaded through
// MLflow's artifact proxy (mlflow-artifacts), a version of the registered model created from
// them and waited for until READY. Then it creates or updates a serving endpoint
// (/api/2.0/serving-endpoints) whose config holds the new served entity beside the one serving
// (blue/green: traffic 100 % to the new one), and polls the endpoint until its config update is
// done. Databricks keeps the old config serving when an update fails; an update cancelled in Cairn
// (the API cannot stop one under way) is waited for and its endpoint put back to the config that
// served before (step revert-update). Rollback sends traffic back
// to the previous served entity, still in the config; delete removes the endpoint (the copied
// registry versions stay, as registry history).
//
// Auth: a personal access token as a Bearer token (the keychain's, else DATABRICKS_TOKEN, else a
// ~/.databrickscfg profile). The REST client is Cairn's own (databricks/databricks-rest-client.ts).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
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
import { completeSettings, seconds, serviceUrl, settingInfo, type CloudSetting } from '../cloud/cloud-settings';
import { listModelFiles } from '../cloud/model-archive';
import { pollUntil } from '../cloud/polling';
import { SecretRedactor } from '../cloud/secret-redactor';
import type { SecretStore } from '../secrets/secret-store';
import { fallbackHost, resolveToken } from './databricks/databricks-credentials';
import { databricksFailure, DatabricksApiError, DatabricksRestClient, isAlreadyExists, isDoesNotExist } from './databricks/databricks-rest-client';

const TITLE = 'Databricks';
const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,63}$/;

const SETTINGS: readonly CloudSetting[] = [
  { key: 'host', description: 'The workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net; empty: DATABRICKS_HOST or the profile\'s host', defaultValue: '', check: serviceUrl },
  { key: 'endpoint_name', description: "The serving endpoint's name; empty: the deployment's name", defaultValue: '', check: (v) => (NAME_PATTERN.test(v) ? null : `must be 1 to 63 letters, digits, '-' and '_', got '${v}'`) },
  {
    key: 'registered_model_name',
    description: "The workspace registry's model the version is copied into (catalog.schema.model for Unity Catalog); empty: the Cairn model's name",
    defaultValue: '',
    check: (v) => (/^[\w.-]{1,255}$/.test(v) ? null : `must be a model name such as churn or main.ml.churn, got '${v}'`),
  },
  { key: 'experiment_name', description: 'The workspace experiment the copy is logged in (a run per deploy)', defaultValue: '/Shared/cairn-deployments', check: (v) => (v.startsWith('/') && v.length <= 500 ? null : `must be a workspace path such as /Shared/cairn-deployments, got '${v}'`) },
  { key: 'workload_size', description: 'The served model\'s compute: Small, Medium or Large', defaultValue: 'Small', check: (v) => (['Small', 'Medium', 'Large'].includes(v) ? null : `must be Small, Medium or Large, got '${v}'`) },
  { key: 'scale_to_zero_enabled', description: 'true: the endpoint scales to zero when idle (cheaper, slower first request)', defaultValue: 'true', check: (v) => (v === 'true' || v === 'false' ? null : `must be true or false, got '${v}'`) },
  { key: 'config_profile', description: 'A profile of ~/.databrickscfg to take host and token from when the keychain holds no token; empty: DATABRICKS_CONFIG_PROFILE or DEFAULT', defaultValue: '' },
  { key: 'timeout_seconds', description: 'How long to wait for the endpoint to be ready', defaultValue: '1800', check: seconds(1, 7200) },
  { key: 'poll_seconds', description: 'How often to ask the workspace how the endpoint is doing', defaultValue: '10', check: seconds(0.01, 300) },
];

const SECRETS = [
  { key: 'token', description: 'A personal access token of the workspace (User settings → Developer → Access tokens)', fallback: 'DATABRICKS_TOKEN or the token of the ~/.databrickscfg profile' },
] as const;

/** A served entity of an endpoint config (the fields Cairn sets and reads). */
interface ServedEntity {
  readonly name: string;
  readonly entity_name: string;
  readonly entity_version: string;
  readonly workload_size?: string;
  readonly scale_to_zero_enabled?: boolean;
  readonly state?: { readonly deployment?: string; readonly deployment_state_message?: string };
}

/** An endpoint as GET /api/2.0/serving-endpoints/{name} describes it. */
interface ServingEndpoint {
  readonly name: string;
  readonly state?: { readonly ready?: string; readonly config_update?: string };
  readonly config?: { readonly served_entities?: readonly ServedEntity[]; readonly traffic_config?: { readonly routes?: ReadonlyArray<{ readonly served_model_name?: string; readonly served_entity_name?: string; readonly traffic_percentage: number }> }; readonly config_version?: number };
  readonly pending_config?: { readonly served_entities?: readonly ServedEntity[] };
}

/** What the target records about a revision (no secrets). */
interface DatabricksState {
  readonly host: string;
  readonly endpointName: string;
  /** The served entity this revision sends traffic to. */
  readonly servedEntityName: string;
  readonly registeredModelName: string;
  readonly registeredVersion: string;
  readonly runId: string | null;
}

/** What the Databricks target needs from where it runs. */
export interface DatabricksTargetOptions {
  readonly secrets: SecretStore;
  /** The first wait of retried requests (tests shorten it). */
  readonly backoffMs?: number;
}

function stateOf(value: unknown): DatabricksState | null {
  const s = value as Partial<DatabricksState> | null;
  return s && typeof s.endpointName === 'string' && typeof s.servedEntityName === 'string' && typeof s.registeredVersion === 'string' ? (s as DatabricksState) : null;
}

/** A served entity's name for a registry version: letters, digits, '-' and '_' (Databricks' rule), e.g. churn-3. */
function servedEntityName(registeredModelName: string, version: string): string {
  const base = registeredModelName.split('.').pop()!.replace(/[^a-zA-Z0-9_-]/g, '-');
  return `${base.slice(0, 63 - version.length - 1)}-${version}`;
}

/** A traffic route: a served entity and its share of the requests. */
interface Route {
  readonly name: string;
  readonly percentage: number;
}

/** An endpoint's config as it was before an update: put back when that update is cancelled. */
interface PreviousConfig {
  readonly entities: readonly ServedEntity[];
  readonly routes: readonly Route[];
}

function routesOf(endpoint: ServingEndpoint): Route[] {
  return (endpoint.config?.traffic_config?.routes ?? []).map((r) => ({ name: r.served_entity_name ?? r.served_model_name ?? '', percentage: r.traffic_percentage }));
}

function describeRoutes(endpoint: ServingEndpoint): string {
  return routesOf(endpoint).map((r) => `${r.name} ${r.percentage} %`).join(', ') || 'no traffic routes';
}

/** Deploys model versions to Databricks Model Serving endpoints. */
export class DatabricksTarget implements DeployTarget {
  readonly info: DeployTargetInfo = {
    name: 'databricks',
    title: TITLE,
    description: "A Databricks Model Serving endpoint serving a copy of the version in the workspace's model registry (through its MLflow API), with the previous version kept for rollback.",
    settings: SETTINGS.map(settingInfo),
    secrets: SECRETS,
  };

  constructor(private readonly options: DatabricksTargetOptions) {}

  checkConfig(name: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const complete = completeSettings(TITLE, SETTINGS, config);
    if (!complete.host) {
      const host = fallbackHost(complete);
      if (!host) throw new CairnError('INVALID_PARAMETER_VALUE', `${TITLE} settings: host is needed (the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net); or set DATABRICKS_HOST, or a host in ~/.databrickscfg.`);
      const problem = serviceUrl(host);
      if (problem) throw new CairnError('INVALID_PARAMETER_VALUE', `${TITLE} settings: the host from DATABRICKS_HOST or ~/.databrickscfg ${problem}.`);
      complete.host = host;
    }
    complete.host = complete.host.replace(/\/+$/, '');
    if (!complete.endpoint_name) {
      if (!NAME_PATTERN.test(name)) throw new CairnError('INVALID_PARAMETER_VALUE', `${TITLE} settings: the name '${name}' cannot be a serving endpoint name; set endpoint_name.`);
      complete.endpoint_name = name;
    }
    return complete;
  }

  async testConnection(config: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ConnectionCheck> {
    const checks: ConnectionCheckItem[] = [];
    const done = () => ({ target: this.info.name, ok: checks.every((c) => c.ok), checks });
    let complete: Readonly<Record<string, string>>;
    try {
      complete = this.checkConfig(config.endpoint_name || 'connection-test', config);
      checks.push({ name: 'settings', ok: true, message: `The settings are well formed (workspace ${complete.host}).` });
    } catch (error) {
      checks.push({ name: 'settings', ok: false, message: (error as Error).message });
      return done();
    }
    let client: DatabricksRestClient;
    let source: string;
    try {
      ({ client, source } = await this.client(complete));
    } catch (error) {
      checks.push({ name: 'token', ok: false, message: (error as Error).message });
      return done();
    }
    const redactor = client.redactor;
    try {
      const listed = await client.call<{ endpoints?: ServingEndpoint[] }>('GET', '/api/2.0/serving-endpoints', { signal });
      const existing = (listed.endpoints ?? []).find((e) => e.name === complete.endpoint_name);
      checks.push({
        name: 'token',
        ok: true,
        message: `The workspace accepted ${source}; Model Serving answers (${(listed.endpoints ?? []).length} endpoints${existing ? `, ${complete.endpoint_name} among them` : ''}).`,
      });
    } catch (error) {
      const authProblem = error instanceof DatabricksApiError && (error.status === 401 || error.status === 403);
      checks.push({ name: authProblem ? 'token' : 'serving-endpoints', ok: false, message: databricksFailure(`Listing serving endpoints with ${source}`, error, redactor, 'permission to use Model Serving').message });
      if (authProblem || !(error instanceof DatabricksApiError)) return done();
    }
    try {
      const found = await client.call<{ experiment?: { experiment_id: string } }>('GET', '/api/2.0/mlflow/experiments/get-by-name', { query: { experiment_name: complete.experiment_name }, signal });
      checks.push({ name: 'experiment', ok: true, message: `The experiment ${complete.experiment_name} exists (id ${found.experiment?.experiment_id}); each deploy logs its copy there.` });
    } catch (error) {
      if (isDoesNotExist(error)) {
        checks.push({ name: 'experiment', ok: true, message: `The experiment ${complete.experiment_name} does not exist yet; the first deploy creates it (the token's user needs CAN_MANAGE on its folder).` });
      } else {
        checks.push({ name: 'experiment', ok: false, message: databricksFailure(`Finding the experiment ${complete.experiment_name}`, error, redactor, 'CAN_READ on the experiment').message });
      }
    }
    try {
      await client.call('GET', '/api/2.0/mlflow/registered-models/search', { query: { max_results: 1 }, signal });
      checks.push({ name: 'registry', ok: true, message: 'The model registry answers.' });
    } catch (error) {
      checks.push({ name: 'registry', ok: false, message: databricksFailure('Searching the model registry', error, redactor, 'permission to use the model registry').message });
    }
    return done();
  }

  async create(request: TargetDeployRequest, context: DeployContext): Promise<TargetDeployment> {
    const config = request.config;
    const { client } = await this.client(config);
    const redactor = client.redactor;
    const endpointName = config.endpoint_name!;
    let created = false;
    try {
      await context.step('check-endpoint', `Check that no serving endpoint ${endpointName} exists`, async (step) => {
        const existing = await this.describe(client, endpointName, context.signal);
        if (existing) {
          throw new CairnError(
            'RESOURCE_ALREADY_EXISTS',
            `A serving endpoint named ${endpointName} exists already in ${config.host} and Cairn's records do not know it: delete it in the workspace (Serving), or set endpoint_name to another name.`,
          );
        }
        step.detail(`None in ${config.host}; the workspace accepted the token.`);
      });
      const copy = await this.copyToRegistry(client, request, context);
      const entity = this.servedEntity(config, copy.registeredModelName, copy.registeredVersion);
      await context.step('create-endpoint', `Create the serving endpoint ${endpointName}`, async (step) => {
        await this.call(client, `Creating the serving endpoint ${endpointName}`, 'CAN_MANAGE on serving endpoints (or permission to create them)', () =>
          client.call('POST', '/api/2.0/serving-endpoints', {
            body: { name: endpointName, config: { served_entities: [entity], traffic_config: { routes: [{ served_model_name: entity.name, traffic_percentage: 100 }] } }, tags: [{ key: 'cairn-deployment', value: request.name }] },
            signal: context.signal,
          }),
        );
        created = true;
        step.detail(`${endpointName} with ${entity.name} (${copy.registeredModelName} version ${copy.registeredVersion}, ${config.workload_size})`);
      });
      await this.waitReady(client, config, entity.name, context, 'create');
      const state: DatabricksState = { host: config.host!, endpointName, servedEntityName: entity.name, ...copy };
      return { endpointUrl: this.invocationsUrl(config.host!, endpointName), state: { ...state } };
    } catch (error) {
      if (created) {
        // A create that failed or was cancelled leaves no endpoint behind (the registry copy stays, as history).
        const open = context.beginCleanUp('clean-up', `Delete the endpoint ${endpointName} this deploy made`);
        try {
          await client.call('DELETE', `/api/2.0/serving-endpoints/${encodeURIComponent(endpointName)}`);
          open.succeed(`Deleted ${endpointName}.`);
        } catch (cleanUpError) {
          open.fail(databricksFailure(`Deleting ${endpointName}`, cleanUpError, redactor));
        }
      }
      throw databricksFailure('Databricks deploy', error, redactor);
    }
  }

  async update(request: TargetUpdateRequest, context: DeployContext): Promise<TargetDeployment> {
    const config = request.config;
    const { client } = await this.client(config);
    const redactor = client.redactor;
    const current = stateOf(request.current.state);
    const endpointName = current?.endpointName ?? config.endpoint_name!;
    const restoring = request.restoring ? stateOf(request.restoring.state) : null;
    /** The config that served before this update, once this update has sent a new one. */
    let replaced: PreviousConfig | null = null;
    try {
      const endpoint = await context.step('check-endpoint', `Check the serving endpoint ${endpointName}`, async (step) => {
        const found = await this.describe(client, endpointName, context.signal);
        if (!found) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The serving endpoint ${endpointName} no longer exists in ${config.host}: delete this deployment and create it again.`);
        if (found.state?.config_update === 'IN_PROGRESS') {
          throw new CairnError('INVALID_STATE', `The serving endpoint ${endpointName} is being updated already (config_update IN_PROGRESS): wait for that update to end (\`cairn deploy status\`), then try again.`);
        }
        step.detail(`${found.state?.ready ?? 'unknown'}; traffic: ${describeRoutes(found)}.`);
        return found;
      });
      const entities = endpoint.config?.served_entities ?? [];
      const servingName = current?.servedEntityName ?? routesOf(endpoint).find((r) => r.percentage > 0)?.name ?? null;
      const serving = entities.find((e) => e.name === servingName) ?? null;
      const previous: PreviousConfig = { entities: entities.map((e) => this.keptEntity(e)), routes: routesOf(endpoint) };
      let state: DatabricksState;
      if (restoring && entities.some((e) => e.name === restoring.servedEntityName)) {
        // Blue/green: the previous version is still a served entity; only traffic moves.
        state = restoring;
        await context.step('switch-traffic', `Send ${endpointName}'s traffic back to ${restoring.servedEntityName}`, async (step) => {
          replaced = previous;
          await this.putConfig(client, endpointName, entities.map((e) => this.keptEntity(e)), restoring.servedEntityName, context.signal);
          step.detail(`${restoring.servedEntityName} 100 %${servingName ? `, ${servingName} 0 %` : ''} (kept since it served ${request.model.name} version ${request.model.version})`);
        });
      } else {
        const copy = restoring
          ? { registeredModelName: restoring.registeredModelName, registeredVersion: restoring.registeredVersion, runId: restoring.runId }
          : await this.copyToRegistry(client, request, context);
        const entity = this.servedEntity(config, copy.registeredModelName, copy.registeredVersion);
        state = { host: config.host!, endpointName, servedEntityName: entity.name, ...copy };
        await context.step('switch-traffic', `Update ${endpointName}'s config to serve ${entity.name}`, async (step) => {
          const kept = serving && serving.name !== entity.name ? [this.keptEntity(serving)] : [];
          replaced = previous;
          await this.putConfig(client, endpointName, [entity, ...kept], entity.name, context.signal);
          step.detail(`Served entities ${[entity.name, ...kept.map((k) => k.name)].join(', ')}; traffic 100 % to ${entity.name} once it is ready; ${servingName ?? 'the current config'} serves until then`);
        });
      }
      await this.waitReady(client, config, state.servedEntityName, context, 'update');
      return { endpointUrl: this.invocationsUrl(config.host!, endpointName), state: { ...state } };
    } catch (error) {
      if (context.signal.aborted && replaced) await this.revertCancelledUpdate(client, config, context, endpointName, replaced);
      throw databricksFailure('Databricks update', error, redactor);
    }
  }

  /**
   * A cancelled update cannot be stopped through the serving-endpoints API: wait for it to end
   * (a PUT meanwhile would be refused with RESOURCE_CONFLICT), then, if its config took over, put
   * back the one that served before and wait for that, so the endpoint takes a new deploy at once.
   */
  private async revertCancelledUpdate(client: DatabricksRestClient, config: Readonly<Record<string, string>>, context: DeployContext, endpointName: string, previous: PreviousConfig): Promise<void> {
    const before = previous.routes.map((r) => `${r.name} ${r.percentage} %`).join(', ') || 'no traffic routes';
    const open = context.beginCleanUp('revert-update', `Return ${endpointName} to its previous config (${before}); Databricks cannot stop an update under way`);
    // The operation's own signal has aborted; this wait is bounded by timeout_seconds instead.
    const wait = { signal: new AbortController().signal, intervalMs: Number(config.poll_seconds) * 1000, timeoutMs: Number(config.timeout_seconds) * 1000, onProgress: (detail: string) => open.detail(detail) };
    const settled = () =>
      pollUntil<ServingEndpoint | null>({
        ...wait,
        timeoutMessage: (last, waited) => `${endpointName} was still updating after ${waited} s (timeout_seconds; last seen: ${last}): \`cairn deploy status\` shows where it ended; update again to put back the version you want.`,
        check: async () => {
          const endpoint = await this.describe(client, endpointName);
          if (!endpoint || endpoint.state?.config_update !== 'IN_PROGRESS') return { done: true, value: endpoint };
          return { done: false, detail: `Waiting for the cancelled update to end: config update ${endpoint.state.config_update}, ${endpoint.state.ready ?? 'UNKNOWN'}` };
        },
      });
    try {
      const ended = await settled();
      if (!ended) throw new CairnError('INVALID_STATE', `The serving endpoint ${endpointName} disappeared (deleted outside Cairn?).`);
      if (describeRoutes(ended) === before) {
        open.succeed(`The update did not take over (config update ${ended.state?.config_update ?? 'UNKNOWN'}); ${endpointName} serves its previous config: ${before}.`);
        return;
      }
      await this.putRoutes(client, endpointName, previous.entities, previous.routes, wait.signal);
      const reverted = await settled();
      const now = reverted ? describeRoutes(reverted) : 'gone';
      if (now !== before || reverted?.state?.config_update !== 'NOT_UPDATING') {
        throw new CairnError('INVALID_STATE', `Putting back the previous config of ${endpointName} ended ${reverted?.state?.config_update ?? 'with no endpoint'} (traffic: ${now}): update it again to the version that should serve.`);
      }
      open.succeed(`The update had finished; the previous config is back: ${now}.`);
    } catch (error) {
      open.fail(databricksFailure(`Returning ${endpointName} to its previous config`, error, client.redactor));
    }
  }

  async status(ref: TargetDeploymentRef, signal?: AbortSignal): Promise<TargetStatus> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    let client: DatabricksRestClient;
    try {
      ({ client } = await this.client(ref.config));
    } catch (error) {
      return { health: 'unknown', endpointUrl: ref.endpointUrl, message: (error as Error).message };
    }
    try {
      const endpoint = await this.describe(client, endpointName, signal);
      if (!endpoint) return { health: 'stopped', endpointUrl: ref.endpointUrl, message: `The serving endpoint ${endpointName} does not exist (deleted outside Cairn?).` };
      const ready = endpoint.state?.ready ?? 'UNKNOWN';
      const update = endpoint.state?.config_update ?? 'UNKNOWN';
      const health = ready === 'READY' ? 'serving' : update === 'UPDATE_FAILED' ? 'failed' : update === 'IN_PROGRESS' ? 'starting' : 'failed';
      const stale = state && !routesOf(endpoint).some((r) => r.name === state.servedEntityName && r.percentage === 100) ? ` (Cairn's records expect all traffic on ${state.servedEntityName})` : '';
      return { health, endpointUrl: ref.endpointUrl, message: `${endpointName} is ${ready}, config update ${update}; traffic: ${describeRoutes(endpoint)}${stale}.` };
    } catch (error) {
      return { health: 'unknown', endpointUrl: ref.endpointUrl, message: databricksFailure(`Reading the serving endpoint ${endpointName}`, error, client.redactor, 'CAN_VIEW on the endpoint').message };
    }
  }

  async predict(ref: TargetDeploymentRef, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    const { client } = await this.client(ref.config);
    const started = performance.now();
    try {
      const body = 'csv' in input ? { raw: { data: Buffer.from(input.csv), contentType: 'text/csv' } } : { body: input.json };
      const answer = await client.call<unknown>('POST', `/serving-endpoints/${encodeURIComponent(endpointName)}/invocations`, { ...body, signal });
      return { status: 200, json: answer, text: JSON.stringify(answer), durationMs: performance.now() - started };
    } catch (error) {
      // The model refused the request (400 from the served model): hand its answer back as the endpoint's.
      if (error instanceof DatabricksApiError && error.status === 400) {
        const json = { error_code: error.errorCode, message: error.message };
        return { status: 400, json, text: JSON.stringify(json), durationMs: performance.now() - started };
      }
      throw databricksFailure(`Scoring through ${endpointName}`, error, client.redactor, 'CAN_QUERY on the endpoint');
    }
  }

  async delete(ref: TargetDeploymentRef, context: DeployContext): Promise<void> {
    const state = stateOf(ref.state);
    const endpointName = state?.endpointName ?? ref.config.endpoint_name!;
    const { client } = await this.client(ref.config);
    try {
      await context.step('delete-endpoint', `Delete the serving endpoint ${endpointName}`, async (step) => {
        const endpoint = await this.describe(client, endpointName, context.signal);
        if (!endpoint) {
          step.detail('It did not exist.');
          return;
        }
        await this.call(client, `Deleting the serving endpoint ${endpointName}`, 'CAN_MANAGE on the endpoint', () =>
          client.call('DELETE', `/api/2.0/serving-endpoints/${encodeURIComponent(endpointName)}`, { signal: context.signal }),
        );
        step.detail(`Deleted ${endpointName} (traffic was ${describeRoutes(endpoint)}); the versions copied to the workspace registry stay as its history.`);
      });
    } catch (error) {
      throw databricksFailure('Databricks delete', error, client.redactor);
    }
  }

  /** Cloud targets are listed from Cairn's records: without a deployment's settings there is no workspace to ask. */
  async list(): Promise<TargetListedDeployment[]> {
    return [];
  }

  // ---------------------------------------------------------------- internals

  private async client(config: Readonly<Record<string, string>>): Promise<{ client: DatabricksRestClient; source: string }> {
    const token = resolveToken(await this.options.secrets.get('databricks/token'), config);
    if (!token) {
      throw new CairnError(
        'UNAUTHENTICATED',
        `No Databricks token: keep a personal access token in the target's settings (desktop app), or set DATABRICKS_TOKEN, or add token to the ${config.config_profile || process.env.DATABRICKS_CONFIG_PROFILE || 'DEFAULT'} profile of ~/.databrickscfg.`,
      );
    }
    return { client: new DatabricksRestClient(config.host!, token.value, new SecretRedactor(), this.options.backoffMs), source: token.source };
  }

  private async call<T>(client: DatabricksRestClient, what: string, permission: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw databricksFailure(what, error, client.redactor, permission);
    }
  }

  private async describe(client: DatabricksRestClient, endpointName: string, signal?: AbortSignal): Promise<ServingEndpoint | null> {
    try {
      return await client.call<ServingEndpoint>('GET', `/api/2.0/serving-endpoints/${encodeURIComponent(endpointName)}`, { signal });
    } catch (error) {
      if (isDoesNotExist(error)) return null;
      throw databricksFailure(`Reading the serving endpoint ${endpointName}`, error, client.redactor, 'CAN_VIEW on the endpoint');
    }
  }

  private servedEntity(config: Readonly<Record<string, string>>, registeredModelName: string, version: string): ServedEntity {
    return {
      name: servedEntityName(registeredModelName, version),
      entity_name: registeredModelName,
      entity_version: version,
      workload_size: config.workload_size,
      scale_to_zero_enabled: config.scale_to_zero_enabled === 'true',
    };
  }

  /** An entity of the current config as it is sent back unchanged (so Databricks keeps it running). */
  private keptEntity(entity: ServedEntity): ServedEntity {
    return { name: entity.name, entity_name: entity.entity_name, entity_version: entity.entity_version, workload_size: entity.workload_size, scale_to_zero_enabled: entity.scale_to_zero_enabled };
  }

  private async putConfig(client: DatabricksRestClient, endpointName: string, entities: readonly ServedEntity[], trafficTo: string, signal: AbortSignal): Promise<void> {
    await this.putRoutes(client, endpointName, entities, entities.map((e) => ({ name: e.name, percentage: e.name === trafficTo ? 100 : 0 })), signal);
  }

  /** PUT …/config: these served entities with these traffic routes. */
  private async putRoutes(client: DatabricksRestClient, endpointName: string, entities: readonly ServedEntity[], routes: readonly Route[], signal: AbortSignal): Promise<void> {
    await this.call(client, `Updating the config of ${endpointName}`, 'CAN_MANAGE on the endpoint', () =>
      client.call('PUT', `/api/2.0/serving-endpoints/${encodeURIComponent(endpointName)}/config`, {
        body: { served_entities: entities, traffic_config: { routes: routes.map((r) => ({ served_model_name: r.name, traffic_percentage: r.percentage })) } },
        signal,
      }),
    );
  }

  /** upload-model and register-model: the version's files copied into the workspace's registry as a new version. */
  private async copyToRegistry(
    client: DatabricksRestClient,
    request: TargetDeployRequest,
    context: DeployContext,
  ): Promise<{ registeredModelName: string; registeredVersion: string; runId: string }> {
    const config = request.config;
    const registeredModelName = config.registered_model_name || request.model.name;
    const { runId, source } = await context.step('upload-model', `Upload the model's files to the workspace experiment ${config.experiment_name}`, async (step) => {
      const experimentId = await this.experimentId(client, config.experiment_name!, context.signal);
      const run = await this.call(client, 'Creating a run', 'CAN_EDIT on the experiment', () =>
        client.call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', '/api/2.0/mlflow/runs/create', {
          body: {
            experiment_id: experimentId,
            start_time: Date.now(),
            run_name: `cairn-deploy-${request.name}-${request.operationId}`,
            tags: [
              { key: 'cairn.deployment', value: request.name },
              { key: 'cairn.model', value: `${request.model.name}/${request.model.version}` },
            ],
          },
          signal: context.signal,
        }),
      );
      const artifactUri = run.run.info.artifact_uri;
      if (!artifactUri.startsWith('mlflow-artifacts:/')) {
        throw new CairnError(
          'INVALID_STATE',
          `The workspace stores the run's artifacts at ${artifactUri}, which Cairn cannot upload to: Cairn uploads through MLflow's artifact proxy (mlflow-artifacts:/). Use an experiment whose artifact location is proxied.`,
        );
      }
      const root = `${artifactUri.slice('mlflow-artifacts:/'.length).replace(/^\/+/, '')}/model`;
      const files = await listModelFiles(request.modelDir);
      const total = files.reduce((sum, f) => sum + f.size, 0);
      const started = performance.now();
      let sent = 0;
      for (const file of files) {
        const encoded = `${root}/${file.relativePath}`.split('/').map(encodeURIComponent).join('/');
        await this.call(client, `Uploading ${file.relativePath}`, 'CAN_EDIT on the experiment', () =>
          client.call('PUT', `/api/2.0/mlflow-artifacts/artifacts/${encoded}`, { raw: { data: fs.readFileSync(file.fullPath), contentType: 'application/octet-stream' }, signal: context.signal }),
        );
        sent += file.size;
        step.detail(`${files.indexOf(file) + 1} of ${files.length} files, ${formatBytes(sent)} of ${formatBytes(total)}`);
      }
      const secondsTaken = (performance.now() - started) / 1000;
      step.detail(`${files.length} files, ${formatBytes(total)} in ${secondsTaken.toFixed(2)} s to run ${run.run.info.run_id}${retriedNote(client)}`);
      return { runId: run.run.info.run_id, source: `${artifactUri}/model` };
    });
    const registeredVersion = await context.step('register-model', `Register it as a version of ${registeredModelName} in the workspace`, async (step) => {
      try {
        await client.call('POST', '/api/2.0/mlflow/registered-models/create', { body: { name: registeredModelName }, signal: context.signal });
      } catch (error) {
        if (!isAlreadyExists(error)) throw databricksFailure(`Creating the registered model ${registeredModelName}`, error, client.redactor, 'permission to create registered models');
      }
      const created = await this.call(client, `Creating a version of ${registeredModelName}`, 'CAN_MANAGE on the registered model', () =>
        client.call<{ model_version: { version: string } }>('POST', '/api/2.0/mlflow/model-versions/create', {
          body: {
            name: registeredModelName,
            source,
            run_id: runId,
            description: `Copied by Cairn from ${request.model.name} version ${request.model.version} (${request.model.uri}).`,
            tags: [{ key: 'cairn.source', value: `${request.model.name}/${request.model.version}` }],
          },
          signal: context.signal,
        }),
      );
      const version = created.model_version.version;
      await pollUntil<void>({
        signal: context.signal,
        intervalMs: Math.min(Number(config.poll_seconds) * 1000, 2000),
        timeoutMs: Number(config.timeout_seconds) * 1000,
        onProgress: (detail) => step.detail(detail),
        timeoutMessage: (last, waited) => `Version ${version} of ${registeredModelName} was not READY after ${waited} s (${last}); look at it in the workspace's registry.`,
        check: async () => {
          const got = await this.call(client, `Reading version ${version} of ${registeredModelName}`, 'CAN_READ on the registered model', () =>
            client.call<{ model_version: { status?: string; status_message?: string } }>('GET', '/api/2.0/mlflow/model-versions/get', { query: { name: registeredModelName, version }, signal: context.signal }),
          );
          const status = got.model_version.status ?? 'READY';
          if (status === 'READY') return { done: true, value: undefined };
          if (status === 'FAILED_REGISTRATION') throw new CairnError('INVALID_STATE', `The workspace failed to register version ${version} of ${registeredModelName}: ${got.model_version.status_message ?? '(no message)'}.`);
          return { done: false, detail: `version ${version}: ${status}` };
        },
      });
      await client.call('POST', '/api/2.0/mlflow/runs/update', { body: { run_id: runId, status: 'FINISHED', end_time: Date.now() }, signal: context.signal }).catch(() => undefined);
      step.detail(`${registeredModelName} version ${version} (READY)`);
      return version;
    });
    return { registeredModelName, registeredVersion, runId };
  }

  private async experimentId(client: DatabricksRestClient, experimentName: string, signal: AbortSignal): Promise<string> {
    try {
      const found = await client.call<{ experiment: { experiment_id: string } }>('GET', '/api/2.0/mlflow/experiments/get-by-name', { query: { experiment_name: experimentName }, signal });
      return found.experiment.experiment_id;
    } catch (error) {
      if (!isDoesNotExist(error)) throw databricksFailure(`Finding the experiment ${experimentName}`, error, client.redactor, 'CAN_READ on the experiment');
    }
    const created = await this.call(client, `Creating the experiment ${experimentName}`, `CAN_MANAGE on the folder of ${experimentName}`, () =>
      client.call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { body: { name: experimentName }, signal }),
    );
    return created.experiment_id;
  }

  /** Polls the endpoint until its config update is done with `entityName` ready and taking the traffic; fails with the entity's deployment message. */
  private async waitReady(client: DatabricksRestClient, config: Readonly<Record<string, string>>, entityName: string, context: DeployContext, kind: 'create' | 'update'): Promise<void> {
    const endpointName = config.endpoint_name!;
    await context.step('wait-ready', `Wait for ${endpointName} to be ready`, async (step: StepHandle) => {
      const started = Date.now();
      await pollUntil<void>({
        signal: context.signal,
        intervalMs: Number(config.poll_seconds) * 1000,
        timeoutMs: Number(config.timeout_seconds) * 1000,
        onProgress: (detail) => step.detail(detail),
        timeoutMessage: (last, waited) =>
          `${endpointName} was not ready after ${waited} s (timeout_seconds=${config.timeout_seconds}); last seen: ${last}. ` +
          (kind === 'update'
            ? 'Databricks may still finish the update: `cairn deploy status` shows where it stands; the previous version serves meanwhile.'
            : "Raise timeout_seconds if the model's environment is large, or look at the served entity's build logs in the workspace (Serving → the endpoint)."),
        check: async () => {
          let endpoint: ServingEndpoint | null;
          try {
            endpoint = await this.describe(client, endpointName, context.signal);
          } catch (error) {
            if (context.signal.aborted || (error instanceof CairnError && ['UNAUTHENTICATED', 'PERMISSION_DENIED'].includes(error.code))) throw error;
            return { done: false, detail: `Reading the endpoint failed, asking again: ${(error as Error).message}` };
          }
          if (!endpoint) throw new CairnError('INVALID_STATE', `The serving endpoint ${endpointName} disappeared while Cairn waited for it (deleted outside Cairn?).`);
          const update = endpoint.state?.config_update;
          const elapsed = `${Math.round((Date.now() - started) / 1000)} s`;
          if (update === 'UPDATE_FAILED' || update === 'UPDATE_CANCELED') {
            const pending = [...(endpoint.pending_config?.served_entities ?? []), ...(endpoint.config?.served_entities ?? [])].find((e) => e.name === entityName);
            const reason = pending?.state?.deployment_state_message ?? '(the workspace gave no reason)';
            throw new CairnError(
              'INVALID_STATE',
              `${endpointName}'s config update ${update === 'UPDATE_FAILED' ? 'failed' : 'was cancelled'}: ${entityName} ${pending?.state?.deployment ?? 'did not deploy'}: ${reason}. ` +
                (kind === 'update'
                  ? `The previous config goes on serving (${describeRoutes(endpoint)}); fix what the reason names (often the model's requirements) and update again.`
                  : "Fix what the reason names (often the model's requirements; see the served entity's build logs in the workspace), then deploy again."),
            );
          }
          const routed = routesOf(endpoint).some((r) => r.name === entityName && r.percentage === 100);
          if (endpoint.state?.ready === 'READY' && update === 'NOT_UPDATING' && routed) return { done: true, value: undefined };
          const pending = endpoint.pending_config?.served_entities?.find((e) => e.name === entityName);
          return { done: false, detail: `${endpoint.state?.ready ?? 'UNKNOWN'}, config update ${update ?? 'UNKNOWN'}${pending?.state?.deployment ? `, ${entityName} ${pending.state.deployment}` : ''} after ${elapsed}` };
        },
      });
      step.detail(`READY with all traffic on ${entityName} after ${((Date.now() - started) / 1000).toFixed(1)} s${retriedNote(client)}`);
    });
  }

  private invocationsUrl(host: string, endpointName: string): string {
    return `${host}/serving-endpoints/${endpointName}/invocations`;
  }
}

function retriedNote(client: DatabricksRestClient): string {
  return client.retries > 0 ? ` (${client.retries} requests throttled or refused for a moment, retried with backoff)` : '';
}
