import type { Metadata } from 'next';
import { DeprecationPage } from '@/components/deprecations/DeprecationPage';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Deprecation ${decodeURIComponent((await params).id)}` };
}

export default async function DeprecationRoute({ params }: Props) {
  const id = decodeURIComponent((await params).id);
  return (
    <div className="page">
      <h1>Deprecation</h1>
      <DeprecationPage deprecationId={id} />
    </div>
  );
}
