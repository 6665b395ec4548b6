/**
 * The one configuration of the system: a YAML file (`MLOPS_CONFIG`, default
 * `mlops.config.yaml` in the working directory when it exists) overridden by environment
 * variables, validated with zod. Every service's env.ts calls `loadConfig` and reads nothing
 * else; an invalid file or variable exits 1 with every problem listed by key path.
 *
 * Two modes. `demo` (what `npm start` runs) may use the development secrets and anonymous
 * viewers, and says so. `production` (the default of a file, and of `npm run serve`) refuses
 * to start on a development secret, on anonymous access or without the internal key, unless
 * the file turns that on explicitly (`auth.allowDevSecret`, `auth.anonymousRole`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEV_AUTH, ROLES } from './auth.ts';

/** Development values: accepted in demo mode only (or with `auth.allowDevSecret: true`). */
export const DEV_SECRETS = {
  auth: DEV_AUTH.secret,
  webhook: 'dev-only-webhook-secret',
} as const;

const level = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const httpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const portNo = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', 'on', 'off', '1', '0']).transform((v) => ['true', 'on', '1'].includes(v))]);
const ms = (d: number, max = 3_600_000) => z.coerce.number().int().min(0).max(max).default(d);

const SUBGRAPHS = ['training', 'catalog', 'inference', 'monitoring', 'lineage'] as const;
export type ServiceName = (typeof SUBGRAPHS)[number];
export const SUBGRAPH_NAMES: readonly ServiceName[] = SUBGRAPHS;

/** Where a platform connector reaches its platform and with which credentials. */
const platformFields = {
  /**
   * `builtin`: the simulated plant (in process; `url` reaches another process's, e.g. the
   * inference subgraph's under npm run serve). `mlflow` (training only): an MLflow 3 tracking
   * server + registry at `url`, with `token` (bearer) or `username`/`password` (basic auth) when
   * it requires them. `openlineage` (catalog only): what the lineage subgraph's OpenLineage
   * intake (`POST /api/v1/lineage`) stored in the lineage graph's Neo4j (`neo4j.*`), read-only.
   * `prometheus` (monitoring only): a Prometheus 2.x server at `url` holding the health series
   * (prometheus/backfill.ts, or live exporters) and the rules of prometheus/rules/.
   * `mlserver` (inference only): an MLServer (V2 inference protocol) at `url`, whose model
   * repository is `modelRepository` (a directory this process writes model versions into) and
   * whose ledger of changes the connector keeps in `ledgerDir`.
   */
  connector: z.enum(['builtin', 'mlflow', 'openlineage', 'prometheus', 'mlserver']).default('builtin'),
  url: httpUrl.optional(),
  token: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  timeoutMs: ms(10_000, 120_000),
  /** mlserver: the server's model repository root (shared filesystem). */
  modelRepository: z.string().min(1).optional(),
  /** mlserver: where the connector keeps its durable ledger (mlserver-ledger.json). */
  ledgerDir: z.string().min(1).optional(),
  /** mlserver: MLServer model name per release target id (default: the id with `/` → `__`). */
  models: z.record(z.string(), z.string().regex(/^[A-Za-z0-9._-]+$/, 'an MLServer model name: letters, digits, . _ -')).optional(),
  /** mlserver: the `implementation` written into each version's model-settings.json. */
  implementation: z.string().min(1).optional(),
};
const platformChecks = (
  p: { connector: string; url?: string | undefined; username?: string | undefined; password?: string | undefined; modelRepository?: string | undefined; ledgerDir?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (p.connector === 'mlflow' && !p.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'the mlflow connector needs the MLflow server URL' });
  if (p.connector === 'prometheus' && !p.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'the prometheus connector needs the Prometheus server URL' });
  if (p.connector === 'mlserver') {
    if (!p.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'the mlserver connector needs the MLServer URL' });
    if (!p.modelRepository) ctx.addIssue({ code: 'custom', path: ['modelRepository'], message: "the mlserver connector needs the server's model repository directory" });
    if (!p.ledgerDir) ctx.addIssue({ code: 'custom', path: ['ledgerDir'], message: 'the mlserver connector needs a directory for its ledger' });
  }
  if (p.password && !p.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'a password needs a username' });
};
const platform = z.object(platformFields).strict().prefault({}).superRefine(platformChecks);
/** The training platform also pushes: MLflow's signed registry webhooks trigger an incremental sync. */
const trainingPlatform = z
  .object({
    ...platformFields,
    /**
     * The secret MLflow signs its webhooks with (X-MLflow-Signature, HMAC-SHA256). Set: the lineage
     * subgraph accepts `POST /webhooks/mlflow` signed with it; unset: that endpoint refuses everything.
     */
    webhookSecret: z.string().min(16, 'must have at least 16 characters').optional(),
    /**
     * The URL MLflow should call (the lineage subgraph's `/webhooks/mlflow` as MLflow reaches it).
     * Set with `webhookSecret` and the mlflow connector: the lineage subgraph registers the webhook
     * in MLflow at startup (idempotent).
     */
    webhookUrl: httpUrl.optional(),
  })
  .strict()
  .prefault({})
  .superRefine((p, ctx) => {
    platformChecks(p, ctx);
    if (p.webhookUrl && !p.webhookSecret) ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'registering a webhook needs its signing secret' });
  });

