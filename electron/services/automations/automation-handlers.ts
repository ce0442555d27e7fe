// The handlers of the automations capability's calls (shared/contract/automations.ts), over the
// continuous-training service and the background scheduler. Run now only queues: the firing runs
// off the call, so no UI call waits for a pipeline.
import os from 'node:os';
import path from 'node:path';
import type { AutomationsCallName } from '../../../shared/contract';
import { CairnError } from '../../../shared/errors';
import type { CallHandlerTable } from '../api/call-handler-table';
import { AutomationsFileError } from './automation-definition';
import type { AutomationScheduler } from './automation-scheduler';
import type { ContinuousTraining } from './create-continuous-training';

/** What the automations capability's handlers need. */
export interface AutomationHandlerServices {
  readonly automations: ContinuousTraining & { readonly scheduler: AutomationScheduler };
}

/** A wrong automations file as an error a person can act on (every problem with its line). */
function readable<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof AutomationsFileError) throw new CairnError('INVALID_PARAMETER_VALUE', error.message);
    throw error;
  }
}

/** The handlers of the automations capability. */
export function createAutomationHandlers(services: AutomationHandlerServices): CallHandlerTable<AutomationsCallName> {
  // Read at each call: a context built for a test of other capabilities may leave automations out.
  const parts = () => services.automations;
  const summaryOf = (projectDir: string, automation: string) => {
    const found = readable(() => parts().service.list(projectDir)).find((item) => item.name === automation);
    if (!found) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No automation named '${automation}' in ${projectDir}.`);
    return found;
  };
  return {
    listAutomationProjects: async () => parts().store.listProjects().map((projectDir) => ({ projectDir, problem: parts().scheduler.problemOf(projectDir) })),
    addAutomationProject: async ({ projectDir }) => {
      readable(() => parts().scheduler.addProject(projectDir));
      return { projectDir: path.resolve(projectDir), problem: null };
    },
    removeAutomationProject: async ({ projectDir }) => {
      parts().scheduler.removeProject(projectDir);
      return parts().store.listProjects().map((dir) => ({ projectDir: dir, problem: parts().scheduler.problemOf(dir) }));
    },
    listAutomations: async ({ projectDir }) => readable(() => parts().service.list(projectDir)),
    listAutomationFirings: async ({ projectDir, automation, limit }) => parts().service.history({ projectDir: path.resolve(projectDir), automation, limit }),
    runAutomation: async ({ projectDir, automation }) => {
      const found = summaryOf(projectDir, automation);
      void parts().scheduler.request(projectDir, automation, true, { user: os.userInfo().username, via: 'app' });
      return found;
    },
    setAutomationEnabled: async ({ projectDir, automation, enabled }) => {
      summaryOf(projectDir, automation);
      parts().service.setEnabled(projectDir, automation, enabled);
      return summaryOf(projectDir, automation);
    },
    cancelAutomationFiring: async ({ firingId }) => {
      try {
        return parts().service.cancel(firingId, { actor: { user: os.userInfo().username, via: 'app' } });
      } catch (error) {
        if (error instanceof CairnError) throw error;
        throw new CairnError('INVALID_STATE', error instanceof Error ? error.message : String(error));
      }
    },
    decideAutomationFiring: async ({ firingId, decision, comment }) => {
      try {
        return await parts().service.decide(firingId, decision, comment ? { comment } : {});
      } catch (error) {
        if (error instanceof CairnError) throw error;
        throw new CairnError('INVALID_STATE', error instanceof Error ? error.message : String(error));
      }
    },
  };
}
