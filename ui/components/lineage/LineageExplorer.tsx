'use client';
/**
 * The lineage explorer: nodes and edges around a root (Query.lineage), laid out left to right
 * with dagre and drawn with React Flow. Choose direction, depth, node types and an as-of date;
 * select a node to expand it (merge its neighbours) or re-root on it. Every node is also listed
 * in a table below the canvas, for keyboard and screen-reader use.
 */
import '@xyflow/react/dist/style.css';
import { Background, Controls, MarkerType, ReactFlow, type Edge } from '@xyflow/react';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient } from '@urql/next';
import { HealthBadge } from '@/components/common/badges';
import { MutationErrors } from '@/components/common/MutationErrors';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import type { LineageDirection, LineageNodeType } from '@/gql/graphql';
import { href } from '@/lib/paths';
import { LineageQuery, useLineage, useTargetHealth } from '@/lib/queries/models';
import type { CombinedError } from '@urql/core';
import { edgeKey, flow, layout, mergeGraphs, TYPE_LABEL, TYPE_ORDER, type LGraph, type LNode } from './graph';
import { LineageNodeView, type LineageFlowNode } from './LineageNodeView';

const nodeTypes = { lineage: LineageNodeView };
const DIRECTIONS: { value: LineageDirection; label: string }[] = [
  { value: 'BOTH', label: 'Both' },
  { value: 'UPSTREAM', label: 'Upstream (what it came from)' },
  { value: 'DOWNSTREAM', label: 'Downstream (what uses it)' },
];

function pageOf(n: LNode): string | null {
  if (n.type === 'ModelVersion') return href.model(n.id);
  if (n.type === 'ReleaseTarget') return href.target(n.id);
  if (n.type === 'Project') return href.project(n.id);
  return null;
}

function SelectedHealth({ id }: { id: string }) {
  const [res] = useTargetHealth(id);
  return <HealthBadge status={res.data?.releaseTarget?.health?.status} />;
}

