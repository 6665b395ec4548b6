/**
 * The explorer UI's speed at scale: `npx tsx test/bench/ui.ts`. For each size (BENCH_SIZES,
 * default 10000 then 300 targets) it starts the whole stack in-process (`startStack`), the built
 * UI (`ui/launcher.ts`, built first when stale) and Debian's chromium (playwright-core,
 * CHROMIUM_PATH), then times, over BENCH_RUNS runs (default 20, after BENCH_WARMUP = 2 unmeasured):
 *
 * - **project: first rows**: from the start of the navigation to /projects/pump-anomaly until
 *   the first page of target rows (25) is in the DOM;
 * - **project: line list complete**: same page, until every line is in the line filter (the
 *   lines are paged in the background, 500 targets a request);
 * - **project: next page**: from the click on "Next →" until the second page's rows replace
 *   the first (clicked once the page has settled, as a user would);
 * - **target: serving + comparison**: from the start of the navigation to a target page (a
 *   different target each run) until "Serving now" shows its deployment card(s) and the
 *   champion-vs-candidates comparison is rendered (also each on its own).
 *
 * For reference, DOMContentLoaded of each page (the HTML and scripts, before any data) is
 * reported too: the difference is the GraphQL round trips and rendering.
 *
 * Times are taken inside the page (performance.now(), whose origin is the navigation start; a
 * MutationObserver notes when each condition first holds), so they include the Next server,
 * the /graphql proxy, the gateway and subgraphs, and React rendering, all on the same machine.
 * The browser's HTTP cache is warm (JS chunks), the urql cache is not (every run is a fresh
 * page load). Prints a table and writes test/bench/results/ui-latest.json. Asserts nothing.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureUiBuild, startUi } from '../../ui/launcher.ts';
import { startStack } from '../helpers/start-stack.ts';

const P = 'pump-anomaly';
const PAGE = 25;
const SIZES = (process.env.BENCH_SIZES ?? '10000,300').split(',').filter(Boolean).map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT = 60_000;

interface Stat {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}
interface Row {
  targets: number;
  projectTargets: number;
  case: string;
  stat: Stat;
  /** POST /graphql requests the page made, per run (mean). */
  graphqlRequests: number;
}

const log = (s: string) => process.stderr.write(`[bench:ui] ${s}\n`);
const round = (x: number) => Math.round(x * 10) / 10;

function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), mean: round(s.reduce((a, b) => a + b, 0) / s.length), min: round(s[0]!), max: round(s.at(-1)!) };
}

/**
 * Runs at document start of every navigation: a MutationObserver records, in
 * `window.__benchMarks`, the performance.now() at which each condition first holds.
 */
const INIT = `(() => {
  const marks = (window.__benchMarks = {});
  const q = (s) => document.querySelectorAll(s);
  const checks = {
    rows: () => q('[data-testid="target-row"]').length >= ${PAGE},
    lines: () => !!document.querySelector('select[name="line"][data-lines-complete="true"]'),
    serving: () => q('[data-testid="current-deployment"]').length > 0,
    comparison: () => !!document.querySelector('[data-testid="comparison"]'),
  };
  const run = () => {
    const now = performance.now();
    for (const [k, f] of Object.entries(checks)) if (marks[k] === undefined && f()) marks[k] = now;
  };
  new MutationObserver(run).observe(document, { childList: true, subtree: true, attributes: true });
})();`;

async function marks(page: Page, keys: string[]): Promise<Record<string, number>> {
  // Browser-side code as strings: the repository's TypeScript config has no DOM types.
  await page.waitForFunction(`${JSON.stringify(keys)}.every((k) => window.__benchMarks && window.__benchMarks[k] !== undefined)`, undefined, { timeout: TIMEOUT, polling: 50 });
  return page.evaluate<Record<string, number>>(
    "({ ...window.__benchMarks, dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN })",
  );
}

