import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/layout/AppHeader';
import { GraphQLProvider } from '@/lib/urql';
import { devSignInEnabled, graphiqlUrl, idpConfig } from '@/lib/server-env';
import './globals.css';

// Settings (GATEWAY_URL, GRAPHIQL_URL, MLOPS_MODE) are read per request, not baked in at build time;
// dynamic rendering is also what lets Next put proxy.ts's CSP nonce on its inline scripts.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'MLOps explorer', template: '%s · MLOps explorer' },
  description: 'What is deployed where, trained on what, reused by whom.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <GraphQLProvider>
          <AppHeader graphiqlUrl={graphiqlUrl()} signIn={devSignInEnabled() || idpConfig() !== null} />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </GraphQLProvider>
      </body>
    </html>
  );
}
