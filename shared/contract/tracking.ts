// The tracking capability: experiments, runs, metrics, artifacts, the runs table and run notes.
import { z } from 'zod';
import type { MetricSeriesResult } from '../metric-series';
import type { ArtifactFileInfo, Experiment, ExperimentSummary, MetricPoint, Page, Run } from '../models';
import { MAX_ARTIFACT_READ_BYTES, MAX_COMPARED_RUNS } from '../call-limits';
import { MAX_RUNS_TABLE_ROWS, type RunsTablePage } from '../runs-table';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';
import { experimentId, runId, viewType } from './request-fields';

export { MAX_ARTIFACT_READ_BYTES, MAX_COMPARED_RUNS };

const metricKey = z.string().min(1).max(250);
const artifactPath = z.string().max(1000);

/** The first bytes of an artifact file, as read for a preview or a download. */
export interface ArtifactContent {
  readonly path: string;
  /** The file's whole size in bytes. */
  readonly size: number;
  /** Whether the file is longer than what was read. */
  readonly truncated: boolean;
  /** The bytes read, in base64 (they cross IPC and HTTP as JSON). */
  readonly base64: string;
}

/** The name of a call of the tracking capability. */
export type TrackingCallName = CapabilityCallName<'tracking'>;

/** The calls of the tracking capability. */
export const trackingCalls = {
  listExperiments: defineCall<ExperimentSummary[]>()(
    z.object({ viewType: viewType.default('ACTIVE_ONLY') }).strict(),
  ),
  createExperiment: defineCall<Experiment>()(
    z.object({ name: z.string().trim().min(1, 'an experiment needs a name').max(500) }).strict(),
  ),
  searchRuns: defineCall<Page<Run>>()(
    z
      .object({
        experimentIds: z.array(experimentId).min(1).max(100),
        filter: z.string().max(10_000).default(''),
        orderBy: z.array(z.string().max(500)).max(20).default([]),
        maxResults: z.number().int().min(1).max(50_000).default(1000),
        pageToken: z.string().max(1000).optional(),
        viewType: viewType.default('ACTIVE_ONLY'),
      })
      .strict(),
  ),
  getRun: defineCall<Run>()(z.object({ runId }).strict()),
  getMetricHistory: defineCall<MetricPoint[]>()(
    z.object({ runId, key: z.string().min(1).max(250) }).strict(),
  ),
  /** Several runs at once (the compare view), in the order asked; ids of runs that do not exist are left out. */
  getRuns: defineCall<Run[]>()(z.object({ runIds: z.array(runId).min(1).max(MAX_COMPARED_RUNS) }).strict()),
  /** Metric series of many runs and keys, each reduced on the main side to maxPoints (about the chart's width). */
  getMetricSeries: defineCall<MetricSeriesResult>()(
    z
      .object({
        runIds: z.array(runId).min(1).max(MAX_COMPARED_RUNS),
        keys: z.array(metricKey).min(1).max(100),
        xAxis: z.union([z.enum(['step', 'wall', 'relative']), z.object({ metric: metricKey }).strict()]).default('step'),
        /** A zoom: only points with x in [min, max]. */
        xRange: z
          .tuple([z.number(), z.number()])
          .refine(([low, high]) => low <= high, 'xRange must be [min, max]')
          .optional(),
        maxPoints: z.number().int().min(4).max(10_000).default(1000),
      })
      .strict()
      .refine((request) => request.runIds.length * request.keys.length <= 5000, 'ask for at most 5000 series at once'),
  ),
  /** Sets a run's markdown note (the mlflow.note.content tag); returns the run. */
  setRunNote: defineCall<Run>()(z.object({ runId, note: z.string().max(100_000) }).strict()),
  /** The files and folders directly under a folder of a run's artifacts ('' for the root). */
  listArtifacts: defineCall<ArtifactFileInfo[]>()(z.object({ runId, path: artifactPath.default('') }).strict()),
  /** Up to maxBytes from the start of one of a run's artifact files: previews, and downloads of files up to the limit. */
  readArtifact: defineCall<ArtifactContent>()(
    z.object({ runId, path: artifactPath.min(1), maxBytes: z.number().int().min(1).max(MAX_ARTIFACT_READ_BYTES) }).strict(),
  ),
  /**
   * The runs table of one experiment: the matching runs in search order with only the value
   * columns shown, packed compactly (columns absent: the defaults for the experiment's keys).
   * With runIds, only those of the runs that match: a live refresh of runs that changed.
   */
  getRunsTable: defineCall<RunsTablePage>()(
    z
      .object({
        experimentId,
        filter: z.string().max(10_000).default(''),
        orderBy: z.array(z.string().max(500)).max(20).default([]),
        columns: z
          .array(
            z
              .object({
                kind: z.enum(['param', 'metric', 'tag']),
                key: z.string().min(1).max(250),
                aggregate: z.enum(['latest', 'min', 'max']).optional(),
              })
              .strict(),
          )
          .max(1000)
          .optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(MAX_RUNS_TABLE_ROWS).default(MAX_RUNS_TABLE_ROWS),
        runIds: z.array(runId).min(1).max(1000).optional(),
        includeKeys: z.boolean().default(true),
        /** false: do not count every match (a filtered first window comes sooner); total is then null unless the page holds them all. */
        count: z.boolean().default(true),
        viewType: viewType.default('ACTIVE_ONLY'),
      })
      .strict(),
  ),
} satisfies CapabilityCalls<TrackingCallName>;
