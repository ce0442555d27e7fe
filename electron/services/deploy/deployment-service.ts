// Deployments of registered model versions, the same for every target: create, update, rollback
// and delete run as operations whose every step is recorded with its times and outcome (who
// asked, through what, which version); they return at once with the operation and a promise of
// its end, push an event on every step, and can be cancelled from this process or another. The
// UI, the CLI and a continuous-training trigger all drive deployments through this service.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CairnError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/quantity-text';
import type {
  ConnectionCheck,
  DeployActor,
  DeployedModel,
  Deployment,
  DeploymentEvent,
  DeploymentLogs,
  DeploymentOperation,
  DeploymentStatus,
  DeployTargetInfo,
  DeployTargetSecretState,
  PredictionInput,
  PredictionResult,
} from '../../../shared/deployments';
import type { CairnDatabase } from '../database/database';
import type { DeployContext, DeployTarget, OpenStep, StepHandle, TargetDeploymentRef, TargetListedDeployment, TargetState } from './deploy-target';
import type { DeployTargets } from './deploy-targets';
import { DeploymentStore, type DeploymentRevision } from './deployment-store';
import { copyModelFolder, modelVersionFolder, resolveModelUri, type ModelFileStores } from './model-version-files';
import { trainingDataExample } from './training-data-example';
import { NoSecretStore, type SecretStore } from './secrets/secret-store';

/** What the service is built from. */
export interface DeploymentServiceOptions {
  /** The tracker's open database (the deployments tables are in it). */
  readonly database: CairnDatabase;
  readonly stores: ModelFileStores;
  readonly targets: DeployTargets;
  readonly dataDir: string;
  /** Who asks when a call does not say (the OS user, through `via`). */
  readonly via: string;
  /** Where targets' secrets are kept (the desktop app: the OS keychain); absent: none are kept. */
  readonly secrets?: SecretStore;
}

/** Create a deployment of a model version on a target. */
export interface CreateDeploymentRequest {
  readonly name: string;
  readonly target: string;
  /** models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage> or models:/<name>/latest. */
  readonly modelUri: string;
  readonly config?: Readonly<Record<string, string>>;
  readonly actor?: DeployActor;
}

/** Move a deployment to another version (or to what its URI names now: an alias that moved). */
export interface UpdateDeploymentRequest {
  readonly name: string;
  /** Absent: the URI it was deployed from, resolved again. */
  readonly modelUri?: string;
  /** Settings to change; the others stay. */
  readonly config?: Readonly<Record<string, string>>;
  readonly actor?: DeployActor;
}

/** Return a deployment to the version that served before the current one, or delete it. */
export interface DeploymentActionRequest {
  readonly name: string;
  readonly actor?: DeployActor;
}

/** A deployment about to be made or updated (the Deploy dialog opened), so that its target can prepare. */
export interface WarmUpRequest {
  readonly target: string;
  /** The version about to be deployed, when known. */
  readonly modelUri?: string;
  /** The deployment about to be updated. */
  readonly name?: string;
  readonly config?: Readonly<Record<string, string>>;
}

