/**
 * createVerifier remembers tokens that verified (kit/src/auth.ts): never past their expiry,
 * never a failure, and the identity it hands out cannot be changed by one request for the next.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVerifier, issueToken } from './auth.ts';

const CFG = { issuer: 'https://idp.test', audience: 'mlops-gateway', secret: 's'.repeat(40) };
const verifier = () => createVerifier({ ...CFG, anonymousRole: 'none' });

afterEach(() => {
  vi.useRealTimers();
});

describe('createVerifier', () => {
  it('a remembered token stops verifying at its expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const v = verifier();
    const t = await issueToken(CFG, { sub: 'ana', roles: { '*': 'viewer' } }, 30);
    const first = await v.identify(`Bearer ${t}`);
    expect(first).toEqual({ sub: 'ana', name: 'ana', roles: { '*': 'viewer' }, anonymous: false });
    expect(await v.identify(`Bearer ${t}`)).toBe(first);
    vi.setSystemTime(Date.now() + 31_000);
    await expect(v.identify(`Bearer ${t}`)).rejects.toThrow('the token has expired');
  });

  it('is asked again after a minute even for a long-lived token, and never remembers a failure', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const v = verifier();
    const t = await issueToken(CFG, { sub: 'ben', roles: { p: 'approver' } }, 3600);
    const first = await v.identify(`Bearer ${t}`);
    vi.setSystemTime(Date.now() + 61_000);
    const again = await v.identify(`Bearer ${t}`);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    const forged = await issueToken({ ...CFG, secret: 'x'.repeat(40) }, { sub: 'eve', roles: { '*': 'admin' } });
    for (let i = 0; i < 2; i++) await expect(v.identify(`Bearer ${forged}`)).rejects.toThrow('the token signature is not valid');
  });

  it('hands out an identity no request can change for the next', async () => {
    const v = verifier();
    const t = await issueToken(CFG, { sub: 'cy', roles: { p: 'viewer' } });
    const id = await v.identify(`Bearer ${t}`);
    expect(() => {
      (id.roles as Record<string, string>).q = 'admin';
    }).toThrow(TypeError);
    expect((await v.identify(`Bearer ${t}`)).roles).toEqual({ p: 'viewer' });
  });
});
