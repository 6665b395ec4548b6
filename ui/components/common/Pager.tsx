'use client';
/** Cursor pagination: a stack of `after` cursors gives Previous; `endCursor` gives Next. */
import { useCallback, useState } from 'react';

/** `key` names the list (its filters): a new key starts again from the first page. */
export function useCursorPager(key: string) {
  const [state, setState] = useState<{ key: string; stack: (string | null)[] }>({ key, stack: [null] });
  const stack = state.key === key ? state.stack : [null];
  const after = stack[stack.length - 1] ?? null;
  const next = useCallback(
    (endCursor: string | null | undefined) => {
      if (endCursor) setState((s) => ({ key, stack: [...(s.key === key ? s.stack : [null]), endCursor] }));
    },
    [key],
  );
  const prev = useCallback(() => setState((s) => ({ key, stack: s.key === key && s.stack.length > 1 ? s.stack.slice(0, -1) : [null] })), [key]);
  return { after, page: stack.length, next, prev, hasPrev: stack.length > 1 };
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
