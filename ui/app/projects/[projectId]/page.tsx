import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PolicyPanel } from '@/components/projects/PolicyPanel';
import { ProjectHeader } from '@/components/projects/ProjectHeader';
import { WaveRelease } from '@/components/projects/WaveReleaseForm';
import { ProjectTargets } from '@/components/projects/ProjectTargets';
import { Loading } from '@/components/common/states';

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).projectId) };
}

export default async function ProjectPage({ params }: Props) {
  const projectId = decodeURIComponent((await params).projectId);
  return (
    <div className="page">
      <ProjectHeader projectId={projectId} />
      <div className="grid two project-actions">
        <PolicyPanel projectId={projectId} />
        <WaveRelease projectId={projectId} />
      </div>
      <Suspense fallback={<Loading />}>
        <ProjectTargets projectId={projectId} />
      </Suspense>
    </div>
  );
}
