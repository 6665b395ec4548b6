/**
 * The gateway: Apollo Gateway over the composed supergraph (schema/supergraph.graphql),
 * served by Apollo Server with masked errors, GraphQL Armor limits, /health and GraphiQL.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { createVerifier, maskError, type AuthConfig, type Logger } from '@mlops/kit';
import { listenApp, type Listening } from '@mlops/kit/server';
import { createRequestCounter, GatewayDataSource, type SubgraphRequestCounter } from './datasource.ts';
import { mountGraphiQL } from './graphiql.ts';

export const supergraphPath = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

export interface GatewayOptions {
  /** Subgraph name → GraphQL URL (overrides the URLs baked into the supergraph). */
  urls: Record<string, string>;
  host: string;
  port: number;
  logger: Logger;
  maxDepth?: number;
  maxCost?: number;
  supergraphSdl?: string;
  auth: AuthConfig;
}

export interface RunningGateway extends Listening {
  /** Subgraph requests since the last reset, by subgraph name. */
  subgraphRequests: SubgraphRequestCounter;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const counter = createRequestCounter();
  const verifier = createVerifier(opts.auth);
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl ?? readFileSync(supergraphPath, 'utf8'),
    buildService: ({ name, url }) => new GatewayDataSource(name, opts.urls[name] ?? url!, counter),
  });
  const armor = new ApolloArmor({
    maxDepth: { n: opts.maxDepth ?? 16 },
    costLimit: { maxCost: opts.maxCost ?? 200_000 },
    maxAliases: { n: 30 },
    maxDirectives: { n: 50 },
    maxTokens: { n: 5000 },
  });
  const protection = armor.protect();
  const server = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    // Armor is typed against the CJS build of @apollo/server; the plugin objects are the same shape.
    plugins: [ApolloServerPluginLandingPageDisabled(), ...(protection.plugins as unknown as ApolloServerPlugin[])],
    validationRules: protection.validationRules,
    formatError: (formatted, error) => maskError(formatted, error, (e) => opts.logger.error({ err: e }, 'masked gateway error')),
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/', (_req, res) => res.redirect('/graphiql'));
  mountGraphiQL(app);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(server, {
      // Verify here so a bad token fails fast with 401, then forward it: subgraphs verify again and enforce roles.
      context: async ({ req }) => {
        await verifier.identify(req.headers.authorization);
        return { authorization: req.headers.authorization ?? null };
      },
    }),
  );
  const listening = await listenApp(app, opts.host, opts.port, '/graphql', async () => {
    await server.stop();
  });
  return { ...listening, subgraphRequests: counter };
}
