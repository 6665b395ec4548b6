/** The webhook URL rules, through the system resolver where a name must really resolve. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress, resolveHost, webhookUrlProblem } from './webhook-url.ts';

const strict = { allowPrivate: false, resolve: resolveHost(3000) };

/** A name other than localhost that this machine's hosts file maps to a loopback address, if any. */
function loopbackAlias(): string | null {
  let hosts = '';
  try {
    hosts = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return null;
  }
  for (const line of hosts.split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!ip || !isPrivateAddress(ip)) continue;
    const name = names.find((n) => n && n !== 'localhost' && !n.endsWith('.localhost') && !/^[\d.:]+$/.test(n));
    if (name) return name;
  }
  return null;
}

describe('webhook URL rules', () => {
  it('classifies addresses: loopback, private, link-local, unique-local and mapped IPv4 are inside; public ones are not', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.1.1', '192.168.0.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fc00::1', 'fdff::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.1.1.1']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '93.184.215.14', '2001:db8::1', '2606:4700::1111', 'not-an-ip']) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });

  it('refuses a name that the system resolver maps to a loopback address', async () => {
    const alias = loopbackAlias();
    // This machine's hosts file has one (vm, runsc, ip6-localhost…); say so plainly where it does not.
    expect(alias, 'no loopback alias in /etc/hosts to resolve').not.toBeNull();
    expect(await webhookUrlProblem(`https://${alias}:8443/hook`, strict)).toMatch(/resolves to a loopback, private or link-local address$/);
  });

  it('refuses a name that does not resolve (or not within the timeout)', async () => {
    // .invalid never resolves (RFC 6761); without DNS at all the 3 s timeout answers the same.
    expect(await webhookUrlProblem('https://no-such-host.invalid/hook', strict)).toMatch(/does not resolve/);
  });

  it('refuses credentials in the URL and names the scheme it refuses', async () => {
    expect(await webhookUrlProblem('https://user:pw@93.184.215.14/hook', strict)).toMatch(/credentials/);
    expect(await webhookUrlProblem('ftp://93.184.215.14/hook', strict)).toMatch(/not ftp/);
    expect(await webhookUrlProblem('https://93.184.215.14/hook', strict)).toBeNull();
  });
});
