'use client';
/** Query facades for deprecations: announce, the deprecation page (frozen vs live), waves, the badge. */
import { useMutation } from '@urql/next';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const DeprecationPageQuery = graphql(`
  query DeprecationPage($id: ID!) {
    deprecation(id: $id) {
      id
      status
      reason
      effectiveAt
      requestedBy
      requestedAt
      forced
      modelVersion {
        id
      }
      replacement {
        id
      }
      project {
        id
        name
      }
      snapshot {
        targets {
          role
          target {
            id
          }
        }
        derivedModels {
          modelVersion {
            id
          }
        }
        derivedTargets {
          role
          target {
            id
          }
        }
        pendingReleases {
          releaseId
        }
        projects {
          project {
            id
            name
          }
          owners
          targetIds
        }
      }
      stillLeft {
        role
        target {
          id
          project {
            id
          }
        }
      }
    }
  }
`);

export function useDeprecationPage(id: string) {
  return useGql({ query: DeprecationPageQuery, variables: { id }, requestPolicy: 'cache-and-network' });
}

export const ModelDeprecationQuery = graphql(`
  query ModelDeprecation($id: ID!) {
    modelVersion(id: $id) {
      id
      deprecation {
        id
        status
        effectiveAt
        replacement {
          id
        }
      }
    }
  }
`);

export function useModelDeprecation(id: string) {
  return useGql({ query: ModelDeprecationQuery, variables: { id } });
}

export const DeprecateMutation = graphql(`
  mutation DeprecateModelVersion($input: DeprecateModelVersionInput!) {
    deprecateModelVersion(input: $input) {
      errors {
        code
        message
        field
      }
      deprecation {
        id
        status
      }
    }
  }
`);

export const ReplacementWaveMutation = graphql(`
  mutation RequestReplacementWave($id: ID!, $projectId: ID!, $key: String) {
    requestReplacementWave(deprecationId: $id, projectId: $projectId, strategy: HOT_SWAP, idempotencyKey: $key) {
      errors {
        code
        message
        field
      }
      release {
        id
        status
        gatesPassed
      }
    }
  }
`);

export const MakeEffectiveMutation = graphql(`
  mutation MakeDeprecationEffective($id: ID!, $key: String) {
    makeDeprecationEffective(deprecationId: $id, idempotencyKey: $key) {
      errors {
        code
        message
        field
      }
      deprecation {
        id
        status
      }
    }
  }
`);

export const useDeprecate = () => useMutation(DeprecateMutation);
export const useReplacementWave = () => useMutation(ReplacementWaveMutation);
export const useMakeEffective = () => useMutation(MakeEffectiveMutation);

export const DeprecationInboxQuery = graphql(`
  query DeprecationInbox($first: Int!, $after: String) {
    deprecationInbox(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        status
        effectiveAt
        reason
        requestedBy
        modelVersion {
          id
        }
        replacement {
          id
        }
        project {
          id
          name
        }
        snapshot {
          projects {
            project {
              id
            }
            targetIds
          }
        }
      }
    }
  }
`);

export function useDeprecationInbox(first: number, after: string | null) {
  return useGql({ query: DeprecationInboxQuery, variables: { first, after } });
}

/** Deprecations of the versions serving a target: its badge and the "release the replacement" offer. */
export const TargetDeprecationsQuery = graphql(`
  query TargetDeprecations($id: ID!) {
    releaseTarget(id: $id) {
      id
      currentDeployments {
        id
        modelVersion {
          id
          deprecation {
            id
            status
            effectiveAt
            replacement {
              id
            }
          }
        }
      }
    }
  }
`);

export function useTargetDeprecations(id: string) {
  return useGql({ query: TargetDeprecationsQuery, variables: { id } });
}
