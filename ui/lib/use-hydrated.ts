'use client';

import { useEffect, useState } from 'react';

/**
 * True once this component has hydrated in the browser. A server-rendered form is visible (and
 * clickable) before React attaches its handlers; a change made in that window is lost when React
 * hydrates the controlled fields with their state. Forms put it in `data-hydrated`, so browser
 * tests (and anything automating the explorer) can wait until input is taken.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
