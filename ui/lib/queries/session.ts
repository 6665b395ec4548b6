'use client';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      anonymous
      roles {
        projectId
        role
      }
    }
  }
`);

/** Who the gateway thinks the caller is (from the session cookie's token). */
export function useMe() {
  return useGql({ query: MeQuery, requestPolicy: 'cache-first' });
}

const RANK: Record<string, number> = { viewer: 1, requester: 2, approver: 3, admin: 4 };

/** The caller's role on a project (a project entry wins over "*"). */
export function roleOn(roles: readonly { projectId: string; role: string }[] | undefined, projectId: string): string | null {
  if (!roles) return null;
  return roles.find((r) => r.projectId === projectId)?.role ?? roles.find((r) => r.projectId === '*')?.role ?? null;
}

export function atLeast(role: string | null, wanted: 'viewer' | 'requester' | 'approver' | 'admin'): boolean {
  return role !== null && (RANK[role] ?? 0) >= RANK[wanted]!;
}

export const InboxCountQuery = graphql(`
  query InboxCount {
    approvalInbox(first: 100) {
      totalCount
      nodes {
        id
        approvability {
          canApprove
        }
      }
    }
  }
`);

export function useInboxCount(pause: boolean) {
  return useGql({ query: InboxCountQuery, pause });
}
