'use client';
/**
 * Release one model version to every target of a line (a wave): `requestRelease(input: {
 * modelVersionId, wave: { projectId, filter: { line } }, strategy, canaryPercent })`. Shows how
 * many targets the wave covers before sending, then the release with each target's status.
 * The form's contents mount only when opened (the list of lines is then loaded).
 */
import Link from 'next/link';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { GateBadge, Pill } from '@/components/common/badges';
import { MutationErrors } from '@/components/common/MutationErrors';
import { newKey } from '@/lib/ids';
import { href } from '@/lib/paths';
import { useProjectHeader, useProjectLines, useWaveSize } from '@/lib/queries/projects';
import { initialRollout, ROLLOUT_TITLE, rolloutChoices, type Rollout } from '@/lib/strategies';
import { atLeast, roleOn, useMe } from '@/lib/queries/session';
import { useRequestRelease } from '@/lib/queries/targets';

const SHOWN_TARGETS = 50;

export function WaveRelease({ projectId }: { projectId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="card" data-testid="wave-release" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <strong>Release a wave…</strong> <span className="muted small">one model version to every target of a line</span>
      </summary>
      {open ? <WaveReleaseForm projectId={projectId} /> : null}
    </details>
  );
}

function WaveReleaseForm({ projectId }: { projectId: string }) {
  const id = useId();
  const [header] = useProjectHeader(projectId);
  const [me] = useMe();
  const { lines, complete } = useProjectLines(projectId);
  const policy = header.data?.project?.policy;
  const [modelVersionId, setModelVersionId] = useState('');
  const [line, setLine] = useState('');
  const [strategy, setStrategy] = useState<Rollout | null>(null);
  const [canary, setCanary] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [key, setKey] = useState(() => newKey('wave'));
  const [res, request] = useRequestRelease();

  // Defaults follow the policy until the user picks something.
  // Only what the project's serving platform can do is offered (MLServer: no canary).
  const choices = rolloutChoices(header.data?.project?.supportedStrategies);
  const strat = strategy ?? initialRollout(policy?.defaultStrategy ?? 'CANARY', choices);
  const pct = canary ?? String(policy?.defaultCanaryPercent ?? 10);
  const filter = useMemo(() => (line ? { line } : {}), [line]);
  const [size] = useWaveSize(projectId, filter);
  const role = roleOn(me.data?.me.roles, projectId);
  const canRequest = atLeast(role, 'requester');

  const payload = res.data?.requestRelease;
  const created = payload?.release && payload.errors.length === 0 ? payload.release : null;
  const fieldError = (f: string) => payload?.errors.find((e) => e.field === f);
  const failedGates = created ? created.gates.filter((g) => !g.passed) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!modelVersionId.trim() || !line) return;
    const n = Number.parseInt(pct, 10);
    const r = await request({
      input: {
        modelVersionId: modelVersionId.trim(),
        wave: { projectId, filter },
        strategy: strat,
        ...(strat === 'CANARY' ? { canaryPercent: Number.isFinite(n) ? n : undefined } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        idempotencyKey: key,
      },
    });
    if (!r.error) setKey(newKey('wave'));
  };

  return (
    <form className="stack" onSubmit={submit} aria-label={`Release a wave in ${projectId}`} data-testid="wave-form" style={{ marginTop: '0.6rem' }}>
      {me.data && !canRequest ? (
        <p className="state state-warn" role="note">
          Requesting a release needs the requester role on {projectId} (you are {me.data.me.anonymous ? 'an anonymous viewer' : `${me.data.me.id}, ${role ?? 'no role'}`}).{' '}
          <Link href={href.signIn(href.project(projectId))}>Sign in as a requester</Link>
        </p>
      ) : null}
      <div className="form-row">
        <label>
          Model version id
          <input
            name="waveModelVersionId"
            value={modelVersionId}
            onChange={(e) => setModelVersionId(e.target.value)}
            placeholder={`${projectId}-fleet/2`}
            required
            aria-describedby={`${id}-mv-err`}
          />
        </label>
        <label>
          Line
          {/* A wave selects explicitly: the gateway refuses an empty filter (it would be every target). */}
          <select name="waveLine" value={line} onChange={(e) => setLine(e.target.value)} required>
            <option value="" disabled>
              choose a line…
            </option>
            {lines.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="inline-fieldset">
          <legend>Strategy</legend>
          {choices.map((c) => (
            <label className="inline" key={c}>
              <input type="radio" name="waveStrategy" value={c} checked={strat === c} onChange={() => setStrategy(c)} /> {ROLLOUT_TITLE[c]}
            </label>
          ))}
        </fieldset>
        {strat === 'CANARY' ? (
          <label>
            Canary %
            <input name="waveCanaryPercent" type="number" min={1} max={99} className="w-num" value={pct} onChange={(e) => setCanary(e.target.value)} aria-describedby={`${id}-pct-err`} />
          </label>
        ) : null}
      </div>
      <p className="small muted" data-testid="wave-size" data-count={size.data?.releaseTargets.totalCount ?? ''} aria-live="polite">
        {size.data ? `This wave covers ${size.data.releaseTargets.totalCount} target${size.data.releaseTargets.totalCount === 1 ? '' : 's'}${line ? ` on ${line}` : ' (every line)'}; at most 500 per release.` : 'Counting the targets…'}
        {complete ? '' : ' Loading the lines…'}
      </p>
      {fieldError('modelVersionId') ? (
        <p className="field-error" id={`${id}-mv-err`} data-error-code={fieldError('modelVersionId')!.code}>
          {fieldError('modelVersionId')!.message}
        </p>
      ) : null}
      {fieldError('canaryPercent') ? (
        <p className="field-error" id={`${id}-pct-err`} data-error-code={fieldError('canaryPercent')!.code}>
          {fieldError('canaryPercent')!.message}
        </p>
      ) : null}
      <label>
        Note
        <textarea name="waveNote" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} placeholder="Why this wave (shown to approvers and in the audit trail)" />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={!canRequest || res.fetching || !modelVersionId.trim()}>
          {res.fetching ? 'Requesting…' : 'Request wave release'}
        </button>
      </div>
      <MutationErrors errors={payload?.errors.filter((e) => e.field !== 'modelVersionId' && e.field !== 'canaryPercent')} error={res.error} />
      {created ? (
        <div className="notice stack" role="status" data-testid="wave-requested" data-release={created.id} data-status={created.status}>
          <p style={{ margin: 0 }}>
            Release{' '}
            <Link href={href.release(created.id)} className="mono" data-testid="wave-release-link">
              {created.id}
            </Link>{' '}
            requested for {created.targets.length} target{created.targets.length === 1 ? '' : 's'}: <Pill value={created.status} /> — gates <GateBadge passed={created.gatesPassed} />
            {failedGates.length ? ` (${failedGates.length} failed)` : ''}; needs {created.requiredApprovals} approvals. <Link href={href.inbox()}>Open the inbox</Link>
          </p>
          {failedGates.length ? (
            <ul className="small">
              {failedGates.slice(0, 10).map((g, i) => (
                <li key={`${g.gate}-${g.targetId ?? ''}-${i}`}>
                  <GateBadge passed={false} /> {g.gate}
                  {g.targetId ? ` on ${g.targetId}` : ''}: {g.detail}
                </li>
              ))}
              {failedGates.length > 10 ? <li className="muted">…and {failedGates.length - 10} more</li> : null}
            </ul>
          ) : null}
          <div className="table-wrap">
            <table className="data" data-testid="wave-targets">
              <caption className="sr-only">Targets of release {created.id}</caption>
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">Status</th>
                  <th scope="col">Replaces</th>
                </tr>
              </thead>
              <tbody>
                {created.targets.slice(0, SHOWN_TARGETS).map((t) => (
                  <tr key={t.targetId} data-testid="wave-target" data-target={t.targetId} data-status={t.status}>
                    <td>
                      <Link href={href.target(t.targetId)} className="mono">
                        {t.targetId}
                      </Link>
                    </td>
                    <td>
                      <Pill value={t.status} />
                    </td>
                    <td className="mono small">{t.previousModelVersion?.id ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {created.targets.length > SHOWN_TARGETS ? (
            <p className="muted small">
              …and {created.targets.length - SHOWN_TARGETS} more on <Link href={href.release(created.id)}>the release page</Link>.
            </p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
