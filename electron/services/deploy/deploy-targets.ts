// The deploy targets by name. Adding a target is one file behind the DeployTarget interface
// (targets/<name>-target.ts) and one line in TARGET_FACTORIES.
import { CairnError } from '../../../shared/errors';
import type { DeployTargetInfo } from '../../../shared/deployments';
import type { DeployTarget } from './deploy-target';
import type { EndpointHostLauncher } from './local/endpoint-host-launcher';
import { NoSecretStore, type SecretStore } from './secrets/secret-store';
import { DatabricksTarget } from './targets/databricks-target';
import { AzureMlTarget } from './targets/azureml-target';
import { LocalTarget } from './targets/local-target';
import { SageMakerTarget } from './targets/sagemaker-target';

/** Where the targets run: what any of them may need from the app, the server or the CLI. */
export interface DeployTargetEnvironment {
  readonly dataDir: string;
  /** How the local target starts endpoint host processes. */
  readonly localLauncher: EndpointHostLauncher;
  /** The Python the local target uses when a deployment names none. */
  readonly defaultPython: string;
  /** Whether local endpoints outlive the process that started them, when a deployment does not say (the CLI: yes). */
  readonly keepRunningByDefault: boolean;
  /** Where cloud targets' secrets are kept: the OS keychain in the desktop app; none elsewhere (the SDKs' own credential chains). */
  readonly secrets?: SecretStore;
}

const TARGET_FACTORIES: Readonly<Record<string, (environment: DeployTargetEnvironment) => DeployTarget>> = {
  local: (environment) =>
    new LocalTarget({
      dataDir: environment.dataDir,
      launcher: environment.localLauncher,
      defaultPython: environment.defaultPython,
      keepRunningByDefault: environment.keepRunningByDefault,
    }),
  sagemaker: (environment) => new SageMakerTarget({ secrets: environment.secrets ?? new NoSecretStore() }),
  databricks: (environment) => new DatabricksTarget({ secrets: environment.secrets ?? new NoSecretStore() }),
  azureml: (environment) => new AzureMlTarget({ secrets: environment.secrets ?? new NoSecretStore() }),
};

/** The Python a local deployment uses when none is named: $CAIRN_PYTHON, else python3 (python on Windows). */
export function defaultPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAIRN_PYTHON?.trim() || (process.platform === 'win32' ? 'python' : 'python3');
}

/** Every registered target, built for one environment. */
export class DeployTargets {
  private readonly targets = new Map<string, DeployTarget>();

  constructor(environment: DeployTargetEnvironment) {
    for (const [name, create] of Object.entries(TARGET_FACTORIES)) this.targets.set(name, create(environment));
  }

  /** The target with this name; INVALID_PARAMETER_VALUE naming the known ones when there is none. */
  get(name: string): DeployTarget {
    const target = this.targets.get(name);
    if (!target) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `No deploy target named '${name}'; the targets are ${[...this.targets.keys()].join(', ')}.`);
    }
    return target;
  }

  /** What the UI's target picker lists. */
  list(): DeployTargetInfo[] {
    return [...this.targets.values()].map((target) => target.info);
  }

  /** Lets every target stop what should not outlive this process. */
  async close(): Promise<void> {
    await Promise.all([...this.targets.values()].map(async (target) => target.close?.()));
  }
}
