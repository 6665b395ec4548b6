/**
 * Polls `f` every 250 ms until it returns a value (not undefined), at most `ms`: for what a
 * real server does on its own clock (a scrape, a rule evaluation, an Alertmanager delivery).
 */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
