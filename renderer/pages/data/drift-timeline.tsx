// Drift over time: every version of a dataset against a chosen reference version, computed on
// request and drawn by the timeline charts (drift-timeline-charts.tsx, loaded when first shown).
import { lazy, Suspense, useState } from 'react';
import type { DatasetVersion, DriftTimeline } from '../../../shared/data-models';
import { ErrorMessage } from '../../components/error-message';
import { versionLabel, type Loaded } from '../../stores/data-slice';
import { useAppStore } from '../../use-app-store';

const TimelineCharts = lazy(() => import('./drift-timeline-charts').then((module) => ({ default: module.TimelineCharts })));

/** Drift over time of the open dataset. */
export function DriftTimelineSection({ versions, timeline }: { versions: readonly DatasetVersion[]; timeline: Loaded<DriftTimeline> }) {
  const [referenceId, setReferenceId] = useState(versions[0]?.versionId ?? '');
  const running = useAppStore((state) => Object.values(state.dataJobs).some((job) => job.kind === 'timeline'));
  if (versions.length < 2) return null;
  return (
    <section className="data-section" aria-labelledby="timeline-heading" data-testid="timeline-section">
      <h2 id="timeline-heading">Drift over time</h2>
      <form
        className="compare-form"
        aria-label="Drift over time"
        onSubmit={(event) => {
          event.preventDefault();
          void useAppStore.getState().loadDriftTimeline(referenceId || null);
        }}
      >
        <label>
          <span>Every version against</span>
          <select value={referenceId} onChange={(event) => setReferenceId(event.target.value)} data-testid="timeline-reference">
            {versions.map((version) => (
              <option key={version.versionId} value={version.versionId}>
                {versionLabel(versions, version.versionId)} · {version.path.split('/').at(-1)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={running} data-testid="compute-timeline">
          {timeline.data ? 'Compute again' : 'Compute drift over time'}
        </button>
      </form>
      {timeline.status === 'error' && timeline.error && <ErrorMessage title="Could not compute drift over time" message={timeline.error} />}
      {timeline.data && (
        <Suspense
          fallback={
            <div className="loading-line">
              <span className="spinner" /> Drawing the timeline…
            </div>
          }
        >
          <TimelineCharts timeline={timeline.data} versions={versions} />
        </Suspense>
      )}
    </section>
  );
}
