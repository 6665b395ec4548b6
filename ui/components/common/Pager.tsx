'use client';
/** Cursor pagination: a stack of `after` cursors gives Previous; `endCursor` gives Next. */
import { useCallback, useState } from 'react';

export function useCursorPager() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1] ?? null;
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setStack((s) => [...s, endCursor]);
  }, []);
  const prev = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStack([null]), []);
  return { after, page: stack.length, next, prev, reset, hasPrev: stack.length > 1 };
}

export function Pager({
  page,
  hasPrev,
  hasNext,
  onPrev,
  onNext,
  total,
  pageSize,
  label,
}: {
  page: number;
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  total?: number;
  pageSize: number;
  label: string;
}) {
  const from = (page - 1) * pageSize + 1;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={onPrev} disabled={!hasPrev}>
        ← Previous
      </button>
      <span className="muted">
        Page {page}
        {total !== undefined ? ` · ${total === 0 ? 0 : from}–${Math.min(total, from + pageSize - 1)} of ${total}` : ''}
      </span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}
