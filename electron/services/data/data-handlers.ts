// The handlers of the data capability's calls (shared/contract/data.ts): thin, each one call of
// the data service; the long ones run as jobs (data-jobs.ts) the caller can follow and cancel.
import fs from 'node:fs';
import type { DataCallName, RecordedCheck, UnlinkedRunInput } from '../../../shared/contract';
import type { CheckReport } from '../../../shared/data-models';
import { CairnError } from '../../../shared/errors';
import type { CallHandlerTable } from '../api/call-handler-table';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { TrackerStore } from '../tracker/tracker-store';
import { CHECK_ARTIFACT_FOLDER, CHECK_RUN_TAG } from './check-run-recorder';
import type { DataJobs } from './data-jobs';
import { localSourcePath, type DataService } from './data-service';

/** What the data capability's handlers need. */
export interface DataHandlerServices {
  readonly data: DataService;
  readonly dataJobs: DataJobs;
  readonly store: TrackerStore;
  readonly artifacts: ArtifactStore;
}

/** The handlers of the data capability. */
export function createDataHandlers(services: DataHandlerServices): CallHandlerTable<DataCallName> {
  const { data, dataJobs } = services;

  /** The report a check run stored as its artifact; null when it has none (recorded without artifacts, or deleted). */
  const storedCheck = async (runId: string): Promise<RecordedCheck | null> => {
    try {
      const run = await services.store.getRun(runId);
      const preview = await services.artifacts.readArtifactPreview(run.info.artifactUri, `${CHECK_ARTIFACT_FOLDER}/report.json`, 16 * 1024 * 1024);
      if (preview.truncated) return null;
      return { runId, report: JSON.parse(preview.bytes.toString('utf8')) as CheckReport };
    } catch {
      return null;
    }
  };

  return {
    listDatasets: async () => data.listDatasets(),
    getDataset: async (request) => {
      const dataset = data.getDataset(request.dataset);
      return { dataset, versions: data.listVersions(dataset.datasetId) };
    },
    openDataset: async (request) => {
      const dataset = data.getDataset(request.dataset);
      const versions = data.listVersions(dataset.datasetId);
      const shown = request.versionId === undefined ? versions.at(-1) : versions.find((version) => version.versionId === request.versionId);
      if (request.versionId !== undefined && !shown) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The dataset ${dataset.name} has no version ${request.versionId}.`);
      }
      return {
        detail: { dataset, versions },
        profile: shown ? data.getProfile(shown.versionId) : null,
        driftSettings: data.getDriftSettings(dataset.datasetId),
        drift: versions.length >= 2 ? data.storedDrift(versions[0]!.versionId, versions.at(-1)!.versionId) : null,
      };
    },
    addDataset: (request) => dataJobs.run(request.jobId, (job) => data.addDataset(request.path, { ...job, name: request.name })),
    getDatasetProfile: async (request) => {
      data.getVersion(request.versionId);
      return { profile: data.getProfile(request.versionId) };
    },
    profileDataset: (request) =>
      dataJobs.run(request.jobId, (job) => data.profile({ versionId: request.versionId }, { ...job, refresh: request.refresh })),
    compareDatasets: (request) =>
      dataJobs.run(request.jobId, (job) => data.compare({ versionId: request.referenceVersionId }, { versionId: request.currentVersionId }, job)),
    getDriftSettings: async (request) => data.getDriftSettings(request.dataset),
    setDriftSettings: async (request) => data.setDriftSettings(request.dataset, request.settings),
    getDriftTimeline: (request) =>
      dataJobs.run(request.jobId, async (job) => {
        const versions = data.listVersions(request.dataset);
        const reference = request.referenceVersionId ?? (await data.defaultDriftReference(request.dataset))?.versionId ?? versions[0]?.versionId;
        if (!reference) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The dataset ${request.dataset} has no version yet.`);
        return data.driftTimeline({ versionId: reference }, { dataset: request.dataset }, job);
      }),
    runDataChecks: async (request) => {
      const report = await dataJobs.run(request.jobId, (job) =>
        data.check(
          {
            data: { versionId: request.versionId },
            checks: request.checksFile,
            reference: request.referenceVersionId ? { versionId: request.referenceVersionId } : null,
          },
          job,
        ),
      );
      return { runId: report.runId ?? '', report };
    },
    listDataChecks: async (request) => {
      const runIds = new Set<string>();
      for (const version of data.listVersions(request.dataset)) {
        for (const origin of version.origins) if (origin.kind === 'check' && origin.runId) runIds.add(origin.runId);
      }
      const checks = (await Promise.all([...runIds].map(storedCheck))).filter((check): check is RecordedCheck => check !== null);
      return checks.sort((a, b) => b.report.checkedTime - a.report.checkedTime);
    },
    getRunDatasets: async (request) => {
      const run = await services.store.getRun(request.runId);
      const versions = data.datasetsOfRun(request.runId);
      // A check's run logs the data it checked as inputs too; the check linked them itself.
      if (run.tags.some((tag) => tag.key === CHECK_RUN_TAG)) return { versions, unlinked: [] };
      const linked = new Set(
        versions.flatMap((version) =>
          version.origins.filter((origin) => origin.runId === request.runId && origin.kind === 'run-input').map((origin) => linkedInputName(origin.detail)),
        ),
      );
      const unlinked: UnlinkedRunInput[] = [];
      for (const input of run.datasets) {
        if (linked.has(JSON.stringify([input.name, input.digest]))) continue;
        const local = localSourcePath(input.sourceType, input.source);
        let reason = local.reason;
        if (local.path) {
          reason = fs.existsSync(local.path)
            ? `Cairn has not read ${local.path} yet, or could not read it as a table.`
            : `No file at ${local.path} on this machine.`;
        }
        unlinked.push({ name: input.name, digest: input.digest, source: input.source, reason: reason ?? 'Cairn cannot tell where it is.' });
      }
      return { versions, unlinked };
    },
    cancelDataJob: async (request) => ({ cancelled: dataJobs.cancel(request.jobId) }),
  };
}

/** The [name, digest] of the MLflow input a run-input origin records (its detail is JSON with both). */
function linkedInputName(detail: string | null): string {
  try {
    const parsed = JSON.parse(detail ?? '') as { name?: unknown; digest?: unknown };
    return JSON.stringify([parsed.name, parsed.digest]);
  } catch {
    return '';
  }
}
