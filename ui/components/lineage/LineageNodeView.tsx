'use client';
/** A node of the lineage canvas; release targets show their live health. */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { memo } from 'react';
import { HealthBadge } from '@/components/common/badges';
import { useTargetHealth } from '@/lib/queries/models';
import { TYPE_LABEL } from './graph';

export type LineageFlowNode = Node<{ id: string; type: string; label: string; root: boolean }, 'lineage'>;

function TargetHealth({ id }: { id: string }) {
  const [res] = useTargetHealth(id);
  if (!res.data) return <span className="muted">…</span>;
  return <HealthBadge status={res.data.releaseTarget?.health?.status} compact />;
}

function LineageNodeViewImpl({ data, selected }: NodeProps<LineageFlowNode>) {
  return (
    <div
      className={`lnode t-${data.type}${data.root ? ' root' : ''}${selected ? ' selected' : ''}`}
      data-testid="lineage-node"
      data-node-id={data.id}
      data-node-type={data.type}
      title={data.id}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="ltype">
        <span>
          {TYPE_LABEL[data.type] ?? data.type}
          {data.root ? ' · root' : ''}
        </span>
        {data.type === 'ReleaseTarget' ? <TargetHealth id={data.id} /> : null}
      </div>
      <div className="llabel">{data.label.length > 60 ? `${data.label.slice(0, 57)}…` : data.label}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const LineageNodeView = memo(LineageNodeViewImpl);
