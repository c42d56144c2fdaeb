// attendance.test.js - the attendance pages in a browser with a faked
// position (playwright's geolocation): a field officer of Quetta checks in
// at their duty place (verified) and 6.8 km away (doubtful, "outside",
// explained); offline, the check-in waits in the outbox and is stored once
// with its original time when the link returns; a denied permission is
// explained.  The deputy commissioner of Quetta sees the officer on
// "presence now", which follows a new check-in without a reload (it polls
// every 15 s while visible) and stops polling when hidden or left.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

const OFFICE = { latitude: 30.1984, longitude: 67.0097 }; // the duty place's centre (circle of 150 m)
const FAR = { latitude: 30.26, longitude: 67.0097 };      // 6.8 km north of it

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('attendance pages', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  // setup through the API: the officer's posting gets a circle duty place
  const cs = await w.srv.login('cs');
  const fo = await w.srv.login('fo.quetta.edu');
  const me = (await fo.get('/api/v1/me')).body;
  const person = me.person.id;
  const posting = me.postings[0].id;
  const place = await cs.post(`/api/v1/postings/${posting}/places`,
    { name: 'Office', kind: 'circle', lat: OFFICE.latitude, lon: OFFICE.longitude, radius_m: 150 });
  assert.equal(place.status, 201, place.text);
  const checkins = async () => {
    const r = await fo.get('/api/v1/checkins');
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };

  await t.test('a field officer checks in: verified at the duty place, doubtful outside it', async () => {
    const { page, context } = await w.newPage({ permissions: ['geolocation'], geolocation: { ...OFFICE, accuracy: 12 } });
    await w.login(page, 'fo.quetta.edu');
    await page.waitForSelector('[data-home=officer]');
    // the home's card leads to the page; the menu has it; presence is not for a field officer
    assert.equal(await page.locator('nav.menu a[href="/attendance"]').count(), 1);
    assert.equal(await page.locator('nav.menu a[href="/presence"]').count(), 0);
    await page.click('[data-checkin-link]');
    await page.waitForSelector('#attendance-title');
    assert.equal(await page.locator('h1').innerText(), 'My attendance today');
    await page.waitForSelector('.checkins, .empty');
    const before = (await checkins()).length;

    const posts = [];
    page.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith('/api/v1/checkins')) posts.push(req); });
    await page.click('[data-checkin=in]');
    await page.waitForSelector('[data-verdict]');
    assert.equal(await page.getAttribute('.checkin-result [data-verdict]', 'data-verdict'), 'verified');
    assert.match(await page.locator('.checkin-result [data-verdict]').innerText(), /Verified/);
    assert.equal(await page.locator('.checkin-result [data-reason]').count(), 0);
    // what was sent: the position, its accuracy and its own time, with an Idempotency-Key
    assert.equal(posts.length, 1);
    const body = JSON.parse(posts[0].postData());
    assert.equal(body.kind, 'in');
    assert.equal(body.lat, OFFICE.latitude);
    assert.equal(body.lon, OFFICE.longitude);
    assert.equal(body.accuracy_m, 12);
    assert.ok(Math.abs(body.at - Date.now()) < 60000, `at ${body.at}`);
    assert.ok((await posts[0].allHeaders())['idempotency-key']);
    // today's list is read again and shows it
    await page.waitForSelector(`.checkin[data-verdict=verified][data-at="${body.at}"]`);
    assert.equal((await checkins()).length, before + 1);
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'attendance-verified');

    // 6.8 km away
    await context.setGeolocation({ ...FAR, accuracy: 10 });
    await page.click('[data-checkin=out]');
    await page.waitForSelector('.checkin-result [data-verdict=doubtful]');
    const verdict = page.locator('.checkin-result [data-verdict]');
    assert.match(await verdict.innerText(), /Doubtful/);
    assert.equal(await verdict.locator('[data-reason=outside]').count(), 1);
    assert.match(await verdict.locator('[data-reason=outside]').innerText(), /You were outside your duty place/);
    await page.waitForSelector('.checkin[data-verdict=doubtful]');
    assert.equal(await page.locator('.checkin').count(), before + 2);
    const stored = await checkins();
    assert.equal(stored.length, before + 2);
    const last = stored[stored.length - 1];
    assert.equal(last.kind, 'out');
    assert.equal(last.verdict, 'doubtful');
    assert.ok(last.reasons.includes('outside'));
    await w.shot(page, 'attendance-doubtful');

    // the same in Urdu
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.match(await verdict.innerText(), /مشکوک/);
    assert.match(await verdict.locator('[data-reason=outside]').innerText(), /ڈیوٹی کی جگہ سے باہر/);
    await w.shot(page, 'attendance-doubtful-urdu');
    await page.click('[data-lang-switch=en]');

    // a supervisor accepts the doubtful one: the officer's list says so
    const dc = await w.srv.login('dc.quetta');
    const review = await dc.post(`/api/v1/checkins/${last.id}/review`, { decision: 'accept', note: 'School inspection' });
    assert.equal(review.status, 200, review.text);
    await page.reload();
    const item = page.locator(`.checkin[data-id="${last.id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-verdict'), 'doubtful');
    assert.equal(await item.getAttribute('data-status'), 'verified');
    assert.match(await item.locator('[data-review=accept]').innerText(), /Accepted by your supervisor.*School inspection/s);
    assert.deepEqual(page.errors, []);
  });

  await t.test('a denied location permission is explained', async () => {
    const { page } = await w.newPage(); // no geolocation permission
    await w.login(page, 'fo.quetta.edu', { next: '/attendance' });
    await page.waitForSelector('#attendance-title');
    const before = (await checkins()).length;
    await page.click('[data-checkin=in]');
    await page.waitForSelector('[data-geo-error]');
    assert.equal(await page.getAttribute('[data-geo-error]', 'data-geo-error'), 'denied');
    assert.match(await page.locator('[data-geo-error]').innerText(), /Permissions/);
    assert.equal((await checkins()).length, before, 'nothing sent');
    assert.equal(await page.locator('[data-checkin=in]').isEnabled(), true);
    await w.shot(page, 'attendance-denied');
    assert.deepEqual(page.errors, []);
  });

  await t.test('while the position is sought the page says so; a timeout and no fix are explained', async () => {
    const { page } = await w.newPage();
    // a device slow to answer, then failing: TIMEOUT (3), then POSITION_UNAVAILABLE (2)
    await page.addInitScript(() => {
      window.geoCalls = [];
      window.nextGeoError = 3;
      navigator.geolocation.getCurrentPosition = (ok, fail, opts) => {
        window.geoCalls.push(opts);
        setTimeout(() => fail({ code: window.nextGeoError, message: 'test' }), 1000);
      };
    });
    await w.login(page, 'fo.quetta.edu', { next: '/attendance' });
    await page.waitForSelector('#attendance-title');
    await page.click('[data-checkin=in]');
    await page.waitForSelector('[data-phase=locating]');
    assert.match(await page.locator('.checkin-status').innerText(), /Finding your location/);
    assert.equal(await page.getAttribute('.checkin-status', 'aria-live'), 'polite');
    assert.equal(await page.locator('[data-checkin=in]').isDisabled(), true);
    await page.waitForSelector('[data-geo-error=timeout]');
    assert.deepEqual(await page.evaluate(() => window.geoCalls), [{ enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }]);
    await page.evaluate(() => { window.nextGeoError = 2; });
    await page.click('[data-checkin=out]');
    await page.waitForSelector('[data-geo-error=unavailable]');
    assert.match(await page.locator('[data-geo-error]').innerText(), /could not be found/);
    assert.deepEqual(page.errors, []);
  });

  await t.test('offline, a check-in waits in the outbox and is stored once with its original time', async () => {
    const { page, context } = await w.newPage({ permissions: ['geolocation'], geolocation: { ...OFFICE, accuracy: 20 } });
    await w.login(page, 'fo.quetta.edu');
    await w.offlineReady(page);
    await page.click('nav.menu a[href="/attendance"]');
    await page.waitForSelector('.checkins, .empty');
    const before = await checkins();
    const posts = [];
    page.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith('/api/v1/checkins')) posts.push(req); });

    await context.setOffline(true);
    await page.waitForSelector('[data-offline]');
    await page.click('[data-checkin=in]');
    await page.waitForSelector('[data-result=queued]');
    const at = Number(await page.getAttribute('[data-result=queued]', 'data-at'));
    assert.ok(Math.abs(at - Date.now()) < 60000, `at ${at}`);
    assert.match(await page.locator('[data-result=queued]').innerText(), /waits in the outbox/);
    await page.waitForSelector('.checkin-waiting');
    await page.waitForSelector('[data-outbox-count="1"]');
    assert.equal((await checkins()).length, before.length, 'nothing reached the server');
    await w.shot(page, 'attendance-queued');

    // later (the time on the server moves on), the link returns
    await page.waitForTimeout(1500);
    await context.setOffline(false);
    await page.waitForSelector('.checkin-result [data-verdict]', { timeout: 30000 });
    await page.waitForSelector(`.checkin[data-at="${at}"]`);
    await page.waitForSelector('[data-outbox-count="0"]');
    assert.equal(await page.locator('.checkin-waiting').count(), 0);
    const after = await checkins();
    const added = after.filter((c) => !before.some((b) => b.id === c.id));
    assert.equal(added.length, 1, 'stored once');
    assert.equal(added[0].at_ms, at, 'with the time of the position, not of the sending');
    assert.ok(added[0].received_ms - at >= 1500, `received ${added[0].received_ms - at} ms after`);
    assert.equal(added[0].kind, 'in');
    // judged when it arrived (doubtful for 'travel' here: the previous check-in was 6.8 km away moments before)
    assert.equal(await page.getAttribute('.checkin-result [data-verdict]', 'data-verdict'), added[0].verdict);
    assert.equal(posts.length, 1, 'sent once');
    await w.shot(page, 'attendance-sent-from-outbox');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the deputy commissioner sees presence now, updated without a reload', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta');
    await page.click('nav.menu a[href="/presence"]');
    await page.waitForSelector('#presence-title');
    const row = page.locator(`tr.presence-row[data-person-id="${person}"]`);
    await row.waitFor();
    assert.match(await row.getAttribute('data-status'), /^(verified|doubtful|rejected)$/);
    assert.match(await row.innerText(), /District Education Officer/);
    // the same figures as the API
    const dc = await w.srv.login('dc.quetta');
    const unit = (await dc.get('/api/v1/me')).body.postings[0].post.unit.id;
    assert.equal(await page.getAttribute('.presence', 'data-unit'), unit);
    const api = (await dc.get(`/api/v1/presence?unit=${unit}&limit=500`)).body;
    for (const k of ['on_duty', 'verified', 'doubtful', 'rejected', 'absent']) {
      assert.equal(Number(await page.getAttribute(`[data-presence-count-${k}]`, `data-presence-count-${k}`)), api.counts[k], k);
    }
    assert.equal(await row.getAttribute('data-status'), api.items.find((i) => i.person.id === person).status);
    await page.waitForSelector(`path.presence-marker[data-person-id="${person}"]`, { state: 'attached' });
    await page.waitForSelector('path.presence-district', { state: 'attached', timeout: 30000 }); // the day's boundaries beneath
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'presence-dc-quetta');

    // a new check-in (a simulated location: rejected) shows up by itself
    await page.evaluate(() => { window.notReloaded = true; });
    const updated = Number(await page.getAttribute('[data-updated-at]', 'data-updated-at'));
    const rejectedBefore = Number(await page.getAttribute('[data-presence-count-rejected]', 'data-presence-count-rejected'));
    const r = await fo.post('/api/v1/checkins', { kind: 'out', lat: OFFICE.latitude, lon: OFFICE.longitude, accuracy_m: 10, mock: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.verdict, 'rejected');
    await page.waitForSelector(`tr.presence-row[data-person-id="${person}"] [data-at="${r.body.at_ms}"]`, { timeout: 40000 });
    assert.ok(Number(await page.getAttribute('[data-updated-at]', 'data-updated-at')) > updated);
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'not reloaded');
    const now = (await dc.get(`/api/v1/presence?unit=${unit}&limit=500`)).body;
    assert.equal(await row.getAttribute('data-status'), now.items.find((i) => i.person.id === person).status);
    assert.equal(Number(await page.getAttribute('[data-presence-count-rejected]', 'data-presence-count-rejected')), now.counts.rejected);
    if (now.counts.rejected !== rejectedBefore) assert.equal(now.counts.rejected, rejectedBefore + 1);
    assert.match(await page.locator('[data-updated-at]').innerText(), /Updated at \d{1,2}:\d{2}:\d{2}/);
    await w.shot(page, 'presence-updated');
    assert.deepEqual(page.errors, []);
  });

  await t.test('presence polls every 15 s only while visible and stops when left', async () => {
    const { page } = await w.newPage();
    await page.clock.install(); // the page's timers under the test's control (time still flows)
    await w.login(page, 'dc.quetta', { next: '/presence' });
    await page.waitForSelector('tr.presence-row');
    const calls = [];
    page.on('request', (req) => { if (req.url().includes('/api/v1/presence')) calls.push(Date.now()); });
    await page.clock.runFor(15500);
    await page.waitForTimeout(300);
    assert.equal(calls.length, 1, 'one poll after 15 s');

    // hidden (another tab, the phone locked): no polling; visible again: at once
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.clock.runFor(46000);
    await page.waitForTimeout(300);
    assert.equal(calls.length, 1, 'none while hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(300);
    assert.equal(calls.length, 2, 'at once when visible again');

    // left: no more polling
    await page.click('nav.menu a[href="/"]');
    await page.waitForSelector('[data-home=district]');
    const n = calls.length;
    await page.clock.runFor(46000);
    await page.waitForTimeout(300);
    assert.equal(calls.length, n, 'no polling after leaving the page');
    assert.deepEqual(page.errors, []);
  });
});
