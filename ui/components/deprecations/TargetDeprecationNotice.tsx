'use client';
/**
 * On a release target: a badge for each serving version that is deprecated, naming the
 * replacement and the effective date, linking to the deprecation, and offering to release the
 * replacement here (the request form below, prefilled).
 */
import Link from 'next/link';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';
import { useTargetDeprecations } from '@/lib/queries/deprecations';

export interface ServingDeprecation {
  deprecationId: string;
  modelVersionId: string;
  replacementId: string;
  status: string;
  effectiveAt: string;
}

/** The deprecations of the versions serving a target, one per version. */
export function useServingDeprecations(targetId: string): ServingDeprecation[] {
  const [res] = useTargetDeprecations(targetId);
  const seen = new Set<string>();
  const out: ServingDeprecation[] = [];
  for (const d of res.data?.releaseTarget?.currentDeployments ?? []) {
    // modelVersion is null while the training platform is down: nothing known to flag then.
    const mv = d.modelVersion;
    const dep = mv?.deprecation;
    if (!mv || !dep || seen.has(mv.id)) continue;
    seen.add(mv.id);
    out.push({ deprecationId: dep.id, modelVersionId: mv.id, replacementId: dep.replacement.id, status: dep.status, effectiveAt: dep.effectiveAt });
  }
  return out;
}

export function TargetDeprecationNotice({ deprecations, onReleaseReplacement }: { deprecations: ServingDeprecation[]; onReleaseReplacement: (replacementId: string) => void }) {
  if (deprecations.length === 0) return null;
  return (
    <div className="stack">
      {deprecations.map((d) => (
        <div key={d.deprecationId} className="state state-warn row" role="note" data-testid="target-deprecation" data-deprecation={d.deprecationId}>
          <Link href={href.deprecation(d.deprecationId)} className="badge tone-bad" data-testid="target-deprecation-badge">
            Deprecated ({d.status.toLowerCase()})
          </Link>
          <span>
            The serving version <span className="mono">{d.modelVersionId}</span> is replaced by <span className="mono">{d.replacementId}</span>, effective {fmtDate(d.effectiveAt)}.
          </span>
          <button type="button" onClick={() => onReleaseReplacement(d.replacementId)} data-testid="release-replacement">
            Release the replacement
          </button>
        </div>
      ))}
    </div>
  );
}
