/**
 * Deprecating a model version in the explorer, in Debian's chromium through the real gateway:
 * arno.approver opens the impact panel of a champion serving two pumps, announces its
 * deprecation with the candidate as replacement, lands on the deprecation page (frozen impact,
 * 2 still left), finds it in the approval inbox and as a badge on an affected target's page,
 * whose "Release the replacement" prefills the request form with the replacement; then requests
 * a replacement wave; two other approvers approve it and it rolls out; the live "still left"
 * list shrinks to 0 and the model version carries a deprecation badge.
 * Writes docs/screenshots/deprecation.png (E2E_SCREENSHOTS=0 skips that).
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { releasableTargets } from '../integration/release-suite.ts';
import { ensureUiBuild, REPO, startUi, type RunningUi } from './ui-server.ts';

const P = 'pump-anomaly';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO, 'docs', 'screenshots');
const WRITE_SHOTS = process.env.E2E_SCREENSHOTS !== '0';
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

describe('explorer: deprecate → wave → still left shrinking (browser)', () => {
  let stack: Stack;
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const go = (p: string) => page.goto(`${ui.url}${p}`, { waitUntil: 'domcontentloaded' });

  beforeAll(async () => {
    ensureUiBuild();
    stack = await startStack({ targets: 80 });
    ui = await startUi(stack.gateway.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    if (WRITE_SHOTS) mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await ui?.stop();
    await stack?.stop();
  });

  it('announces, waves and watches the still-left list shrink', async () => {
    const [a, b] = releasableTargets(stack.scenario);
    const old = a!.champion;
    const repl = a!.candidate;
    // The champion also serves a second pump (placed out of band, then reflected in the graph).
    await stack.connectors.inference.deploy({ targetId: b!.targetId, modelVersionId: old, strategy: 'HOT_SWAP', at: new Date().toISOString() });
    const deps = (await stack.connectors.inference.deploymentsByTargets([b!.targetId])).flat();
    await stack.store.applyBatch({
      source: 'inference',
      syncedAt: new Date().toISOString(),
      deployments: deps.map((d) => ({ id: d.id, targetId: d.targetId, modelVersionId: d.modelVersionId, from: d.since, to: d.until, trafficPercent: d.trafficPercent, state: d.state })),
    });

    await go(`/signin?next=${encodeURIComponent(`/models/${old}`)}`);
    await page.locator('input[name="user"][value="arno.approver"]').check();
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/models/')), page.getByRole('button', { name: 'Sign in as arno.approver' }).click()]);

    await page.getByTestId('impact-panel').locator('summary').click();
    await page.getByTestId('impact-by-project').waitFor();
    await page.getByTestId('deprecate-panel').locator('summary').click();
    const form = page.getByTestId('deprecate-form');
    await form.locator('input[name="replacementId"]').fill(repl);
    await form.locator('textarea[name="reason"]').fill('retrained on corrected labels');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/deprecations/')), form.getByRole('button', { name: 'Announce deprecation' }).click()]);
    const depId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await poll(() => page.getByTestId('deprecation-status').locator('[data-value]').getAttribute('data-value')).toBe('ANNOUNCED');
    await poll(() => page.getByTestId('still-left-count').innerText()).toBe('2');
    expect(await page.getByTestId('frozen-targets').locator('li').count()).toBe(2);
    const { effectiveAt } = (await stack.query(`query($id: ID!) { deprecation(id: $id) { effectiveAt } }`, { id: depId })).data.deprecation;
    const shownDate = `${effectiveAt.slice(0, 16).replace('T', ' ')} UTC`;

    // The owners' inbox lists the announcement, with the replacement and the date.
    await go('/inbox');
    const entry = page.getByTestId('inbox-deprecations').locator(`[data-deprecation="${depId}"]`);
    await entry.waitFor();
    expect(await entry.innerText()).toContain(repl);
    expect(await entry.innerText()).toContain(shownDate);

    // Each affected target says its serving version is deprecated, and offers the replacement.
    await go(`/targets/${a!.targetId}`);
    const notice = page.getByTestId('target-deprecation');
    await notice.waitFor();
    expect(await notice.innerText()).toContain(repl);
    expect(await notice.innerText()).toContain(shownDate);
    expect(await notice.getByTestId('target-deprecation-badge').getAttribute('href')).toBe(`/deprecations/${encodeURIComponent(depId)}`);
    if (WRITE_SHOTS) {
      const file = path.join(SHOTS, 'deprecation-target.png');
      await page.screenshot({ path: file, animations: 'disabled' });
      expect(statSync(file).size).toBeLessThan(300 * 1024);
    }
    await notice.getByTestId('release-replacement').click();
    const request = page.getByTestId('request-release-form');
    await poll(() => request.locator('select[name="candidate"]').inputValue()).toBe(repl);
    await go(`/deprecations/${depId}`);
    await poll(() => page.getByTestId('still-left-count').innerText()).toBe('2');

    // The wave, from the deprecation page; four-eyes: two other approvers approve, then it rolls out.
    await page.getByTestId(`wave-${P}`).getByRole('button').click();
    await page.getByTestId('wave-result').waitFor();
    const releaseId = (await page.getByTestId('wave-result').locator('a').innerText()).trim();
    const [x, y] = await Promise.all([token('xena.approver', { [P]: 'approver' }), token('yuri.approver', { [P]: 'approver' })]);
    for (const t of [x, y]) {
      const r = await stack.query(`mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code } } }`, { id: releaseId }, t);
      expect(r.data.approveRelease.errors).toEqual([]);
    }
    const out = await stack.query(`mutation($id: ID!) { startRollout(releaseId: $id) { errors { code } release { status } } }`, { id: releaseId }, x);
    expect(out.data.startRollout.release.status).toBe('COMPLETED');

    await page.getByTestId('still-left-refresh').click();
    await poll(() => page.getByTestId('still-left-count').innerText()).toBe('0');
    await page.getByTestId('still-left-empty').waitFor();
    expect(await page.getByTestId('frozen-targets').locator('li').count()).toBe(2);
    if (WRITE_SHOTS) {
      const file = path.join(SHOTS, 'deprecation.png');
      await page.screenshot({ path: file, animations: 'disabled' });
      expect(statSync(file).size).toBeLessThan(300 * 1024);
    }

    await go(`/models/${old}`);
    await poll(() => page.getByTestId('deprecation-badge').innerText()).toContain(repl);
    expect(await page.getByTestId('deprecation-badge').getAttribute('href')).toBe(`/deprecations/${encodeURIComponent(depId)}`);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
