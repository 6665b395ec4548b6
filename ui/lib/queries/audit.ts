'use client';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const ReleaseAuditQuery = graphql(`
  query ReleaseAudit($id: ID!) {
    release(id: $id) {
      id
      status
      requestedBy
      requestedAt
      project {
        id
        name
      }
      modelVersion {
        id
      }
      auditTrail(first: 500) {
        totalCount
        nodes {
          id
          ...AuditRow_Event
        }
      }
    }
    verifyAuditTrail(entityId: $id) {
      ...VerifyBanner_Verification
    }
  }
`);

export function useReleaseAudit(id: string) {
  return useGql({ query: ReleaseAuditQuery, variables: { id }, requestPolicy: 'network-only' });
}

export const TargetAuditQuery = graphql(`
  query TargetAudit($id: ID!) {
    releaseTarget(id: $id) {
      id
      name
      project {
        id
        name
      }
      releases(first: 50) {
        totalCount
        nodes {
          id
          status
          requestedAt
          modelVersion {
            id
          }
        }
      }
    }
  }
`);

export function useTargetAudit(id: string) {
  return useGql({ query: TargetAuditQuery, variables: { id } });
}

export const RecentReleasesQuery = graphql(`
  query RecentReleases {
    releases(first: 20) {
      totalCount
      nodes {
        id
        ...ReleaseRow_Release
      }
    }
  }
`);

export function useRecentReleases() {
  return useGql({ query: RecentReleasesQuery });
}
