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
    // without the service worker: it would serve part of the page from its
    // precache (downloaded in the background) and hide those bytes
    const { page, context } = await w.newPage({ serviceWorkers: 'block' });
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
    const pageBytes = bytes;
    t.diagnostic(`first page transferred: ${(pageBytes / 1024).toFixed(1)} KB in ${sizes.length} responses (compressed, with headers and the API's JSON)`);
    for (const [u, n] of sizes.sort((a, b) => b[1] - a[1])) t.diagnostic(`  ${(n / 1024).toFixed(1).padStart(6)} KB  ${(u || '').replace(w.url, '').slice(0, 60)}`);
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
    // text contrast: WCAG AA (4.5:1) for every element with text of its own
    const low = await page.evaluate(() => {
      const lum = (rgb) => {
        const c = rgb.slice(0, 3).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
      };
      const parse = (s) => (s.match(/[\d.]+/g) || []).map(Number);
      const bg = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = parse(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c;
        }
        return [255, 255, 255];
      };
      const out = [];
      let checked = 0;
      for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.leaflet-container, canvas, noscript, .skip, .sr-only') || el.disabled) continue;
        if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        checked++;
        const fg = parse(getComputedStyle(el).color);
        const [a, b] = [lum(fg), lum(bg(el))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
      }
      return { out, checked };
    });
    assert.ok(low.checked > 50, `${low.checked} elements checked`);
    assert.deepEqual(low.out, []);
    // every button and link has a name
    const nameless = await page.evaluate(() => [...document.querySelectorAll('a, button')]
      .filter((el) => !(el.textContent.trim() || el.getAttribute('aria-label'))).map((el) => el.outerHTML));
    assert.deepEqual(nameless, []);
    assert.deepEqual(page.errors, []);
  });
});
