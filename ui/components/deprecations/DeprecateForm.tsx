'use client';
/**
 * "Deprecate…": approvers and admins of the version's project announce its retirement with a
 * replacement, an effective date and a reason; the gateway freezes the impact shown above into
 * the deprecation and notifies every affected project. Success opens the deprecation page.
 */
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { MutationErrors } from '@/components/common/MutationErrors';
import { newKey } from '@/lib/ids';
import { href } from '@/lib/paths';
import { useDeprecate } from '@/lib/queries/deprecations';

/** Default effective date: two weeks from now, as a datetime-local value. */
const inTwoWeeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 16);

export function DeprecateForm({ modelVersionId, affectedProjects }: { modelVersionId: string; affectedProjects: number }) {
  const router = useRouter();
  const [replacementId, setReplacement] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(inTwoWeeks);
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  // One key per filled-in form: a double submit is one deprecation.
  const [key, setKey] = useState(() => newKey('deprecate'));
  const [res, deprecate] = useDeprecate();
  const payload = res.data?.deprecateModelVersion;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await deprecate({
      input: { modelVersionId, replacementId: replacementId.trim(), effectiveAt: new Date(effectiveAt).toISOString(), reason: reason.trim(), force, idempotencyKey: key },
    });
    const out = r.data?.deprecateModelVersion;
    if (out?.deprecation && out.errors.length === 0) router.push(href.deprecation(out.deprecation.id));
    else setKey(newKey('deprecate'));
  };

  return (
    <details className="card" data-testid="deprecate-panel">
      <summary>
        <strong>Deprecate…</strong> <span className="muted small">— announce its retirement to {affectedProjects} affected project(s)</span>
      </summary>
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label={`Deprecate ${modelVersionId}`} data-testid="deprecate-form" style={{ marginTop: '0.8rem' }}>
        <label>
          Replacement model version
          <input name="replacementId" value={replacementId} onChange={(e) => setReplacement(e.target.value)} placeholder="e.g. pump-anomaly-pump-017/5" required className="mono" />
        </label>
        <label>
          Effective from
          <input name="effectiveAt" type="datetime-local" value={effectiveAt} onChange={(e) => setEffectiveAt(e.target.value)} required />
        </label>
        <label>
          Reason (sent to the owners, audited)
          <textarea name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} required />
        </label>
        <label className="small">
          <input type="checkbox" name="force" checked={force} onChange={(e) => setForce(e.target.checked)} /> The replacement is of another model lineage (allow it)
        </label>
        <p className="muted small" style={{ margin: 0 }}>
          The impact above is frozen into the deprecation; each affected project&apos;s owners get a signed notice naming their targets and the replacement.
        </p>
        <div className="row">
          <button type="submit" className="danger" disabled={res.fetching}>
            {res.fetching ? 'Announcing…' : 'Announce deprecation'}
          </button>
        </div>
        <MutationErrors errors={payload?.errors} error={res.error} />
      </form>
    </details>
  );
}
