/**
 * Which webhook URLs a project may set. The subgraph POSTs to them from inside the network, so a
 * URL naming a loopback, private or link-local address (or a name that resolves to one) would
 * let a project admin make the subgraph call internal services (cloud metadata, the database,
 * the other subgraphs). Those are refused unless the deployment allows private webhooks (a
 * receiver on the same host or network, as in development). Names are resolved when the policy
 * is set; resolving again at delivery (DNS rebinding) is out of scope here.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export const MAX_WEBHOOK_URL = 2048;

const PRIVATE = new BlockList();
PRIVATE.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", 0.0.0.0 reaches the local host
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT: internal to a provider
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, where cloud metadata answers
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('::', 128, 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local
PRIVATE.addSubnet('fe80::', 10, 'ipv6'); // link-local
// IPv4-mapped IPv6 (::ffff:127.0.0.1) is checked against the IPv4 rules by BlockList itself.

/** True for a loopback, private, link-local or unspecified IP address. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return false;
  return PRIVATE.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}

export type Resolve = (host: string) => Promise<string[]>;

/** Every address a name resolves to (A and AAAA), within `timeoutMs`. */
export const resolveHost = (timeoutMs = 5000): Resolve => async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('timeout')), timeoutMs);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return found.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Null when `url` may be a webhook; otherwise what is wrong with it (for a BAD_USER_INPUT on
 * `policy.webhookUrl`).
 */
export async function webhookUrlProblem(url: string, opts: { allowPrivate: boolean; resolve: Resolve }): Promise<string | null> {
  if (url.length > MAX_WEBHOOK_URL) return `at most ${MAX_WEBHOOK_URL} characters`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `must be an http(s) URL, not ${u.protocol.replace(/:$/, '')}`;
  if (u.username || u.password) return 'must not carry credentials; the payload is signed instead';
  if (opts.allowPrivate) return null;
  // The URL parser already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
  const host = u.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `must not point at the local host (${host})`;
  if (isIP(host)) return isPrivateAddress(host) ? `must not point at a loopback, private or link-local address (${host})` : null;
  let addresses: string[];
  try {
    addresses = await opts.resolve(host);
  } catch {
    return `the host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `the host ${host} does not resolve`;
  // The address itself stays out of the message: it would map the internal network for the caller.
  return addresses.some(isPrivateAddress) ? `the host ${host} resolves to a loopback, private or link-local address` : null;
}
