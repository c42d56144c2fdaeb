// homes.test.js - signing in and the role-aware home: the Chief Secretary
// sees the province, a deputy commissioner their district, a commissioner
// their division, a field officer their day; the administrator is asked
// for the second factor; signing out returns to the public portal.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb, DEMO, totp } = require('./lib.js');

test('role-aware homes', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  await t.test('the Chief Secretary and a deputy commissioner see different homes', async () => {
    const cs = await w.newPage();
    await w.login(cs.page, 'cs');
    await cs.page.waitForSelector('[data-home=province]');
    await cs.page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    await cs.page.waitForSelector('#home-chart canvas[data-ready]');
    assert.match(await cs.page.locator('h1').innerText(), /Balochistan province/);
    const api = await (await fetch(`${w.url}/api/v1/reports/vacancies?by=district`)).json();
    assert.equal((await cs.page.locator('.stat dd').nth(2).innerText()).replace(/[^0-9]/g, ''), String(api.totals.vacant));
    await w.shot(cs.page, 'home-cs');

    const dc = await w.newPage();
    await w.login(dc.page, 'dc.quetta');
    await dc.page.waitForSelector('[data-home=district]');
    assert.match(await dc.page.locator('h1').innerText(), /Quetta East district/);
    await dc.page.waitForSelector('[data-vacant-posts]', { timeout: 30000 });
    const row = api.rows.find((r) => r.name === 'Quetta East');
    assert.equal((await dc.page.locator('.stat dd').nth(0).innerText()).replace(/[^0-9]/g, ''), String(row.sanctioned));
    // the district's own vacant posts, which the public report does not list
    assert.ok(Number(await dc.page.locator('[data-vacant-posts]').getAttribute('data-vacant-posts')) > 0);
    // no way up to the province from a district home
    assert.equal(await dc.page.locator('#drill-select').count(), 0);
    await dc.page.waitForSelector('path.daftar-district', { state: 'attached' });
    await w.shot(dc.page, 'home-dc-quetta');
    assert.deepEqual(cs.page.errors, []);
    assert.deepEqual(dc.page.errors, []);
  });

  await t.test('a commissioner sees the division; a field officer their day', async () => {
    const comm = await w.newPage();
    await w.login(comm.page, 'comm.quetta');
    await comm.page.waitForSelector('[data-home=division]');
    assert.match(await comm.page.locator('h1').innerText(), /Quetta division/);
    await comm.page.waitForSelector('table.report tbody tr');
    await w.shot(comm.page, 'home-commissioner');

    const fo = await w.newPage();
    await w.login(fo.page, 'fo.quetta.edu');
    await fo.page.waitForSelector('[data-home=officer]');
    assert.match(await fo.page.locator('h1').innerText(), /Your day/);
    assert.match(await fo.page.locator('.postings').innerText(), /District Education Officer/);
    // a field officer may not add people: no such menu entry
    assert.equal(await fo.page.locator('nav.menu a[href="/people/new"]').count(), 0);
    await w.shot(fo.page, 'home-field-officer');
    assert.deepEqual(comm.page.errors, []);
    assert.deepEqual(fo.page.errors, []);
  });

  await t.test('the administrator is asked for the second factor', async () => {
    const { page } = await w.newPage();
    await page.goto('/login');
    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', DEMO.password);
    assert.equal(await page.locator('#login-otp').count(), 0);
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-otp');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'login-otp');
    await w.shot(page, 'login-second-factor');
    await page.fill('#login-otp', '000000');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-error]');
    await page.fill('#login-otp', totp(DEMO.totpSecret, await w.srv.clockMs()));
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-home=province]');
    assert.deepEqual(page.errors, []);
  });

  await t.test('a wrong password is refused; signing out returns to the portal', async () => {
    const { page } = await w.newPage();
    await page.goto('/login');
    await page.fill('#login-username', 'cs');
    await page.fill('#login-password', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-error]');
    assert.match(await page.locator('[data-error]').innerText(), /Wrong username or password/);
    await w.shot(page, 'login');
    await w.login(page, 'cs');
    await page.click('[data-logout]');
    await page.waitForSelector('[data-home=public]');
    const who = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
    assert.equal(who, 401);
    assert.deepEqual(page.errors, []);
  });
});
