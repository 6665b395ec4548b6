import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * On every response (pages, route handlers, static files). Content-Security-Policy is set in
 * proxy.ts, because it carries a per-request nonce.
 */
const SECURITY_HEADERS = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
];

const config: NextConfig = {
  // npm workspaces hoist dependencies to the repository root: let the bundler and the output
  // tracer see it.
  turbopack: { root: path.join(here, '..') },
  outputFileTracingRoot: path.join(here, '..'),
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

export default config;
