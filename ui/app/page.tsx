import { ProjectList } from '@/components/projects/ProjectList';

export default function ProjectsPage() {
  return (
    <div className="page">
      <h1>Projects</h1>
      <p className="muted">Each project&apos;s release targets (one per machine): what serves them, since when, and how healthy it is.</p>
      <ProjectList />
    </div>
  );
}
