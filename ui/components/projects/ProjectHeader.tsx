'use client';
import Link from 'next/link';
import { Empty, QueryState } from '@/components/common/states';
import { useProjectHeader } from '@/lib/queries/projects';

export function ProjectHeader({ projectId }: { projectId: string }) {
  const [res, refetch] = useProjectHeader(projectId);
  return (
    <QueryState
      result={res}
      what="Project"
      retry={() => refetch({ requestPolicy: 'network-only' })}
      isEmpty={(d) => !d.project}
      empty={
        <Empty>
          No project <code>{projectId}</code>. <Link href="/">All projects</Link>
        </Empty>
      }
    >
      {(d) => {
        const p = d.project!;
        return (
          <header className="page-header">
            <p className="crumbs">
              <Link href="/">Projects</Link> /
            </p>
            <h1>{p.name}</h1>
            <p className="muted">
              {p.id} · {p.plant} · owners {p.owners.join(', ')}
            </p>
            {p.description ? <p>{p.description}</p> : null}
          </header>
        );
      }}
    </QueryState>
  );
}