/** Clicks "Next →" and resolves with the ms until the second page's rows are in the DOM. */
function nextPage(page: Page): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve, reject) => {
    const rows = () => document.querySelectorAll('[data-testid="target-row"]');
    const first = rows()[0]?.getAttribute('data-target');
    const button = [...document.querySelectorAll('nav.pager button')].find((b) => b.textContent.includes('Next'));
    if (!button || button.disabled) return reject(new Error('no enabled "Next" button'));
    const t0 = performance.now();
    const timer = setTimeout(() => reject(new Error('next page did not render')), ${TIMEOUT});
    const obs = new MutationObserver(() => {
      const r = rows();
      if (r.length >= ${PAGE} && r[0].getAttribute('data-target') !== first) {
        const t = performance.now() - t0;
        obs.disconnect();
        clearTimeout(timer);
        resolve(t);
      }
    });
    obs.observe(document.body, { childList: true, subtree: true, attributes: true });
    button.click();
  })`);
}

const targetPath = (id: string) => `/targets/${id.split('/').map(encodeURIComponent).join('/')}`;

async function benchSize(browser: Browser, targets: number): Promise<Row[]> {
  const t0 = performance.now();
  const stack = await startStack({ targets });
  log(`stack with ${targets} targets up in ${Math.round(performance.now() - t0)} ms`);
  const ui = await startUi({ gatewayUrl: stack.gateway.url });
  try {
    const list = await stack.query(`query($p: ID!) { releaseTargets(projectId: $p, first: 200) { totalCount nodes { id } } }`, { p: P });
    if (list.errors) throw new Error(JSON.stringify(list.errors));
    const projectTargets: number = list.data.releaseTargets.totalCount;
    const ids: string[] = list.data.releaseTargets.nodes.map((n: any) => n.id);
    // Target pages: spread over the project, a different target each run.
    const step = Math.max(1, Math.floor(ids.length / (RUNS + WARMUP)));
    const targetIds = Array.from({ length: RUNS + WARMUP }, (_, i) => ids[(i * step) % ids.length]!);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript(INIT);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    let gql = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql') gql++;
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const s = { projectDcl: [] as number[], rows: [] as number[], lines: [] as number[], next: [] as number[], targetDcl: [] as number[], serving: [] as number[], comparison: [] as number[], target: [] as number[] };
    const req = { project: 0, next: 0, target: 0 };
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const measured = i >= WARMUP;
      gql = 0;
      await page.goto(`${ui.url}/projects/${P}`, { waitUntil: 'commit' });
      const m = await marks(page, ['rows', 'lines']);
      await page.waitForLoadState('networkidle');
      const projectReqs = gql;
      gql = 0;
      const next = await nextPage(page);
      await page.waitForLoadState('networkidle').catch(() => {});
      const nextReqs = gql;

      gql = 0;
      await page.goto(`${ui.url}${targetPath(targetIds[i]!)}`, { waitUntil: 'commit' });
      const t = await marks(page, ['serving', 'comparison']);
      await page.waitForLoadState('networkidle');
      const targetReqs = gql;
      if (!measured) continue;
      s.projectDcl.push(m.dcl!);
      s.rows.push(m.rows!);
      s.lines.push(m.lines!);
      s.next.push(next);
      s.targetDcl.push(t.dcl!);
      s.serving.push(t.serving!);
      s.comparison.push(t.comparison!);
      s.target.push(Math.max(t.serving!, t.comparison!));
      req.project += projectReqs;
      req.next += nextReqs;
      req.target += targetReqs;
    }
    await context.close();
    if (errors.length) log(`page errors: ${errors.join(' | ')}`);
    const row = (c: string, samples: number[], r: number): Row => ({ targets, projectTargets, case: c, stat: stat(samples), graphqlRequests: round(r / RUNS) });
    return [
      row('project: DOMContentLoaded (HTML + JS, no data yet)', s.projectDcl, req.project),
      row('project: first rows', s.rows, req.project),
      row('project: line list complete', s.lines, req.project),
      row('project: next page', s.next, req.next),
      row('target: DOMContentLoaded (HTML + JS, no data yet)', s.targetDcl, req.target),
      row('target: serving now', s.serving, req.target),
      row('target: comparison', s.comparison, req.target),
      row('target: serving + comparison', s.target, req.target),
    ];
  } finally {
    await ui.stop();
    await stack.stop();
  }
}

function busiest(): string[] {
  try {
    return execSync('ps -eo pcpu,rss,args --sort=-pcpu', { encoding: 'utf8' })
      .split('\n')
      .slice(1, 8)
      .map((l) => l.trim().slice(0, 140))
      .filter(Boolean);
  } catch {
    return [];
  }
}

const buildSeconds = ensureUiBuild((l) => log(l));
const loadBefore = os.loadavg().map(round);
const processesBefore = busiest();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const browserVersion = browser.version();
const rows: Row[] = [];
try {
  for (const targets of SIZES) {
    log(`measuring at ${targets} targets (${RUNS} runs after ${WARMUP} warm-up)`);
    rows.push(...(await benchSize(browser, targets)));
  }
} finally {
  await browser.close();
}
const loadAfter = os.loadavg().map(round);

const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium ${browserVersion}`;
const table = [
  '| targets (project) | case | n | p50 ms | p95 ms | mean ms | max ms | /graphql requests |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.targets} (${r.projectTargets}) | ${r.case} | ${r.stat.n} | ${r.stat.p50} | ${r.stat.p95} | ${r.stat.mean} | ${r.stat.max} | ${r.graphqlRequests} |`),
].join('\n');
const date = new Date().toISOString();
process.stdout.write(`\nmachine: ${machine}\ndate: ${date}\nload average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n\n${table}\n`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/ui-latest.json', import.meta.url),
  JSON.stringify({ machine, date, runs: RUNS, warmup: WARMUP, uiBuildSeconds: buildSeconds, loadAverage: { before: loadBefore, after: loadAfter }, busiestProcessesBefore: processesBefore, rows }, null, 2) + '\n',
);
