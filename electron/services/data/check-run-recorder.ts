// Records a data check as a tracked run: params naming the data, the checks file and the
// reference; pass/fail counts as metrics; the data (and reference) as the run's dataset inputs;
// the report as artifacts (JSON, text, JUnit XML); status FAILED when a rule failed.
import { Readable } from 'node:stream';
import { type CheckReport, shortDigest } from '../../../shared/data-models';
import type { Tag } from '../../../shared/models';
import { joinArtifactPath, storePathOfArtifactUri } from '../artifacts/artifact-path';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { DatasetInput, TrackerStore } from '../tracker/tracker-store';
import { checkReportJunitXml } from './junit-report';
import { formatCheck } from './report-text';

/** The experiment check runs go to unless another is named. */
export const DEFAULT_CHECK_EXPERIMENT = 'Data checks';
/** The tag that marks a check's run; its value is 'passed' or 'failed'. */
export const CHECK_RUN_TAG = 'cairn.data.check';
/** The folder of a check run's artifacts. */
export const CHECK_ARTIFACT_FOLDER = 'data-check';

/** Where to record: the tracker, the artifact store (optional: without it no artifacts are written), the experiment. */
export interface CheckRunTarget {
  readonly tracker: TrackerStore;
  readonly artifacts: ArtifactStore | null;
  readonly experimentName?: string;
}

/** What recording wrote: the run, and the artifacts that could not be written (with why). */
export interface RecordedCheckRun {
  readonly runId: string;
  readonly artifactProblem: string | null;
}

/** Writes the check as a finished run and returns its id. */
export async function recordCheckRun(target: CheckRunTarget, report: CheckReport): Promise<RecordedCheckRun> {
  const experimentName = target.experimentName ?? DEFAULT_CHECK_EXPERIMENT;
  const experiment =
    (await target.tracker.getExperimentByName(experimentName)) ?? (await target.tracker.createExperiment({ name: experimentName }));
  const outcome = report.failed > 0 ? 'failed' : 'passed';
  const tags: Tag[] = [
    { key: CHECK_RUN_TAG, value: outcome },
    { key: 'mlflow.source.type', value: 'LOCAL' },
    { key: 'mlflow.source.name', value: 'cairn data check' },
  ];
  const run = await target.tracker.createRun({
    experimentId: experiment.experimentId,
    runName: `check ${report.data.label}`,
    startTime: report.checkedTime - report.durationMs,
    tags,
  });
  const runId = run.info.runId;
  const now = Date.now();
  const params = [
    { key: 'data', value: report.data.path },
    ...(report.data.digest ? [{ key: 'data_digest', value: report.data.digest }] : []),
    ...(report.checksFile ? [{ key: 'checks_file', value: report.checksFile }] : []),
    ...(report.reference ? [{ key: 'reference', value: report.reference.path }] : []),
  ];
  const metric = (key: string, value: number) => ({ key, value, timestamp: now, step: 0 });
  await target.tracker.logBatch(runId, {
    params,
    metrics: [
      metric('rules_passed', report.passed),
      metric('rules_failed', report.failed),
      metric('rules_total', report.rules.length),
      metric('rows', report.data.rows),
      metric('unreadable_lines', report.issues.skippedRows),
    ],
  });
  const inputs: DatasetInput[] = [datasetInput(report.data.label, report.data.digest, report.data.path, 'check')];
  if (report.reference) inputs.push(datasetInput(report.reference.label, null, report.reference.path, 'reference'));
  await target.tracker.logInputs(runId, inputs);

  let artifactProblem: string | null = null;
  if (target.artifacts) {
    const recorded = { ...report, runId };
    try {
      const base = joinArtifactPath(storePathOfArtifactUri(run.info.artifactUri), CHECK_ARTIFACT_FOLDER);
      await target.artifacts.write(`${base}/report.json`, Readable.from([Buffer.from(`${JSON.stringify(recorded, null, 2)}\n`)]));
      await target.artifacts.write(`${base}/report.txt`, Readable.from([Buffer.from(formatCheck(recorded))]));
      await target.artifacts.write(`${base}/junit.xml`, Readable.from([Buffer.from(checkReportJunitXml(recorded))]));
    } catch (error) {
      artifactProblem = error instanceof Error ? error.message : String(error);
    }
  }
  await target.tracker.updateRun(runId, { status: report.failed > 0 ? 'FAILED' : 'FINISHED', endTime: Date.now() });
  return { runId, artifactProblem };
}

/** A dataset input as MLflow records one: a local source by path; the digest shortened as MLflow's are. */
function datasetInput(name: string, digest: string | null, path: string, context: string): DatasetInput {
  return {
    name,
    digest: digest ? shortDigest(digest, 8) : '',
    sourceType: 'local',
    source: JSON.stringify({ uri: path }),
    tags: [{ key: 'mlflow.data.context', value: context }],
  };
}
