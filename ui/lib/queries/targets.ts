'use client';
/** Query facades for the release target page. */
import { useMutation } from '@urql/next';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const TargetPageQuery = graphql(`
  query TargetPage($id: ID!) {
    releaseTarget(id: $id) {
      id
      name
      line
      plant
      environment
      supportedStrategies
      project {
        id
        name
        policy {
          defaultStrategy
          defaultCanaryPercent
          requiredApprovals
          gateMetric
          tolerance
        }
      }
      health {
        status
        accuracy
        drift
        errorRate
        latencyP95Ms
        evaluatedAt
      }
      alerts(first: 10) {
        totalCount
        nodes {
          id
          severity
          metric
          message
          openedAt
        }
      }
      currentDeployments {
        id
        ...DeploymentCard_Deployment
      }
    }
  }
`);

export function useTargetPage(id: string) {
  return useGql({ query: TargetPageQuery, variables: { id } });
}

export const TargetHistoryQuery = graphql(`
  query TargetHistory($id: ID!, $first: Int!, $after: String) {
    releaseTarget(id: $id) {
      id
      deploymentHistory(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          ...HistoryEntry_Deployment
        }
      }
    }
  }
`);

export function useTargetHistory(id: string, first: number, after: string | null) {
  return useGql({ query: TargetHistoryQuery, variables: { id, first, after } });
}

export const TargetComparisonQuery = graphql(`
  query TargetComparison($id: ID!) {
    releaseTarget(id: $id) {
      id
      comparison(maxCandidates: 5) {
        ...ComparisonPanel_Comparison
      }
    }
  }
`);

export function useTargetComparison(id: string) {
  return useGql({ query: TargetComparisonQuery, variables: { id } });
}

export const TargetSeriesQuery = graphql(`
  query TargetSeries($id: ID!, $from: DateTime, $step: Int, $deployments: Int!) {
    releaseTarget(id: $id) {
      id
      deploymentHistory(first: $deployments) {
        nodes {
          id
          since
          until
          strategy
          state
          trafficPercent
          modelVersion {
            id
            version
          }
          accuracy: series(metric: ACCURACY, from: $from, stepSeconds: $step) {
            points {
              at
              value
            }
          }
          drift: series(metric: DRIFT_SCORE, from: $from, stepSeconds: $step) {
            points {
              at
              value
            }
          }
        }
      }
    }
  }
`);

export function useTargetSeries(v: { id: string; from: string; step: number; deployments: number }, pause: boolean) {
  return useGql({ query: TargetSeriesQuery, variables: v, pause });
}

export const TargetReleasesQuery = graphql(`
  query TargetReleases($id: ID!, $first: Int!) {
    releaseTarget(id: $id) {
      id
      releases(first: $first) {
        totalCount
        nodes {
          id
          ...ReleaseRow_Release
        }
      }
    }
  }
`);

export function useTargetReleases(id: string, first = 10) {
  return useGql({ query: TargetReleasesQuery, variables: { id, first } });
}

export const RequestReleaseMutation = graphql(`
  mutation RequestRelease($input: RequestReleaseInput!) {
    requestRelease(input: $input) {
      errors {
        code
        message
        field
      }
      release {
        id
        status
        strategy
        canaryPercent
        gatesPassed
        requiredApprovals
        gates {
          gate
          passed
          detail
          targetId
        }
        targets {
          targetId
          status
          previousModelVersion {
            id
          }
        }
      }
    }
  }
`);

export function useRequestRelease() {
  return useMutation(RequestReleaseMutation);
}

export const RollbackMutation = graphql(`
  mutation RollbackTarget($targetId: ID!, $reason: String!, $key: String) {
    rollback(targetId: $targetId, reason: $reason, idempotencyKey: $key) {
      errors {
        code
        message
        field
      }
      release {
        id
        status
        targets {
          targetId
          status
          previousModelVersion {
            id
          }
          # The ReleaseTarget type in the result makes the document cache refetch the target
          # page's queries (what serves now, history, releases).
          target {
            id
          }
        }
      }
    }
  }
`);

export function useRollback() {
  return useMutation(RollbackMutation);
}
