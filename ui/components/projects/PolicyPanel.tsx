'use client';
/**
 * The project's release policy (approvals, gate metric and tolerance, overrides, default
 * strategy, webhook), and for an admin of the project a form that changes it
 * (`setReleasePolicy`). The gateway validates; its payload errors are shown beside the field
 * they name (`policy.<field>`), the rest under the form, by code.
 */
import { useState, type FormEvent } from 'react';
import { MutationErrors, type PayloadError } from '@/components/common/MutationErrors';
import { explain } from '@/lib/errors';
import { fmtNum } from '@/lib/format';
import { newKey } from '@/lib/ids';
import { useProjectHeader, useSetReleasePolicy } from '@/lib/queries/projects';
import { initialRollout, ROLLOUT_LABEL, rolloutChoices, type Rollout } from '@/lib/strategies';
import { atLeast, roleOn, useMe } from '@/lib/queries/session';

interface Policy {
  requiredApprovals: number;
  gateMetric: string;
  tolerance: number;
  allowOverride: boolean;
  defaultStrategy: Rollout;
  defaultCanaryPercent: number;
  webhookUrl?: string | null;
}

const METRICS = ['f1', 'precision', 'recall', 'auc', 'loss'];

export function PolicyPanel({ projectId }: { projectId: string }) {
  const [res] = useProjectHeader(projectId);
  const [me] = useMe();
  const p = res.data?.project?.policy;
  if (!p) return null; // the header shows loading, errors and "no such project"
  const isAdmin = atLeast(roleOn(me.data?.me.roles, projectId), 'admin');
  return (
    <section className="card" aria-labelledby="policy-h" data-testid="policy">
      <h2 id="policy-h">Release policy</h2>
      <dl className="facts">
        <div>
          <dt>Approvals</dt>
          <dd data-testid="policy-requiredApprovals">{p.requiredApprovals}</dd>
        </div>
        <div>
          <dt>Gate</dt>
          <dd>
            <span data-testid="policy-gateMetric">{p.gateMetric}</span> ≥ champion − <span data-testid="policy-tolerance">{fmtNum(p.tolerance, 4)}</span>
          </dd>
        </div>
        <div>
          <dt>Gate overrides</dt>
          <dd data-testid="policy-allowOverride">{p.allowOverride ? 'allowed (admin, with a reason)' : 'not allowed'}</dd>
        </div>
        <div>
          <dt>Default rollout</dt>
          <dd>
            <span data-testid="policy-defaultStrategy">{p.defaultStrategy.replace('_', ' ').toLowerCase()}</span>
            {p.defaultStrategy === 'CANARY' ? ' ' : null}
            {p.defaultStrategy === 'CANARY' ? <span data-testid="policy-defaultCanaryPercent">{p.defaultCanaryPercent}</span> : null}
            {p.defaultStrategy === 'CANARY' ? '%' : null}
          </dd>
        </div>
        <div>
          <dt>Webhook</dt>
          <dd className="mono small" data-testid="policy-webhookUrl">
            {p.webhookUrl ?? '—'}
          </dd>
        </div>
      </dl>
      {isAdmin ? (
        <details data-testid="policy-edit">
          <summary>Edit the policy…</summary>
          <PolicyForm projectId={projectId} policy={p} choices={rolloutChoices(res.data?.project?.supportedStrategies)} />
        </details>
      ) : me.data ? (
        <p className="muted small" data-testid="policy-readonly">
          Only an admin of {projectId} can change the policy.
        </p>
      ) : null}
    </section>
  );
}

