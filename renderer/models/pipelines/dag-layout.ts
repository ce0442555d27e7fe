// Where the Pipelines page draws each stage of a DAG and each edge: a layered layout from dagre
// (left to right, in dependency order), as plain numbers the SVG view draws.
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';

/** A node's size in pixels. */
export const STAGE_NODE_WIDTH = 210;
export const STAGE_NODE_HEIGHT = 58;
/** Space around the drawing. */
const MARGIN = 12;

/** A stage's box: its centre. */
export interface NodePlacement {
  readonly name: string;
  readonly x: number;
  readonly y: number;
}

/** An edge's polyline. */
export interface EdgePlacement {
  readonly from: string;
  readonly to: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

/** A laid-out DAG and its size. */
export interface DagLayout {
  readonly nodes: readonly NodePlacement[];
  readonly edges: readonly EdgePlacement[];
  readonly width: number;
  readonly height: number;
}

/** Lays out stages and edges (`from` is read by `to`) left to right. */
export function layoutDag(stages: readonly string[], edges: ReadonlyArray<{ from: string; to: string }>): DagLayout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 56 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const name of stages) graph.setNode(name, { width: STAGE_NODE_WIDTH, height: STAGE_NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);
  const placed = stages.map((name) => ({ name, x: graph.node(name).x ?? 0, y: graph.node(name).y ?? 0 }));
  const routed = edges.map((edge) => ({ ...edge, points: graph.edge(edge.from, edge.to).points ?? [] }));
  // Edges routed around a rank may pass outside the nodes' box: the drawing's box holds both.
  const xs = [...placed.flatMap((node) => [node.x - STAGE_NODE_WIDTH / 2, node.x + STAGE_NODE_WIDTH / 2]), ...routed.flatMap((edge) => edge.points.map((point) => point.x))];
  const ys = [...placed.flatMap((node) => [node.y - STAGE_NODE_HEIGHT / 2, node.y + STAGE_NODE_HEIGHT / 2]), ...routed.flatMap((edge) => edge.points.map((point) => point.y))];
  if (placed.length === 0) return { nodes: [], edges: [], width: 0, height: 0 };
  const left = Math.min(...xs) - MARGIN;
  const top = Math.min(...ys) - MARGIN;
  return {
    nodes: placed.map((node) => ({ name: node.name, x: node.x - left, y: node.y - top })),
    edges: routed.map((edge) => ({ from: edge.from, to: edge.to, points: edge.points.map((point) => ({ x: point.x - left, y: point.y - top })) })),
    width: Math.max(...xs) - left + MARGIN,
    height: Math.max(...ys) - top + MARGIN,
  };
}
