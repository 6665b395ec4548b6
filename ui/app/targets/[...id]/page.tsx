import type { Metadata } from 'next';
import { TargetPage } from '@/components/targets/TargetPage';
import { joinSegments } from '@/lib/paths';

type Props = { params: Promise<{ id: string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: joinSegments((await params).id) };
}

export default async function ReleaseTargetRoute({ params }: Props) {
  const id = joinSegments((await params).id);
  return (
    <div className="page">
      <TargetPage targetId={id} />
    </div>
  );
}
