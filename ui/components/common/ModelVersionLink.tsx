/**
 * A deployment's model version is resolved by the training platform, so it is null while that
 * platform is down: the deployment still shows, with the version marked unavailable.
 */
import Link from 'next/link';
import { href } from '@/lib/paths';

export function ModelVersionLink({ mv }: { mv: { id: string } | null | undefined }) {
  if (!mv) {
    return (
      <span className="muted" title="the training platform did not answer" data-testid="model-version-unavailable">
        model version unavailable
      </span>
    );
  }
  return (
    <Link href={href.model(mv.id)} className="mono">
      {mv.id}
    </Link>
  );
}

/** `v3`, or `v?` while the training platform is down. */
export const versionLabel = (mv: { version: number } | null | undefined) => (mv ? `v${mv.version}` : 'v?');
