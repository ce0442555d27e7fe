// The compare view's run-level panels: parallel coordinates with brushing, the scatter plot and
// the diff table.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ParallelCoordinates } from '../../components/charts/parallel-coordinates';
import { ScatterPlot, type ScatterPoint } from '../../components/charts/scatter-plot';
import { SCALE_GRADIENT_CSS, valueColorScale } from '../../components/charts/value-color-scale';
import { routeHref } from '../../models/routes';
import { useAppStore } from '../../use-app-store';
import { runLabel } from './compare-lines';
import { selectBrushedRuns, selectComparedRuns, selectParallelAxes, selectRunColors } from './compare-selection';
import { DiffTable } from './diff-table';
import { FieldSelect } from './field-select';
import { fieldColumn, fieldLabel, listFields, parseFieldId } from './run-fields';

/** The width of an element, following resizes. */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** A color per run from a numeric field, or the runs' own colors. */
function useRunColoring(colorBy: string | null) {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const runColors = useAppStore((s) => selectRunColors(s.compare));
  return useMemo(() => {
    const column = colorBy ? fieldColumn(runs, parseFieldId(colorBy)) : null;
    if (!column?.numeric) return (runId: string) => runColors.get(runId) ?? '#888';
    const scale = valueColorScale(column.values.values() as Iterable<number | null>);
    return (runId: string) => scale((column.values.get(runId) as number | null) ?? null);
  }, [runs, runColors, colorBy]);
}

/** Parallel coordinates of the chosen fields, brushable. */
export function ParallelPanel() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const axes = useAppStore((s) => selectParallelAxes(s.compare));
  const brushes = useAppStore((s) => s.compare.brushes);
  const brushed = useAppStore((s) => selectBrushedRuns(s.compare));
  const parallelFields = useAppStore((s) => s.compare.parallelFields);
  const colorBy = useAppStore((s) => s.compare.parallelColorBy);
  const actions = useAppStore.getState();
  const fields = useMemo(() => listFields(runs), [runs]);
  const colorOf = useRunColoring(colorBy);
  const runIds = useMemo(() => runs.map((run) => run.info.runId), [runs]);
  const selected = useMemo(() => brushed ?? new Set(runIds), [brushed, runIds]);
  const labels = useMemo(() => new Map(runs.map((run) => [run.info.runId, runLabel(run, run.info.runId)])), [runs]);
  const { ref, width } = useWidth();
  const allFields = [...fields.params, ...fields.metrics, ...fields.tags];

  return (
    <section className="compare-section" data-testid="compare-parallel">
      <div className="section-header">
        <h2>Parallel coordinates</h2>
        <span className="muted" data-testid="parallel-selection-count" data-count={selected.size}>
          {selected.size} of {runs.length} runs selected
        </span>
        {brushed && (
          <>
            <button type="button" onClick={() => Object.keys(brushes).forEach((id) => actions.setBrush(id, null))} data-testid="parallel-clear-brushes">
              Clear brushes
            </button>
            {brushed.size >= 2 && (
              <a className="button" href={routeHref({ name: 'compare', runIds: [...brushed] })} data-testid="parallel-compare-selected">
                Compare these {brushed.size}
              </a>
            )}
          </>
        )}
      </div>
      <div className="chart-toolbar">
        <details className="metric-picker">
          <summary data-testid="parallel-axis-picker">Axes ({parallelFields.length})</summary>
          <div className="metric-picker-list">
            {allFields.map((field) => (
              <label key={field.id}>
                <input
                  type="checkbox"
                  checked={parallelFields.includes(field.id)}
                  onChange={(event) =>
                    actions.setParallelFields(event.target.checked ? [...parallelFields, field.id] : parallelFields.filter((id) => id !== field.id))
                  }
                />
                {fieldLabel(field)}
              </label>
            ))}
          </div>
        </details>
        <FieldSelect label="Color by" value={colorBy} fields={fields} kinds={['metrics', 'params']} noneLabel="Run color" onChange={actions.setParallelColorBy} testId="parallel-color-by" />
        {colorBy && fieldColumn(runs, parseFieldId(colorBy)).numeric && <span className="scale-legend" style={{ background: SCALE_GRADIENT_CSS }} title="low → high" />}
        <span className="muted hint">Drag along an axis to filter; click an axis to clear it.</span>
      </div>
      <div ref={ref} className="parallel-frame">
        {axes.length === 0 ? (
          <p className="empty-state">Choose the params and metrics to draw as axes.</p>
        ) : (
          width > 0 && (
            <ParallelCoordinates
              runIds={runIds}
              axes={axes}
              brushes={brushes}
              selected={selected}
              colorOf={colorOf}
              labelOf={(runId) => labels.get(runId) ?? runId}
              onBrush={actions.setBrush}
              width={width}
            />
          )
        )}
      </div>
    </section>
  );
}

