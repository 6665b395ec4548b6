'use client';
/**
 * What the caller can do with a release now: approve or reject with a comment (or why not —
 * approvability.reason), override failed gates (admin), start the rollout, promote a canary,
 * cancel. Payload errors by code.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ActionResultNotice, useActionResultSink } from './ActionResult';
import { MutationErrors } from '@/components/common/MutationErrors';
import { OverrideGatesForm } from './OverrideGatesForm';
import { getFragmentData } from '@/gql';
import { newKey } from '@/lib/ids';
import { ReleaseActionPayloadFragment, useApprove, useCancel, usePromote, useReject, useStartRollout } from '@/lib/queries/releases';
import { atLeast, roleOn, useMe } from '@/lib/queries/session';

export function ReleaseActions({
  release,
}: {
  release: {
    id: string;
    status: string;
    requestedBy: string;
    projectId: string | null;
    approvability: { canApprove: boolean; reason?: string | null };
    /** Gates that failed (empty when they all passed), and whether an admin overrode them. */
    failedGates: string[];
    overridden: boolean;
  };
}) {
  const [me] = useMe();
  const [comment, setComment] = useState('');
  const [approve, doApprove] = useApprove();
  const [reject, doReject] = useReject();
  const [rollout, doRollout] = useStartRollout();
  const [promote, doPromote] = usePromote();
  const [cancel, doCancel] = useCancel();
  const [missingComment, setMissingComment] = useState(false);

  const caller = me.data?.me;
  const role = release.projectId ? roleOn(caller?.roles, release.projectId) : null;
  const isRequester = atLeast(role, 'requester');
  const isAdmin = atLeast(role, 'admin');
  const canOverride = release.status === 'PENDING_APPROVAL' && release.failedGates.length > 0 && !release.overridden && isAdmin;
  const mine = caller?.id === release.requestedBy;
  const busy = approve.fetching || reject.fetching || rollout.fetching || promote.fetching || cancel.fetching;

  const last = [approve, reject, rollout, promote, cancel].find((r) => r.data || r.error);
  const payload = last?.data
    ? getFragmentData(
        ReleaseActionPayloadFragment,
        'approveRelease' in last.data
          ? last.data.approveRelease
          : 'rejectRelease' in last.data
            ? last.data.rejectRelease
            : 'startRollout' in last.data
              ? last.data.startRollout
              : 'promoteCanary' in last.data
                ? last.data.promoteCanary
                : last.data.cancelRelease,
      )
    : null;

  const sink = useActionResultSink();
  const outcome =
    payload?.release && payload.errors.length === 0
      ? { releaseId: release.id, status: payload.release.status, targets: payload.release.targets.map((t) => ({ targetId: t.targetId, status: t.status })) }
      : null;
  // Report each new outcome once; the page keeps it after this card moves or unmounts.
  const outcomeKey = outcome ? `${outcome.status}|${outcome.targets.map((t) => t.targetId + t.status).join()}|${last?.operation?.key ?? ''}` : null;
  useEffect(() => {
    if (sink && outcome) sink(outcome);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sink, outcomeKey]);

  const onApprove = (e: FormEvent) => {
    e.preventDefault();
    void doApprove({ id: release.id, comment: comment.trim() || null, key: newKey('approve') });
  };
  const onReject = () => {
    if (!comment.trim()) {
      setMissingComment(true);
      return;
    }
    setMissingComment(false);
    void doReject({ id: release.id, comment: comment.trim(), key: newKey('reject') });
  };

  return (
    <div className="stack" data-testid="release-actions">
      {canOverride ? <OverrideGatesForm releaseId={release.id} failed={release.failedGates} /> : null}
      {release.status === 'PENDING_APPROVAL' ? (
        release.approvability.canApprove ? (
          <form className="stack" onSubmit={onApprove} aria-label={`Decide on ${release.id}`}>
            <label>
              Comment {missingComment ? <span className="field-error">(a rejection needs a comment)</span> : <span>(required to reject)</span>}
              <textarea name="comment" value={comment} onChange={(e) => setComment(e.target.value)} aria-invalid={missingComment || undefined} />
            </label>
            <div className="row">
              <button type="submit" className="good" disabled={busy}>
                {approve.fetching ? 'Approving…' : 'Approve'}
              </button>
              <button type="button" className="danger" onClick={onReject} disabled={busy}>
                {reject.fetching ? 'Rejecting…' : 'Reject'}
              </button>
            </div>
          </form>
        ) : (
          <p className="state state-warn" data-testid="approvability-reason" role="note">
            You cannot approve this release: {release.approvability.reason ?? 'not allowed'}.
          </p>
        )
      ) : null}
      <div className="row">
        {release.status === 'APPROVED' ? (
          <button type="button" className="primary" disabled={busy || !isRequester} onClick={() => void doRollout({ id: release.id, key: newKey('rollout') })} title={isRequester ? undefined : 'needs the requester role'}>
            {rollout.fetching ? 'Rolling out…' : 'Start rollout'}
          </button>
        ) : null}
        {release.status === 'CANARY' ? (
          <button type="button" className="primary" disabled={busy || !isRequester} onClick={() => void doPromote({ id: release.id, key: newKey('promote') })} title={isRequester ? undefined : 'needs the requester role'}>
            {promote.fetching ? 'Promoting…' : 'Promote canary to 100%'}
          </button>
        ) : null}
        {(release.status === 'PENDING_APPROVAL' || release.status === 'APPROVED') && (mine || atLeast(role, 'admin')) ? (
          <button type="button" disabled={busy} onClick={() => void doCancel({ id: release.id, reason: comment.trim() || null, key: newKey('cancel') })}>
            Cancel release
          </button>
        ) : null}
      </div>
      <MutationErrors errors={payload?.errors} error={last?.error} />
      {outcome && !sink ? <ActionResultNotice outcome={outcome} /> : null}
    </div>
  );
}
