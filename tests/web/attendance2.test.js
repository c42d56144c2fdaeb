// attendance2.test.js - the pages of issue 5, part 2 in a browser
// (docs/spec-issue5-part2.md, docs/WEB.md "Attendance: leave, absentees,
// reports, inbox"):
//   - a field officer asks for leave on "Leave and tours" and sees it
//     waiting; the deputy commissioner of Quetta approves it on the same
//     page's "To decide" tab, and the officer then sees it approved; a tour
//     around the current position is rejected with a note;
//   - the Chief Secretary's "Officers absent" renders (table or empty
//     state) in English and in Urdu, right to left;
//   - the attendance report lists the districts as the API does, shows
//     progress while it loads, and its CSV / XLSX links carry the same
//     query with format=csv|xlsx; the CSV, fetched with the page's cookies,
//     is text/csv with the header row first; the ranking is listed;
//   - presence now shows the new counts (late, leave, tour), an approved
//     leave as the officer's status, and a late check-in with its marker;
//   - with the absence job run over five working days (a second server, its
//     test clock moved forward), the deputy commissioner's bell counts the
//     alert, the inbox shows it written from its data (English and Urdu),
//     and opening it marks it read; "Officers absent" lists the officer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

const OFFICE = { latitude: 30.1984, longitude: 67.0097 }; // a point in Quetta
// The test clock jumps days in the inbox test: sessions stay alive across the jumps.
const LONG_SESSIONS = ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'];

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const pkt = (day, hhmm) => Date.parse(`${day}T${hhmm}:00+05:00`);
const iso = (ms) => new Date(ms).toISOString();
const karachiDay = (ms) => new Date(ms + 5 * 3600000).toISOString().slice(0, 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeout = 20000, every = 200) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(every);
  }
}

// workingDays - the next n working days after `from` (the server's calendar).
async function workingDays(srv, from, n) {
  const out = [];
  for (let k = 1; k <= n; k++) {
    const r = await srv.client().get(`/api/v1/calendar/working-days?from=${from}&add=${k}`);
    assert.equal(r.status, 200, r.text);
    out.push(r.body.date);
  }
  return out;
}