/** Any numeric field against another, colored by a third. */
export function ScatterPanel() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const scatterFields = useAppStore((s) => s.compare.scatterFields);
  const brushed = useAppStore((s) => selectBrushedRuns(s.compare));
  const setScatterField = useAppStore((s) => s.setScatterField);
  const fields = useMemo(() => listFields(runs), [runs]);
  const colorOf = useRunColoring(scatterFields.color);
  const points = useMemo(() => {
    if (!scatterFields.x || !scatterFields.y) return [];
    const xs = fieldColumn(runs, parseFieldId(scatterFields.x));
    const ys = fieldColumn(runs, parseFieldId(scatterFields.y));
    const points: ScatterPoint[] = [];
    for (const run of runs) {
      const runId = run.info.runId;
      const x = xs.numeric ? xs.values.get(runId) : null;
      const y = ys.numeric ? ys.values.get(runId) : null;
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      points.push({ runId, label: runLabel(run, runId), x, y, color: colorOf(runId), dimmed: brushed !== null && !brushed.has(runId) });
    }
    return points;
  }, [runs, scatterFields, colorOf, brushed]);
  const label = (fieldId: string | null) => (fieldId ? fieldLabel(parseFieldId(fieldId)) : '');

  return (
    <section className="compare-section" data-testid="compare-scatter">
      <div className="section-header">
        <h2>Scatter</h2>
        <span className="muted">{points.length} runs with both values</span>
      </div>
      <div className="chart-toolbar">
        <FieldSelect label="X" value={scatterFields.x} fields={fields} kinds={['params', 'metrics']} onChange={(id) => setScatterField('x', id)} testId="scatter-x" />
        <FieldSelect label="Y" value={scatterFields.y} fields={fields} kinds={['params', 'metrics']} onChange={(id) => setScatterField('y', id)} testId="scatter-y" />
        <FieldSelect
          label="Color"
          value={scatterFields.color}
          fields={fields}
          kinds={['metrics', 'params']}
          noneLabel="Run color"
          onChange={(id) => setScatterField('color', id)}
          testId="scatter-color"
        />
      </div>
      {points.length === 0 ? (
        <p className="empty-state">Choose two numeric params or metrics that the runs share.</p>
      ) : (
        <ScatterPlot points={points} xLabel={label(scatterFields.x)} yLabel={label(scatterFields.y)} />
      )}
    </section>
  );
}

/** Params, metrics and tags side by side. */
export function DiffPanel() {
  const runs = useAppStore((s) => selectComparedRuns(s.compare));
  const colors = useAppStore((s) => selectRunColors(s.compare));
  const hideIdentical = useAppStore((s) => s.compare.hideIdenticalRows);
  const setHideIdenticalRows = useAppStore((s) => s.setHideIdenticalRows);
  return (
    <section className="compare-section" data-testid="compare-diff">
      <div className="section-header">
        <h2>Differences</h2>
        <label className="toggle">
          <input type="checkbox" data-testid="diff-hide-identical" checked={hideIdentical} onChange={(event) => setHideIdenticalRows(event.target.checked)} />
          Hide identical rows
        </label>
      </div>
      <DiffTable runs={runs} colors={colors} hideIdentical={hideIdentical} />
    </section>
  );
}
