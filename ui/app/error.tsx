'use client';

export default function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="page">
      <div className="state state-error" role="alert">
        <h1>This page failed to render</h1>
        <p className="muted">{error.digest ? `Reference ${error.digest}` : error.message}</p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </div>
  );
}
