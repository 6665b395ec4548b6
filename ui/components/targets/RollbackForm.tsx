'use client';
/** Roll a target back to what served before its latest release (requester role, reason audited). */
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { MutationErrors } from '@/components/common/MutationErrors';
import { newKey } from '@/lib/ids';
import { href } from '@/lib/paths';
import { useRollback } from '@/lib/queries/targets';

export function RollbackForm({ targetId, canRollback }: { targetId: string; canRollback: boolean }) {
  const [reason, setReason] = useState('');
  const [res, rollback] = useRollback();
  const payload = res.data?.rollback;
  const done = payload && payload.errors.length === 0 ? payload.release : null;
  const restored = done?.targets.find((t) => t.targetId === targetId)?.previousModelVersion?.id;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return;
    await rollback({ targetId, reason: reason.trim(), key: newKey('rollback') });
  };
  return (
    <details className="card" data-testid="rollback">
      <summary>Roll back this target…</summary>
      <form className="stack" onSubmit={submit} aria-label="Roll back this target" data-testid="rollback-form">
        <p className="muted small">Restores the version that served before the latest release on this target. The reason goes to the audit trail.</p>
        <label>
          Reason
          <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required disabled={!canRollback} />
        </label>
        <div>
          <button type="submit" className="danger" disabled={!canRollback || res.fetching || !reason.trim()}>
            {res.fetching ? 'Rolling back…' : 'Roll back'}
          </button>
          {!canRollback ? <span className="muted small"> needs the requester role</span> : null}
        </div>
        <MutationErrors errors={payload?.errors} error={res.error} />
        {done ? (
          <p className="notice" role="status" data-testid="rolled-back" data-release={done.id} data-status={done.status}>
            Rolled back: release{' '}
            <Link href={href.release(done.id)} className="mono">
              {done.id}
            </Link>{' '}
            is now {done.status.replace(/_/g, ' ').toLowerCase()}
            {restored ? `; ${restored} serves again` : ''}.
          </p>
        ) : null}
      </form>
    </details>
  );
}
