// attendance3.test.js - closed days (issue 5): the attendance.close job
// keeps each past day's totals per (unit, department), and a report reads
// them instead of the person-days.  What a client must never see is a
// difference: every report is the same whether its days are closed or not,
// and a change to a closed day (a late check-in sent from a phone that was
// offline, a leave recorded afterwards, a posting ended with effect from a
// past day) shows at once, before the job keeps the day again.
//
// The week of Monday 12 October 2026 (no holidays), after the July 2026
// reorganisation, as in attendance2.test.js.  The job runs on the test
// clock: the test makes it due by clearing its last run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const OFFICE = { lat: 30.1984, lon: 67.0097 };   // a point in Quetta
const LONG_SESSIONS = ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'];
const [MON, TUE, WED, THU, FRI] = ['2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16'];

const pkt = (day, hhmm) => Date.parse(`${day}T${hhmm}:00+05:00`);
const iso = (ms) => new Date(ms).toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeout = 30000, every = 200) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(every);
  }
}

async function who(srv, username) {
  const c = await srv.login(username);
  const me = (await c.get('/api/v1/me')).body;
  const p = me.postings[0];
  return { c, me, person: me.person.id, posting: p.id, post: p.post.id, unit: p.post.unit.id, dept: p.post.department.id };
}

test('closed days: reports read kept totals and never differ from the person-days', async (t) => {
  const srv = await startServer({ set: [...LONG_SESSIONS, 'attendance.close_s=1'] });
  t.after(() => srv.stop());
  const num = (sql) => Number(srv.sql(sql).trim() || 0);
  // The demo's postings were written when its database was made, in real
  // time, weeks after this test's week: date them back to before it, as
  // they would be in a province whose postings predate the week.
  srv.sql(`UPDATE postings SET changed_at = ${pkt('2026-09-01', '10:00')}, created_at = ${pkt('2026-09-01', '10:00')}`);
  await srv.setClock(iso(pkt(MON, '09:30')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await who(srv, 'dc.quetta');
  const district = fo.unit;
  const place = await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);

  // present Monday, late Tuesday, nothing Wednesday or Thursday
  const mon = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(MON, '09:05') });
  assert.equal(mon.body.verdict, 'verified', mon.text);
  await srv.setClock(iso(pkt(TUE, '11:00')));
  const tue = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(TUE, '10:30') });
  assert.equal(tue.body.verdict, 'verified', tue.text);
  await srv.setClock(iso(pkt(FRI, '12:00')));

  // the reports a province asks for, over the week and over the month so far
  const urls = [
    `/api/v1/reports/attendance?from=${MON}&to=${THU}&by=district`,
    `/api/v1/reports/attendance?from=${MON}&to=${THU}&by=division`,
    `/api/v1/reports/attendance?from=${MON}&to=${THU}&by=department`,
    `/api/v1/reports/attendance?from=${MON}&to=${THU}&by=office&unit=${district}`,
    `/api/v1/reports/attendance?from=${MON}&to=${FRI}&by=district&unit=${district}&department=${fo.dept}`,
    `/api/v1/reports/attendance?month=2026-10&by=district`,
    `/api/v1/reports/attendance?from=${MON}&to=${THU}&by=person&unit=${district}`,
    '/api/v1/reports/attendance/ranking?month=2026-10&by=district',
    '/api/v1/reports/attendance/ranking?month=2026-10&by=department',
  ];
  const all = async () => {
    const out = [];
    for (const u of urls) {
      const res = await cs.get(u);
      assert.equal(res.status, 200, `${u}: ${res.text}`);
      out.push(res.body);
    }
    return out;
  };
  const quetta = (reports) => reports[0].rows.find((r) => r.key.id === district);
  // closeDays - make the close job due on the test clock and wait until it kept every counted day up to yesterday
  const closeDays = async () => {
    srv.sql("UPDATE job_leases SET last_run_at = 0 WHERE name = 'attendance.close'");
    await waitFor('the close job to keep Monday to Thursday',
      () => num(`SELECT COUNT(*) FROM att_closed WHERE dirty = 0 AND day >= '${MON}' AND day <= '${THU}'`) === 4);
  };

  const live = await all();
  assert.equal(num("SELECT COUNT(*) FROM att_totals"), 0, 'nothing closed yet');
  assert.equal(quetta(live).present, 2);
  assert.equal(quetta(live).late, 1);

  await t.test('the job keeps each day per unit and department; the reports do not change', async () => {
    await closeDays();
    // Monday to Thursday are kept; Friday (today) is not
    assert.equal(num(`SELECT COUNT(*) FROM att_closed WHERE day = '${FRI}'`), 0);
    assert.equal(num(`SELECT SUM(present) FROM att_totals WHERE day >= '${MON}' AND day <= '${THU}'`), 2);
    assert.equal(num(`SELECT SUM(late) FROM att_totals WHERE unit_id = ${district} AND day = '${TUE}'`), 1);
    assert.ok(num(`SELECT COUNT(*) FROM att_totals WHERE day = '${MON}'`) > 20, 'a row per unit and department');
    // the week's expected person-days are the kept ones
    assert.equal(num(`SELECT SUM(expected) FROM att_totals WHERE day >= '${MON}' AND day <= '${THU}'`), live[0].totals.expected);
    assert.deepEqual(await all(), live);
  });

  await t.test('a late check-in of a closed day shows at once, and is kept again', async () => {
    // Wednesday's check-in, queued on a phone without signal, arrives on Friday with its own time
    const wed = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(WED, '09:10') });
    assert.equal(wed.status, 201, wed.text);
    assert.equal(wed.body.verdict, 'verified', wed.text);
    assert.equal(num(`SELECT dirty FROM att_closed WHERE day = '${WED}'`), 1, 'Wednesday is marked');
    const now = await all();
    assert.equal(quetta(now).present, 3);
    assert.equal(quetta(now).absent, quetta(live).absent - 1);
    await closeDays();
    assert.deepEqual(await all(), now);
  });

  await t.test('a leave recorded afterwards and a posting ended from a past day show at once', async () => {
    const before = await all();
    // the deputy commissioner records Thursday as the officer's leave (approved at once)
    const leave = await dcq.c.post('/api/v1/absences', { person_id: fo.person, kind: 'leave', from: THU, to: THU, reason: 'Family matter' });
    assert.equal(leave.status, 201, leave.text);
    assert.equal(leave.body.status, 'approved');
    let now = await all();
    assert.equal(quetta(now).leave, quetta(before).leave + 1);
    assert.equal(quetta(now).absent, quetta(before).absent - 1);
    // another posting of the district ends with effect from Tuesday: it expected only Monday
    const other = srv.sql(`SELECT pg.id FROM postings pg JOIN posts p ON p.id = pg.post_id WHERE p.unit_id = ${district}`
      + ` AND pg.person_id <> ${fo.person} AND pg.person_id <> ${dcq.person} AND pg.valid_to IS NULL`
      + ` AND pg.valid_from < '${MON}' ORDER BY pg.id LIMIT 1`).trim();
    assert.ok(other, 'another posting in the district');
    const end = await cs.post(`/api/v1/postings/${other}/end`, { valid_to: TUE });
    assert.equal(end.status, 200, end.text);
    const after = await all();
    assert.equal(quetta(after).expected, quetta(now).expected - 3, 'Tuesday to Thursday no longer expected of them');
    assert.equal(quetta(after).officers, quetta(now).officers, 'still held on Monday, so still counted');
    now = after;
    await closeDays();
    assert.deepEqual(await all(), now);
  });

  await t.test('`daftar job run` runs a job once; an unknown job is an error', async () => {
    assert.match(srv.run(['job', 'run', 'attendance.close']), /ran attendance\.close/);
    assert.throws(() => srv.run(['job', 'run', 'no.such.job']), (e) => e.status !== 0 && /no job called no\.such\.job/.test(e.stderr.toString()));
  });
});

