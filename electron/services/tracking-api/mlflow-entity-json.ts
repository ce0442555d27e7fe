// The tracker's entities as MLflow's REST API writes them: protobuf's JSON with MLflow's field
// names, int64 fields as numbers, NaN and ±Infinity as strings, and (as protobuf does) unset
// optional fields and empty repeated fields left out.
import type { Experiment, MetricPoint, Run, RunDataset, RunInfo, Tag } from '../../../shared/models';
import { mlflowDouble } from './mlflow-json';

/** A JSON object as a route answers it. */
export type JsonObject = Record<string, unknown>;

/** Sets `object[name]` to `list` unless the list is empty, as protobuf's JSON leaves out empty repeated fields. */
function putList(object: JsonObject, name: string, list: readonly unknown[]): JsonObject {
  if (list.length > 0) object[name] = list;
  return object;
}

/** MLflow's Experiment message. */
export function experimentJson(experiment: Experiment): JsonObject {
  return putList(
    {
      experiment_id: experiment.experimentId,
      name: experiment.name,
      artifact_location: experiment.artifactLocation,
      lifecycle_stage: experiment.lifecycleStage,
      last_update_time: experiment.lastUpdateTime,
      creation_time: experiment.creationTime,
    },
    'tags',
    experiment.tags,
  );
}

/** MLflow's RunInfo message; end_time is left out while the run has not ended. */
export function runInfoJson(info: RunInfo): JsonObject {
  const json: JsonObject = {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
  };
  if (info.endTime !== null) json.end_time = info.endTime;
  json.artifact_uri = info.artifactUri;
  json.lifecycle_stage = info.lifecycleStage;
  return json;
}

/** MLflow's Metric message for one point of the metric `key`. */
export function metricJson(key: string, point: MetricPoint): JsonObject {
  return { key, value: mlflowDouble(point.value), timestamp: point.timestamp, step: point.step };
}

function keyValues(list: readonly Tag[]): Tag[] {
  return list.map((entry) => ({ key: entry.key, value: entry.value }));
}

/** MLflow's DatasetInput message. */
function datasetInputJson(dataset: RunDataset): JsonObject {
  const message: JsonObject = { name: dataset.name, digest: dataset.digest };
  if (dataset.sourceType !== null) message.source_type = dataset.sourceType;
  if (dataset.source !== null) message.source = dataset.source;
  if (dataset.schema !== null) message.schema = dataset.schema;
  if (dataset.profile !== null) message.profile = dataset.profile;
  const input = putList({}, 'tags', keyValues(dataset.tags));
  input.dataset = message;
  return input;
}

/** MLflow's Run message: info, data (latest metrics, params, tags), inputs, and outputs when there are any. */
export function runJson(run: Run): JsonObject {
  const data: JsonObject = {};
  putList(
    data,
    'metrics',
    run.metrics.map((metric) => metricJson(metric.key, metric)),
  );
  // Params and tags are already exactly MLflow's {key, value}.
  putList(data, 'params', run.params);
  putList(data, 'tags', run.tags);
  const json: JsonObject = {
    info: runInfoJson(run.info),
    data,
    inputs: putList(
      putList({}, 'dataset_inputs', run.datasets.map(datasetInputJson)),
      'model_inputs',
      run.modelInputs.map((modelId) => ({ model_id: modelId })),
    ),
  };
  if (run.modelOutputs.length > 0) {
    json.outputs = { model_outputs: run.modelOutputs.map((output) => ({ model_id: output.modelId, step: output.step })) };
  }
  return json;
}

/** Each run's JSON text, kept as long as the run object lives (the store hands out one object per unchanged run). */
const runJsonTexts = new WeakMap<Run, string>();

/** MLflow's Run message as JSON text, written once per run object. */
export function runJsonText(run: Run): string {
  let text = runJsonTexts.get(run);
  if (text === undefined) {
    text = JSON.stringify(runJson(run));
    runJsonTexts.set(run, text);
  }
  return text;
}
