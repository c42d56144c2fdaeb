// public.test.js - the citizens' pages: the public portal and vacancy
// report with no sign-in, its figures equal to the API's, the date and
// grouping choices, the size of the first page as the browser received it
// (compressed, under 200 KB), and the basics of accessibility at 360 px.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

test('the public portal', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  await t.test('first page: under 200 KB compressed, everything from daftar', async (t) => {
    const { page, context } = await w.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map();
    let bytes = 0;
    const foreign = [];
    cdp.on('Network.requestWillBeSent', (e) => {
      requests.set(e.requestId, e.request.url);
      if (!e.request.url.startsWith(w.url) && !e.request.url.startsWith('data:')) foreign.push(e.request.url);
    });
    const sizes = [];
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      sizes.push([requests.get(e.requestId), e.encodedDataLength]);
    });
    await page.goto('/', { waitUntil: 'networkidle' });
    await page.waitForSelector('#vac-chart canvas[data-ready]');
    await page.waitForSelector('table.report tfoot');
    await page.waitForLoadState('networkidle');
    // the service worker's precache after load is background work, not the page
    const pageBytes = sizes.filter(([u]) => u && !u.endsWith('/sw.js')).reduce((a, [, n]) => a + n, 0);
    t.diagnostic(`first page transferred: ${(pageBytes / 1024).toFixed(1)} KB in ${sizes.length} responses (incl. API JSON and headers); all incl. service worker precache: ${(bytes / 1024).toFixed(1)} KB`);
    assert.deepEqual(foreign, [], 'nothing is fetched from anywhere but daftar');
    assert.ok(pageBytes < 200 * 1024, `first page ${pageBytes} bytes`);
    assert.deepEqual(page.errors, []);
    await w.shot(page, 'public-portal');
  });

  await t.test('the report shows the API figures; date and grouping change it', async () => {
    const { page } = await w.newPage();
    const api = await (await fetch(`${w.url}/api/v1/reports/vacancies?by=district`)).json();
    await page.goto('/');
    await page.waitForSelector('table.report tfoot');
    assert.equal(await page.locator('[data-home=public]').count(), 1);
    const rows = await page.locator('table.report tbody tr').count();
    assert.equal(rows, api.rows.length);
    const total = await page.locator('tfoot [data-total=vacant]').innerText();
    assert.equal(total.replace(/[^0-9]/g, ''), String(api.totals.vacant));

    await page.fill('#vac-as-of', '2025-12-31');
    await page.waitForSelector('[data-as-of="2025-12-31"]');
    const old = await (await fetch(`${w.url}/api/v1/reports/vacancies?by=district&as_of=2025-12-31`)).json();
    await page.waitForFunction((n) => document.querySelectorAll('table.report tbody tr').length === n, old.rows.length);
    assert.match(page.url(), /as_of=2025-12-31/);

    await page.selectOption('#vac-by', 'division');
    const div = await (await fetch(`${w.url}/api/v1/reports/vacancies?by=division&as_of=2025-12-31`)).json();
    await page.waitForFunction((n) => document.querySelectorAll('table.report tbody tr').length === n, div.rows.length);
    assert.equal((await page.locator('tfoot [data-total=sanctioned]').innerText()).replace(/[^0-9]/g, ''), String(div.totals.sanctioned));
    await page.goto('/vacancies?by=department');
    await page.waitForSelector('table.report tfoot');
    await w.shot(page, 'public-vacancies-by-department');
    assert.deepEqual(page.errors, []);
  });

  await t.test('360 px wide: no sideways scrolling; labels, landmarks, skip link', async () => {
    const { page } = await w.newPage();
    await page.goto('/');
    await page.waitForSelector('table.report tfoot');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.locator('main#main').count(), 1);
    assert.equal(await page.locator('nav[aria-label]').count() >= 1, true);
    assert.equal(await page.locator('h1').count(), 1);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#main');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // every button and link has a name
    const nameless = await page.evaluate(() => [...document.querySelectorAll('a, button')]
      .filter((el) => !(el.textContent.trim() || el.getAttribute('aria-label'))).map((el) => el.outerHTML));
    assert.deepEqual(nameless, []);
    assert.deepEqual(page.errors, []);
  });
});
