import type { Metadata } from 'next';
import { InboxPage } from '@/components/releases/InboxPage';

export const metadata: Metadata = { title: 'Approval inbox' };

export default function InboxRoute() {
  return (
    <div className="page">
      <h1>Approval inbox</h1>
      <InboxPage />
    </div>
  );
}
