'use client';
import Link from 'next/link';
import { Pill } from '@/components/common/badges';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';

export const ReleaseRow_ReleaseFragment = graphql(`
  fragment ReleaseRow_Release on Release {
    id
    status
    strategy
    canaryPercent
    requestedAt
    requestedBy
    requiredApprovals
    modelVersion {
      id
    }
    approvals {
      id
      decision
    }
    targets {
      targetId
    }
  }
`);

export function ReleaseRow(props: { release: FragmentType<typeof ReleaseRow_ReleaseFragment> }) {
  const r = getFragmentData(ReleaseRow_ReleaseFragment, props.release);
  const approved = r.approvals.filter((a) => a.decision === 'APPROVE').length;
  return (
    <tr data-testid="release-row" data-release={r.id}>
      <th scope="row">
        <Link href={href.release(r.id)} className="mono">
          {r.id}
        </Link>
      </th>
      <td>
        <Pill value={r.status} />
      </td>
      <td>
        <Link href={href.model(r.modelVersion.id)} className="mono">
          {r.modelVersion.id}
        </Link>
      </td>
      <td>
        {r.strategy === 'CANARY' ? `canary ${r.canaryPercent ?? ''}%` : 'hot swap'} · {r.targets.length} target{r.targets.length === 1 ? '' : 's'}
      </td>
      <td>
        {r.requestedBy}
        <div className="muted small">{fmtDate(r.requestedAt)}</div>
      </td>
      <td>
        {approved}/{r.requiredApprovals}
      </td>
      <td>
        <Link href={href.auditRelease(r.id)}>audit</Link>
      </td>
    </tr>
  );
}

export function ReleaseTable({ releases, caption }: { releases: FragmentType<typeof ReleaseRow_ReleaseFragment>[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Release</th>
            <th scope="col">Status</th>
            <th scope="col">Model version</th>
            <th scope="col">How</th>
            <th scope="col">Requested</th>
            <th scope="col">Approvals</th>
            <th scope="col">Audit</th>
          </tr>
        </thead>
        <tbody>
          {releases.map((r, i) => (
            <ReleaseRow key={i} release={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
