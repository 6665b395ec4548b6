'use client';
/** Query facades for the projects and release-target list pages, the release policy and waves. */
import { useEffect, useState } from 'react';
import { useClient, useMutation } from '@urql/next';
import { graphql } from '@/gql';
import type { ProjectLinesQuery as ProjectLinesQueryType, ReleaseTargetFilter } from '@/gql/graphql';
import type { OperationResult } from '@urql/core';
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
      supportedStrategies
      policy {
        requiredApprovals
        defaultStrategy
        defaultCanaryPercent
        gateMetric
        tolerance
        allowOverride
        webhookUrl
      }
    }
  }
`);

export function useProjectHeader(id: string) {
  return useGql({ query: ProjectHeaderQuery, variables: { id } });
}

export const ProjectLinesQuery = graphql(`
  query ProjectLines($id: ID!, $after: String) {
    releaseTargets(projectId: $id, first: 500, orderBy: "line", after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        line
      }
    }
  }
`);

const MAX_LINE_PAGES = 40;
const byNatural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The distinct lines of a project. The schema has no list of lines, so this pages through the
 * targets ordered by line (500 a page, one request at a time, in the background): 1 request at
 * 300 targets, 7 for a project of 3,300. `complete` is false while pages are still coming.
 */
export function useProjectLines(projectId: string): { lines: string[]; complete: boolean } {
  const client = useClient();
  const [state, setState] = useState<{ projectId: string; lines: string[]; complete: boolean }>({ projectId, lines: [], complete: false });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const seen = new Set<string>();
      let after: string | null = null;
      for (let i = 0; i < MAX_LINE_PAGES; i++) {
        const r: OperationResult<ProjectLinesQueryType> = await client.query(ProjectLinesQuery, { id: projectId, after }).toPromise();
        if (cancelled) return;
        const conn = r.data?.releaseTargets;
        if (!conn) break;
        for (const n of conn.nodes) seen.add(n.line);
        const more = conn.pageInfo.hasNextPage && !!conn.pageInfo.endCursor;
        setState({ projectId, lines: [...seen].sort(byNatural), complete: !more });
        if (!more) return;
        after = conn.pageInfo.endCursor ?? null;
      }
      if (!cancelled) setState((s) => ({ ...s, complete: true }));
    })();
    return () => {
      cancelled = true;
    };
  }, [client, projectId]);
  return state.projectId === projectId ? { lines: state.lines, complete: state.complete } : { lines: [], complete: false };
}

export const WaveSizeQuery = graphql(`
  query WaveSize($projectId: ID!, $filter: ReleaseTargetFilter) {
    releaseTargets(projectId: $projectId, filter: $filter, first: 1) {
      totalCount
    }
  }
`);

export function useWaveSize(projectId: string, filter: ReleaseTargetFilter) {
  return useGql({ query: WaveSizeQuery, variables: { projectId, filter } });
}

export const SetReleasePolicyMutation = graphql(`
  mutation SetReleasePolicy($projectId: ID!, $policy: ReleasePolicyInput!, $key: String) {
    setReleasePolicy(projectId: $projectId, policy: $policy, idempotencyKey: $key) {
      errors {
        code
        message
        field
      }
      policy {
        requiredApprovals
        defaultStrategy
        defaultCanaryPercent
        gateMetric
        tolerance
        allowOverride
        webhookUrl
      }
    }
  }
`);

export function useSetReleasePolicy() {
  return useMutation(SetReleasePolicyMutation);
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
