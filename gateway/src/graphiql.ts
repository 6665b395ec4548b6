/**
 * GraphiQL for analysts, served from local node_modules assets: the plant machines have no
 * internet, so the Apollo Sandbox (a CDN page) would be blank there.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express from 'express';

const require = createRequire(import.meta.url);
/** The packages' UMD builds are not in their `exports`; locate them beside package.json. */
const file = (pkg: string, rel: string) => join(dirname(require.resolve(`${pkg}/package.json`)), rel);

const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: file('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: file('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: file('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: file('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const EXAMPLE = `# What is deployed where, trained on what: try the flagship query from the README.
query Targets {
  releaseTargets(projectId: "pump-anomaly", first: 5) {
    totalCount
    nodes {
      id
      currentDeployments { trafficPercent modelVersion { id metric(key: "f1") } health { status drift } }
    }
  }
}
`;

const page = (endpoint: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MLOps traceability gateway · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style></head>
<body><div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script src="/graphiql/assets/boot.js"></script>
</body></html>`;

// The boot script is an asset, not inline, so the CSP can forbid inline scripts.
const boot = (endpoint: string) => `const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE)}, defaultEditorToolsVisibility: true })
);
`;

/** Same-origin scripts only; GraphiQL's editor sets inline styles, hence style-src 'unsafe-inline'. */
const GRAPHIQL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/** Mounts GET /graphiql and its assets. */
export function mountGraphiQL(app: express.Express, endpoint = '/graphql'): void {
  app.get('/graphiql', (_req, res) => {
    res.set('content-security-policy', GRAPHIQL_CSP).type('html').send(page(endpoint));
  });
  app.get('/graphiql/assets/boot.js', (_req, res) => {
    res.type('text/javascript').send(boot(endpoint));
  });
  app.get('/graphiql/assets/:name', (req, res) => {
    const asset = ASSETS[req.params.name];
    if (!asset) {
      res.status(404).end();
      return;
    }
    res.type(asset.type).set('cache-control', 'public, max-age=86400').sendFile(asset.file);
  });
}
