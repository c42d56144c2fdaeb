// session.test.js - a session that ends while the app is open: the next
// call answers 401, the app goes to the login page with a message, and
// after signing in again the user is back where they were.  A write made
// just then is kept in the outbox and sent after the new sign-in.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

test('session expiry', async (t) => {
  const w = await startWeb({ set: ['auth.session_idle_s=600'] });
  t.after(() => w.stop());

  await t.test('back to the login page, then back to the same place', async () => {
    const { page } = await w.newPage({ viewport: { width: 1280, height: 900 } });
    await w.login(page, 'cs');
    await page.waitForSelector('#drill-select', { timeout: 30000 });
    const divId = (await page.locator('#drill-select option').evaluateAll((os) => os.map((o) => o.value))).find(Boolean);
    await page.selectOption('#drill-select', divId);
    await page.waitForSelector(`.map[data-level=division][data-focus="${divId}"]`);
    const districtId = (await page.locator('#drill-select option').evaluateAll((os) => os.map((o) => o.value))).find(Boolean);

    await w.srv.advanceClock(3600); // past the idle limit
    // choosing a district asks for its vacant posts (a signed-in call): 401
    await page.selectOption('#drill-select', districtId);
    await page.waitForSelector('[data-flash="session.expired"]');
    assert.match(page.url(), /\/login\?next=/);
    const next = new URL(page.url()).searchParams.get('next');
    assert.match(next, new RegExp(`focus=district(%3A|:)${districtId}`));
    await w.shot(page, 'login-session-expired');

    await page.fill('#login-username', 'cs');
    await page.fill('#login-password', 'Daftar@2026');
    await page.click('button[type=submit]');
    await page.waitForSelector(`.map[data-level=district][data-focus="${districtId}"]`, { timeout: 30000 });
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, next);
    await page.waitForSelector('#vacant-posts-title');
    assert.deepEqual(page.errors, []);
  });

  await t.test('a write made as the session ends is sent after signing in again', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'cs');
    await page.goto('/people/new');
    await page.waitForSelector('#person-name');
    const name = `Expiry Test Person ${Date.now()}`;
    await page.fill('#person-name', name);
    await page.selectOption('#person-gender', 'other');
    await w.srv.advanceClock(3600);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-flash="session.expired"]');
    assert.equal(w.srv.sql(`SELECT COUNT(*) FROM people WHERE name = '${name}'`).trim(), '0');
    await page.fill('#login-username', 'cs');
    await page.fill('#login-password', 'Daftar@2026');
    await page.click('button[type=submit]');
    await page.waitForSelector('#person-name');
    await page.goto('/outbox');
    await page.waitForSelector('.outbox-item[data-state=sent]', { timeout: 30000 });
    assert.equal(w.srv.sql(`SELECT COUNT(*) FROM people WHERE name = '${name}'`).trim(), '1');
    assert.deepEqual(page.errors, []);
  });
});
