// Pins the surface the renderer can reach: a new call or event shows up here in review.
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES } from '../../../shared/contract';

describe('contract surface', () => {
  it('exposes exactly these calls and events', () => {
    expect([...CALL_NAMES].sort()).toMatchInlineSnapshot(`
      [
        "createExperiment",
        "getAppInfo",
        "getMetricHistory",
        "getMetricSeries",
        "getRun",
        "getRunModels",
        "getRuns",
        "getRunsTable",
        "listArtifacts",
        "listExperiments",
        "listModelVersions",
        "listRegisteredModels",
        "readArtifact",
        "searchRuns",
        "setRunNote",
      ]
    `);
    expect([...EVENT_NAMES].sort()).toMatchInlineSnapshot(`
      [
        "storage.changed",
        "tracker.changed",
      ]
    `);
  });
});
