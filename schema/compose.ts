/**
 * Composes the subgraph SDL files listed in subgraphs.json into supergraph.graphql (what the
 * gateway serves) and api.graphql (the client-facing schema for the UI and analysts).
 * A composition error prints every problem and exits 1, so it fails the build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse, printSchema, lexicographicSortSchema } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));

export interface SubgraphEntry {
  name: string;
  sdl: string;
  port: number;
}

export const SUBGRAPHS: SubgraphEntry[] = JSON.parse(readFileSync(resolve(here, 'subgraphs.json'), 'utf8'));

/** The URL baked into the supergraph; the gateway overrides it per environment. */
const defaultUrl = (s: SubgraphEntry) => `http://127.0.0.1:${s.port}/graphql`;

export function composeSupergraph(): { supergraphSdl: string; apiSdl: string } {
  const services = SUBGRAPHS.map((s) => ({
    name: s.name,
    url: defaultUrl(s),
    typeDefs: parse(readFileSync(resolve(here, s.sdl), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((e) => `  - ${e.message}`);
    throw new Error(`composition failed:\n${lines.join('\n')}`);
  }
  const api = result.schema.toAPISchema().toGraphQLJSSchema();
  return { supergraphSdl: result.supergraphSdl, apiSdl: printSchema(lexicographicSortSchema(api)) + '\n' };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { supergraphSdl, apiSdl } = composeSupergraph();
    writeFileSync(resolve(here, 'supergraph.graphql'), supergraphSdl.endsWith('\n') ? supergraphSdl : supergraphSdl + '\n');
    writeFileSync(resolve(here, 'api.graphql'), apiSdl);
    process.stdout.write(`composed ${SUBGRAPHS.length} subgraphs -> schema/supergraph.graphql, schema/api.graphql\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
