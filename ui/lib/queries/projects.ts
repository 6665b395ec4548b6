'use client';
/** Query facades for the projects and release-target list pages. */
import { graphql } from '@/gql';
import type { ReleaseTargetFilter } from '@/gql/graphql';
import { useGql } from '@/lib/use-gql';

export const ProjectsPageQuery = graphql(`
  query ProjectsPage {
    projects(first: 100) {
      totalCount
      nodes {
        id
        ...ProjectCard_Project
      }
    }
  }
`);

export function useProjects() {
  return useGql({ query: ProjectsPageQuery });
}

export const ProjectHeaderQuery = graphql(`
  query ProjectHeader($id: ID!) {
    project(id: $id) {
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
        tolerance
      }
    }
    lines: releaseTargets(projectId: $id, first: 500, orderBy: "line") {
      nodes {
        id
        line
      }
    }
  }
`);

export function useProjectHeader(id: string) {
  return useGql({ query: ProjectHeaderQuery, variables: { id } });
}

export const ProjectTargetsQuery = graphql(`
  query ProjectTargets($projectId: ID!, $filter: ReleaseTargetFilter, $orderBy: String, $first: Int!, $after: String) {
    releaseTargets(projectId: $projectId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        ...TargetRow_Target
      }
    }
  }
`);

export const TargetsNotOnQuery = graphql(`
  query TargetsNotOn($projectId: ID, $modelName: String!, $minVersion: Int!, $first: Int!, $after: String) {
    targetsNotOn(projectId: $projectId, modelName: $modelName, minVersion: $minVersion, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        ...TargetRow_Target
      }
    }
  }
`);

export function useProjectTargets(v: { projectId: string; filter: ReleaseTargetFilter; orderBy: string; first: number; after: string | null }, pause: boolean) {
  return useGql({ query: ProjectTargetsQuery, variables: v, pause });
}

export function useTargetsNotOn(v: { projectId: string; modelName: string; minVersion: number; first: number; after: string | null }, pause: boolean) {
  return useGql({ query: TargetsNotOnQuery, variables: v, pause });
}
