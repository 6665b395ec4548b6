import type { Metadata } from 'next';
import { ModelPage } from '@/components/models/ModelPage';
import { joinSegments } from '@/lib/paths';

type Props = { params: Promise<{ id: string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: joinSegments((await params).id) };
}

export default async function ModelVersionRoute({ params }: Props) {
  const id = joinSegments((await params).id);
  return (
    <div className="page">
      <ModelPage modelVersionId={id} />
    </div>
  );
}
