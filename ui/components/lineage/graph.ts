/**
 * Lineage graph helpers: merge answers (expanding a node adds its neighbours), orient edges so
 * data flows left to right (datasets → runs → model versions → release targets → projects), and
 * lay out with dagre.
 */
import dagre from '@dagrejs/dagre';

export interface LNode {
  id: string;
  type: string;
  label: string;
}
export interface LEdge {
  from: string;
  to: string;
  type: string;
  since?: string | null;
  until?: string | null;
}
export interface LGraph {
  nodes: LNode[];
  edges: LEdge[];
  truncated: boolean;
}

export const edgeKey = (e: LEdge) => `${e.from}|${e.type}|${e.to}`;

export function mergeGraphs(graphs: LGraph[]): LGraph {
  const nodes = new Map<string, LNode>();
  const edges = new Map<string, LEdge>();
  let truncated = false;
  for (const g of graphs) {
    truncated ||= g.truncated;
    for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of g.edges) edges.set(edgeKey(e), e);
  }
  // Keep only edges whose ends are both known.
  return { nodes: [...nodes.values()], edges: [...edges.values()].filter((e) => nodes.has(e.from) && nodes.has(e.to)), truncated };
}

/** Stored direction → flow direction (upstream on the left). */
export function flow(e: LEdge): { source: string; target: string } {
  switch (e.type) {
    case 'CONSUMED': // run → dataset version: the data flows into the run
    case 'DERIVED_FROM': // derived → source
    case 'VERSION_OF': // version → dataset
      return { source: e.to, target: e.from };
    default: // PRODUCED run → model, DEPLOYED_TO model → target, IN_PROJECT target → project
      return { source: e.from, target: e.to };
  }
}

export const NODE_W = 180;
export const NODE_H = 58;

export function layout(g: LGraph, rankdir: 'LR' | 'TB' = 'LR'): Map<string, { x: number; y: number }> {
  const d = new dagre.graphlib.Graph();
  d.setGraph({ rankdir, nodesep: 16, ranksep: 48, marginx: 10, marginy: 10 });
  d.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) d.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of g.edges) {
    const f = flow(e);
    if (f.source !== f.target) d.setEdge(f.source, f.target);
  }
  dagre.layout(d);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of g.nodes) {
    const p = d.node(n.id);
    out.set(n.id, { x: (p?.x ?? 0) - NODE_W / 2, y: (p?.y ?? 0) - NODE_H / 2 });
  }
  return out;
}

export const TYPE_LABEL: Record<string, string> = {
  Dataset: 'Dataset',
  DatasetVersion: 'Dataset version',
  TrainingRun: 'Training run',
  ModelVersion: 'Model version',
  ReleaseTarget: 'Release target',
  Project: 'Project',
};

export const TYPE_ORDER = ['Dataset', 'DatasetVersion', 'TrainingRun', 'ModelVersion', 'ReleaseTarget', 'Project'];
