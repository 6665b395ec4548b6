import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { federationInternalsArePlain } from './flat-federation-internals.ts';
import './server.ts';

describe('@apollo/federation-internals as @apollo/gateway sees it', () => {
  it('is a plain export table (no getter per read) with the same values as the package', () => {
    const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
    const fi = fromGateway('@apollo/federation-internals') as Record<string, unknown>;
    expect(federationInternalsArePlain()).toBe(true);
    expect(Object.getOwnPropertyDescriptor(fi, 'isObjectType')).toMatchObject({ writable: true, enumerable: true });
    // Values are the submodules' own exports, not copies or wrappers.
    const definitions = fromGateway('@apollo/federation-internals/dist/definitions') as Record<string, unknown>;
    for (const key of ['isObjectType', 'isSubtype', 'typenameFieldName', 'Schema']) expect(fi[key]).toBe(definitions[key] ?? fromGateway('@apollo/federation-internals/dist/types')[key]);
    expect(Object.keys(fi).length).toBeGreaterThan(200);
  });
});
