'use client';
/** Query facades for the approval inbox, the release page and the release actions. */
import { useMutation } from '@urql/next';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const InboxPageQuery = graphql(`
  query InboxPage($first: Int!) {
    approvalInbox(first: $first) {
      totalCount
      nodes {
        id
        approvability {
          canApprove
        }
        ...ReleaseCard_Release
      }
    }
    pending: releases(status: PENDING_APPROVAL, first: $first) {
      totalCount
      nodes {
        id
        requestedBy
        approvability {
          canApprove
        }
        ...ReleaseCard_Release
      }
    }
    approved: releases(status: APPROVED, first: $first) {
      totalCount
      nodes {
        id
        ...ReleaseCard_Release
      }
    }
    canary: releases(status: CANARY, first: $first) {
      totalCount
      nodes {
        id
        ...ReleaseCard_Release
      }
    }
  }
`);

export function useInbox() {
  return useGql({ query: InboxPageQuery, variables: { first: 50 } });
}

export const ReleasePageQuery = graphql(`
  query ReleasePage($id: ID!) {
    release(id: $id) {
      id
      updatedAt
      ...ReleaseCard_Release
    }
  }
`);

export function useReleasePage(id: string) {
  return useGql({ query: ReleasePageQuery, variables: { id } });
}

export const ReleaseActionPayloadFragment = graphql(`
  fragment ReleaseActionPayload on ReleasePayload {
    errors {
      code
      message
      field
    }
    release {
      id
      status
      updatedAt
      gatesPassed
      override {
        by
        reason
        at
      }
      approvals {
        id
        approver
        decision
        comment
        at
      }
      approvability {
        canApprove
        reason
      }
      targets {
        targetId
        status
        updatedAt
        target {
          id
        }
      }
    }
  }
`);

export const ApproveMutation = graphql(`
  mutation ApproveRelease($id: ID!, $comment: String, $key: String) {
    approveRelease(releaseId: $id, comment: $comment, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);
export const RejectMutation = graphql(`
  mutation RejectRelease($id: ID!, $comment: String!, $key: String) {
    rejectRelease(releaseId: $id, comment: $comment, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);
export const StartRolloutMutation = graphql(`
  mutation StartRollout($id: ID!, $key: String) {
    startRollout(releaseId: $id, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);
export const PromoteMutation = graphql(`
  mutation PromoteCanary($id: ID!, $key: String) {
    promoteCanary(releaseId: $id, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);
export const CancelMutation = graphql(`
  mutation CancelRelease($id: ID!, $reason: String, $key: String) {
    cancelRelease(releaseId: $id, reason: $reason, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);

export const OverrideGatesMutation = graphql(`
  mutation OverrideGates($id: ID!, $reason: String!, $key: String) {
    overrideGates(releaseId: $id, reason: $reason, idempotencyKey: $key) {
      ...ReleaseActionPayload
    }
  }
`);

export const useApprove = () => useMutation(ApproveMutation);
export const useReject = () => useMutation(RejectMutation);
export const useStartRollout = () => useMutation(StartRolloutMutation);
export const usePromote = () => useMutation(PromoteMutation);
export const useCancel = () => useMutation(CancelMutation);
export const useOverrideGates = () => useMutation(OverrideGatesMutation);
