// Builds the deployment service with every registered target over one data folder's stores, the
// same way for the app, `cairn serve`, the CLI and the benchmark.
import type { CairnDatabase } from '../database/database';
import { defaultPython, DeployTargets } from './deploy-targets';
import { DeploymentService } from './deployment-service';
import { nodeEndpointHostLauncher, type EndpointHostLauncher } from './local/endpoint-host-launcher';
import type { ModelFileStores } from './model-version-files';
import type { SecretStore } from './secrets/secret-store';

/** What the deployment service is built over, and how its endpoints behave by default. */
export interface DeploymentServiceSetup {
  readonly database: CairnDatabase;
  readonly stores: ModelFileStores;
  readonly dataDir: string;
  /** Through what operations are asked for when a call does not say: 'app', 'cli', ... */
  readonly via: string;
  /** Whether local endpoints outlive this process when a deployment does not say (the CLI: yes; the app: no). */
  readonly keepRunningByDefault: boolean;
  /** How to start endpoint hosts: the host bundled beside this bundle, run by this Node, when absent (the desktop app passes Electron's utility processes). */
  readonly launcher?: EndpointHostLauncher;
  /** The default Python of local deployments; $CAIRN_PYTHON or python3 when absent. */
  readonly python?: string;
  /** Where cloud targets' secrets are kept (the desktop app: the OS keychain); absent: none are kept, the SDKs' own credentials are used. */
  readonly secrets?: SecretStore;
}

/** The deployment service over one data folder. */
export function createDeploymentService(setup: DeploymentServiceSetup): DeploymentService {
  const targets = new DeployTargets({
    dataDir: setup.dataDir,
    localLauncher: setup.launcher ?? nodeEndpointHostLauncher(),
    defaultPython: setup.python ?? defaultPython(),
    keepRunningByDefault: setup.keepRunningByDefault,
    secrets: setup.secrets,
  });
  return new DeploymentService({ database: setup.database, stores: setup.stores, targets, dataDir: setup.dataDir, via: setup.via, secrets: setup.secrets });
}
