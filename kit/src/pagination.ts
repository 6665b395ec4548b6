/**
 * Relay-style pagination shared by every subgraph. Cursors are opaque to clients: a kind tag
 * plus the backend's resume token, base64url-encoded, so a cursor from one list is rejected by
 * another and a forged one is a clear BAD_USER_INPUT, never a crash.
 */
import { badInput } from './errors.ts';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** What a connector is asked for: a size and the decoded backend token (null = start). */
export interface PageRequest {
  first: number;
  after: string | null;
}

/** What a connector returns: the items, a resume token after each item, and the total. */
export interface Page<T> {
  items: T[];
  tokens: string[];
  totalCount: number;
  hasNextPage: boolean;
}

export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export function encodeCursor(kind: string, token: string): string {
  return Buffer.from(`${kind}|${token}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, argument = 'after'): string {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badInput(argument, 'not a cursor returned by this list');
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = raw.indexOf('|');
  if (bar < 0 || raw.slice(0, bar) !== kind) throw badInput(argument, 'not a cursor returned by this list');
  return raw.slice(bar + 1);
}

/** Validates first/after and returns the connector request. */
export function pageRequest(kind: string, args: PageArgs): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return { first, after: args.after == null ? null : decodeCursor(kind, args.after) };
}

/** Parses an offset token produced by `pageOf`. */
export function offsetOf(req: PageRequest): number {
  if (req.after === null) return 0;
  if (!/^\d{1,9}$/.test(req.after)) throw badInput('after', 'not a cursor returned by this list');
  return Number(req.after);
}

/** Slices an in-memory list into a Page with offset tokens. */
export function pageOf<T>(all: readonly T[], req: PageRequest): Page<T> {
  const start = offsetOf(req);
  const items = all.slice(start, start + req.first);
  return {
    items,
    tokens: items.map((_, i) => String(start + i + 1)),
    totalCount: all.length,
    hasNextPage: start + items.length < all.length,
  };
}

/**
 * Turns a connector Page into a Relay connection with opaque cursors. The edges (a cursor per
 * item) are built when a resolver first reads them: a query that asks for `nodes` and
 * `pageInfo`, as the flagship does, encoded a cursor per item for nothing (3.4% of the lineage
 * subgraph's CPU under the flagship load).
 */
export function toConnection<T>(kind: string, page: Page<T>, hasPreviousPage = false): Connection<T> {
  const cursorAt = (i: number) => encodeCursor(kind, page.tokens[i]!);
  const n = page.items.length;
  let edges: Connection<T>['edges'] | undefined;
  return {
    get edges() {
      return (edges ??= page.items.map((node, i) => ({ node, cursor: cursorAt(i) })));
    },
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage,
      startCursor: n ? cursorAt(0) : null,
      endCursor: n ? cursorAt(n - 1) : null,
    },
    totalCount: page.totalCount,
  };
}

/** Page an in-memory list straight to a connection (for lists a subgraph already holds). */
export function connectionOf<T>(kind: string, all: readonly T[], args: PageArgs): Connection<T> {
  const req = pageRequest(kind, args);
  return toConnection(kind, pageOf(all, req), offsetOf(req) > 0);
}

/** Validates first/after, asks `fetch` for the page, and returns the Relay connection. */
export async function pagedConnection<T>(kind: string, args: PageArgs, fetch: (req: PageRequest) => Promise<Page<T>>): Promise<Connection<T>> {
  const req = pageRequest(kind, args);
  return toConnection(kind, await fetch(req), req.after !== null);
}
