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
    // the worker is in charge and has the shell
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 15000 }).catch(async () => {
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller);
    });
    await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('daftar-shell-')));
    await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
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
