'use client';
/** Request a release of a candidate to this target: strategy, canary share, note. Runs the gates. */
import Link from 'next/link';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { GateBadge, Pill } from '@/components/common/badges';
import { MutationErrors } from '@/components/common/MutationErrors';
import { newKey } from '@/lib/ids';
import { useHydrated } from '@/lib/use-hydrated';
import { href } from '@/lib/paths';
import { useRequestRelease } from '@/lib/queries/targets';
import { initialRollout, ROLLOUT_TITLE, rolloutChoices, type Rollout } from '@/lib/strategies';

export function RequestReleaseForm({
  targetId,
  candidates,
  preselect,
  policy,
  supportedStrategies,
  canRequest,
  roleHint,
}: {
  targetId: string;
  candidates: string[];
  preselect: string | null;
  policy: { defaultStrategy: string; defaultCanaryPercent: number } | null;
  /** What the target's serving platform can do (null: unknown, offer every strategy). */
  supportedStrategies: readonly string[] | null | undefined;
  canRequest: boolean;
  roleHint: string;
}) {
  const id = useId();
  const [candidate, setCandidate] = useState(preselect ?? candidates[0] ?? '');
  const [other, setOther] = useState('');
  const choices = rolloutChoices(supportedStrategies);
  const [strategy, setStrategy] = useState<Rollout>(initialRollout(policy?.defaultStrategy ?? 'CANARY', choices));
  const [canary, setCanary] = useState(String(policy?.defaultCanaryPercent ?? 10));
  const [note, setNote] = useState('');
  const [key, setKey] = useState(() => newKey('request'));
  const [res, request] = useRequestRelease();
  const hydrated = useHydrated();

  useEffect(() => {
    if (preselect) setCandidate(preselect);
  }, [preselect]);
  useEffect(() => {
    if (!candidate && candidates[0]) setCandidate(candidates[0]);
  }, [candidates, candidate]);

  const modelVersionId = candidate === '__other' ? other.trim() : candidate;
  const payload = res.data?.requestRelease;
  const created = payload?.release && payload.errors.length === 0 ? payload.release : null;
  const fieldError = (f: string) => payload?.errors.find((e) => e.field === f);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!modelVersionId) return;
    const pct = Number.parseInt(canary, 10);
    const r = await request({
      input: {
        modelVersionId,
        targetIds: [targetId],
        strategy,
        ...(strategy === 'CANARY' ? { canaryPercent: Number.isFinite(pct) ? pct : undefined } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        idempotencyKey: key,
      },
    });
    // A new key for the next, different request; a network failure keeps it so a retry is safe.
    if (!r.error) setKey(newKey('request'));
  };

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-h`} data-testid="request-release-form" data-hydrated={hydrated ? 'true' : undefined}>
      <h3 id={`${id}-h`}>Request a release to this target</h3>
      {!canRequest ? (
        <p className="state state-warn" role="note">
          {roleHint} <Link href={href.signIn()}>Sign in as a requester</Link> to request a release.
        </p>
      ) : null}
      <div className="form-row">
        <label>
          Candidate
          <select name="candidate" value={candidate} onChange={(e) => setCandidate(e.target.value)} aria-describedby={`${id}-mv-err`}>
            {candidates.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
            <option value="__other">another model version…</option>
          </select>
        </label>
        {candidate === '__other' ? (
          <label>
            Model version id
            <input name="modelVersionId" value={other} onChange={(e) => setOther(e.target.value)} placeholder="pump-anomaly-pump-017/5" required />
          </label>
        ) : null}
        <fieldset className="inline-fieldset">
          <legend>Strategy</legend>
          {choices.map((c) => (
            <label className="inline" key={c}>
              <input type="radio" name="strategy" value={c} checked={strategy === c} onChange={() => setStrategy(c)} /> {ROLLOUT_TITLE[c]}
            </label>
          ))}
        </fieldset>
        {strategy === 'CANARY' ? (
          <label>
            Canary %
            <input name="canaryPercent" type="number" min={1} max={99} className="w-num" value={canary} onChange={(e) => setCanary(e.target.value)} aria-describedby={`${id}-pct-err`} />
          </label>
        ) : null}
      </div>
      {fieldError('modelVersionId') ? (
        <p className="field-error" id={`${id}-mv-err`}>
          {fieldError('modelVersionId')!.message}
        </p>
      ) : null}
      {fieldError('strategy') ? (
        <p className="field-error" id={`${id}-strategy-err`}>
          {fieldError('strategy')!.message}
        </p>
      ) : null}
      {fieldError('canaryPercent') ? (
        <p className="field-error" id={`${id}-pct-err`}>
          {fieldError('canaryPercent')!.message}
        </p>
      ) : null}
      <label>
        Note
        <textarea name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} placeholder="Why this release (shown to approvers and in the audit trail)" />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={!canRequest || res.fetching || !modelVersionId}>
          {res.fetching ? 'Requesting…' : 'Request release'}
        </button>
      </div>
      <MutationErrors errors={payload?.errors.filter((e) => e.field !== 'modelVersionId' && e.field !== 'canaryPercent' && e.field !== 'strategy')} error={res.error} />
      {created ? (
        <div className="notice" role="status" data-testid="release-requested" data-release={created.id}>
          Release{' '}
          <Link href={href.release(created.id)} className="mono">
            {created.id}
          </Link>{' '}
          requested: <Pill value={created.status} /> — gates <GateBadge passed={created.gatesPassed} />; needs {created.requiredApprovals} approvals.{' '}
          <Link href={href.inbox()}>Open the inbox</Link>
          <ul className="small">
            {created.gates.map((g) => (
              <li key={`${g.gate}-${g.targetId ?? ''}`}>
                <GateBadge passed={g.passed} /> {g.gate}: {g.detail}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