/** The monitoring platform also pushes: Alertmanager delivers alert transitions to the monitoring subgraph. */
const monitoringPlatform = z
  .object({
    ...platformFields,
    /**
     * The bearer credential Alertmanager's webhook_configs send (http_config.authorization) to the
     * monitoring subgraph's `POST /webhooks/alertmanager`. Unset: that endpoint refuses everything.
     */
    alertmanagerToken: z.string().min(32, 'must have at least 32 characters').optional(),
    /** Where the delivered alert transitions are kept (alerts.jsonl, append-only). */
    alertHistoryDir: z.string().min(1).optional(),
    /** Transitions kept in the alert history (the oldest are dropped past it). */
    alertHistoryMax: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  })
  .strict()
  .prefault({})
  .superRefine((p, ctx) => {
    platformChecks(p, ctx);
    if (p.alertmanagerToken && !p.alertHistoryDir) ctx.addIssue({ code: 'custom', path: ['alertHistoryDir'], message: 'receiving Alertmanager deliveries needs a directory for the alert history' });
  });

const subgraph = (p: number) =>
  z
    .object({ url: httpUrl.default(`http://127.0.0.1:${p}/graphql`), host: z.string().default('127.0.0.1'), port: portNo.default(p) })
    .strict()
    .prefault({});

