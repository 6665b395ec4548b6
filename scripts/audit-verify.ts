/**
 * `npm run audit:verify -- <entityId> [...]`: asks the gateway to recompute the hash chain of
 * each entity's audit trail; prints every problem and exits 1 if any trail was tampered with.
 * GATEWAY_URL (default http://127.0.0.1:4000/graphql) and TOKEN (a bearer token) are read here.
 */
import { parseEnv, z } from '@mlops/kit/env';

const env = parseEnv('audit:verify', z.object({ GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'), TOKEN: z.string().optional() }));
const ids = process.argv.slice(2);
if (ids.length === 0) {
  process.stderr.write('usage: npm run audit:verify -- <releaseId|projectId> [...]\n');
  process.exit(2);
}
let bad = 0;
for (const entityId of ids) {
  const res = await fetch(env.GATEWAY_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(env.TOKEN ? { authorization: `Bearer ${env.TOKEN}` } : {}) },
    body: JSON.stringify({
      query: 'query($id: ID!) { verifyAuditTrail(entityId: $id) { valid events problems { eventId seq problem } } }',
      variables: { id: entityId },
    }),
  });
  const body = (await res.json()) as { data?: { verifyAuditTrail: { valid: boolean; events: number; problems: { eventId: string | null; seq: number | null; problem: string }[] } }; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) {
    process.stderr.write(`${entityId}: ${body.errors?.map((e) => e.message).join('; ') ?? 'no answer'}\n`);
    bad++;
    continue;
  }
  const v = body.data.verifyAuditTrail;
  process.stdout.write(`${entityId}: ${v.valid ? 'valid' : 'TAMPERED'} (${v.events} events)\n`);
  for (const p of v.problems) process.stdout.write(`  event ${p.eventId ?? '?'} #${p.seq ?? '?'}: ${p.problem}\n`);
  if (!v.valid) bad++;
}
process.exit(bad ? 1 : 0);
