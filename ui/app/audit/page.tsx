import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuditPage } from '@/components/audit/AuditPage';
import { Loading } from '@/components/common/states';

export const metadata: Metadata = { title: 'Audit' };

export default function AuditRoute() {
  return (
    <div className="page">
      <h1>Audit trail</h1>
      <p className="muted">Every release decision is hash-chained; the gateway recomputes the chain and names any edited, deleted or reordered event.</p>
      <Suspense fallback={<Loading />}>
        <AuditPage />
      </Suspense>
    </div>
  );
}
