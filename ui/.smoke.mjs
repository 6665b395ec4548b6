import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:3000';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-dev-shm-usage','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('CONSOLE', m.type(), m.text().slice(0, 300)); });
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
const urls = process.argv.slice(2);
for (const u of urls) {
  const t0 = Date.now();
  await page.goto(base + u, { waitUntil: 'networkidle' });
  await page.waitForTimeout(500);
  const name = u.replace(/[^a-z0-9]+/gi, '_').slice(0, 60) || 'home';
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  console.log(u, Date.now() - t0, 'ms', (await page.locator('main').innerText()).slice(0, 300).replace(/\n/g, ' | '));
}
await browser.close();