test('group commit: many devices at once, every answer durable, a re-sent burst stored once', async (t) => {
  // every fix kept (no thinning), whatever the hour
  const srv = await startServer({ set: [...LONG_SESSIONS, 'attendance.thin_s=0', 'attendance.shift_start_min=0', 'attendance.shift_end_min=1439'] });
  t.after(() => srv.stop());
  const num = (sql) => Number(srv.sql(sql).trim() || 0);
  await srv.setClock(iso(pkt(WED, '11:00')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const place = await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);
  const dev = await fo.c.post('/api/v1/devices', { label: 'Phone' });
  assert.equal(dev.status, 201, dev.text);
  const N = 300;
  const base = pkt(WED, '10:00');
  const burst = () => Promise.all(Array.from({ length: N }, async (_, i) => {
    const u = `${srv.url}/api/v1/osmand?id=${dev.body.identifier}&timestamp=${Math.floor(base / 1000) + i}&lat=${OFFICE.lat}&lon=${OFFICE.lon}&accuracy=8`;
    const r = await fetch(u, { method: i % 2 ? 'POST' : 'GET' });
    return { status: r.status, body: await r.json() };
  }));
  const leaves = () => num("SELECT COUNT(*) FROM audit_leaves WHERE event = 'attendance.checkin'");
  const before = leaves();

  const first = await burst();
  for (const a of first) {
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.kept, true);
    assert.equal(a.body.repeat, false);
    assert.equal(a.body.verdict, 'verified', JSON.stringify(a.body));
  }
  assert.equal(new Set(first.map((a) => a.body.id)).size, N, 'each its own check-in');
  assert.equal(num(`SELECT COUNT(*) FROM att_checkins WHERE person_id = ${fo.person} AND source = 'device'`), N);
  assert.equal(leaves() - before, N, 'each audited');
  assert.equal(num(`SELECT checkins FROM att_days WHERE person_id = ${fo.person} AND day = '${WED}'`), N, 'the day counts them all');

  const again = await burst();
  for (const a of again) {
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.repeat, true);
  }
  assert.deepEqual(again.map((a) => a.body.id).sort(), first.map((a) => a.body.id).sort());
  assert.equal(num(`SELECT COUNT(*) FROM att_checkins WHERE person_id = ${fo.person} AND source = 'device'`), N);

  // an unknown identifier is still refused at once, as Traccar's server does
  const bad = await fetch(`${srv.url}/api/v1/osmand?id=nobody&timestamp=${Math.floor(base / 1000)}&lat=30.2&lon=67.0`);
  assert.equal(bad.status, 400);
});

