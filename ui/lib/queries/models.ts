'use client';
/** Query facades for the model version page and the lineage explorer. */
import { graphql } from '@/gql';
import type { LineageDirection, LineageNodeType } from '@/gql/graphql';
import { useGql } from '@/lib/use-gql';

export const ModelPageQuery = graphql(`
  query ModelPage($id: ID!) {
    modelVersion(id: $id) {
      id
      name
      version
      aliases
      createdAt
      description
      tags {
        key
        value
      }
      metrics {
        key
        value
      }
      health {
        status
        accuracy
        drift
      }
      run {
        id
        experiment
        user
        codeVersion
        startTime
        endTime
        status
        params {
          key
          value
        }
      }
      trainedOn(depth: 3) {
        depth
        datasetVersion {
          id
          uri
          owner
          createdAt
          dataset {
            id
            name
            kind
          }
        }
      }
      deployedTo {
        deploymentId
        from
        to
        trafficPercent
        state
        target {
          id
          health {
            status
          }
        }
      }
      releases(first: 10) {
        totalCount
        nodes {
          id
          ...ReleaseRow_Release
        }
      }
    }
  }
`);

export function useModelPage(id: string) {
  return useGql({ query: ModelPageQuery, variables: { id } });
}

export const ReusedByQuery = graphql(`
  query ReusedBy($id: ID!, $limit: Int) {
    modelVersion(id: $id) {
      id
      reusedBy(limit: $limit) {
        ...ReusedBy_Report
      }
    }
  }
`);

export function useReusedBy(id: string) {
  return useGql({ query: ReusedByQuery, variables: { id, limit: 200 } });
}

export const DeprecationImpactQuery = graphql(`
  query DeprecationImpact($id: ID!, $limit: Int) {
    deprecationImpact(modelVersionId: $id, limit: $limit) {
      ...ImpactPanel_Impact
    }
  }
`);

export function useDeprecationImpact(id: string, pause: boolean) {
  return useGql({ query: DeprecationImpactQuery, variables: { id, limit: 5000 }, pause });
}

export const LineageQuery = graphql(`
  query Lineage($rootId: ID!, $direction: LineageDirection, $depth: Int, $at: DateTime, $maxNodes: Int, $types: [LineageNodeType!]) {
    lineage(rootId: $rootId, direction: $direction, depth: $depth, at: $at, maxNodes: $maxNodes, types: $types) {
      truncated
      root {
        id
        type
        label
      }
      nodes {
        id
        type
        label
      }
      edges {
        from
        to
        type
        since
        until
      }
    }
  }
`);

export interface LineageArgs {
  rootId: string;
  direction: LineageDirection;
  depth: number;
  at: string | null;
  maxNodes: number;
  types: LineageNodeType[] | null;
}

export function useLineage(v: LineageArgs) {
  return useGql({ query: LineageQuery, variables: v });
}

export const TargetHealthQuery = graphql(`
  query TargetHealth($id: ID!) {
    releaseTarget(id: $id) {
      id
      health {
        status
        drift
      }
    }
  }
`);

export function useTargetHealth(id: string) {
  return useGql({ query: TargetHealthQuery, variables: { id }, requestPolicy: 'cache-first' });
}
