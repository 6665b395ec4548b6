import { pageOf, type Page, type PageRequest } from './pagination.ts';

/** Code-unit order, the order of ISO-8601 timestamps themselves (localeCompare is ICU collation, and slower). */
export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A built-in platform's change feed over records it keeps in memory: the records in
 * (changed-at, id) order, and a page of those changed at or after `since`, found by binary
 * search rather than a filter over every record.
 *
 * A record changed in place, or added, is `touch`ed. The next read moves only those to their
 * new place: one pass that drops them and a binary search for each, instead of sorting
 * everything again.
 * Why: the built-in inference platform re-sorted its 56,805 deployments (10,000 targets) on
 * the first read after every deploy. That was 230 ms of each incremental sync pass after 100
 * changed deployments, and 70 ms went to filtering 108,735 dataset versions on every catalog
 * pass.
 */
export class ChangeFeed<T extends { readonly id: string }> {
  private order: T[] | null = null;
  private readonly touched = new Set<T>();

  constructor(
    private readonly records: () => Iterable<T>,
    private readonly changedAt: (r: T) => string,
  ) {}

  /** Records whose changed-at moved, or that are new; they take their place at the next read. */
  touch(...rs: T[]): void {
    if (this.order) for (const r of rs) this.touched.add(r);
  }

  page(since: string | null, page: PageRequest): Page<T> {
    const rows = this.ordered();
    let lo = 0;
    if (since !== null) {
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.changedAt(rows[mid]!) < since) lo = mid + 1;
        else hi = mid;
      }
    }
    return pageOf(lo === 0 ? rows : rows.slice(lo), page);
  }

  private readonly cmp = (a: T, b: T) => codeUnitOrder(this.changedAt(a), this.changedAt(b)) || codeUnitOrder(a.id, b.id);

  private ordered(): T[] {
    if (!this.order) {
      this.order = [...this.records()].sort(this.cmp);
      return this.order;
    }
    if (this.touched.size === 0) return this.order;
    const moved = [...this.touched].sort(this.cmp);
    this.touched.clear();
    const drop = new Set(moved);
    const rest = this.order.filter((r) => !drop.has(r));
    // Each moved record goes in at its lower bound in `rest` (binary search), not by a merge:
    // a compare is slow on 56,805 records scattered over the heap (40 ms for one pass).
    const out: T[] = new Array(rest.length + moved.length);
    let from = 0;
    let k = 0;
    for (const m of moved) {
      let lo = from;
      let hi = rest.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cmp(rest[mid]!, m) <= 0) lo = mid + 1;
        else hi = mid;
      }
      while (from < lo) out[k++] = rest[from++]!;
      out[k++] = m;
    }
    while (from < rest.length) out[k++] = rest[from++]!;
    this.order = out;
    return out;
  }
}
