/** The only reader of process.env for the gateway: the shared configuration (kit/config). */
import { loadConfig } from '@mlops/kit/config';

export const config = loadConfig('gateway');
