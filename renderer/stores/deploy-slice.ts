// Deployments as the app shows them: the targets with their settings, every deployment with what
// its target says about it, one deployment's page (its history, its Try it form and its latest
// answer), and the operations running now, kept live by the `deploy.operation` event (from this
// app or a `cairn deploy` beside it). Operations answer as soon as they begin; the event carries
// each step to its end.
import type { StateCreator } from 'zustand';
import type { CallRequest } from '../../shared/contract';
import type {
  ConnectionCheck,
  DeploymentEvent,
  DeploymentLogs,
  DeploymentOperation,
  DeploymentStatus,
  DeployTargetInfo,
  DeployTargetSecretState,
  PredictionResult,
} from '../../shared/deployments';
import { parseScoringText, scoringText, type ScoringText } from '../models/deploy/scoring-request';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import type { ListStatus } from './experiments-slice';

/** A list as shown. */
export interface DeployList<T> {
  readonly items: readonly T[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** One deployment's page. */
export interface DeploymentPageState {
  readonly name: string | null;
  readonly status: DeploymentStatus | null;
  readonly loadStatus: ListStatus;
  readonly error: string | null;
  /** Its operations with their steps, newest first. */
  readonly history: readonly DeploymentOperation[];
  /** The Try it form's request, prefilled with the model's input example; null until known (or when there is none). */
  readonly tryIt: ScoringText | null;
  readonly tryItStatus: 'idle' | 'loading' | 'ready';
  readonly prediction: { readonly status: 'idle' | 'working' | 'done' | 'error'; readonly result: PredictionResult | null; readonly error: string | null };
  /** The end of its log, once asked for. */
  readonly logs: { readonly status: ListStatus; readonly value: DeploymentLogs | null; readonly error: string | null };
}

/** Where the latest deploy action stands (create, update, rollback, delete, cancel). */
export interface DeployActionState {
  readonly status: 'idle' | 'working' | 'done' | 'error';
  readonly label: string;
  readonly error: string | null;
}

/** A cloud target's credentials as the Deploy dialog shows them: which secrets the keychain holds, and the last "Test connection". */
export interface DeployCredentialsState {
  readonly target: string | null;
  readonly secrets: readonly DeployTargetSecretState[];
  /** Where saving or forgetting a secret stands; its error says what to do (e.g. no keychain in the browser mode). */
  readonly secretStatus: 'idle' | 'working' | 'error';
  readonly secretError: string | null;
  readonly check: { readonly status: 'idle' | 'working' | 'done' | 'error'; readonly result: ConnectionCheck | null; readonly error: string | null };
}

/** The deploy slice of the app store. */
export interface DeploySlice {
  readonly deployTargets: DeployList<DeployTargetInfo>;
  readonly deployments: DeployList<DeploymentStatus>;
  readonly deploymentPage: DeploymentPageState;
  /** The latest state of each operation seen, by id, as events bring it. */
  readonly deployOperations: Readonly<Record<number, DeploymentOperation>>;
  readonly deployAction: DeployActionState;
  readonly deployCredentials: DeployCredentialsState;
  loadDeployTargets(): Promise<void>;
  /** Shows a target's credentials: which of its secrets the keychain holds (forgets the last connection check). */
  loadTargetSecrets(target: string): Promise<void>;
  /** Sends a secret once to the main side to be kept in the OS keychain (value null: forgets it); true when kept. */
  saveTargetSecret(target: string, key: string, value: string | null): Promise<boolean>;
  /** Runs the target's "Test connection" with these settings. */
  testDeployConnection(target: string, config: Readonly<Record<string, string>>): Promise<void>;
  /** Loads every deployment with its status (keeping what is shown while it reloads). */
  loadDeployments(): Promise<void>;
  /** Opens one deployment's page: its status, history and Try it example. */
  openDeployment(name: string): Promise<void>;
  /** Creates a deployment; resolves to its operation once begun, or null (the error is in deployAction). */
  createDeployment(request: CallRequest<'deployCreate'>): Promise<DeploymentOperation | null>;
  updateDeployment(request: CallRequest<'deployUpdate'>): Promise<DeploymentOperation | null>;
  rollbackDeployment(name: string): Promise<DeploymentOperation | null>;
  deleteDeployment(name: string): Promise<DeploymentOperation | null>;
  cancelDeployOperation(operationId: number): Promise<void>;
  /** Prepares the target ahead of a deploy (the Deploy dialog opened); never fails the dialog. */
  warmUpDeploy(request: CallRequest<'deployWarmUp'>): Promise<void>;
  /** Loads (again) the end of the open deployment's log. */
  loadDeploymentLogs(): Promise<void>;
  /** Sets the Try it form's request text. */
  setTryIt(text: ScoringText): void;
  /** Sends the Try it form's request through the open deployment's endpoint. */
  tryPrediction(): Promise<void>;
  /** Forgets the latest action's outcome. */
  clearDeployAction(): void;
  /** Subscribes to deployment events and keeps what is shown live; returns the function that stops it. */
  watchDeployments(): () => void;
}

const EMPTY_PAGE: DeploymentPageState = {
  name: null,
  status: null,
  loadStatus: 'idle',
  error: null,
  history: [],
  tryIt: null,
  tryItStatus: 'idle',
  prediction: { status: 'idle', result: null, error: null },
  logs: { status: 'idle', value: null, error: null },
};

const EMPTY_CREDENTIALS: DeployCredentialsState = {
  target: null,
  secrets: [],
  secretStatus: 'idle',
  secretError: null,
  check: { status: 'idle', result: null, error: null },
};

/** Replaces (or adds, newest first) an operation in a history. */
function withOperation(history: readonly DeploymentOperation[], operation: DeploymentOperation): DeploymentOperation[] {
  const index = history.findIndex((entry) => entry.id === operation.id);
  if (index === -1) return [operation, ...history].sort((a, b) => b.id - a.id);
  return history.map((entry, i) => (i === index ? operation : entry));
}

/** Builds the deploy slice. */
export function createDeploySlice({ api }: SliceContext): StateCreator<AppState, [], [], DeploySlice> {
  return (set, get) => {
    let listGeneration = 0;
    let pageGeneration = 0;
    const patchPage = (name: string, patch: Partial<DeploymentPageState>) =>
      set((state) => (state.deploymentPage.name === name ? { deploymentPage: { ...state.deploymentPage, ...patch } } : {}));

    const loadPage = async (name: string) => {
      const mine = ++pageGeneration;
      try {
        const [status, history] = await Promise.all([api.deployStatus({ name }), api.deployHistory({ name })]);
        if (mine === pageGeneration) patchPage(name, { status, history, loadStatus: 'ready', error: null });
      } catch (error) {
        if (mine === pageGeneration) patchPage(name, { loadStatus: 'error', error: describeError(error) });
      }
    };

    const loadExample = async (name: string) => {
      const page = get().deploymentPage;
      if (page.tryIt !== null || page.tryItStatus === 'loading') return;
      patchPage(name, { tryItStatus: 'loading' });
      try {
        const { example } = await api.deployInputExample({ name });
        if (get().deploymentPage.tryIt === null) patchPage(name, { tryIt: example ? scoringText(example) : null });
      } catch {
        // A deployment that never served has no example yet: the form starts empty.
      }
      patchPage(name, { tryItStatus: 'ready' });
    };

    /** Runs an operation call, recording where it stands; the operation it began, or null. */
    const begin = async (label: string, call: () => Promise<DeploymentOperation>): Promise<DeploymentOperation | null> => {
      set({ deployAction: { status: 'working', label, error: null } });
      try {
        const operation = await call();
        set((state) => ({
          deployAction: { status: 'done', label, error: null },
          deployOperations: { ...state.deployOperations, [operation.id]: state.deployOperations[operation.id] ?? operation },
        }));
        const page = get().deploymentPage;
        if (page.name === operation.deploymentName) patchPage(page.name, { history: withOperation(page.history, get().deployOperations[operation.id]!) });
        return operation;
      } catch (error) {
        set({ deployAction: { status: 'error', label, error: describeError(error) } });
        return null;
      }
    };

    const onEvent = (event: DeploymentEvent) => {
      const { operation } = event;
      set((state) => ({ deployOperations: { ...state.deployOperations, [operation.id]: operation } }));
      const page = get().deploymentPage;
      if (page.name === event.deploymentName) patchPage(page.name, { history: withOperation(page.history, operation) });
      // When an operation begins or ends, what the deployment serves and how it stands may change.
      if (operation.outcome !== 'running' || (event.step === null && operation.steps.length === 0)) {
        if (get().deployments.status !== 'idle') void get().loadDeployments();
        if (page.name === event.deploymentName) {
          void loadPage(page.name);
          if (operation.outcome !== 'running' && page.logs.status === 'ready') void get().loadDeploymentLogs();
          if (operation.outcome === 'succeeded' && operation.kind !== 'delete') {
            // A new version serves: its example may differ.
            patchPage(page.name, { tryIt: null, tryItStatus: 'idle' });
            void loadExample(page.name);
          }
        }
      }
    };

    return {
      deployTargets: { items: [], status: 'idle', error: null },
      deployments: { items: [], status: 'idle', error: null },
      deploymentPage: EMPTY_PAGE,
      deployOperations: {},
      deployAction: { status: 'idle', label: '', error: null },
      deployCredentials: EMPTY_CREDENTIALS,

      async loadTargetSecrets(target) {
        set({ deployCredentials: { ...EMPTY_CREDENTIALS, target } });
        try {
          const secrets = await api.deployTargetSecrets({ target });
          if (get().deployCredentials.target === target) set((state) => ({ deployCredentials: { ...state.deployCredentials, secrets } }));
        } catch (error) {
          if (get().deployCredentials.target === target) set((state) => ({ deployCredentials: { ...state.deployCredentials, secretStatus: 'error', secretError: describeError(error) } }));
        }
      },

      async saveTargetSecret(target, key, value) {
        set((state) => ({ deployCredentials: { ...state.deployCredentials, secretStatus: 'working', secretError: null } }));
        try {
          const secrets = await api.deploySetTargetSecret({ target, key, value });
          set((state) => ({ deployCredentials: { ...state.deployCredentials, target, secrets, secretStatus: 'idle', secretError: null } }));
          return true;
        } catch (error) {
          set((state) => ({ deployCredentials: { ...state.deployCredentials, secretStatus: 'error', secretError: describeError(error) } }));
          return false;
        }
      },

      async testDeployConnection(target, config) {
        set((state) => ({ deployCredentials: { ...state.deployCredentials, target, check: { status: 'working', result: null, error: null } } }));
        try {
          const result = await api.deployTestConnection({ target, config: { ...config } });
          if (get().deployCredentials.target === target) set((state) => ({ deployCredentials: { ...state.deployCredentials, check: { status: 'done', result, error: null } } }));
        } catch (error) {
          if (get().deployCredentials.target === target) set((state) => ({ deployCredentials: { ...state.deployCredentials, check: { status: 'error', result: null, error: describeError(error) } } }));
        }
      },

      async loadDeployTargets() {
        if (get().deployTargets.status === 'ready') return;
        set((state) => ({ deployTargets: { ...state.deployTargets, status: 'loading', error: null } }));
        try {
          set({ deployTargets: { items: await api.deployTargets({}), status: 'ready', error: null } });
        } catch (error) {
          set((state) => ({ deployTargets: { ...state.deployTargets, status: 'error', error: describeError(error) } }));
        }
      },

      async loadDeployments() {
        const mine = ++listGeneration;
        if (get().deployments.status !== 'ready') set((state) => ({ deployments: { ...state.deployments, status: 'loading', error: null } }));
        try {
          const items = await api.deployList({});
          if (mine === listGeneration) set({ deployments: { items, status: 'ready', error: null } });
        } catch (error) {
          if (mine === listGeneration) set((state) => ({ deployments: { ...state.deployments, status: 'error', error: describeError(error) } }));
        }
      },

      async openDeployment(name) {
        if (get().deploymentPage.name !== name) set({ deploymentPage: { ...EMPTY_PAGE, name, loadStatus: 'loading' } });
        await loadPage(name);
        if (get().deploymentPage.status?.deployment.model) await loadExample(name);
      },

      createDeployment: (request) => begin(`Deploy ${request.modelUri} as ${request.name}`, () => api.deployCreate(request)),
      updateDeployment: (request) => begin(`Update ${request.name}`, () => api.deployUpdate(request)),
      rollbackDeployment: (name) => begin(`Roll back ${name}`, () => api.deployRollback({ name })),
      deleteDeployment: (name) => begin(`Delete ${name}`, () => api.deployDelete({ name })),

      async cancelDeployOperation(operationId) {
        await begin(`Cancel operation ${operationId}`, () => api.deployCancel({ operationId }));
      },

      async warmUpDeploy(request) {
        try {
          await api.deployWarmUp(request);
        } catch (error) {
          // The deploy works without it, only slower.
          console.warn('cairn: could not prepare the deploy ahead', describeError(error));
        }
      },

      async loadDeploymentLogs() {
        const { name, logs } = get().deploymentPage;
        if (!name) return;
        patchPage(name, { logs: { ...logs, status: 'loading', error: null } });
        try {
          patchPage(name, { logs: { status: 'ready', value: await api.deployLogs({ name }), error: null } });
        } catch (error) {
          patchPage(name, { logs: { status: 'error', value: null, error: describeError(error) } });
        }
      },

      setTryIt(text) {
        set((state) => ({ deploymentPage: { ...state.deploymentPage, tryIt: text } }));
      },

      async tryPrediction() {
        const { name, tryIt } = get().deploymentPage;
        if (!name || !tryIt) return;
        const parsed = parseScoringText(tryIt);
        if ('error' in parsed) {
          patchPage(name, { prediction: { status: 'error', result: null, error: parsed.error } });
          return;
        }
        patchPage(name, { prediction: { status: 'working', result: get().deploymentPage.prediction.result, error: null } });
        try {
          const result = await api.deployPredict({ name, input: parsed.input });
          patchPage(name, { prediction: { status: 'done', result, error: null } });
        } catch (error) {
          patchPage(name, { prediction: { status: 'error', result: null, error: describeError(error) } });
        }
      },

      clearDeployAction() {
        set({ deployAction: { status: 'idle', label: '', error: null } });
      },

      watchDeployments() {
        return api.onEvent('deploy.operation', onEvent);
      },
    };
  };
}
