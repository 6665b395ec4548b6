/** The only reader of process.env for the inference subgraph: the shared configuration (kit/config). */
import { loadConfig, requireInternalKey } from '@mlops/kit/config';

export const config = loadConfig('inference');
/** Subgraphs answer only the gateway, which signs the caller with this key. */
export const internalKey = requireInternalKey(config, 'inference');
