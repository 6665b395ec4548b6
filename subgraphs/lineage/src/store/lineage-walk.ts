/**
 * The lineage explorer's bounded breadth-first walk, shared by both stores so they can only
 * differ in the two primitives the contract suite pins down (nodes by id, one expansion
 * step). Many roots walk in lockstep: each level is one `expand` call for every root still
 * walking, each root keeping its own edge cap, so a request with thirty roots costs the same
 * number of round trips as one root. BOTH means upstream of the root plus downstream of it
 * (not a zig-zag through every neighbour).
 */
import type { Expansion, LineageEdge, LineageGraphModel, LineageNode, LineageNodeType, LineageOptions } from './types.ts';

export interface WalkPrimitives {
  /** Per id (key order): the node, or null. */
  nodes(ids: readonly string[]): Promise<(LineageNode | null)[]>;
  /** Per group (key order): one expansion step of that group's frontier, at most `limit` edges. */
  expand(groups: readonly (readonly string[])[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Promise<Expansion[]>;
}

interface Walk {
  root: LineageNode;
  nodes: Map<string, LineageNode>;
  edges: Map<string, LineageEdge>;
  truncated: boolean;
  frontier: string[];
}

export async function walkLineage(rootIds: readonly string[], o: LineageOptions, p: WalkPrimitives): Promise<LineageGraphModel[]> {
  const roots = rootIds.length ? await p.nodes(rootIds) : [];
  const walks: (Walk | null)[] = roots.map((root) => (root ? { root, nodes: new Map([[root.id, root]]), edges: new Map(), truncated: false, frontier: [] } : null));
  const live = walks.filter((w): w is Walk => w !== null);
  const allowed = o.types ? new Set<LineageNodeType>(o.types) : null;
  const visits = (n: LineageNode) => !allowed || allowed.has(n.type);
  // Enough edges per step to fill maxNodes even when many edges lead to known nodes.
  const edgeCap = o.maxNodes * 4 + 1;
  const directions = o.direction === 'BOTH' ? (['UPSTREAM', 'DOWNSTREAM'] as const) : ([o.direction] as const);

  const absorb = (w: Walk, step: Expansion) => {
    if (step.edges.length >= edgeCap) w.truncated = true;
    const known = new Map(step.nodes.map((n) => [n.id, n]));
    const next: string[] = [];
    for (const e of step.edges) {
      let keep = true;
      for (const id of [e.from, e.to]) {
        if (w.nodes.has(id)) continue;
        const n = known.get(id);
        if (!n || !visits(n)) {
          keep = false;
          continue;
        }
        if (w.nodes.size >= o.maxNodes) {
          w.truncated = true;
          keep = false;
          continue;
        }
        w.nodes.set(id, n);
        next.push(id);
      }
      if (keep && w.nodes.has(e.from) && w.nodes.has(e.to)) w.edges.set(`${e.from}|${e.type}|${e.to}|${e.since ?? ''}`, e);
    }
    w.frontier = next;
  };

  for (const dir of directions) {
    for (const w of live) w.frontier = [w.root.id];
    for (let level = 1; level <= o.depth; level++) {
      const walking = live.filter((w) => w.frontier.length > 0);
      if (walking.length === 0) break;
      const steps = await p.expand(
        walking.map((w) => w.frontier),
        dir,
        o.at,
        edgeCap,
      );
      walking.forEach((w, i) => absorb(w, steps[i]!));
    }
    // Depth cut a walk if one more step would reach a node not shown.
    const cut = live.filter((w) => !w.truncated && w.frontier.length > 0);
    if (cut.length > 0) {
      const more = await p.expand(
        cut.map((w) => w.frontier),
        dir,
        o.at,
        edgeCap,
      );
      cut.forEach((w, i) => {
        if (more[i]!.nodes.some((n) => !w.nodes.has(n.id) && visits(n))) w.truncated = true;
      });
    }
  }
  return walks.map((w) => (w ? { root: w.root, nodes: [...w.nodes.values()], edges: [...w.edges.values()], truncated: w.truncated } : { root: null, nodes: [], edges: [], truncated: false }));
}
