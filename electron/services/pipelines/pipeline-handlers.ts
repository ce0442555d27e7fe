// The handlers of the pipelines capability's calls (shared/contract/pipelines.ts), over the app's
// pipelines service.
import type { PipelinesCallName } from '../../../shared/contract';
import type { CallHandlerTable } from '../api/call-handler-table';
import type { PipelineAppService } from './pipeline-app-service';

/** What the pipelines capability's handlers need. */
export interface PipelinesHandlerServices {
  readonly pipelines: PipelineAppService;
}

/** The handlers of the pipelines capability. */
export function createPipelinesHandlers(services: PipelinesHandlerServices): CallHandlerTable<PipelinesCallName> {
  const { pipelines } = services;
  return {
    listPipelineProjects: async () => pipelines.listProjects(),
    pickPipelineFolder: async () => ({ projectDir: await pipelines.pickProjectFolder() }),
    openPipelineProject: async (request) => pipelines.openProject(request.projectDir),
    closePipelineProject: async (request) => ({ closed: pipelines.closeProject(request.projectDir) }),
    getPipelineOverview: async (request) => pipelines.overview(request.projectDir),
    getPipelineStatus: async (request) => pipelines.status(request.projectDir),
    runPipeline: async (request) =>
      pipelines.run(request.projectDir, {
        targets: request.targets,
        force: request.force,
        downstream: request.downstream,
        jobs: request.jobs,
        setParams: request.setParams,
      }),
    stopPipelineExecution: async (request) => ({ stopped: pipelines.stop(request.executionId) }),
    listPipelineExecutions: async (request) => pipelines.listExecutions(request.projectDir, request.limit),
    getPipelineExecution: async (request) => pipelines.getExecution(request.executionId),
    comparePipelineExecutions: async (request) => pipelines.compare(request.a, request.b),
    getStageLog: async (request) => pipelines.stageLog(request.executionId, request.stage),
  };
}
