/**
 * The built-in platforms as a service. In the demo every subgraph shares the simulated plant
 * in one process; in production mode each subgraph is its own process, so the supervisor
 * hosts the built-in platforms once (like a real MLflow or MLServer would be one server) and
 * every subgraph and the lineage sync reach them through this small RPC: `POST
 * /rpc/<platform>/<method>` with `{ "args": [...] }`, authenticated with the internal key.
 * Any connector interface works unchanged over it (its models are plain JSON).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type express from 'express';
import { ConnectorError } from '@mlops/kit';

export const RPC_KEY_HEADER = 'x-mlops-internal-key';
const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** The callable methods of a connector object: its own and its prototypes' functions. */
function methodsOf(o: object): Set<string> {
  const out = new Set<string>();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && NAME.test(k) && typeof (o as Record<string, unknown>)[k] === 'function') out.add(k);
    }
  }
  return out;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Mounts the RPC routes for `connectors` (platform name → connector) on `app`. */
export function mountConnectorHost(app: express.Express, connectors: Record<string, object>, internalKey: string, express_: typeof express): void {
  const allowed = new Map(Object.entries(connectors).map(([name, c]) => [name, methodsOf(c)]));
  const expected = digest(internalKey);
  app.post('/rpc/:platform/:method', express_.json({ limit: '10mb' }), async (req, res) => {
    const given = req.headers[RPC_KEY_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      res.status(401).json({ error: { kind: 'UNAUTHENTICATED', message: 'the internal key is missing or wrong' } });
      return;
    }
    const platform = String(req.params.platform);
    const method = String(req.params.method);
    const connector = connectors[platform];
    if (!connector || !allowed.get(platform)?.has(method)) {
      res.status(404).json({ error: { kind: 'NOT_FOUND', message: `no method ${platform}.${method}` } });
      return;
    }
    const args = (req.body as { args?: unknown })?.args;
    if (!Array.isArray(args)) {
      res.status(400).json({ error: { kind: 'BAD_REQUEST', message: 'body: expected {"args": [...]}' } });
      return;
    }
    try {
      const result = await (connector as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);
      res.json({ result: result ?? null });
    } catch (e) {
      if (e instanceof ConnectorError) {
        res.status(502).json({ error: { kind: e.kind, message: e.message } });
        return;
      }
      // Anything else is a bug or bad arguments: the message is ours (no upstream bodies).
      res.status(400).json({ error: { kind: 'BAD_REQUEST', message: (e as Error).message } });
    }
  });
}

/** A connector that calls the hosted one; unreachable or failing → ConnectorError naming `platform`. */
export function remoteConnector<T extends object>(platform: string, baseUrl: string, internalKey: string, timeoutMs = 10_000): T {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, args: unknown[]) => {
    let res: Response;
    try {
      res = await fetch(`${base}/rpc/${platform}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [RPC_KEY_HEADER]: internalKey },
        body: JSON.stringify({ args }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const timeout = (e as Error).name === 'TimeoutError';
      throw new ConnectorError(platform, timeout ? 'TIMEOUT' : 'UNAVAILABLE', `${platform} platform ${timeout ? 'timed out' : 'unreachable'}`, { cause: e });
    }
    const body = (await res.json().catch(() => null)) as { result?: unknown; error?: { kind?: string; message?: string } } | null;
    if (res.ok && body && 'result' in body) return body.result;
    const kind = body?.error?.kind;
    if (res.status === 400) throw new Error(body?.error?.message ?? `${platform}.${method}: bad request`);
    throw new ConnectorError(platform, kind === 'TIMEOUT' || kind === 'NOT_FOUND' || kind === 'BAD_REQUEST' ? kind : 'UNAVAILABLE', `${platform} platform answered ${res.status}`);
  };
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'platform') return platform;
      // Properties, not methods: the hosted platforms are built-in, which support every strategy.
      // Nor do they reconcile: only a platform that keeps no history has a ledger to compare.
      if (prop === 'supportedStrategies' || prop === 'reconcile') return undefined;
      // Not a thenable: `await remoteConnector(...)` must not call `then` over the wire.
      if (typeof prop !== 'string' || prop === 'then' || !NAME.test(prop)) return undefined;
      return (...args: unknown[]) => call(prop, args);
    },
  });
}
