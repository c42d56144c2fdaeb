// offline.test.js - working with no connection: a write made offline
// waits in the outbox (IndexedDB), visible, with an Idempotency-Key, and
// is stored exactly once when the link returns; the shell and the answers
// seen before open offline from the service worker.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

test('offline', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  await t.test('a write made offline waits in the outbox and is stored once when the link returns', async () => {
    const { page, context } = await w.newPage();
    await w.login(page, 'cs');
    await w.offlineReady(page);
    await page.click('nav.menu a[href="/people/new"]');
    await page.waitForSelector('#person-name');
    const name = `Offline Test Person ${Date.now()}`;
    const count = () => Number(w.srv.sql(`SELECT COUNT(*) FROM people WHERE name = '${name}'`).trim());
    const posts = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/api/v1/people')) posts.push(req.headers());
    });

    await context.setOffline(true);
    await page.waitForSelector('[data-offline]');
    await page.fill('#person-name', name);
    await page.selectOption('#person-gender', 'female');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-result=queued]');
    await page.waitForSelector('[data-outbox-count="1"]');
    assert.equal(count(), 0, 'nothing reached the server');
    await page.click('nav.menu a[href="/outbox"]');
    await page.waitForSelector('.outbox-item[data-state=waiting]');
    assert.match(await page.locator('.outbox-item').innerText(), new RegExp(name));
    const key = await page.locator('.outbox-item').getAttribute('data-key');
    assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await w.shot(page, 'outbox-waiting');
    // it survives a reload (IndexedDB), still offline, from the service worker's shell
    await page.reload();
    await page.waitForSelector('.outbox-item[data-state=waiting]');

    await context.setOffline(false);
    await page.waitForSelector('.outbox-item[data-state=sent]', { timeout: 30000 });
    await page.waitForSelector('[data-outbox-count="0"]');
    assert.equal(count(), 1, 'stored once');
    assert.equal(posts.length, 1, 'sent once');
    assert.equal(posts[0]['idempotency-key'], key);
    assert.ok(posts[0]['x-csrf-token'], 'with the session CSRF token');
    await w.shot(page, 'outbox-sent');

    // going offline and online again sends nothing more
    await context.setOffline(true);
    await context.setOffline(false);
    await page.reload();
    await page.waitForSelector('.outbox-item[data-state=sent]');
    await page.waitForTimeout(500);
    assert.equal(count(), 1);
    assert.equal(posts.length, 1);
    assert.deepEqual(page.errors, []);
  });

  await t.test('a write whose answer is lost is sent again and stored once', async () => {
    // the service worker is kept out so that the page's own requests can be cut
    const { page, context } = await w.newPage({ serviceWorkers: 'block' });
    await w.login(page, 'cs');
    await page.goto('/people/new');
    await page.waitForSelector('#person-name');
    const name = `Lost Answer Person ${Date.now()}`;
    const count = () => Number(w.srv.sql(`SELECT COUNT(*) FROM people WHERE name = '${name}'`).trim());
    const answers = [];
    let cut = true;
    await context.route('**/api/v1/people', async (route) => {
      const res = await route.fetch(); // it reaches daftar and is stored ...
      answers.push([res.status(), res.headers()['idempotent-replayed'] || null, route.request().headers()['idempotency-key']]);
      if (cut) { cut = false; await route.abort('connectionreset'); return; } // ... but the answer is lost
      await route.fulfill({ response: res });
    });
    await page.fill('#person-name', name);
    await page.selectOption('#person-gender', 'female');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-result=queued]');
    assert.equal(count(), 1, 'the first send was applied');
    await page.goto('/outbox');
    await page.click('text=Send now').catch(() => {}); // or the 30 s retry
    await page.waitForSelector('.outbox-item[data-state=sent]', { timeout: 40000 });
    assert.equal(count(), 1, 'stored once');
    assert.equal(answers.length, 2);
    assert.equal(answers[0][0], 201);
    assert.equal(answers[1][0], 201);
    assert.equal(answers[1][1], 'true', 'the second answer is the first one replayed');
    assert.equal(answers[0][2], answers[1][2], 'the same Idempotency-Key');
    assert.deepEqual(page.errors, []);
  });

  await t.test('installable: manifest, icons, service worker', async () => {
    const { page, context } = await w.newPage();
    await page.goto('/');
    await w.offlineReady(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, []);
    const m = JSON.parse(manifest.data);
    assert.equal(m.display, 'standalone');
    assert.ok(m.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
    for (const i of m.icons) {
      const r = await fetch(w.url + i.src);
      assert.equal(r.status, 200, i.src);
    }
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // a test browser's profile is incognito, where nothing installs; anything else would be ours
    assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
    assert.deepEqual(page.errors, []);
  });

  await t.test('online, the same form is sent at once', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'cs');
    await page.goto('/people/new');
    const name = `Online Test Person ${Date.now()}`;
    await page.fill('#person-name', name);
    await page.selectOption('#person-gender', 'male');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-result=sent]');
    assert.equal(w.srv.sql(`SELECT COUNT(*) FROM people WHERE name = '${name}'`).trim(), '1');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the shell and the answers seen before open offline', async () => {
    const { page, context } = await w.newPage();
    await w.login(page, 'cs');
    await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    await page.waitForSelector('#home-chart canvas[data-ready]');
    await w.offlineReady(page);
    await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    // the answers of this visit are in the worker's cache
    await page.waitForFunction(async () => (await (await caches.open('daftar-api')).keys()).some((r) => r.url.includes('/org/geojson')));
    // and who is signed in (what stands in for the session offline)
    await page.waitForFunction(async () => (await (await caches.open('daftar-api')).keys()).some((r) => r.url.endsWith('/api/v1/me')));
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-home=province]');
    await page.waitForSelector('[data-offline]');
    await page.waitForSelector('.saved-at');
    await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    assert.ok(await page.locator('path.daftar-district').count() > 0);
    await w.shot(page, 'home-offline');
    await context.setOffline(false);
    assert.deepEqual(page.errors, []);
  });
});