function PolicyForm({ projectId, policy, choices }: { projectId: string; policy: Policy; choices: Rollout[] }) {
  const [form, setForm] = useState({
    requiredApprovals: String(policy.requiredApprovals),
    gateMetric: policy.gateMetric,
    tolerance: String(policy.tolerance),
    allowOverride: policy.allowOverride,
    // A stored default the platform cannot do (set before it was known) is not offered again.
    defaultStrategy: initialRollout(policy.defaultStrategy, choices),
    defaultCanaryPercent: String(policy.defaultCanaryPercent),
    webhookUrl: policy.webhookUrl ?? '',
  });
  const [local, setLocal] = useState<PayloadError[]>([]);
  const [key, setKey] = useState(() => newKey('policy'));
  const [res, save] = useSetReleasePolicy();
  const payload = res.data?.setReleasePolicy;
  const errors: PayloadError[] = local.length ? local : (payload?.errors ?? []);
  const fieldError = (f: string) => errors.find((e) => e.field === `policy.${f}`);
  const saved = !local.length && payload?.policy && payload.errors.length === 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Only what cannot be sent at all is checked here (a number that is not one); the ranges are
    // the gateway's to check, and its errors come back by field.
    const num = (f: 'requiredApprovals' | 'tolerance' | 'defaultCanaryPercent') => {
      const v = Number(form[f]);
      return form[f].trim() !== '' && Number.isFinite(v) ? v : null;
    };
    const bad = (['requiredApprovals', 'tolerance', 'defaultCanaryPercent'] as const).filter((f) => num(f) === null);
    const intFields = (['requiredApprovals', 'defaultCanaryPercent'] as const).filter((f) => num(f) !== null && !Number.isInteger(num(f)));
    if (bad.length || intFields.length) {
      setLocal([
        ...bad.map((f) => ({ code: 'BAD_USER_INPUT', field: `policy.${f}`, message: 'must be a number' })),
        ...intFields.map((f) => ({ code: 'BAD_USER_INPUT', field: `policy.${f}`, message: 'must be a whole number' })),
      ]);
      return;
    }
    setLocal([]);
    const r = await save({
      projectId,
      key,
      policy: {
        requiredApprovals: num('requiredApprovals')!,
        gateMetric: form.gateMetric.trim(),
        tolerance: num('tolerance')!,
        allowOverride: form.allowOverride,
        defaultStrategy: form.defaultStrategy,
        defaultCanaryPercent: num('defaultCanaryPercent')!,
        webhookUrl: form.webhookUrl.trim() || null,
      },
    });
    if (!r.error) setKey(newKey('policy'));
  };

  const err = (f: string) => {
    const e = fieldError(f);
    return e ? (
      <span className="field-error" id={`policy-err-${f}`} data-testid="policy-field-error" data-field={`policy.${f}`} data-error-code={e.code}>
        {explain(e.code).title}: {e.message}
      </span>
    ) : null;
  };
  const described = (f: string) => (fieldError(f) ? { 'aria-invalid': true as const, 'aria-describedby': `policy-err-${f}` } : {});

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={`Release policy of ${projectId}`} data-testid="policy-form">
      <div className="form-row">
        <label>
          Required approvals
          <input name="requiredApprovals" type="number" step={1} className="w-num" value={form.requiredApprovals} onChange={(e) => setForm({ ...form, requiredApprovals: e.target.value })} {...described('requiredApprovals')} />
          {err('requiredApprovals')}
        </label>
        <label>
          Gate metric
          <input name="gateMetric" list="policy-metrics" value={form.gateMetric} onChange={(e) => setForm({ ...form, gateMetric: e.target.value })} {...described('gateMetric')} />
          <datalist id="policy-metrics">
            {METRICS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          {err('gateMetric')}
        </label>
        <label>
          Tolerance
          <input name="tolerance" type="number" step="any" className="w-num" value={form.tolerance} onChange={(e) => setForm({ ...form, tolerance: e.target.value })} {...described('tolerance')} />
          {err('tolerance')}
        </label>
        <label className="inline">
          <input name="allowOverride" type="checkbox" checked={form.allowOverride} onChange={(e) => setForm({ ...form, allowOverride: e.target.checked })} /> Admins may override failed gates
        </label>
      </div>
      <div className="form-row">
        <label>
          Default strategy
          <select name="defaultStrategy" value={form.defaultStrategy} onChange={(e) => setForm({ ...form, defaultStrategy: e.target.value as Rollout })} {...described('defaultStrategy')}>
            {choices.map((c) => (
              <option key={c} value={c}>
                {ROLLOUT_LABEL[c]}
              </option>
            ))}
          </select>
          {err('defaultStrategy')}
        </label>
        <label>
          Default canary %
          <input name="defaultCanaryPercent" type="number" step={1} className="w-num" value={form.defaultCanaryPercent} onChange={(e) => setForm({ ...form, defaultCanaryPercent: e.target.value })} {...described('defaultCanaryPercent')} />
          {err('defaultCanaryPercent')}
        </label>
        <label style={{ flex: '1 1 16rem' }}>
          Webhook URL (optional)
          <input name="webhookUrl" type="text" inputMode="url" placeholder="https://…" value={form.webhookUrl} onChange={(e) => setForm({ ...form, webhookUrl: e.target.value })} {...described('webhookUrl')} />
          {err('webhookUrl')}
        </label>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={res.fetching}>
          {res.fetching ? 'Saving…' : 'Save policy'}
        </button>
      </div>
      <MutationErrors errors={errors.filter((e) => !e.field?.startsWith('policy.'))} error={res.error} />
      {saved ? (
        <p className="notice" role="status" data-testid="policy-saved">
          Policy saved (audited as policy.changed on {projectId}).
        </p>
      ) : null}
    </form>
  );
}
