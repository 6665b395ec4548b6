/**
 * The lineage explorer's bounded BFS over `store.expand`, shared by both stores so they can
 * only differ in the one-step primitive the contract suite pins down. BOTH means upstream of
 * the root plus downstream of the root (not a zig-zag through every neighbour).
 */
import type { LineageEdge, LineageGraphModel, LineageNode, LineageNodeType, LineageStore } from './store/types.ts';

export interface LineageRequest {
  rootId: string;
  direction: 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';
  depth: number;
  types: readonly LineageNodeType[] | null;
  at: string | null;
  maxNodes: number;
}

export async function buildLineage(store: LineageStore, req: LineageRequest): Promise<LineageGraphModel> {
  const root = await store.node(req.rootId);
  if (!root) return { root: null, nodes: [], edges: [], truncated: false };
  const nodes = new Map<string, LineageNode>([[root.id, root]]);
  const edges = new Map<string, LineageEdge>();
  const allowed = req.types ? new Set<LineageNodeType>(req.types) : null;
  // Enough edges per step to fill maxNodes even when many edges lead to known nodes.
  const edgeCap = req.maxNodes * 4 + 1;
  let truncated = false;
  const directions = req.direction === 'BOTH' ? (['UPSTREAM', 'DOWNSTREAM'] as const) : ([req.direction] as const);
  for (const dir of directions) {
    let frontier = [root.id];
    for (let level = 1; level <= req.depth && frontier.length > 0; level++) {
      const step = await store.expand(frontier, dir, req.at, edgeCap);
      if (step.edges.length >= edgeCap) truncated = true;
      const known = new Map(step.nodes.map((n) => [n.id, n]));
      const next: string[] = [];
      for (const e of step.edges) {
        let keep = true;
        for (const id of [e.from, e.to]) {
          if (nodes.has(id)) continue;
          const n = known.get(id);
          if (!n || (allowed && !allowed.has(n.type))) {
            keep = false;
            continue;
          }
          if (nodes.size >= req.maxNodes) {
            truncated = true;
            keep = false;
            continue;
          }
          nodes.set(id, n);
          next.push(id);
        }
        if (keep && nodes.has(e.from) && nodes.has(e.to)) edges.set(`${e.from}|${e.type}|${e.to}|${e.since ?? ''}`, e);
      }
      frontier = next;
    }
    if (!truncated && frontier.length > 0) {
      // Depth cut the walk if one more step would reach a node not shown.
      const more = await store.expand(frontier, dir, req.at, edgeCap);
      if (more.nodes.some((n) => !nodes.has(n.id) && (!allowed || allowed.has(n.type)))) truncated = true;
    }
  }
  return { root, nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}
