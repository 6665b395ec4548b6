'use client';
/**
 * An admin lets a release whose gates failed be approved (`overrideGates`), with a reason that
 * goes to the audit trail. The reason is required here and by the gateway.
 */
import { useState, type FormEvent } from 'react';
import { MutationErrors } from '@/components/common/MutationErrors';
import { getFragmentData } from '@/gql';
import { newKey } from '@/lib/ids';
import { ReleaseActionPayloadFragment, useOverrideGates } from '@/lib/queries/releases';

export function OverrideGatesForm({ releaseId, failed }: { releaseId: string; failed: string[] }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [res, override] = useOverrideGates();
  const payload = res.data ? getFragmentData(ReleaseActionPayloadFragment, res.data.overrideGates) : null;
  const reasonError = payload?.errors.find((e) => e.field === 'reason');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    void override({ id: releaseId, reason: reason.trim(), key: newKey('override') });
  };

  return (
    <form className="stack state state-warn" onSubmit={submit} noValidate aria-label={`Override the gates of ${releaseId}`} data-testid="override-form">
      <p className="small" style={{ margin: 0 }}>
        <strong>Gates failed</strong> ({failed.join(', ') || 'see above'}). As an admin you may override them so approvers can approve; the reason is audited.
      </p>
      <label>
        Reason for the override (required)
        <textarea
          name="overrideReason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={missing || !!reasonError || undefined}
          aria-describedby={`override-err-${releaseId}`}
          maxLength={2000}
        />
      </label>
      {missing || reasonError ? (
        <p className="field-error" id={`override-err-${releaseId}`} data-testid="override-reason-error" data-error-code={reasonError?.code ?? 'REQUIRED'}>
          {reasonError?.message ?? 'An override needs a reason.'}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="danger" disabled={res.fetching}>
          {res.fetching ? 'Overriding…' : 'Override gates'}
        </button>
      </div>
      <MutationErrors errors={payload?.errors.filter((e) => e.field !== 'reason')} error={res.error} />
      {payload?.release?.override && payload.errors.length === 0 ? (
        <p className="notice" role="status" data-testid="override-result">
          Gates overridden by {payload.release.override.by}; approvers can approve now.
        </p>
      ) : null}
    </form>
  );
}
