'use client';
import { graphql } from '@/gql';
import { useGql } from '@/lib/use-gql';

export const SearchQuery = graphql(`
  query Search($q: String!, $id: ID!, $name: String!, $first: Int!, $isId: Boolean!) {
    releaseTargets(filter: { search: $q }, first: $first) {
      totalCount
      nodes {
        id
        name
        line
        project {
          id
          name
        }
        health {
          status
        }
        currentDeployments {
          id
          trafficPercent
          modelVersion {
            id
          }
        }
      }
    }
    byName: modelVersions(filter: { name: $name }, first: $first) {
      totalCount
      nodes {
        id
        ...SearchModel_ModelVersion
      }
    }
    byMachine: modelVersions(filter: { tag: { key: "machine", value: $q } }, first: $first) {
      totalCount
      nodes {
        id
        ...SearchModel_ModelVersion
      }
    }
    exact: modelVersion(id: $id) @include(if: $isId) {
      id
      ...SearchModel_ModelVersion
    }
    datasets(filter: { search: $q }, first: $first) {
      totalCount
      nodes {
        id
        name
        kind
        owner
        description
        latestVersion {
          id
          version
          createdAt
        }
      }
    }
  }
`);

export function useSearch(q: string) {
  const isId = /\/\d+$/.test(q);
  const name = isId ? q.replace(/\/\d+$/, '') : q;
  return useGql({ query: SearchQuery, variables: { q, id: q, name, first: 25, isId }, pause: q.length < 2 });
}
