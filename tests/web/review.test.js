// review.test.js - "Check-ins to review" (/review, pages/Review.jsx) in a
// browser: the field officer of Quetta has doubtful check-ins (far from the
// duty place, and with an imprecise fix) and a verified one; the menu shows
// the page to Quetta's deputy commissioner, not to the officer.  The deputy
// commissioner sees the doubtful ones (who, post, unit, time, the reasons
// in words, the coordinates and accuracy), the count as the API gives it,
// not the verified one; accepts one with a note: it leaves the list, the
// count drops, the status line says so, and the API shows the review with
// the note.  "Show more" brings the next page once each; the map shows the
// listed check-ins on request.  In Urdu (right to left) a rejection works
// the same way.  No sideways scrolling at 360 px; no script errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

const OFFICE = { lat: 30.1984, lon: 67.0097 }; // the duty place's centre (circle of 150 m)
const FAR = { lat: 30.26, lon: 67.0097 };      // 6.8 km north of it
const NOTE = 'On a school inspection; the tour order is on file.';

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('check-ins to review', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  // setup through the API: a duty place, then check-ins of the officer
  const cs = await w.srv.login('cs');
  const fo = await w.srv.login('fo.quetta.edu');
  const dc = await w.srv.login('dc.quetta');
  const me = (await fo.get('/api/v1/me')).body;
  const place = await cs.post(`/api/v1/postings/${me.postings[0].id}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);
  const now = await w.srv.clockMs();
  const post = async (body) => {
    const r = await fo.post('/api/v1/checkins', body);
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const far = await post({ kind: 'in', ...FAR, accuracy_m: 10, at: now - 3 * 3600000 });
  assert.equal(far.verdict, 'doubtful');
  const verified = await post({ kind: 'in', ...OFFICE, accuracy_m: 8, at: now - 2 * 3600000 });
  assert.equal(verified.verdict, 'verified');
  const vague = await post({ kind: 'out', ...OFFICE, accuracy_m: 450, at: now - 3600000 });
  assert.equal(vague.verdict, 'doubtful');
  assert.ok(vague.reasons.includes('accuracy'));
  const pending = async () => {
    const r = await dc.get('/api/v1/checkins/pending?limit=200');
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  await t.test('only supervisors have the page in the menu', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'fo.quetta.edu');
    await page.waitForSelector('[data-home=officer]');
    assert.equal(await page.locator('nav.menu a[href="/review"]').count(), 0, 'not for a field officer');
    await page.goto('/review');
    await page.waitForSelector('h1');
    assert.equal(await page.locator('ul.review-list').count(), 0);
    assert.deepEqual(page.errors, []);
  });

  await t.test("Quetta's deputy commissioner accepts a doubtful check-in with a note", async () => {
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta');
    await page.click('nav.menu a[href="/review"]');
    await page.waitForSelector('#review-title');
    assert.equal(await page.locator('h1').innerText(), 'Check-ins to review');
    const item = page.locator(`li.review-item[data-id="${far.id}"]`);
    await item.waitFor();
    const api = await pending();
    assert.equal(await page.getAttribute('[data-review-count]', 'data-review-count'), String(api.count));
    assert.equal(await page.locator('li.review-item').count(), Math.min(api.items.length, 20));
    assert.equal(await page.locator(`li.review-item[data-id="${verified.id}"]`).count(), 0, 'a verified check-in is not listed');
    // the evidence: who, where, when, why, the position
    const text = await item.innerText();
    assert.ok(text.includes(me.person.name), text);
    assert.ok(text.includes(me.postings[0].post.designation), text);
    assert.match(text, /Doubtful/);
    assert.match(text, /Check-in/);
    assert.equal(await item.locator('[data-reason=outside]').innerText(), 'outside the duty place');
    assert.equal(await item.locator('[data-coords]').getAttribute('data-coords'), `${FAR.lat},${FAR.lon}`);
    assert.match(await item.locator('[data-coords]').innerText(), /30\.26000, 67\.00970 \(accurate to 10 m\)/);
    assert.match(await page.locator(`li.review-item[data-id="${vague.id}"] [data-reason=accuracy]`).innerText(), /imprecise location/);
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'review-dc');

    await item.locator('textarea[data-note]').fill(NOTE);
    await item.locator('[data-decide=accept]').click();
    await page.waitForSelector('[data-result=sent][data-decision=accept]');
    assert.match(await page.locator('[data-result=sent]').innerText(), /Accepted/);
    await page.waitForFunction((id) => !document.querySelector(`li.review-item[data-id="${id}"]`), far.id);
    assert.equal(await page.getAttribute('[data-review-count]', 'data-review-count'), String(api.count - 1));
    // what the server kept
    const day = await fo.get(`/api/v1/checkins?day=${far.day}`);
    const stored = day.body.items.find((c) => c.id === far.id);
    assert.equal(stored.status, 'verified');
    assert.equal(stored.review.decision, 'accepted');
    assert.equal(stored.review.note, NOTE);
    assert.equal((await pending()).count, api.count - 1);
    await w.shot(page, 'review-accepted');
    assert.deepEqual(page.errors, []);
  });

  await t.test('"Show more" brings each check-in once; the map shows them', async () => {
    // an offline batch of 22 doubtful check-ins: more than a page (20)
    const items = Array.from({ length: 22 }, (_, i) => ({ kind: i % 2 ? 'out' : 'in', ...FAR, accuracy_m: 15, at: now - 4 * 3600000 - i * 60000 }));
    const b = await fo.post('/api/v1/checkins', { items });
    assert.equal(b.status, 201, b.text);
    const api = await pending();
    assert.ok(api.count > 20, JSON.stringify(api.count));
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta', { next: '/review' });
    await page.waitForSelector('li.review-item');
    assert.equal(await page.locator('li.review-item').count(), 20);
    await page.click('[data-load-more]');
    await page.waitForFunction((n) => document.querySelectorAll('li.review-item').length === n, Math.min(api.count, 40));
    const shown = await page.locator('li.review-item').evaluateAll((els) => els.map((e) => e.dataset.id));
    assert.equal(new Set(shown).size, shown.length, 'each once');
    assert.deepEqual(shown, api.items.slice(0, shown.length).map((c) => c.id), 'in the order of the API, newest first');
    if (api.count <= 40) assert.equal(await page.locator('[data-load-more]').count(), 0);
    // the map, on request
    await page.click('[data-show-map]');
    await page.waitForSelector('path.presence-marker', { state: 'attached', timeout: 30000 });
    assert.equal(await page.locator('path.presence-marker').count(), shown.length);
    assert.ok(await noSideways(page));
    await w.shot(page, 'review-more-map');
    assert.deepEqual(page.errors, []);
  });

  await t.test('in Urdu, right to left: a rejection', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta', { next: '/review' });
    const item = page.locator(`li.review-item[data-id="${vague.id}"]`);
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ur');
    assert.equal(await page.locator('h1').innerText(), 'جائزے کی منتظر حاضریاں');
    assert.equal(await page.locator('nav.menu a[href="/review"]').innerText(), 'جائزے کی منتظر حاضریاں');
    // "Show more" until the imprecise check-in (the newest are the batch)
    while (!(await item.count())) {
      await page.click('[data-load-more]');
      await page.waitForSelector('[data-load-more], li.review-item');
      await page.waitForTimeout(100);
    }
    assert.match(await item.innerText(), /مشکوک/);
    assert.match(await item.locator('[data-reason=accuracy]').innerText(), /[\u0600-\u06FF]/);
    assert.equal(await item.locator('[data-decide=reject]').innerText(), 'مسترد کریں');
    assert.ok(await noSideways(page));
    await w.shot(page, 'review-urdu');
    const before = Number(await page.getAttribute('[data-review-count]', 'data-review-count'));
    await item.locator('[data-decide=reject]').click();
    await page.waitForSelector('[data-result=sent][data-decision=reject]');
    assert.match(await page.locator('[data-result=sent]').innerText(), /مسترد/);
    await page.waitForFunction((id) => !document.querySelector(`li.review-item[data-id="${id}"]`), vague.id);
    assert.equal(Number(await page.getAttribute('[data-review-count]', 'data-review-count')), before - 1);
    const stored = (await fo.get(`/api/v1/checkins?day=${vague.day}`)).body.items.find((c) => c.id === vague.id);
    assert.equal(stored.status, 'rejected');
    assert.equal(stored.review.decision, 'rejected');
    await page.click('[data-lang-switch=en]');
    assert.deepEqual(page.errors, []);
  });
});