test('a day counted as its check-ins arrive is the day recomputed from them', async (t) => {
  // att_day_count adds each new check-in to the person's day; a review
  // recomputes the day from all of them (att_day_refresh).  Sent out of
  // order, with every verdict, the two must agree.
  const srv = await startServer({ set: LONG_SESSIONS });
  t.after(() => srv.stop());
  await srv.setClock(iso(pkt(THU, '12:00')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await srv.login('dc.quetta');
  const place = await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);
  const day = (d) => srv.sql(`SELECT status, COALESCE(first_ms, 0), late, checkins FROM att_days WHERE person_id = ${fo.person} AND day = '${d}'`).trim();
  const send = async (at, extra = {}) => {
    const r = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at, ...extra });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  // Wednesday: late first, then a doubtful one, then an earlier presence
  // (no longer late), then a mock one (rejected)
  assert.equal((await send(pkt(WED, '10:30'))).verdict, 'verified');
  assert.equal(day(WED), `3|${pkt(WED, '10:30')}|1|1`, 'late at 10:30');
  const doubtful = await send(pkt(WED, '11:00'), { accuracy_m: 5000 });
  assert.equal(doubtful.verdict, 'doubtful');
  assert.equal((await send(pkt(WED, '09:05'))).verdict, 'verified');
  assert.equal((await send(pkt(WED, '08:00'), { mock: true })).verdict, 'rejected');
  const counted = day(WED);
  assert.equal(counted, `3|${pkt(WED, '09:05')}|0|4`, 'the earlier presence is the first, and on time');
  // the review recomputes the day from its check-ins: nothing moves
  const rev = await dcq.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'reject', note: 'too far' });
  assert.equal(rev.status, 200, rev.text);
  assert.equal(day(WED), counted);

  // Thursday: doubtful, then rejected: the day is doubtful with no presence;
  // rejecting the doubtful one lowers it, which only a recount can do
  const d2 = await send(pkt(THU, '10:00'), { accuracy_m: 5000 });
  await send(pkt(THU, '09:00'), { mock: true });
  assert.equal(day(THU), '2|0|0|2');
  assert.equal((await dcq.post(`/api/v1/checkins/${d2.id}/review`, { decision: 'reject', note: 'no' })).status, 200);
  assert.equal(day(THU), '1|0|0|2');
});
