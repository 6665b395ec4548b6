/**
 * `npm run token -- <user> <role>[@project] …`: prints a development bearer token signed with
 * the dev secret (AUTH_SECRET if set). Roles without @project apply to every project.
 *   npm run token -- alice requester@pump-anomaly viewer
 */
import { authEnv, issueToken, ROLES, type Role } from '@mlops/kit';
import { parseEnv, z } from '@mlops/kit/env';

const env = parseEnv('token', z.object(authEnv));
const [sub, ...grants] = process.argv.slice(2);
if (!sub || grants.length === 0) {
  process.stderr.write('usage: npm run token -- <user> <role>[@project] ...   roles: viewer, requester, approver, admin\n');
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
process.stdout.write(`${await issueToken({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, secret: env.AUTH_SECRET }, { sub, roles })}\n`);
