import { describe, expect, it } from 'vitest';
import type { InferenceConnector } from '../inference/index.ts';
import { remoteConnector } from './index.ts';

describe('remote connector proxy', () => {
  it('answers the inference property supportedStrategies as absent (the hosted built-in platform does every strategy), not as an RPC method', () => {
    const c = remoteConnector<InferenceConnector>('inference', 'http://127.0.0.1:9', 'k');
    expect(c.supportedStrategies).toBeUndefined();
    // Optional capabilities the hosted built-in does not have are absent, not RPC calls that fail.
    expect(c.reconcile).toBeUndefined();
    expect(c.platform).toBe('inference');
    expect(typeof c.deploy).toBe('function');
  });
});
