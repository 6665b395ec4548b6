'use client';
import { Empty, QueryState } from '@/components/common/states';
import { useProjects } from '@/lib/queries/projects';
import { ProjectCard } from './ProjectCard';

export function ProjectList() {
  const [res, refetch] = useProjects();
  return (
    <QueryState
      result={res}
      what="Projects"
      retry={() => refetch({ requestPolicy: 'network-only' })}
      isEmpty={(d) => d.projects.nodes.length === 0}
      empty={<Empty>No projects are visible to you.</Empty>}
    >
      {(d) => (
        <div className="grid cards">
          {d.projects.nodes.map((p) => (
            <ProjectCard key={p.id} project={p} />
          ))}
        </div>
      )}
    </QueryState>
  );
}
