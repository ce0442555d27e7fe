// The DAG of a pipeline drawn as SVG: one box per stage with its state, arrows from the stages
// whose outs a stage reads. A stage box is a button: click, Enter or Space selects it; the arrow
// keys move between stages (left/right along the edges, up/down within a column).
import { useMemo, useRef, type KeyboardEvent } from 'react';
import type { PipelineView } from '../../../shared/pipelines';
import { layoutDag, STAGE_NODE_HEIGHT, STAGE_NODE_WIDTH, type NodePlacement } from '../../models/pipelines/dag-layout';
import type { StageDisplay } from '../../models/pipelines/stage-display';

/** The stage box the arrow key leads to from `from`, or null. */
function neighbour(nodes: readonly NodePlacement[], from: NodePlacement, key: string): NodePlacement | null {
  const candidates = nodes.filter((node) => {
    if (node.name === from.name) return false;
    if (key === 'ArrowRight') return node.x > from.x;
    if (key === 'ArrowLeft') return node.x < from.x;
    if (key === 'ArrowDown') return node.x === from.x && node.y > from.y;
    if (key === 'ArrowUp') return node.x === from.x && node.y < from.y;
    return false;
  });
  const distance = (node: NodePlacement) => Math.abs(node.x - from.x) * 2 + Math.abs(node.y - from.y);
  return candidates.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

function edgePath(points: ReadonlyArray<{ x: number; y: number }>): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
}

/** Cuts a name to fit a box, with an ellipsis. */
function fit(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The drawn DAG; `display` says how each stage is shown. */
export function PipelineDag({
  pipeline,
  display,
  selected,
  onSelect,
}: {
  pipeline: PipelineView;
  display: (stage: string) => StageDisplay;
  selected: string | null;
  onSelect: (stage: string) => void;
}) {
  const layout = useMemo(() => layoutDag(pipeline.stages.map((stage) => stage.name), pipeline.edges), [pipeline]);
  const svg = useRef<SVGSVGElement>(null);

  const onKeyDown = (event: KeyboardEvent<SVGGElement>, node: NodePlacement) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(node.name);
      return;
    }
    const next = neighbour(layout.nodes, node, event.key);
    if (!next) return;
    event.preventDefault();
    svg.current?.querySelector<SVGGElement>(`[data-stage="${CSS.escape(next.name)}"]`)?.focus();
    onSelect(next.name);
  };

  return (
    <div className="pipeline-dag card" data-testid="pipeline-dag">
      <svg
        ref={svg}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label="Pipeline stages; arrow keys move between stages"
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrow-head" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path key={`${edge.from}->${edge.to}`} className="dag-edge" d={edgePath(edge.points)} markerEnd="url(#dag-arrow)" />
        ))}
        {layout.nodes.map((node) => {
          const shown = display(node.name);
          const isSelected = node.name === selected;
          return (
            <g
              key={node.name}
              className={`dag-node tone-${shown.tone}${isSelected ? ' is-selected' : ''}`}
              transform={`translate(${node.x - STAGE_NODE_WIDTH / 2},${node.y - STAGE_NODE_HEIGHT / 2})`}
              tabIndex={0}
              role="button"
              aria-pressed={isSelected}
              aria-label={`${node.name}: ${shown.label}${shown.reason ? `, ${shown.reason}` : ''}`}
              data-testid="dag-stage"
              data-stage={node.name}
              data-tone={shown.tone}
              data-state={shown.label}
              onClick={() => onSelect(node.name)}
              onKeyDown={(event) => onKeyDown(event, node)}
            >
              <title>{shown.reason ? `${node.name}: ${shown.label} (${shown.reason})` : `${node.name}: ${shown.label}`}</title>
              <rect className="dag-node-box" width={STAGE_NODE_WIDTH} height={STAGE_NODE_HEIGHT} rx={8} />
              <rect className="dag-node-stripe" width={5} height={STAGE_NODE_HEIGHT} rx={2} />
              <text className="dag-node-name" x={16} y={23}>
                {fit(node.name, 24)}
              </text>
              <circle className="dag-node-dot" cx={20} cy={40} r={4} />
              <text className="dag-node-state" x={30} y={44}>
                {fit(shown.label, 26)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