test('leave and tours, officers absent, the attendance report, presence', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());
  const fo = await w.srv.login('fo.quetta.edu');
  const dc = await w.srv.login('dc.quetta');
  const cs = await w.srv.login('cs');
  const me = (await fo.get('/api/v1/me')).body;
  const person = me.person.id;
  const today = me.as_of;
  const [D1, D2, D3, D4] = await workingDays(w.srv, today, 4);
  const mine = async () => {
    const r = await fo.get('/api/v1/absences');
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };

  let leaveId;
  await t.test('a field officer asks for leave and sees it waiting for a decision', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'fo.quetta.edu');
    await page.waitForSelector('[data-home=officer]');
    assert.equal(await page.locator('nav.menu a[href="/absences"]').count(), 1);
    assert.equal(await page.locator('nav.menu a[href="/absentees"]').count(), 0, 'not for a field officer');
    assert.equal(await page.locator('nav.menu a[href="/reports/attendance"]').count(), 0);
    await page.click('[data-absences-link]');
    await page.waitForSelector('#absence-form');
    assert.equal(await page.locator('h1').innerText(), 'Leave and tours');
    assert.equal(await page.locator('[data-tab]').count(), 0, 'no "to decide" tab without attendance.manage');
    // the form starts on the server's today
    assert.equal(await page.inputValue('#absence-from'), today);
    await page.waitForSelector('.absences, [data-empty]');

    const posts = [];
    page.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith('/api/v1/absences')) posts.push(req); });
    await page.fill('#absence-from', D1);
    await page.fill('#absence-to', D2);
    assert.match(await page.locator('[data-days]').innerText(), /\d+ days in all/);
    // a reason is required
    await page.click('#absence-form button[type=submit]');
    await page.waitForSelector('#absence-reason[aria-invalid=true]');
    assert.match(await page.locator('#absence-reason-hint').innerText(), /give a reason/);
    assert.equal(posts.length, 0);
    await page.fill('#absence-reason', 'Family wedding in Pishin');
    await page.click('#absence-form button[type=submit]');
    await page.waitForSelector('[data-result=sent]');
    assert.match(await page.locator('[data-result=sent]').innerText(), /supervisor will decide/);
    assert.equal(posts.length, 1);
    assert.deepEqual(JSON.parse(posts[0].postData()), { kind: 'leave', from: D1, to: D2, reason: 'Family wedding in Pishin' });
    assert.ok((await posts[0].allHeaders())['idempotency-key'], 'through the outbox, with an Idempotency-Key');
    const stored = (await mine()).find((a) => a.from === D1);
    assert.ok(stored, 'stored');
    assert.equal(stored.status, 'requested');
    leaveId = stored.id;
    const item = page.locator(`li.absence[data-id="${leaveId}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-status'), 'requested');
    assert.match(await item.innerText(), /Waiting for a decision/);
    // the same days again: the overlap is explained on the "from" field
    await page.fill('#absence-reason', 'Again');
    await page.click('#absence-form button[type=submit]');
    await page.waitForSelector('#absence-from[aria-invalid=true]');
    assert.match(await page.locator('#absence-from-hint').innerText(), /already have leave or a tour/);
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'absences-requested');

    // in Urdu, right to left
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('h1').innerText(), 'رخصت اور دورے');
    assert.match(await item.innerText(), /فیصلے کی منتظر/);
    assert.ok(await noSideways(page));
    await w.shot(page, 'absences-urdu');
    await page.click('[data-lang-switch=en]');
    assert.deepEqual(page.errors, []);
  });

  let tourId;
  await t.test('a tour around the current position, as a circle with a radius', async () => {
    const { page } = await w.newPage({ permissions: ['geolocation'], geolocation: { ...OFFICE, accuracy: 15 } });
    await w.login(page, 'fo.quetta.edu', { next: '/absences' });
    await page.waitForSelector('#absence-form');
    await page.check('input[data-kind=tour]');
    await page.check('input[data-place=here]');
    await page.click('[data-find-here]');
    await page.waitForSelector(`[data-here="${OFFICE.latitude},${OFFICE.longitude}"]`);
    await page.fill('#absence-radius', '2000');
    await page.fill('#absence-from', D3);
    await page.fill('#absence-to', D4);
    await page.fill('#absence-reason', 'School inspections');
    await page.click('#absence-form button[type=submit]');
    await page.waitForSelector('[data-result=sent]');
    const stored = (await mine()).find((a) => a.from === D3);
    assert.equal(stored.kind, 'tour');
    assert.deepEqual(stored.place, { lat: OFFICE.latitude, lon: OFFICE.longitude, radius_m: 2000 });
    tourId = stored.id;
    const item = page.locator(`li.absence[data-id="${tourId}"]`);
    await item.waitFor();
    assert.match(await item.locator('[data-place]').innerText(), /Tour within 2,000 m of 30\.1984, 67\.0097/);
    await w.shot(page, 'absences-tour');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the deputy commissioner approves the leave and rejects the tour; the officer sees both', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta');
    await page.click('nav.menu a[href="/absences"]');
    await page.waitForSelector('[data-tab=decide]');
    await page.click('[data-tab=decide]');
    const leave = page.locator(`li.decide-item[data-id="${leaveId}"]`);
    await leave.waitFor();
    assert.match(await leave.innerText(), /Family wedding in Pishin/);
    assert.match(await leave.innerText(), new RegExp(me.person.name));
    // the list is the API's requested absences of the people the deputy commissioner reaches
    const api = (await dc.get('/api/v1/absences?status=requested&limit=200')).body.items;
    assert.equal(await page.locator('li.decide-item').count(), api.length);
    assert.ok(await noSideways(page));
    await w.shot(page, 'absences-decide');

    await leave.locator('[data-decide=approve]').click();
    await leave.locator('[data-result=sent]').waitFor();
    const tour = page.locator(`li.decide-item[data-id="${tourId}"]`);
    await tour.locator('textarea[data-note]').fill('Send the inspection plan first');
    await tour.locator('[data-decide=reject]').click();
    await tour.locator('[data-result=sent]').waitFor();
    // read again: neither is waiting any more
    await page.waitForFunction((ids) => !ids.some((id) => document.querySelector(`li.decide-item[data-id="${id}"]`)), [leaveId, tourId]);
    const all = await mine();
    assert.equal(all.find((a) => a.id === leaveId).status, 'approved');
    const rejected = all.find((a) => a.id === tourId);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.note, 'Send the inspection plan first');
    // the approved ones are one choice away
    await page.selectOption('#decide-status', 'approved');
    await page.waitForSelector(`li.decide-item[data-id="${leaveId}"][data-status=approved]`);
    assert.deepEqual(page.errors, []);

    const o = await w.newPage();
    await w.login(o.page, 'fo.quetta.edu', { next: '/absences' });
    await o.page.waitForSelector(`li.absence[data-id="${leaveId}"][data-status=approved]`);
    const t2 = o.page.locator(`li.absence[data-id="${tourId}"]`);
    assert.equal(await t2.getAttribute('data-status'), 'rejected');
    assert.match(await t2.innerText(), /Rejected[\s\S]*Note: Send the inspection plan first/);
    await w.shot(o.page, 'absences-decided');
    assert.deepEqual(o.page.errors, []);
  });

  await t.test('presence now counts late, leave and tour, and shows the officer on leave', async () => {
    // a day of the approved leave: the officer's status is leave
    const p = await dc.get(`/api/v1/presence?day=${D1}&limit=500`);
    assert.equal(p.status, 200, p.text);
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta', { next: `/presence?day=${D1}` });
    const row = page.locator(`tr.presence-row[data-person-id="${person}"]`);
    await row.waitFor();
    for (const k of ['on_duty', 'verified', 'late', 'leave', 'tour', 'absent']) {
      if (typeof p.body.counts[k] !== 'number') continue;
      assert.equal(Number(await page.getAttribute(`[data-presence-count-${k}]`, `data-presence-count-${k}`)), p.body.counts[k], k);
    }
    assert.equal(p.body.items.find((i) => i.person.id === person).status, 'leave');
    assert.equal(await row.getAttribute('data-status'), 'leave');
    assert.match(await row.innerText(), /On leave/);
    await w.shot(page, 'presence-leave');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the Chief Secretary\'s officers absent, in English and in Urdu', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'cs');
    await page.click('nav.menu a[href="/absentees"]');
    await page.waitForSelector('#absentees-title');
    assert.equal(await page.locator('h1').innerText(), 'Officers absent');
    await page.waitForSelector('table.absentees-table, [data-empty]');
    const api = (await cs.get('/api/v1/absentees?limit=500')).body;
    assert.equal(Number(await page.getAttribute('[data-absentees-count]', 'data-absentees-count')), api.items.length);
    if (await page.locator('[data-show-all]').count()) await page.click('[data-show-all]');
    if (api.items.length) assert.equal(await page.locator('tr.absentee-row').count(), api.items.length);
    else assert.match(await page.locator('[data-empty]').innerText(), /No officer/);
    // filters: the level is in the address
    await page.selectOption('#absentees-level', 'action');
    await page.waitForURL(/level=action/);
    await page.waitForSelector('table.absentees-table, [data-empty]');
    assert.ok(await page.locator('#absentees-unit option').count() > 30, 'the province\'s divisions and districts to choose from');
    assert.ok(await noSideways(page));
    await w.shot(page, 'absentees-cs');

    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ur');
    assert.equal(await page.locator('h1').innerText(), 'غیر حاضر افسران');
    const shown = page.locator('table.absentees-table, [data-empty]').first();
    assert.match(await shown.innerText(), /[\u0600-\u06FF]/, 'Urdu text');
    assert.match(await page.locator('#absentees-level option[value=action]').innerText(), /کارروائی درکار/);
    assert.ok(await noSideways(page));
    await w.shot(page, 'absentees-cs-urdu');
    await page.click('[data-lang-switch=en]');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the attendance report: districts, progress, downloads, ranking', async () => {
    const { page, context } = await w.newPage({ serviceWorkers: 'block' }); // page.route sees every request
    await w.login(page, 'cs');
    // a slow report: the page says it is coming
    let slow = true;
    await page.route(/\/api\/v1\/reports\/attendance\?/, async (route) => {
      if (slow) await sleep(1500);
      await route.continue();
    });
    await page.click('nav.menu a[href="/reports/attendance"]');
    await page.waitForSelector('#report-title');
    await page.waitForSelector('[data-report-loading]');
    assert.match(await page.locator('[data-report-loading]').innerText(), /Preparing the report/);
    await page.waitForSelector('table.attendance-report tr.report-row', { timeout: 30000 });
    slow = false;
    const month = today.slice(0, 7);
    assert.equal(await page.inputValue('#report-month'), month, 'the server\'s month by default');
    const api = (await cs.get(`/api/v1/reports/attendance?month=${month}&by=district`)).body;
    assert.equal(await page.locator('tr.report-row').count(), api.rows.length);
    assert.ok(api.rows.length >= 30, `${api.rows.length} rows`);
    const names = await page.locator('tr.report-row th').allInnerTexts();
    assert.ok(names.some((n) => /Quetta/.test(n)), names.join(', '));
    for (const k of ['officers', 'expected', 'present', 'absent']) {
      assert.equal(Number((await page.locator(`tfoot [data-total=${k}]`).innerText()).replace(/,/g, '')), api.totals[k], k);
    }
    await page.waitForSelector('#report-chart canvas[data-ready]');
    assert.equal(Number(await page.getAttribute('#report-chart canvas', 'data-bars')), Math.min(40, api.rows.length));

    // the downloads: the same query, with format=csv|xlsx
    for (const f of ['csv', 'xlsx']) {
      const href = await page.getAttribute(`a[data-download=${f}]`, 'href');
      const u = new URL(href, w.url);
      assert.equal(u.pathname, '/api/v1/reports/attendance');
      assert.equal(u.searchParams.get('format'), f);
      assert.equal(u.searchParams.get('month'), month);
      assert.equal(u.searchParams.get('by'), 'district');
    }
    const csvHref = await page.getAttribute('a[data-download=csv]', 'href');
    const csv = await context.request.get(new URL(csvHref, w.url).href); // the page's cookies
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    assert.equal(text.split(/\r?\n/)[0], 'district,officers,expected,present,late,absent,leave,tour,rate');
    const xlsx = await context.request.get(new URL(await page.getAttribute('a[data-download=xlsx]', 'href'), w.url).href);
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    // without the cookies: refused
    const anon = await fetch(new URL(csvHref, w.url).href);
    assert.equal(anon.status, 401);

    // the ranking of the month
    await page.waitForSelector('table.ranking tr[data-rank]');
    const rank = (await cs.get(`/api/v1/reports/attendance/ranking?month=${month}&by=district`)).body;
    assert.equal(await page.locator('table.ranking tr[data-rank]').count(), rank.items.length);
    await page.selectOption('#ranking-by', 'department');
    await page.waitForSelector('table.ranking[data-by=department] tr[data-rank]');

    // by department: the address, the rows and the links follow
    await page.selectOption('#report-by', 'department');
    await page.waitForSelector('table.attendance-report[data-by=department] tr.report-row');
    assert.match(page.url(), /by=department/);
    assert.match(await page.getAttribute('a[data-download=csv]', 'href'), /by=department.*format=csv|format=csv.*by=department/);
    const dept = (await cs.get(`/api/v1/reports/attendance?month=${month}&by=department`)).body;
    assert.equal(await page.locator('tr.report-row').count(), dept.rows.length);
    // the month before
    await page.click('[data-month-prev]');
    await page.waitForURL(/month=\d{4}-\d{2}/);
    await page.waitForSelector('table.attendance-report tr.report-row, [data-empty]');
    assert.notEqual(await page.inputValue('#report-month'), month);
    await page.selectOption('#report-by', 'district');
    await page.click('[data-month-next]');
    await page.waitForSelector('table.attendance-report[data-by=district] tr.report-row');
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'report-attendance');

    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('h1').innerText(), 'حاضری کی رپورٹ');
    await page.waitForTimeout(300);
    assert.ok(await noSideways(page));
    await w.shot(page, 'report-attendance-urdu');
    await page.click('[data-lang-switch=en]');
    assert.deepEqual(page.errors, []);
  });
});

test('the absence job\'s alert in the inbox, and officers absent with a row', async (t) => {
  const w = await startWeb({ set: ['attendance.absence_s=1', ...LONG_SESSIONS] });
  t.after(() => w.stop());
  const srv = w.srv;
  const today = karachiDay(await srv.clockMs());
  const D = await workingDays(srv, today, 5);
  const lastRun = () => Number(srv.sql("SELECT COALESCE(MAX(last_run_at), 0) FROM job_leases WHERE name = 'attendance.absence'").trim() || 0);
  async function goTo(day) {
    const at = pkt(day, '10:05');
    await srv.setClock(iso(at));
    await waitFor(`the absence job to run on ${day}`, () => lastRun() >= at);
  }
  // the officer is present on the first day, then misses three working days
  await srv.setClock(iso(pkt(D[0], '10:05')));
  const cs = await srv.login('cs');
  const fo = await srv.login('fo.quetta.edu');
  const dc = await srv.login('dc.quetta');
  const me = (await fo.get('/api/v1/me')).body;
  const person = me.person.id;
  assert.equal((await cs.post(`/api/v1/postings/${me.postings[0].id}/places`,
    { name: 'Office', kind: 'circle', lat: OFFICE.latitude, lon: OFFICE.longitude, radius_m: 150 })).status, 201);
  const ci = await fo.post('/api/v1/checkins', { kind: 'in', lat: OFFICE.latitude, lon: OFFICE.longitude, accuracy_m: 10, at: pkt(D[0], '10:00') });
  assert.equal(ci.body.verdict, 'verified', ci.text);
  for (const day of D) await goTo(day);
  const inbox = (await dc.get('/api/v1/inbox?limit=100')).body;
  const msg = inbox.items.find((m) => m.kind === 'attendance.absence' && m.data && m.data.person_id === person);
  assert.ok(msg, JSON.stringify(inbox).slice(0, 1500));

  await t.test('the bell counts the unread; the inbox writes the alert from its data; opening marks it read', async () => {
    const { page } = await w.newPage();
    const polls = [];
    page.on('request', (req) => { if (req.url().includes('/api/v1/inbox?unread=1&limit=1')) polls.push(req.url()); });
    await w.login(page, 'dc.quetta');
    const bell = page.locator('[data-inbox-bell]');
    await bell.waitFor();
    await page.waitForSelector(`[data-inbox-bell][data-unread="${inbox.unread}"]`);
    assert.match(await bell.getAttribute('aria-label'), new RegExp(`Inbox, ${inbox.unread} unread message`));
    assert.equal(await bell.locator('.count').innerText(), String(inbox.unread));
    assert.equal(polls.length, 1, 'asked once at sign-in, not more than once a minute');
    await w.shot(page, 'inbox-bell');

    await bell.click();
    await page.waitForSelector('#inbox-title');
    assert.equal(await page.locator('h1').innerText(), 'Inbox');
    const item = page.locator(`li.inbox-item[data-id="${msg.id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-read'), '0');
    assert.equal(await item.getAttribute('data-kind'), 'attendance.absence');
    const text = await item.locator('.inbox-text').innerText();
    assert.match(text, new RegExp(`${me.person.name} \\(District Education Officer, .+\\) has missed ${msg.data.days} working days since`));
    assert.match(await item.innerText(), /Alert/);
    assert.ok(await noSideways(page));
    await w.shot(page, 'inbox');

    // in Urdu: the same message from its data
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.match(await item.locator('.inbox-text').innerText(), /غیر حاضر ہیں/);
    assert.match(await bell.getAttribute('aria-label'), /ان باکس/);
    await w.shot(page, 'inbox-urdu');
    await page.click('[data-lang-switch=en]');

    // opening it (its link: officers absent) marks it read
    const reads = [];
    page.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith(`/api/v1/inbox/${msg.id}/read`)) reads.push(req); });
    await item.locator('[data-open]').click();
    await page.waitForSelector('#absentees-title');
    await waitFor('the message to be read', async () => {
      const r = (await dc.get('/api/v1/inbox?limit=100')).body;
      return typeof r.items.find((m) => m.id === msg.id).read_at === 'number';
    });
    assert.equal(reads.length, 1);
    assert.ok(reads[0].headers()['x-csrf-token'], 'with the CSRF token');
    await page.waitForSelector(`[data-inbox-bell][data-unread="${inbox.unread - 1}"]`);

    // officers absent lists the officer, at the alert level, with the supervisor
    await page.waitForSelector('table.absentees-table');
    if (await page.locator('[data-show-all]').count()) await page.click('[data-show-all]');
    const row = page.locator(`tr.absentee-row[data-person-id="${person}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-level'), 'alert');
    assert.match(await row.innerText(), /Alert/);
    assert.match(await row.innerText(), /Deputy Commissioner/);
    await page.waitForSelector('#absentees-chart canvas[data-ready]');
    assert.ok(await page.locator('table.absentees-by-district tr[data-district]').count() >= 1);
    assert.ok(await noSideways(page));
    await w.shot(page, 'absentees-dc');

    // back in the inbox: read now
    await page.goto('/inbox');
    await page.waitForSelector(`li.inbox-item[data-id="${msg.id}"][data-read="1"]`);
    assert.deepEqual(page.errors, []);
  });

  await t.test('presence on the first day: the officer was present, but late', async () => {
    const p = (await dc.get(`/api/v1/presence?day=${D[0]}&limit=500`)).body;
    const it = p.items.find((i) => i.person.id === person);
    assert.equal(it.late, true, JSON.stringify(it)); // checked in at 10:00, after 09:00 + 15 min of grace
    const { page } = await w.newPage();
    await w.login(page, 'dc.quetta', { next: `/presence?day=${D[0]}` });
    const row = page.locator(`tr.presence-row[data-person-id="${person}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-late'), '1');
    assert.equal(await row.getAttribute('data-status'), it.status);
    assert.match(await row.locator('.badge.late').innerText(), /Late/);
    assert.equal(Number(await page.getAttribute('[data-presence-count-late]', 'data-presence-count-late')), p.counts.late);
    await page.selectOption('#presence-show', 'late');
    assert.equal(await page.locator('tr.presence-row').count(), p.items.filter((i) => i.late).length);
    await w.shot(page, 'presence-late');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the bell asks at most once a minute, only while visible', async () => {
    const { page } = await w.newPage();
    await page.clock.install();
    const polls = [];
    page.on('request', (req) => { if (req.url().includes('/api/v1/inbox?unread=1')) polls.push(Date.now()); });
    await w.login(page, 'dc.quetta');
    await page.waitForSelector('[data-inbox-bell][data-unread]:not([data-unread=""])');
    assert.equal(polls.length, 1);
    await page.clock.runFor(30000);
    await page.waitForTimeout(200);
    assert.equal(polls.length, 1, 'not within the minute');
    await page.clock.runFor(31000);
    await page.waitForTimeout(300);
    assert.equal(polls.length, 2, 'again after a minute');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.clock.runFor(180000);
    await page.waitForTimeout(300);
    assert.equal(polls.length, 2, 'none while hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(300);
    assert.equal(polls.length, 3, 'at once when visible again after a minute');
    assert.deepEqual(page.errors, []);
  });
});