export const ConfigSchema = z
  .object({
    mode: z.enum(['demo', 'production']).default('production'),
    log: z.object({ level: level.default('info') }).strict()
      .prefault({}),
    scenario: z
      .object({ targets: z.coerce.number().int().min(3).max(200_000).default(300), seed: z.coerce.number().int().default(42) })
      .strict()
      .prefault({}),
    auth: z
      .object({
        issuer: z.string().min(1).default(DEV_AUTH.issuer),
        audience: z.string().min(1).default(DEV_AUTH.audience),
        secret: z.string().min(32, 'must have at least 32 characters').optional(),
        jwksUrl: httpUrl.optional(),
        /** Role of a request without a token on every project, or `none` (tokens required). */
        anonymousRole: z.enum(['none', ...ROLES]).optional(),
        maxTokenTtlSeconds: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
        /** Lets production run on the development secrets. Never in a shared deployment. */
        allowDevSecret: bool.default(false),
      })
      .strict()
      .prefault({}),
    internal: z
      .object({
        /** Shared by the gateway and the subgraphs (and the hosted built-in platforms): signs the caller header. */
        key: z.string().min(32, 'must have at least 32 characters').optional(),
      })
      .strict()
      .prefault({}),
    gateway: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: portNo.default(4000),
        maxDepth: z.coerce.number().int().min(1).max(50).default(16),
        maxCost: z.coerce.number().int().min(100).default(200_000),
        maxAliases: z.coerce.number().int().min(1).max(200).default(30),
        /** Per subgraph fetch; shorter than `requestTimeoutMs` so a slow subgraph becomes null fields, not a hung client. */
        subgraphTimeoutMs: ms(10_000, 600_000),
        requestTimeoutMs: ms(15_000, 600_000),
        /** Requests per caller (token subject, else client address) per minute; 0 disables. */
        rateLimitPerMinute: z.coerce.number().int().min(0).default(600),
        /**
         * Gateway processes sharing the port (node:cluster, gateway/src/workers.ts) when the
         * gateway runs as its own process (`npm run serve`); the rate limit stays one per caller.
         */
        workers: z.coerce.number().int().min(1).max(64).default(1),
        /**
         * Who plans and executes operations behind this gateway's checks (gateway/src/server.ts):
         * `apollo` (@apollo/gateway in the gateway process) or `hive-router` (Hive Router, Rust,
         * built once by router/install.sh; the gateway starts it on loopback).
         */
        engine: z.enum(['apollo', 'hive-router']).default('apollo'),
        /** The hive-router engine's binary; default router/.cache/bin/hive_router. */
        routerBinary: z.string().min(1).optional(),
        /**
         * The hive-router engine's worker threads; default one per core less the one our gateway
         * process uses (at least 1). Measured in BENCHMARKS.md: on two cores one worker
         * costs 15–20% less CPU per request than the router's default of one per core.
         */
        routerWorkers: z.coerce.number().int().min(1).max(64).optional(),
      })
      .strict()
      .prefault({}),
    subgraphs: z
      .object({ training: subgraph(4001), catalog: subgraph(4002), inference: subgraph(4003), monitoring: subgraph(4004), lineage: subgraph(4005) })
      .strict()
      .prefault({}),
    execution: z
      .object({
        /**
         * How every subgraph executes operations: `jit` compiles each operation once with
         * graphql-jit (less CPU per request, BENCHMARKS.md); `graphql-js` is the reference
         * interpreter, kept as a fallback and for side-by-side benches.
         */
        subgraphs: z.enum(['jit', 'graphql-js']).default('jit'),
      })
      .strict()
      .prefault({}),
    platforms: z
      .object({
        training: trainingPlatform.refine((p) => p.connector === 'builtin' || p.connector === 'mlflow', { path: ['connector'], message: 'training connectors: builtin or mlflow' }),
        catalog: platform.refine((p) => p.connector === 'builtin' || p.connector === 'openlineage', { path: ['connector'], message: 'catalog connectors: builtin or openlineage' }),
        inference: platform.refine((p) => p.connector === 'builtin' || p.connector === 'mlserver', { path: ['connector'], message: 'inference connectors: builtin or mlserver' }),
        monitoring: monitoringPlatform.refine((p) => p.connector === 'builtin' || p.connector === 'prometheus', { path: ['connector'], message: 'monitoring connectors: builtin or prometheus' }),
      })
      .strict()
      .prefault({}),
    neo4j: z
      .object({
        uri: z.string().regex(/^(neo4j|bolt)(\+s|\+ssc)?:\/\//, 'must be a neo4j:// or bolt:// URI').optional(),
        user: z.string().default('neo4j'),
        password: z.string().default(''),
        database: z.string().default('neo4j'),
        /** Server-side transaction timeout of every query. */
        queryTimeoutMs: ms(5_000, 600_000),
        maxPoolSize: z.coerce.number().int().min(1).max(1000).default(50),
      })
      .strict()
      .prefault({}),
    lineage: z
      .object({
        syncIntervalMs: ms(30_000, 86_400_000),
        /** How often announced deprecations past their date are made EFFECTIVE (0: never automatically). */
        deprecationCheckMs: ms(60_000, 86_400_000),
        /** HMAC key of the release webhooks' X-Signature. */
        webhookSecret: z.string().min(16, 'must have at least 16 characters').optional(),
        /** Webhook URLs on loopback or private networks are refused unless this is on. */
        allowPrivateWebhooks: bool.default(false),
        /** HMAC key platforms may sign pushed events with (X-Signature: sha256=…) instead of a token. */
        ingestSecret: z.string().min(32, 'must have at least 32 characters').optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

/** How subgraphs execute operations (`execution.subgraphs`). */
export type SubgraphExecutor = Config['execution']['subgraphs'];

/**
 * What every subgraph process takes from the configuration beside its address: the gateway's
 * query limits (applied again by each subgraph) and the executor.
 */
export function subgraphServing(config: Config) {
  const { maxDepth, maxAliases, maxCost } = config.gateway;
  return { limits: { maxDepth, maxAliases, maxCost }, executor: config.execution.subgraphs };
}

/**
 * Environment variables that override a key of the file (the names the services always read).
 * `PORT`/`HOST` are per service and handled by `loadConfig(service)`.
 */
export const ENV_OVERRIDES: Record<string, string> = {
  MLOPS_MODE: 'mode',
  LOG_LEVEL: 'log.level',
  SCENARIO_TARGETS: 'scenario.targets',
  SCENARIO_SEED: 'scenario.seed',
  AUTH_ISSUER: 'auth.issuer',
  AUTH_AUDIENCE: 'auth.audience',
  AUTH_SECRET: 'auth.secret',
  AUTH_JWKS_URL: 'auth.jwksUrl',
  AUTH_ANONYMOUS_ROLE: 'auth.anonymousRole',
  AUTH_MAX_TOKEN_TTL: 'auth.maxTokenTtlSeconds',
  AUTH_ALLOW_DEV_SECRET: 'auth.allowDevSecret',
  INTERNAL_KEY: 'internal.key',
  GATEWAY_MAX_DEPTH: 'gateway.maxDepth',
  GATEWAY_MAX_COST: 'gateway.maxCost',
  GATEWAY_MAX_ALIASES: 'gateway.maxAliases',
  GATEWAY_SUBGRAPH_TIMEOUT_MS: 'gateway.subgraphTimeoutMs',
  GATEWAY_REQUEST_TIMEOUT_MS: 'gateway.requestTimeoutMs',
  GATEWAY_RATE_LIMIT: 'gateway.rateLimitPerMinute',
  GATEWAY_WORKERS: 'gateway.workers',
  GATEWAY_ENGINE: 'gateway.engine',
  GATEWAY_ROUTER_BINARY: 'gateway.routerBinary',
  GATEWAY_ROUTER_WORKERS: 'gateway.routerWorkers',
  SUBGRAPH_EXECUTOR: 'execution.subgraphs',
  TRAINING_URL: 'subgraphs.training.url',
  CATALOG_URL: 'subgraphs.catalog.url',
  INFERENCE_URL: 'subgraphs.inference.url',
  MONITORING_URL: 'subgraphs.monitoring.url',
  LINEAGE_URL: 'subgraphs.lineage.url',
  TRAINING_PLATFORM: 'platforms.training.connector',
  CATALOG_PLATFORM: 'platforms.catalog.connector',
  INFERENCE_PLATFORM: 'platforms.inference.connector',
  MONITORING_PLATFORM: 'platforms.monitoring.connector',
  TRAINING_PLATFORM_URL: 'platforms.training.url',
  TRAINING_PLATFORM_TOKEN: 'platforms.training.token',
  TRAINING_PLATFORM_USERNAME: 'platforms.training.username',
  TRAINING_PLATFORM_PASSWORD: 'platforms.training.password',
  TRAINING_WEBHOOK_SECRET: 'platforms.training.webhookSecret',
  TRAINING_WEBHOOK_URL: 'platforms.training.webhookUrl',
  CATALOG_PLATFORM_URL: 'platforms.catalog.url',
  INFERENCE_PLATFORM_URL: 'platforms.inference.url',
  INFERENCE_PLATFORM_MODEL_REPOSITORY: 'platforms.inference.modelRepository',
  INFERENCE_PLATFORM_LEDGER_DIR: 'platforms.inference.ledgerDir',
  MONITORING_PLATFORM_URL: 'platforms.monitoring.url',
  MONITORING_ALERTMANAGER_TOKEN: 'platforms.monitoring.alertmanagerToken',
  MONITORING_ALERT_HISTORY_DIR: 'platforms.monitoring.alertHistoryDir',
  NEO4J_URI: 'neo4j.uri',
  NEO4J_USER: 'neo4j.user',
  NEO4J_PASSWORD: 'neo4j.password',
  NEO4J_DATABASE: 'neo4j.database',
  NEO4J_QUERY_TIMEOUT_MS: 'neo4j.queryTimeoutMs',
  SYNC_INTERVAL_MS: 'lineage.syncIntervalMs',
  DEPRECATION_CHECK_MS: 'lineage.deprecationCheckMs',
  WEBHOOK_SECRET: 'lineage.webhookSecret',
  WEBHOOK_ALLOW_PRIVATE: 'lineage.allowPrivateWebhooks',
  INGEST_SECRET: 'lineage.ingestSecret',
};

function setPath(obj: Record<string, unknown>, keyPath: string, value: unknown): void {
  const keys = keyPath.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** The file; default `MLOPS_CONFIG`, else `./mlops.config.yaml` when it exists, else none. */
  file?: string | null;
  /** The service whose `PORT`/`HOST` variables apply (`gateway` or a subgraph name). */
  service?: 'gateway' | ServiceName | 'platforms';
  /** Values that win over the file but not over the environment (what `npm start` sets). */
  defaults?: Record<string, unknown>;
  /**
   * A command that serves nothing (the lineage bulk export): production's checks of what a
   * server exposes (auth, internal key, webhook secrets) do not apply; the rest is validated.
   */
  offline?: boolean;
}

/** Reads, merges and validates; throws ConfigError listing every problem by key path. */
export function readConfig(opts: LoadOptions = {}): { config: Config; file: string | null } {
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const file = opts.file !== undefined ? opts.file : env.MLOPS_CONFIG ? env.MLOPS_CONFIG : existsSync('mlops.config.yaml') ? path.resolve('mlops.config.yaml') : null;
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${file}: the top level must be a mapping`);
        else raw = parsed as Record<string, unknown>;
      }
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  for (const [k, v] of Object.entries(opts.defaults ?? {})) setPath(raw, k, v);
  for (const [name, keyPath] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(raw, keyPath, v);
  }
  if (opts.service && opts.service !== 'platforms') {
    const base = opts.service === 'gateway' ? 'gateway' : `subgraphs.${opts.service}`;
    if (env.PORT) setPath(raw, `${base}.port`, env.PORT);
    if (env.HOST) setPath(raw, `${base}.host`, env.HOST);
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const i of result.error.issues) {
      const where = i.path.join('.') || '(root)';
      const envName = Object.entries(ENV_OVERRIDES).find(([, p]) => p === where)?.[0];
      problems.push(`${where}: ${i.message}${envName && env[envName] ? ` (from ${envName})` : ''}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const config = result.data!;
  if (config.gateway.engine === 'hive-router' && config.gateway.workers > 1) {
    // One router per worker would plan every operation once per worker and hold one
    // connection pool per worker; the router has worker threads of its own.
    problems.push('gateway.workers: the hive-router engine runs one gateway process (the router has its own threads: gateway.routerWorkers); set workers: 1');
  }
  if (config.platforms.catalog.connector === 'openlineage' && !config.neo4j.uri) {
    problems.push('platforms.catalog.connector: openlineage reads the lineage graph\'s Neo4j; set neo4j.uri');
  }
  if (!opts.offline) problems.push(...productionProblems(config));
  if (problems.length) throw new ConfigError(problems);
  return { config, file };
}

/** What production mode refuses; empty in demo mode. */
export function productionProblems(c: Config): string[] {
  if (c.mode !== 'production') return [];
  const p: string[] = [];
  const devOk = c.auth.allowDevSecret;
  if (!c.auth.jwksUrl && !c.auth.secret) p.push('auth: production needs auth.jwksUrl (an identity provider) or auth.secret');
  if (c.auth.secret === DEV_SECRETS.auth && !devOk) p.push('auth.secret: is the public development secret; set your own (or auth.allowDevSecret: true, never in a shared deployment)');
  if (c.auth.issuer === DEV_AUTH.issuer && !devOk) p.push(`auth.issuer: is the development issuer ${JSON.stringify(DEV_AUTH.issuer)}; set your identity provider's`);
  if (!c.internal.key) p.push('internal.key: production needs a key of at least 32 characters shared by the gateway and the subgraphs');
  if (c.lineage.webhookSecret === DEV_SECRETS.webhook && !devOk) p.push('lineage.webhookSecret: is the development secret; set your own');
  if (!c.lineage.webhookSecret) p.push('lineage.webhookSecret: production needs a webhook signing secret (at least 16 characters)');
  if (c.platforms.monitoring.connector === 'prometheus' && !c.platforms.monitoring.alertmanagerToken) {
    // Without it the receiver would accept forged alerts (or none): resolved alerts would be lost.
    p.push('platforms.monitoring.alertmanagerToken: production with the prometheus connector needs the bearer token Alertmanager delivers alerts with (at least 32 characters)');
  }
  return p;
}

/** The effective anonymous role: viewer in the demo, none in production unless set. */
export function anonymousRole(c: Config): (typeof ROLES)[number] | 'none' {
  return c.auth.anonymousRole ?? (c.mode === 'demo' ? 'viewer' : 'none');
}

/** Token verification settings for kit's createVerifier. */
export function authConfigOf(c: Config) {
  return {
    issuer: c.auth.issuer,
    audience: c.auth.audience,
    secret: c.auth.jwksUrl ? undefined : (c.auth.secret ?? (c.mode === 'demo' ? DEV_SECRETS.auth : undefined)),
    jwksUrl: c.auth.jwksUrl,
    anonymousRole: anonymousRole(c),
    maxTokenTtlSeconds: c.auth.maxTokenTtlSeconds,
  };
}

/** For a service's env.ts: load or print every problem and exit 1. */
export function loadConfig(service: LoadOptions['service'], opts: Omit<LoadOptions, 'service'> = {}): Config {
  try {
    return readConfig({ ...opts, service }).config;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${service ?? 'mlops'}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * The internal key of a service run as its own process: without one the gateway and the
 * subgraphs cannot trust each other, so the service does not start (prints why, exit 1).
 */
export function requireInternalKey(c: Config, service: string): string {
  if (c.internal.key) return c.internal.key;
  process.stderr.write(`${service}: invalid configuration:\n  internal.key: required when the services run as separate processes (set INTERNAL_KEY or internal.key, at least 32 characters)\n`);
  process.exit(1);
}