/** An operation that has begun: as it stands now, and a promise of how it ends (never rejected). */
export interface DeploymentJob {
  readonly operation: DeploymentOperation;
  readonly done: Promise<DeploymentOperation>;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const CANCEL_POLL_MS = 250;

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Invalid deployment name '${name}': use 1 to 63 letters, digits, '-' and '_', starting with a letter or digit.`,
    );
  }
}

function describeModel(model: DeployedModel): string {
  return `${model.name} version ${model.version}`;
}

/** Deployments over every target, with history and rollback. */
export class DeploymentService {
  private readonly store: DeploymentStore;
  private readonly listeners = new Set<(event: DeploymentEvent) => void>();
  private readonly running = new Map<number, AbortController>();
  private readonly jobs = new Set<Promise<DeploymentOperation>>();

  constructor(private readonly options: DeploymentServiceOptions) {
    this.store = new DeploymentStore(options.database);
  }

  /** The targets deployments can go to. */
  listTargets(): DeployTargetInfo[] {
    return this.options.targets.list();
  }

  /** Whether each secret a target can use is in the keychain (values never leave the main side). */
  async targetSecrets(targetName: string): Promise<DeployTargetSecretState[]> {
    const target = this.options.targets.get(targetName);
    const secrets = this.options.secrets ?? new NoSecretStore();
    return Promise.all(target.info.secrets.map(async (secret) => ({ key: secret.key, inKeychain: (await secrets.get(`${target.info.name}/${secret.key}`)) !== null })));
  }

  /** Keeps a target's secret in the keychain (null: removes it); INVALID_STATE where no keychain is used (the CLI, the browser mode). */
  async setTargetSecret(targetName: string, key: string, value: string | null): Promise<void> {
    const target = this.options.targets.get(targetName);
    if (!target.info.secrets.some((secret) => secret.key === key)) {
      const known = target.info.secrets.map((secret) => secret.key);
      throw new CairnError('INVALID_PARAMETER_VALUE', `${target.info.title} has no secret '${key}'${known.length ? `; its secrets are ${known.join(', ')}` : ''}.`);
    }
    const secrets = this.options.secrets ?? new NoSecretStore();
    if (value === null) await secrets.delete(`${target.info.name}/${key}`);
    else await secrets.set(`${target.info.name}/${key}`, value);
  }

  /** "Test connection": checks a target's settings against the place it deploys to, creating nothing. */
  async testConnection(targetName: string, config: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ConnectionCheck> {
    const target = this.options.targets.get(targetName);
    if (target.testConnection) return target.testConnection(config, signal);
    try {
      target.checkConfig('connection-test', config);
      return { target: target.info.name, ok: true, checks: [{ name: 'settings', ok: true, message: 'The settings are well formed; this target has nothing to connect to.' }] };
    } catch (error) {
      return { target: target.info.name, ok: false, checks: [{ name: 'settings', ok: false, message: error instanceof Error ? error.message : String(error) }] };
    }
  }

  /** Every deployment (deleted ones when asked), as recorded. */
  list(includeDeleted = false): Deployment[] {
    return this.store.listDeployments(includeDeleted);
  }

  /** One deployment, as recorded. */
  get(name: string): Deployment {
    return this.store.getDeployment(name);
  }

  /** A deployment with what its target says about it now. */
  async status(name: string, signal?: AbortSignal): Promise<DeploymentStatus> {
    const deployment = this.store.getDeployment(name);
    const checkedAt = Date.now();
    if (deployment.state === 'deleted') return { deployment, health: 'stopped', message: 'Deleted.', checkedAt };
    if (!deployment.model) {
      const running = deployment.lastOperation?.outcome === 'running';
      return { deployment, health: running ? 'starting' : 'failed', message: running ? 'Being created.' : deployment.lastOperation?.error ?? null, checkedAt };
    }
    const status = await this.options.targets.get(deployment.target).status(this.refOf(deployment), signal);
    return { deployment, health: status.health, message: status.message, checkedAt };
  }

  /** Every live deployment with its status, checked side by side. */
  async listStatus(): Promise<DeploymentStatus[]> {
    return Promise.all(this.list().map((deployment) => this.status(deployment.name)));
  }

  /** What each target itself has running, whether or not the records know it (strays, endpoints of deleted records). */
  async listOnTargets(): Promise<Array<TargetListedDeployment & { readonly target: string }>> {
    const listed = await Promise.all(
      this.options.targets.list().map(async (info) => (await this.options.targets.get(info.name).list()).map((d) => ({ ...d, target: info.name }))),
    );
    return listed.flat();
  }

  /** A deployment's operations with their steps, newest first. */
  history(name: string, limit?: number): DeploymentOperation[] {
    return this.store.history(name, limit);
  }

  /** One operation with its steps. */
  getOperation(id: number): DeploymentOperation {
    return this.store.getOperation(id);
  }

  /** Creates a deployment; INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST or RESOURCE_ALREADY_EXISTS before anything is recorded. */
  async create(request: CreateDeploymentRequest): Promise<DeploymentJob> {
    checkName(request.name);
    const target = this.options.targets.get(request.target);
    const config = target.checkConfig(request.name, request.config ?? {});
    const resolved = await resolveModelUri(this.options.stores.registry, request.modelUri);
    const operation = this.store.beginOperation({
      name: request.name,
      kind: 'create',
      target: target.info.name,
      config,
      model: resolved.model,
      actor: this.actorOf(request.actor),
    });
    return this.run(operation, async (context) => {
      await this.recordResolved(context, request.modelUri, resolved.model);
      const packageDir = await this.copyFiles(context, operation.id, request.name, resolved.model);
      const result = await target.create(
        { name: request.name, config, model: resolved.model, modelDir: packageDir, operationId: operation.id },
        context,
      );
      return { model: resolved.model, packageDir, targetState: result.state, endpointUrl: result.endpointUrl, config };
    });
  }

  /** Moves a deployment to another version; the current one serves until the new one answers, and goes on serving if it fails. */
  async update(request: UpdateDeploymentRequest): Promise<DeploymentJob> {
    const deployment = this.store.getDeployment(request.name);
    const current = this.servingOrThrow(deployment);
    const target = this.options.targets.get(deployment.target);
    const config = target.checkConfig(request.name, { ...deployment.config, ...request.config });
    const uri = request.modelUri ?? current.model.uri;
    const resolved = await resolveModelUri(this.options.stores.registry, uri);
    const operation = this.store.beginOperation({
      name: request.name,
      kind: 'update',
      target: deployment.target,
      model: resolved.model,
      actor: this.actorOf(request.actor),
    });
    return this.run(operation, async (context) => {
      await this.recordResolved(context, uri, resolved.model);
      const packageDir = await this.copyFiles(context, operation.id, request.name, resolved.model);
      const result = await target.update(
        {
          name: request.name,
          config,
          model: resolved.model,
          modelDir: packageDir,
          operationId: operation.id,
          current: this.refOf({ ...deployment, config }, current),
          restoring: null,
        },
        context,
      );
      return { model: resolved.model, packageDir, targetState: result.state, endpointUrl: result.endpointUrl, config };
    });
  }

  /** Returns a deployment to the version that served before the current one (twice in a row: back again). */
  async rollback(request: DeploymentActionRequest): Promise<DeploymentJob> {
    const deployment = this.store.getDeployment(request.name);
    const current = this.servingOrThrow(deployment);
    const previous = current.replacedOperationId ? this.store.revision(current.replacedOperationId) : null;
    if (!previous) {
      throw new CairnError('INVALID_STATE', `Deployment '${request.name}' has served only ${describeModel(current.model)}: there is no earlier version to roll back to.`);
    }
    const target = this.options.targets.get(deployment.target);
    const operation = this.store.beginOperation({
      name: request.name,
      kind: 'rollback',
      target: deployment.target,
      model: previous.model,
      actor: this.actorOf(request.actor),
    });
    return this.run(operation, async (context) => {
      await context.step('resolve-model', 'Find the version to return to', async (step) => {
        step.detail(`${describeModel(previous.model)} (served from operation ${previous.operationId} until ${describeModel(current.model)} replaced it)`);
      });
      let packageDir = previous.packageDir;
      if (packageDir && fs.existsSync(path.join(packageDir, 'MLmodel'))) {
        await context.step('copy-model', "Copy the model's files", async (step) => step.detail(`Kept since operation ${previous.operationId}: ${packageDir}`));
      } else {
        packageDir = await this.copyFiles(context, operation.id, request.name, previous.model);
      }
      const result = await target.update(
        {
          name: request.name,
          config: deployment.config,
          model: previous.model,
          modelDir: packageDir,
          operationId: operation.id,
          current: this.refOf(deployment, current),
          restoring: this.refOf(deployment, previous),
        },
        context,
      );
      return { model: previous.model, packageDir, targetState: result.state, endpointUrl: result.endpointUrl };
    });
  }

  /** Stops a deployment and removes what its target made; its history stays. */
  async delete(request: DeploymentActionRequest): Promise<DeploymentJob> {
    const deployment = this.store.getDeployment(request.name);
    if (deployment.state === 'deleted') throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Deployment '${request.name}' was deleted already.`);
    const target = this.options.targets.get(deployment.target);
    const serving = this.store.servingRevision(request.name);
    const operation = this.store.beginOperation({
      name: request.name,
      kind: 'delete',
      target: deployment.target,
      model: null,
      actor: this.actorOf(request.actor),
    });
    return this.run(operation, async (context) => {
      await target.delete(this.refOf(deployment, serving), context);
      return { model: null };
    });
  }

  /** Cancels a running operation, whichever process runs it (that process notices within a quarter second). */
  cancel(operationId: number): DeploymentOperation {
    const operation = this.store.requestCancel(operationId);
    this.running.get(operationId)?.abort();
    return operation;
  }

  /** Sends a scoring request through a deployment's endpoint. */
  async predict(name: string, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult> {
    const deployment = this.store.getDeployment(name);
    const serving = this.servingOrThrow(deployment);
    return this.options.targets.get(deployment.target).predict(this.refOf(deployment, serving), input, signal);
  }

  /** The end of a deployment's log, as its target keeps it (deleted ones too, while the target still has it). */
  async logs(name: string, maxBytes: number): Promise<DeploymentLogs> {
    const deployment = this.store.getDeployment(name);
    const target = this.options.targets.get(deployment.target);
    if (!target.logs) return { text: '', truncated: false, source: null };
    return target.logs(this.refOf(deployment), maxBytes);
  }

  /**
   * Prepares a deployment's target ahead (the Deploy dialog opened): the local target starts a
   * Python worker and imports what the model needs. Bad requests throw at once; `ready` resolves
   * when the target is prepared and rejects if it could not prepare (the deploy then starts cold).
   */
  warmUp(request: WarmUpRequest): { readonly warming: boolean; readonly ready: Promise<void> } {
    const deployment = request.name ? this.store.getDeployment(request.name) : null;
    const target = this.options.targets.get(deployment && deployment.state !== 'deleted' ? deployment.target : request.target);
    if (!target.warmUp) return { warming: false, ready: Promise.resolve() };
    const config = target.checkConfig(request.name ?? 'warm-up', { ...(deployment?.state === 'deleted' ? {} : deployment?.config), ...request.config });
    const ref = deployment && deployment.state !== 'deleted' ? this.refOf(deployment) : null;
    const ready = (async () => {
      let modelDir: string | null = null;
      if (request.modelUri) {
        const { version } = await resolveModelUri(this.options.stores.registry, request.modelUri);
        modelDir = await modelVersionFolder(this.options.stores, version);
      }
      await target.warmUp!({ config, modelDir, deployment: ref });
    })();
    return { warming: true, ready };
  }

  /**
   * Starts again, on their ports, the deployments that were to keep running but whose endpoints
   * ended with the app that started them (the desktop app's endpoints end with it): each is an
   * update to the version it served, from the deployment's own copy of its files.
   */
  restartStopped(): DeploymentJob[] {
    const jobs: DeploymentJob[] = [];
    for (const deployment of this.list()) {
      const serving = deployment.state === 'serving' ? this.store.servingRevision(deployment.name) : null;
      if (!serving || this.store.runningOperation(deployment.name)) continue;
      let target: DeployTarget;
      try {
        target = this.options.targets.get(deployment.target);
      } catch {
        continue;
      }
      const ref = this.refOf(deployment, serving);
      if (target.needsRestart?.(ref)) jobs.push(this.restart(deployment, serving, target));
    }
    return jobs;
  }

  /**
   * The serving version's input example as a scoring request (for a "Try it" form): its
   * serving_input_example.json, else its input_example.json in a dataframe_split or
   * dataframe_records body, as MLflow saves them, else the first rows of the local CSV file its
   * run trained on; null when there is none of these.
   */
  async inputExample(name: string): Promise<PredictionInput | null> {
    const deployment = this.store.getDeployment(name);
    const revision = this.servingOrThrow(deployment);
    const folder = revision.packageDir;
    if (!folder) return null;
    const read = (file: string): unknown => {
      try {
        return JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as unknown;
      } catch {
        return null;
      }
    };
    const serving = read('serving_input_example.json');
    if (serving && typeof serving === 'object') return { json: serving };
    const example = read('input_example.json');
    if (Array.isArray(example)) return { json: { dataframe_records: example } };
    if (example && typeof example === 'object') {
      const keys = Object.keys(example);
      return { json: keys.includes('data') && keys.every((key) => ['columns', 'data', 'index'].includes(key)) ? { dataframe_split: example } : { inputs: example } };
    }
    return trainingDataExample(this.options.stores, revision.model, folder);
  }

  /** Subscribes to operation events; returns the unsubscribe function. */
  onEvent(listener: (event: DeploymentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Also pushes events for operations other processes run on this data folder (a `cairn deploy`
   * beside the app): the database is looked at every `intervalMs`, at the cost of one pragma when
   * nothing changed. Returns the stop function.
   */
  watchOtherProcesses(intervalMs = 500): () => void {
    const dataVersion = this.options.database.connection.prepare('PRAGMA data_version').pluck();
    let seenVersion = dataVersion.get() as number;
    let since = Date.now();
    const fingerprints = new Map<number, string>();
    const timer = setInterval(() => {
      const version = dataVersion.get() as number;
      if (version === seenVersion) return;
      seenVersion = version;
      const checkedFrom = since;
      since = Date.now();
      for (const operation of this.store.operationsActiveSince(checkedFrom - intervalMs)) {
        if (this.running.has(operation.id)) continue;
        const fingerprint = JSON.stringify([operation.outcome, operation.steps.map((step) => [step.outcome, step.detail])]);
        if (fingerprints.get(operation.id) === fingerprint) continue;
        fingerprints.set(operation.id, fingerprint);
        const step = operation.steps.at(-1) ?? null;
        for (const listener of this.listeners) listener({ deploymentName: operation.deploymentName, operation, step });
      }
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Cancels this process's running operations, waits for them, and stops the endpoints that stop with it. */
  async close(): Promise<void> {
    for (const controller of this.running.values()) controller.abort();
    await Promise.all(this.jobs);
    await this.options.targets.close();
  }

  // ---------------------------------------------------------------- internals

  private actorOf(actor: DeployActor | undefined): DeployActor {
    return actor ?? { user: os.userInfo().username, via: this.options.via };
  }

  private restart(deployment: Deployment, serving: DeploymentRevision, target: DeployTarget): DeploymentJob {
    const actor = this.actorOf(undefined);
    const operation = this.store.beginOperation({
      name: deployment.name,
      kind: 'update',
      target: deployment.target,
      model: serving.model,
      actor: { user: actor.user, via: `${actor.via} (restart)` },
      replacesOperationId: serving.replacedOperationId,
    });
    return this.run(operation, async (context) => {
      await context.step('resolve-model', 'Find the version to serve again', async (step) => {
        step.detail(`${describeModel(serving.model)}: the endpoint was to keep running, and ended with the app that started it`);
      });
      let packageDir = serving.packageDir;
      if (packageDir && fs.existsSync(path.join(packageDir, 'MLmodel'))) {
        await context.step('copy-model', "Copy the model's files", async (step) => step.detail(`Kept since operation ${serving.operationId}: ${packageDir}`));
      } else {
        packageDir = await this.copyFiles(context, operation.id, deployment.name, serving.model);
      }
      const result = await target.update(
        {
          name: deployment.name,
          config: deployment.config,
          model: serving.model,
          modelDir: packageDir,
          operationId: operation.id,
          current: this.refOf(deployment, serving),
          restoring: null,
        },
        context,
      );
      return { model: serving.model, packageDir, targetState: result.state, endpointUrl: result.endpointUrl };
    });
  }

  private servingOrThrow(deployment: Deployment): DeploymentRevision {
    if (deployment.state === 'deleted') throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Deployment '${deployment.name}' was deleted.`);
    const serving = this.store.servingRevision(deployment.name);
    if (!serving) {
      throw new CairnError('INVALID_STATE', `Deployment '${deployment.name}' has never served (its creation ${deployment.state === 'creating' ? 'is running' : 'failed'}); create it again.`);
    }
    return serving;
  }

  private refOf(deployment: Deployment, revision?: DeploymentRevision | null): TargetDeploymentRef {
    const serving = revision === undefined ? this.store.servingRevision(deployment.name) : revision;
    return {
      name: deployment.name,
      config: deployment.config,
      endpointUrl: serving?.endpointUrl ?? deployment.endpointUrl,
      state: serving?.state ?? {},
      model: serving?.model ?? null,
    };
  }

  private async recordResolved(context: DeployContext, uri: string, model: DeployedModel): Promise<void> {
    await context.step('resolve-model', `Resolve ${uri}`, async (step) => step.detail(describeModel(model)));
  }

  private async copyFiles(context: DeployContext, operationId: number, name: string, model: DeployedModel): Promise<string> {
    return context.step('copy-model', "Copy the model's files", async (step) => {
      const version = await this.options.stores.registry.getModelVersion(model.name, model.version);
      const source = await modelVersionFolder(this.options.stores, version);
      const packageDir = path.join(this.options.dataDir, 'deployments', name, 'packages', String(operationId));
      const bytes = await copyModelFolder(source, packageDir);
      step.detail(`${formatBytes(bytes)} from ${source}`);
      return packageDir;
    });
  }

  /** Runs an operation's work with a recording context; ends the operation however the work ends. */
  private run(
    operation: DeploymentOperation,
    work: (context: DeployContext) => Promise<{
      model: DeployedModel | null;
      packageDir?: string;
      targetState?: TargetState;
      endpointUrl?: string;
      config?: Readonly<Record<string, string>>;
    }>,
  ): DeploymentJob {
    const controller = new AbortController();
    this.running.set(operation.id, controller);
    const poll = setInterval(() => {
      if (this.store.isCancelRequested(operation.id)) controller.abort();
    }, CANCEL_POLL_MS);
    poll.unref();
    let failedStep: string | null = null;
    const emit = (stepIndex: number | null) => {
      const current = this.store.getOperation(operation.id);
      const step = stepIndex === null ? null : (current.steps.find((s) => s.index === stepIndex) ?? null);
      for (const listener of this.listeners) listener({ deploymentName: operation.deploymentName, operation: current, step });
    };
    const cancelledError = () => new CairnError('INVALID_STATE', 'Cancelled.');
    // Clean-up and revert steps run after a cancel too; every other step refuses to begin once cancelled.
    const beginCleanUp = (name: string, title: string, detail?: string): OpenStep => {
      const index = this.store.beginStep(operation.id, name, title, detail ?? null);
      emit(index);
      let ended = false;
      return {
        detail: (text) => {
          if (ended) return;
          this.store.setStepDetail(operation.id, index, text);
          emit(index);
        },
        succeed: (text) => {
          if (ended) return;
          ended = true;
          this.store.endStep(operation.id, index, 'succeeded', text);
          emit(index);
        },
        fail: (error) => {
          if (ended) return;
          ended = true;
          const cancelled = controller.signal.aborted;
          if (!cancelled) failedStep = name;
          this.store.endStep(operation.id, index, cancelled ? 'cancelled' : 'failed', error instanceof Error ? error.message : String(error));
          emit(index);
        },
      };
    };
    const begin = (name: string, title: string, detail?: string): OpenStep => {
      if (controller.signal.aborted) throw cancelledError();
      return beginCleanUp(name, title, detail);
    };
    const context: DeployContext = {
      signal: controller.signal,
      begin,
      beginCleanUp,
      async step<T>(name: string, title: string, run: (step: StepHandle) => Promise<T>): Promise<T> {
        const open = begin(name, title);
        try {
          const result = await run(open);
          open.succeed();
          return result;
        } catch (error) {
          open.fail(error);
          throw error;
        }
      },
    };
    emit(null);
    const done = (async () => {
      try {
        const result = await work(context);
        if (controller.signal.aborted) throw cancelledError();
        const finished = this.store.finishOperation(operation.id, {
          outcome: 'succeeded',
          model: result.model,
          packageDir: result.packageDir ?? null,
          targetState: result.targetState ?? null,
          endpointUrl: result.endpointUrl ?? null,
          config: result.config ?? null,
        });
        return finished;
      } catch (error) {
        const cancelled = controller.signal.aborted;
        return this.store.finishOperation(operation.id, {
          outcome: cancelled ? 'cancelled' : 'failed',
          failedStep: cancelled ? null : (failedStep ?? (error as { step?: string }).step ?? null),
          error: cancelled ? 'Cancelled.' : error instanceof Error ? error.message : String(error),
        });
      } finally {
        clearInterval(poll);
        this.running.delete(operation.id);
        this.removeUnusedPackages(operation.deploymentName, operation.kind === 'delete');
        emit(null);
      }
    })();
    this.jobs.add(done);
    void done.finally(() => this.jobs.delete(done));
    return { operation: this.store.getOperation(operation.id), done };
  }

  /** Removes copies of model files no revision worth keeping (the serving one and the one before) uses. */
  private removeUnusedPackages(name: string, all: boolean): void {
    const root = path.join(this.options.dataDir, 'deployments', name, 'packages');
    if (!fs.existsSync(root)) return;
    if (all && this.store.getDeployment(name).state === 'deleted') {
      fs.rmSync(root, { recursive: true, force: true });
      return;
    }
    const keep = this.store.packageDirsInUse(name);
    for (const entry of fs.readdirSync(root)) {
      const folder = path.join(root, entry);
      if (!keep.has(folder) && !this.isPackageOfRunningOperation(name, entry)) fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  private isPackageOfRunningOperation(name: string, entry: string): boolean {
    return this.store.runningOperation(name)?.id === Number(entry);
  }
}
