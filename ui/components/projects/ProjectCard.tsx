'use client';
import Link from 'next/link';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { href } from '@/lib/paths';

export const ProjectCard_ProjectFragment = graphql(`
  fragment ProjectCard_Project on Project {
    id
    name
    plant
    description
    owners
    policy {
      requiredApprovals
      defaultStrategy
      defaultCanaryPercent
      gateMetric
    }
    releaseTargets(first: 1) {
      totalCount
    }
    pending: releases(status: PENDING_APPROVAL, first: 1) {
      totalCount
    }
  }
`);

export function ProjectCard(props: { project: FragmentType<typeof ProjectCard_ProjectFragment> }) {
  const p = getFragmentData(ProjectCard_ProjectFragment, props.project);
  return (
    <article className="card project-card" aria-labelledby={`p-${p.id}`} data-testid="project-card" data-project={p.id}>
      <h2 id={`p-${p.id}`}>
        <Link href={href.project(p.id)}>{p.name}</Link>
      </h2>
      <p className="muted small">
        {p.id} · {p.plant}
      </p>
      {p.description ? <p>{p.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>Release targets</dt>
          <dd>{p.releaseTargets.totalCount}</dd>
        </div>
        <div>
          <dt>Pending releases</dt>
          <dd>{p.pending.totalCount}</dd>
        </div>
        <div>
          <dt>Policy</dt>
          <dd>
            {p.policy.requiredApprovals} approvals · {p.policy.defaultStrategy.toLowerCase().replace('_', ' ')}
            {p.policy.defaultStrategy === 'CANARY' ? ` ${p.policy.defaultCanaryPercent}%` : ''} · gate {p.policy.gateMetric}
          </dd>
        </div>
        <div>
          <dt>Owners</dt>
          <dd>{p.owners.join(', ') || '—'}</dd>
        </div>
      </dl>
      <Link className="button-link" href={href.project(p.id)}>
        Open {p.releaseTargets.totalCount} targets →
      </Link>
    </article>
  );
}
