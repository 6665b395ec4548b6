'use client';
/**
 * The outcome of the last release action, shown where it survives the card that caused it.
 *
 * On the inbox a card moves between sections when its status or the caller's approvability
 * changes (approving moves it from "waiting for you" to "pending" or "approved"). React mounts the
 * moved card afresh, so a notice kept in the card's own state vanished a moment after it
 * appeared: the user never saw "Done", and the e2e test missed it on a loaded CI machine. A page
 * that moves cards wraps them in <ActionResultProvider>, which keeps the notice above the lists.
 */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { Pill } from '@/components/common/badges';

export interface ActionOutcome {
  releaseId: string;
  status: string;
  targets: { targetId: string; status: string }[];
}

const Sink = createContext<((o: ActionOutcome) => void) | null>(null);

/** Where a release action reports its outcome; null when no page-level notice is provided. */
export const useActionResultSink = () => useContext(Sink);

export function ActionResultNotice({ outcome }: { outcome: ActionOutcome }) {
  return (
    <p className="notice" role="status" data-testid="action-result" data-release={outcome.releaseId} data-status={outcome.status}>
      Done: {outcome.releaseId} is now <Pill value={outcome.status} />
      {outcome.targets.length ? ` · targets: ${outcome.targets.map((t) => `${t.targetId} ${t.status.toLowerCase()}`).join(', ')}` : ''}
    </p>
  );
}

export function ActionResultProvider({ children }: { children: ReactNode }) {
  const [last, setLast] = useState<ActionOutcome | null>(null);
  const report = useCallback((o: ActionOutcome) => setLast(o), []);
  return (
    <Sink.Provider value={report}>
      {last ? <ActionResultNotice outcome={last} /> : null}
      {children}
    </Sink.Provider>
  );
}
