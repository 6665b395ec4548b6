/**
 * `npm run token -- <user> <role>[@project] …`: prints a bearer token signed with the
 * configured HS256 secret (auth.secret / AUTH_SECRET; the development secret in demo mode).
 * Roles without @project apply to every project. Valid for 8 h (within auth.maxTokenTtlSeconds).
 *   npm run token -- alice requester@pump-anomaly viewer
 */
import { issueToken, ROLES, type Role } from '@mlops/kit';
import { authConfigOf, loadConfig } from '@mlops/kit/config';

// Without a configuration file this is the demo's token (what `npm start` verifies).
const config = loadConfig(undefined, { defaults: process.env.MLOPS_CONFIG ? {} : { mode: 'demo' } });
const auth = authConfigOf(config);
const [sub, ...grants] = process.argv.slice(2);
if (!sub || grants.length === 0) {
  process.stderr.write(`usage: npm run token -- <user> <role>[@project] ...   roles: ${ROLES.join(', ')}\n`);
  process.exit(2);
}
if (!auth.secret) {
  process.stderr.write('token: the configuration verifies tokens with a JWKS URL (an identity provider); get a token from it instead\n');
  process.exit(2);
}
const roles: Record<string, Role> = {};
for (const g of grants) {
  const [role, project = '*'] = g.split('@');
  if (!(ROLES as readonly string[]).includes(role!)) {
    process.stderr.write(`unknown role ${JSON.stringify(role)}; use one of ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  roles[project] = role as Role;
}
const ttl = Math.min(8 * 3600, auth.maxTokenTtlSeconds);
process.stdout.write(`${await issueToken({ issuer: auth.issuer, audience: auth.audience, secret: auth.secret }, { sub, roles }, ttl)}\n`);