export function LineageExplorer({ rootId: initialRoot, initialDirection = 'BOTH', initialDepth = 2 }: { rootId: string; initialDirection?: LineageDirection; initialDepth?: number }) {
  const client = useClient();
  const [rootId, setRootId] = useState(initialRoot);
  const [direction, setDirection] = useState<LineageDirection>(initialDirection);
  const [depth, setDepth] = useState(initialDepth);
  const [asOf, setAsOf] = useState('');
  const [maxNodes, setMaxNodes] = useState(150);
  const [types, setTypes] = useState<string[]>(TYPE_ORDER);
  const [extra, setExtra] = useState<LGraph[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [expanding, setExpanding] = useState<string | null>(null);
  const [expandError, setExpandError] = useState<CombinedError | null>(null);

  useEffect(() => setRootId(initialRoot), [initialRoot]);
  const at = asOf ? `${asOf}T23:59:59.000Z` : null;
  const typeArg = types.length === TYPE_ORDER.length ? null : (types as LineageNodeType[]);
  const [res, refetch] = useLineage({ rootId, direction, depth, at, maxNodes, types: typeArg });
  // New question, new graph: drop merged neighbours and the selection.
  const argsKey = `${rootId}|${direction}|${depth}|${at}|${maxNodes}|${types.join(',')}`;
  useEffect(() => {
    setExtra([]);
    setSelected(null);
    setExpandError(null);
  }, [argsKey]);

  const graph = useMemo(() => {
    const base = res.data?.lineage;
    if (!base) return null;
    return mergeGraphs([{ nodes: base.nodes, edges: base.edges, truncated: base.truncated }, ...extra]);
  }, [res.data, extra]);

  const positions = useMemo(() => (graph ? layout(graph) : new Map<string, { x: number; y: number }>()), [graph]);
  const flowNodes = useMemo<LineageFlowNode[]>(() => {
    if (!graph) return [];
    const pos = positions;
    return graph.nodes.map((n) => ({
      id: n.id,
      type: 'lineage',
      position: pos.get(n.id) ?? { x: 0, y: 0 },
      data: { id: n.id, type: n.type, label: n.label, root: n.id === rootId },
      selected: n.id === selected,
      ariaLabel: `${TYPE_LABEL[n.type] ?? n.type} ${n.label}`,
    }));
  }, [graph, positions, rootId, selected]);

  const flowEdges = useMemo<Edge[]>(() => {
    if (!graph) return [];
    return graph.edges.map((e) => {
      const f = flow(e);
      const past = e.until !== null && e.until !== undefined;
      return {
        id: edgeKey(e),
        source: f.source,
        target: f.target,
        label: e.type === 'DEPLOYED_TO' ? (past ? 'served' : 'serves') : e.type.toLowerCase().replace('_', ' '),
        labelStyle: { fontSize: 9 },
        style: past ? { strokeDasharray: '4 3' } : undefined,
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      };
    });
  }, [graph]);

  const expand = useCallback(
    async (id: string) => {
      setExpanding(id);
      setExpandError(null);
      const r = await client.query(LineageQuery, { rootId: id, direction: 'BOTH', depth: 1, at, maxNodes, types: typeArg }, { requestPolicy: 'network-only' }).toPromise();
      setExpanding(null);
      if (r.error) setExpandError(r.error);
      const g = r.data?.lineage;
      if (g) setExtra((x) => [...x, { nodes: g.nodes, edges: g.edges, truncated: g.truncated }]);
    },
    [client, at, maxNodes, typeArg],
  );

  const reroot = (id: string) => {
    setRootId(id);
  };

  const sel = graph?.nodes.find((n) => n.id === selected) ?? null;
  const toggleType = (t: string) => setTypes((cur) => (cur.includes(t) ? (cur.length > 1 ? cur.filter((x) => x !== t) : cur) : TYPE_ORDER.filter((x) => cur.includes(x) || x === t)));

  return (
    <div className="stack" data-testid="lineage">
      <form className="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Lineage options">
        <label>
          Direction
          <select value={direction} onChange={(e) => setDirection(e.target.value as LineageDirection)}>
            {DIRECTIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Depth
          <select value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
            {[1, 2, 3, 4, 5, 6].map((d) => (
              <option key={d} value={d}>
                {d} hop{d > 1 ? 's' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          As of
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <label>
          At most
          <select value={maxNodes} onChange={(e) => setMaxNodes(Number(e.target.value))}>
            {[50, 150, 300, 600].map((m) => (
              <option key={m} value={m}>
                {m} nodes
              </option>
            ))}
          </select>
        </label>
        <fieldset className="inline-fieldset">
          <legend>Node types</legend>
          {TYPE_ORDER.map((t) => (
            <label key={t} className="inline">
              <input type="checkbox" checked={types.includes(t)} onChange={() => toggleType(t)} /> {TYPE_LABEL[t]}
            </label>
          ))}
        </fieldset>
        {rootId !== initialRoot ? (
          <button type="button" onClick={() => setRootId(initialRoot)}>
            Back to {initialRoot}
          </button>
        ) : null}
      </form>

      {!res.data ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Lineage" />
        ) : (
          <Loading label="Loading lineage…" />
        )
      ) : !graph || graph.nodes.length === 0 ? (
        <Empty>
          <code>{rootId}</code> is not in the lineage graph.
        </Empty>
      ) : (
        <>
          {res.error ? <PartialWarning error={res.error} /> : null}
          <p className="muted small" aria-live="polite" data-testid="lineage-summary">
            Root <code>{rootId}</code>: {graph.nodes.length} nodes, {graph.edges.length} edges
            {graph.truncated ? ' — truncated by depth or the node limit; expand nodes or raise the limit' : ''}
            {asOf ? ` · deployments as of ${asOf}` : ''}
            {res.fetching ? ' · updating…' : ''}
          </p>
          <div className="lineage-layout">
            <div className="lineage-canvas" aria-label="Lineage graph (the node table below lists the same nodes)">
              <ReactFlow
                key={`${argsKey}|${extra.length}`}
                nodes={flowNodes}
                edges={flowEdges}
                nodeTypes={nodeTypes}
                fitView
                fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
                minZoom={0.1}
                nodesDraggable={false}
                nodesConnectable={false}
                elementsSelectable
                onNodeClick={(_, n) => setSelected(n.id)}
                onNodeDoubleClick={(_, n) => void expand(n.id)}
                onPaneClick={() => setSelected(null)}
                // Keyboard selection (Tab to a node, Enter) arrives as a change; the layout stays ours.
                onNodesChange={(changes) => {
                  for (const c of changes) if (c.type === 'select' && c.selected) setSelected(c.id);
                }}
              >
                <Background gap={16} size={1} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </div>
            <aside className="card" aria-label="Selected node" data-testid="lineage-selection">
              {sel ? (
                <div className="stack">
                  <div>
                    <div className="muted small">{TYPE_LABEL[sel.type] ?? sel.type}</div>
                    <strong className="mono">{sel.label}</strong>
                    {sel.label !== sel.id ? <div className="mono small muted">{sel.id}</div> : null}
                  </div>
                  {sel.type === 'ReleaseTarget' ? <SelectedHealth id={sel.id} /> : null}
                  <div className="row">
                    <button type="button" onClick={() => void expand(sel.id)} disabled={expanding !== null}>
                      {expanding === sel.id ? 'Expanding…' : 'Expand neighbours'}
                    </button>
                    <button type="button" onClick={() => reroot(sel.id)} disabled={sel.id === rootId}>
                      Re-root here
                    </button>
                  </div>
                  {pageOf(sel) ? <Link href={pageOf(sel)!}>Open {TYPE_LABEL[sel.type]?.toLowerCase()} page →</Link> : null}
                  <p className="small muted">
                    {graph.edges.filter((e) => e.from === sel.id || e.to === sel.id).length} edge(s) in view. Double-click a node to expand it.
                  </p>
                </div>
              ) : (
                <p className="muted small">Select a node (click, or Tab to it and press Enter) to expand it or re-root the graph on it.</p>
              )}
              {expandError ? <MutationErrors error={expandError} /> : null}
            </aside>
          </div>
          <details className="card">
            <summary>All {graph.nodes.length} nodes as a table</summary>
            <div className="table-wrap node-list">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Node</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {[...graph.nodes]
                    .sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || a.label.localeCompare(b.label))
                    .map((n) => (
                      <tr key={n.id}>
                        <td>{TYPE_LABEL[n.type] ?? n.type}</td>
                        <th scope="row" className="mono">
                          {pageOf(n) ? <Link href={pageOf(n)!}>{n.label}</Link> : n.label}
                        </th>
                        <td className="row">
                          <button type="button" className="small" onClick={() => setSelected(n.id)}>
                            Select
                          </button>
                          <button type="button" className="small" onClick={() => void expand(n.id)} disabled={expanding !== null}>
                            Expand
                          </button>
                          <button type="button" className="small" onClick={() => reroot(n.id)} disabled={n.id === rootId}>
                            Re-root
                          </button>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </div>
  );
}
