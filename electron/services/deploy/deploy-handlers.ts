// The handlers of the deploy capability's calls (shared/contract/deploy.ts), over the deployment
// service. Operations answer once they have begun; the service's events (published as
// `deploy.operation` by cairn-services.ts) carry them on.
import type { DeployCallName } from '../../../shared/contract';
import type { CallHandlerTable } from '../api/call-handler-table';
import type { DeploymentService } from './deployment-service';

/** What the deploy capability's handlers need. */
export interface DeployHandlerServices {
  readonly deployments: DeploymentService;
}

/** The handlers of the deploy capability. */
export function createDeployHandlers(services: DeployHandlerServices): CallHandlerTable<DeployCallName> {
  const { deployments } = services;
  return {
    deployTargets: async () => deployments.listTargets(),
    deployList: async (request) => {
      const listed = deployments.list(request.includeDeleted);
      return Promise.all(listed.map((deployment) => deployments.status(deployment.name)));
    },
    deployStatus: async (request) => deployments.status(request.name),
    deployHistory: async (request) => deployments.history(request.name, request.limit),
    deployCreate: async (request) => (await deployments.create(request)).operation,
    deployUpdate: async (request) => (await deployments.update(request)).operation,
    deployRollback: async (request) => (await deployments.rollback(request)).operation,
    deployDelete: async (request) => (await deployments.delete(request)).operation,
    deployCancel: async (request) => deployments.cancel(request.operationId),
    deployPredict: async (request) => deployments.predict(request.name, request.input),
    deployLogs: async (request) => deployments.logs(request.name, request.maxBytes),
    deployInputExample: async (request) => ({ example: await deployments.inputExample(request.name) }),
    deployWarmUp: async (request) => {
      const { warming, ready } = deployments.warmUp(request);
      // The dialog does not wait: a deploy that comes before the worker is warm starts it cold.
      ready.catch((error: unknown) => console.warn('cairn: could not prepare the deploy target ahead:', error instanceof Error ? error.message : error));
      return { warming };
    },
    deployTargetSecrets: async (request) => deployments.targetSecrets(request.target),
    deploySetTargetSecret: async (request) => {
      await deployments.setTargetSecret(request.target, request.key, request.value);
      return deployments.targetSecrets(request.target);
    },
    deployTestConnection: async (request) => deployments.testConnection(request.target, request.config),
  };
}
