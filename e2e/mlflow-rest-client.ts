// A minimal client of MLflow's REST API, as the mlflow Python client calls it, for seeding
// end-to-end tests through the same door real training scripts use.

/** A metric point to log. */
export interface MetricToLog {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp?: number;
}

/** Calls Cairn's MLflow-compatible API over HTTP. */
export class MlflowRestClient {
  constructor(readonly trackingUri: string) {}

  /** POSTs a JSON body to an MLflow route and returns the parsed answer, throwing on an error status. */
  async post<T = Record<string, unknown>>(route: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.trackingUri}/api/2.0/mlflow/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${route} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Creates an experiment and returns its id. */
  async createExperiment(name: string): Promise<string> {
    const { experiment_id } = await this.post<{ experiment_id: string }>('experiments/create', { name });
    return experiment_id;
  }

  /** Creates a run and returns its id. */
  async createRun(experimentId: string, runName: string, tags: Record<string, string> = {}): Promise<string> {
    const { run } = await this.post<{ run: { info: { run_id: string } } }>('runs/create', {
      experiment_id: experimentId,
      run_name: runName,
      start_time: Date.now(),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    return run.info.run_id;
  }

  /** Logs params, metrics and tags in one log-batch call. */
  async logBatch(
    runId: string,
    batch: { params?: Record<string, string>; metrics?: readonly MetricToLog[]; tags?: Record<string, string> },
  ): Promise<void> {
    const now = Date.now();
    await this.post('runs/log-batch', {
      run_id: runId,
      params: Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value })),
      metrics: (batch.metrics ?? []).map((m) => ({ key: m.key, value: m.value, step: m.step, timestamp: m.timestamp ?? now })),
      tags: Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  /** Marks a run finished. */
  async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<void> {
    await this.post('runs/update', { run_id: runId, status, end_time: Date.now() });
  }
}
