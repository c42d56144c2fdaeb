// attendance2.test.js - issue 5, part 2 (docs/spec-issue5-part2.md): duty
// hours of a post, leave and tours, late / absent / excused days and the
// attendance reports (JSON, CSV, XLSX, ranking), "leave" in presence,
// thinning of live device positions, the [attendance] settings, the absence
// job (thresholds per role, the supervisor up the tree, the webhook
// outbox) and the in-app inbox, as a client meets them on the demo database.
//
// Days are fixed working days of 2026 (data/holidays/pk-2026.csv: none in
// October) after the July 2026 reorganisation, so that the demo postings
// are those of today; the absence job's test moves forward from the real
// day instead, since the scheduler only runs a job once its last run lies
// in the past.  Asia/Karachi is UTC+5 all year.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const OFFICE = { lat: 30.1984, lon: 67.0097 };   // a point in Quetta
const FAR = { lat: 30.2600, lon: 67.0097 };      // 6.8 km north of it
const PANJGUR = { lat: 26.96, lon: 64.09 };      // Panjgur town (its district has a boundary all of 2026)
// The test clock jumps days: keep sessions alive across the jumps.
const LONG_SESSIONS = ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'];

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.equal(res.body.field, field, res.text);
}

// pkt - epoch ms of a wall-clock time in Asia/Karachi ("2026-10-12", "09:05").
const pkt = (day, hhmm) => Date.parse(`${day}T${hhmm}:00+05:00`);
const iso = (ms) => new Date(ms).toISOString();
// karachiDay - the calendar day (Asia/Karachi) of an instant.
const karachiDay = (ms) => new Date(ms + 5 * 3600000).toISOString().slice(0, 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitFor - poll fn until it returns a truthy value (returned), or fail after timeout.
async function waitFor(what, fn, timeout = 20000, every = 200) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(every);
  }
}

// parseCsv - RFC 4180 text to rows of strings.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// raw - a GET that keeps the body as bytes (XLSX), with the client's session.
async function raw(client, url) {
  const res = await fetch(client.base + url, { headers: client.cookie ? { Cookie: client.cookie } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// who - a signed-in demo user with their person, first post and its unit.
async function who(srv, username) {
  const c = await srv.login(username);
  const me = (await c.get('/api/v1/me')).body;
  const p = me.postings[0];
  return { c, me, person: me.person.id, name: me.person.name, posting: p.id, post: p.post.id, unit: p.post.unit.id };
}

// osmand - one device fix through the OsmAnd query protocol; returns { status, body }.
async function osmand(srv, id, ms, where, accuracy = 9) {
  const r = await fetch(`${srv.url}/api/v1/osmand?id=${id}&timestamp=${Math.floor(ms / 1000)}&lat=${where.lat}&lon=${where.lon}&accuracy=${accuracy}`, { method: 'POST' });
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* reported below */ }
  return { status: r.status, body, text };
}

test('duty hours of a post', async (t) => {
  const srv = await startServer({ set: LONG_SESSIONS });
  t.after(() => srv.stop());
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const kech = await srv.login('dc.kech');
  const url = `/api/v1/posts/${fo.post}/hours`;

  await t.test('the defaults, read by the holder', async () => {
    const res = await fo.c.get(url);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { post_id: fo.post, start: '09:00', end: '17:00', grace_min: 15, default: true });
    const bycs = await cs.get(url);
    assert.equal(bycs.status, 200, bycs.text);
    assert.deepEqual(bycs.body, res.body);
  });

  await t.test('the chief secretary sets them; bad values name the field', async () => {
    const put = await cs.put(url, { start: '08:00', end: '14:30', grace_min: 10 });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { post_id: fo.post, start: '08:00', end: '14:30', grace_min: 10, default: false });
    const got = await fo.c.get(url);
    assert.deepEqual(got.body, put.body);

    assertProblem(await cs.put(url, { start: '09:00', end: '08:00', grace_min: 15 }), 422, 'end');
    assertProblem(await cs.put(url, { start: '09:00', end: '09:00', grace_min: 15 }), 422, 'end');
    assertProblem(await cs.put(url, { start: '09:00', end: '17:00', grace_min: 241 }), 422, 'grace_min');
    assertProblem(await cs.put(url, { start: '09:00', end: '17:00', grace_min: -1 }), 422, 'grace_min');
    assertProblem(await cs.put(url, { start: '25:00', end: '26:00', grace_min: 15 }), 422, 'start');
    assertProblem(await cs.put(url, { start: '9am', end: '17:00', grace_min: 15 }), 422, 'start');
    // the limits themselves are fine
    const edge = await cs.put(url, { start: '00:00', end: '23:59', grace_min: 240 });
    assert.equal(edge.status, 200, edge.text);
    assert.equal(edge.body.grace_min, 240);
    // nothing bad was stored
    assert.deepEqual((await fo.c.get(url)).body, { post_id: fo.post, start: '00:00', end: '23:59', grace_min: 240, default: false });
  });

  await t.test('the officer may not set their own; another district is 404', async () => {
    assertProblem(await fo.c.put(url, { start: '11:00', end: '12:00', grace_min: 60 }), 403);
    assertProblem(await fo.c.del(url), 403);
    assertProblem(await kech.put(url, { start: '11:00', end: '12:00', grace_min: 60 }), 404);
    assertProblem(await kech.get(url), 404);
    assertProblem(await kech.del(url), 404);
    assertProblem(await cs.get('/api/v1/posts/999999999/hours'), 404);
    assert.equal((await fo.c.get(url)).body.start, '00:00', 'unchanged by the refused writes');
  });

  await t.test('DELETE restores the defaults', async () => {
    const del = await cs.del(url);
    assert.equal(del.status, 204, del.text);
    const res = await fo.c.get(url);
    assert.deepEqual(res.body, { post_id: fo.post, start: '09:00', end: '17:00', grace_min: 15, default: true });
  });

  await t.test('the post\'s hours decide who is late', async () => {
    await srv.setClock(iso(pkt('2026-10-14', '11:00')));   // a Wednesday
    const cs2 = await srv.login('cs');
    const fo2 = await srv.login('fo.quetta.edu');
    assert.equal((await cs2.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 })).status, 201);
    assert.equal((await cs2.put(url, { start: '10:00', end: '17:00', grace_min: 45 })).status, 200);
    const wed = await fo2.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt('2026-10-14', '10:40') });
    assert.equal(wed.body.verdict, 'verified', wed.text);
    const p1 = await cs2.get(`/api/v1/presence?unit=${fo.unit}&day=2026-10-14&limit=1000`);
    const i1 = p1.body.items.find((i) => i.person.id === fo.person);
    assert.deepEqual([i1.status, i1.late], ['verified', false], 'within 10:00 + 45 min');
    assert.equal((await cs2.del(url)).status, 204);
    await srv.setClock(iso(pkt('2026-10-15', '11:00')));
    const thu = await fo2.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt('2026-10-15', '10:40') });
    assert.equal(thu.body.verdict, 'verified', thu.text);
    const p2 = await cs2.get(`/api/v1/presence?unit=${fo.unit}&day=2026-10-15&limit=1000`);
    const i2 = p2.body.items.find((i) => i.person.id === fo.person);
    assert.deepEqual([i2.status, i2.late], ['verified', true], 'after 09:00 + 15 min');
  });
});

test('leave and tours', async (t) => {
  const srv = await startServer({ set: LONG_SESSIONS });
  t.after(() => srv.stop());
  await srv.setClock(iso(pkt('2026-10-19', '10:00')));   // a Monday
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await who(srv, 'dc.quetta');
  const kech = await who(srv, 'dc.kech');
  const place = await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);
  let leave;

  await t.test('the officer requests leave; an overlapping request is 409', async () => {
    const res = await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-26', to: '2026-10-28', reason: 'Family wedding in Loralai' });
    assert.equal(res.status, 201, res.text);
    leave = res.body;
    assert.equal(typeof leave.id, 'string');
    assert.equal(leave.person_id, fo.person);
    assert.equal(leave.person_name, fo.name);
    assert.equal(leave.kind, 'leave');
    assert.equal(leave.from, '2026-10-26');
    assert.equal(leave.to, '2026-10-28');
    assert.equal(leave.status, 'requested');
    assert.equal(leave.place, null);
    assert.equal(leave.decided_by, null);
    assert.equal(leave.decided_at, null);

    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-28', to: '2026-10-30', reason: 'Again' }), 409, 'from');
    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-20', to: '2026-11-02', reason: 'Around it' }), 409, 'from');
    // a request that only touches the day after is fine
    const next = await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-29', to: '2026-10-29', reason: 'Travel back' });
    assert.equal(next.status, 201, next.text);
    assert.equal((await fo.c.post(`/api/v1/absences/${next.body.id}/cancel`)).status, 200);

    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'holiday', from: '2026-11-02', to: '2026-11-02', reason: 'x' }), 422, 'kind');
    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-11-02', to: '2026-11-02', reason: '' }), 422, 'reason');
    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-11-02', to: '2026-11-02', reason: 'x'.repeat(501) }), 422, 'reason');
    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-11-31', to: '2026-12-01', reason: 'x' }), 422, 'from');
    const backwards = await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-11-05', to: '2026-11-02', reason: 'x' });
    assert.equal(backwards.status, 422, backwards.text);
    assert.ok(['from', 'to'].includes(backwards.body.field), backwards.text);
    const long = await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-11-02', to: '2027-11-03', reason: 'x' });
    assert.equal(long.status, 422, long.text);
    assert.ok(['from', 'to'].includes(long.body.field), long.text);

    const mine = await fo.c.get('/api/v1/absences');
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.body.items.some((a) => a.id === leave.id && a.status === 'requested'), mine.text);
    assert.ok(mine.body.items.every((a) => a.person_id === fo.person));
    // someone else's leave needs attendance.manage where they are posted
    const other = await fo.c.post('/api/v1/absences', { person_id: dcq.person, kind: 'leave', from: '2026-11-02', to: '2026-11-02', reason: 'x' });
    assert.ok([403, 404].includes(other.status), other.text);
  });

  await t.test('only a supervisor where the officer is posted decides', async () => {
    assertProblem(await kech.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'approve' }), 404);
    assertProblem(await kech.c.get(`/api/v1/absences?person=${fo.person}`), 404);
    assertProblem(await fo.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'approve' }), 403);
    assertProblem(await dcq.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'perhaps' }), 422, 'decision');
    assertProblem(await dcq.c.post('/api/v1/absences/999999999/decision', { decision: 'approve' }), 404);
    const ok = await dcq.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'approve', note: 'Approved; hand over charge to the DDEO.' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.id, leave.id);
    assert.equal(ok.body.status, 'approved');
    assert.ok(ok.body.decided_by, ok.text);
    assert.equal(typeof ok.body.decided_at, 'number', ok.text);
    assert.match(ok.body.note, /DDEO/);
    assertProblem(await dcq.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'reject' }), 409);
    // the supervisor sees it among the officer's
    const seen = await dcq.c.get(`/api/v1/absences?person=${fo.person}&status=approved`);
    assert.equal(seen.status, 200, seen.text);
    assert.deepEqual(seen.body.items.map((a) => a.id), [leave.id]);
    // an approved absence still blocks an overlapping request
    assertProblem(await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-27', to: '2026-10-27', reason: 'x' }), 409, 'from');
  });

  await t.test('cancel, reject', async () => {
    assertProblem(await kech.c.post(`/api/v1/absences/${leave.id}/cancel`), 404);
    const c = await fo.c.post(`/api/v1/absences/${leave.id}/cancel`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'cancelled');
    assertProblem(await fo.c.post(`/api/v1/absences/${leave.id}/cancel`), 409);
    assertProblem(await dcq.c.post(`/api/v1/absences/${leave.id}/decision`, { decision: 'approve' }), 409);
    // the days are free again
    const again = await fo.c.post('/api/v1/absences', { kind: 'leave', from: '2026-10-27', to: '2026-10-28', reason: 'Family wedding, shorter' });
    assert.equal(again.status, 201, again.text);
    const rej = await dcq.c.post(`/api/v1/absences/${again.body.id}/decision`, { decision: 'reject', note: 'Annual inspections that week.' });
    assert.equal(rej.status, 200, rej.text);
    assert.equal(rej.body.status, 'rejected');
    assertProblem(await fo.c.post(`/api/v1/absences/${again.body.id}/cancel`), 409);
    // newest `from` first
    const all = await dcq.c.get(`/api/v1/absences?person=${fo.person}`);
    const froms = all.body.items.map((a) => a.from);
    assert.deepEqual(froms, [...froms].sort().reverse(), all.text);
  });

  let tour;
  await t.test('a tour set by the deputy commissioner is approved at once', async () => {
    assertProblem(await kech.c.post('/api/v1/absences', { person_id: fo.person, kind: 'tour', from: '2026-10-21', to: '2026-10-21',
      reason: 'x', place: { ...FAR, radius_m: 500 } }), 404);
    const res = await dcq.c.post('/api/v1/absences', { person_id: fo.person, kind: 'tour', from: '2026-10-21', to: '2026-10-21',
      reason: 'School inspections, Kuchlak road', place: { lat: FAR.lat, lon: FAR.lon, radius_m: 500 } });
    assert.equal(res.status, 201, res.text);
    tour = res.body;
    assert.equal(tour.kind, 'tour');
    assert.equal(tour.status, 'approved');
    assert.equal(tour.person_id, fo.person);
    assert.equal(tour.place.radius_m, 500);
    assert.ok(Math.abs(tour.place.lat - FAR.lat) < 1e-9 && Math.abs(tour.place.lon - FAR.lon) < 1e-9, res.text);
    // a tour to a district: its boundary is the place (Kech's ended in February 2026; Panjgur's stands)
    const panjgur = srv.sql("SELECT unit_id FROM org_unit_versions WHERE name = 'Panjgur' AND kind = 'district' AND valid_to IS NULL").trim();
    assert.match(panjgur, /^\d+$/);
    const unitTour = await dcq.c.post('/api/v1/absences', { person_id: fo.person, kind: 'tour', from: '2026-10-23', to: '2026-10-23',
      reason: 'Coordination meeting in Panjgur', place: { unit_id: panjgur } });
    assert.equal(unitTour.status, 201, unitTour.text);
    assert.deepEqual(unitTour.body.place, { unit_id: panjgur, name: 'Panjgur' });
    assert.equal(unitTour.body.status, 'approved');
    // listed for the district, approved
    const list = await dcq.c.get(`/api/v1/absences?unit=${fo.unit}&status=approved&from=2026-10-01&to=2026-10-31`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((a) => a.id).sort(), [tour.id, unitTour.body.id].sort());
    assertProblem(await kech.c.get(`/api/v1/absences?unit=${fo.unit}`), 404);
  });

  await t.test('on a tour day check-ins are judged against the tour\'s place', async () => {
    await srv.setClock(iso(pkt('2026-10-21', '11:00')));
    const there = await fo.c.post('/api/v1/checkins', { kind: 'in', ...FAR, accuracy_m: 10, at: pkt('2026-10-21', '10:30') });
    assert.equal(there.status, 201, there.text);
    assert.equal(there.body.verdict, 'verified', there.text);
    const office = await fo.c.post('/api/v1/checkins', { kind: 'out', ...OFFICE, accuracy_m: 10, at: pkt('2026-10-21', '10:40') });
    assert.equal(office.body.verdict, 'doubtful', office.text);
    assert.ok(office.body.reasons.includes('outside'), office.text);
    // the next day the office is the duty place again
    await srv.setClock(iso(pkt('2026-10-22', '11:00')));
    const back = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt('2026-10-22', '10:30') });
    assert.equal(back.body.verdict, 'verified', back.text);
    const far = await fo.c.post('/api/v1/checkins', { kind: 'out', ...FAR, accuracy_m: 10, at: pkt('2026-10-22', '10:40') });
    assert.equal(far.body.verdict, 'doubtful', far.text);
    // a tour to Panjgur: the district of the tour is the place, and out_district uses it
    await srv.setClock(iso(pkt('2026-10-23', '11:00')));
    const there2 = await fo.c.post('/api/v1/checkins', { kind: 'in', ...PANJGUR, accuracy_m: 10, at: pkt('2026-10-23', '09:30') });
    assert.equal(there2.body.verdict, 'verified', there2.text);
    const home = await fo.c.post('/api/v1/checkins', { kind: 'out', ...OFFICE, accuracy_m: 10, at: pkt('2026-10-23', '10:40') });
    assert.equal(home.body.verdict, 'rejected', home.text);
    assert.ok(home.body.reasons.includes('out_district'), home.text);
  });
});

test('late, absent, excused days and the attendance reports', async (t) => {
  const srv = await startServer({ set: LONG_SESSIONS });
  t.after(() => srv.stop());
  // Mon 12 .. Thu 15 October 2026: present, late, absent, on leave
  const [MON, TUE, WED, THU, FRI] = ['2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16'];
  await srv.setClock(iso(pkt(MON, '09:30')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await who(srv, 'dc.quetta');
  const kech = await who(srv, 'dc.kech');
  const district = fo.unit;
  assert.equal(dcq.unit, district, 'the officer and the deputy commissioner share the district');
  const place = await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(place.status, 201, place.text);

  await t.test('the week: present, late, absent, leave', async () => {
    const wd = await cs.get(`/api/v1/calendar/working-days?from=2026-10-11&to=${THU}`);
    assert.equal(wd.body.working_days, 4, 'Monday to Thursday are working days');
    const leave = await fo.c.post('/api/v1/absences', { kind: 'leave', from: THU, to: THU, reason: 'Medical appointment' });
    assert.equal(leave.status, 201, leave.text);
    assert.equal((await dcq.c.post(`/api/v1/absences/${leave.body.id}/decision`, { decision: 'approve' })).status, 200);

    const mon = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(MON, '09:05') });
    assert.equal(mon.body.verdict, 'verified', mon.text);
    await srv.setClock(iso(pkt(TUE, '11:00')));
    const tue = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(TUE, '10:30') });
    assert.equal(tue.body.verdict, 'verified', tue.text);
    await srv.setClock(iso(pkt(WED, '11:00')));
    // a doubtful check-in is not a presence
    const wed = await fo.c.post('/api/v1/checkins', { kind: 'in', ...FAR, accuracy_m: 10, at: pkt(WED, '10:00') });
    assert.equal(wed.body.verdict, 'doubtful', wed.text);
    await srv.setClock(iso(pkt(FRI, '12:00')));
  });

  const q = (extra) => `/api/v1/reports/attendance?from=${MON}&to=${THU}&${extra}`;
  let personRow;
  await t.test('by person: expected 4, present 2, late 1, absent 1, leave 1', async () => {
    const res = await dcq.c.get(q(`by=person&unit=${district}`));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.from, MON);
    assert.equal(res.body.to, THU);
    assert.equal(res.body.by, 'person');
    assert.equal(res.body.as_of, THU);
    assert.equal(res.body.working_days, 4);
    personRow = res.body.rows.find((r) => r.post && r.post.id === fo.post);
    assert.ok(personRow, `the officer's posting is a row: ${res.text.slice(0, 2000)}`);
    assert.equal(personRow.key.id, fo.person);
    assert.equal(personRow.unit.id, district);
    assert.equal(personRow.post.designation, 'District Education Officer');
    const { expected, present, late, absent, leave, tour } = personRow;
    assert.deepEqual({ expected, present, late, absent, leave, tour }, { expected: 4, present: 2, late: 1, absent: 1, leave: 1, tour: 0 });
    assert.ok(Math.abs(personRow.rate - 2 / 3) < 1e-3, `rate ${personRow.rate}`);
    // everyone else of the district was absent every day
    for (const r of res.body.rows) {
      if (r === personRow) continue;
      assert.equal(r.present, 0, JSON.stringify(r));
    }
    assert.equal(res.body.totals.present, 2);
    assert.equal(res.body.totals.late, 1);
    assert.equal(res.body.totals.leave, 1);
    assert.equal(res.body.totals.expected, res.body.rows.reduce((s, r) => s + r.expected, 0));
  });

  await t.test('by district: Quetta\'s present are those two', async () => {
    const one = await cs.get(q(`by=district&unit=${district}`));
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.rows.length, 1, one.text);
    assert.equal(one.body.rows[0].key.id, district);
    assert.equal(one.body.rows[0].present, 2);
    assert.equal(one.body.rows[0].late, 1);
    assert.equal(one.body.rows[0].leave, 1);
    assert.equal(one.body.totals.present, 2);
    const e = one.body.rows[0].expected;
    assert.ok(e >= 4 * 10, `expected ${e}: four working days of everyone posted`);
    assert.equal(one.body.rows[0].absent, e - 2 - 1);
    assert.ok(Math.abs(one.body.rows[0].rate - 2 / (e - 1)) < 1e-3, one.text);
    // the whole province: only Quetta has anyone present
    const all = await cs.get(q('by=district'));
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.by, 'district');
    const quetta = all.body.rows.find((r) => r.key.id === district);
    assert.equal(quetta.present, 2);
    assert.equal(all.body.totals.present, 2);
    assert.ok(all.body.rows.length > 20, 'a row per district');
    assert.ok(all.body.rows.filter((r) => r.present > 0).length === 1);
    // by division and by department: the same two days, in Quetta division and in Education
    const comm = await who(srv, 'comm.quetta');
    const div = await cs.get(q('by=division'));
    assert.equal(div.status, 200, div.text);
    assert.deepEqual(div.body.rows.filter((r) => r.present > 0).map((r) => [r.key.id, r.present, r.late, r.leave]), [[comm.unit, 2, 1, 1]]);
    const dept = await cs.get(q(`by=department&unit=${district}`));
    assert.equal(dept.status, 200, dept.text);
    assert.deepEqual(dept.body.rows.filter((r) => r.present > 0).map((r) => [r.key.id, r.present]), [[fo.me.postings[0].post.department.id, 2]]);
    // department= narrows to one department
    const edu = await cs.get(q(`by=district&unit=${district}&department=${fo.me.postings[0].post.department.id}`));
    assert.equal(edu.status, 200, edu.text);
    assert.equal(edu.body.rows[0].present, 2);
    assert.ok(edu.body.rows[0].expected < one.body.rows[0].expected, 'fewer people in one department');
  });

  await t.test('CSV and XLSX', async () => {
    const csv = await dcq.c.get(q(`by=person&unit=${district}&format=csv`));
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type'), /^text\/csv; ?charset=utf-8/i);
    assert.equal(csv.headers.get('content-disposition'), `attachment; filename="attendance-${MON}-${THU}-person.csv"`);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
    const head = rows[0];
    for (const col of ['expected', 'present', 'late', 'absent', 'leave', 'tour', 'rate']) {
      assert.ok(head.includes(col), `header has ${col}: ${head}`);
    }
    const line = rows.find((r) => r.includes(fo.post) || (r.includes(fo.name) && r.includes('District Education Officer')));
    assert.ok(line, `a line for the officer:\n${csv.text.slice(0, 1500)}`);
    for (const col of ['expected', 'present', 'late', 'absent', 'leave', 'tour']) {
      assert.equal(Number(line[head.indexOf(col)]), personRow[col], `CSV ${col}`);
    }
    assert.ok(Math.abs(Number(line[head.indexOf('rate')]) - personRow.rate) < 1e-3 ||
      Math.abs(Number(line[head.indexOf('rate')].replace('%', '')) - 100 * personRow.rate) < 0.1, `CSV rate ${line[head.indexOf('rate')]}`);
    assert.equal(rows.length - 1, (await dcq.c.get(q(`by=person&unit=${district}`))).body.rows.length + (rows.some((r) => r.some((c) => /^totals?$/i.test(c))) ? 1 : 0));

    const x = await raw(dcq.c, q(`by=person&unit=${district}&format=xlsx`));
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(x.headers.get('content-disposition'), `attachment; filename="attendance-${MON}-${THU}-person.xlsx"`);
    assert.equal(x.bytes.subarray(0, 2).toString('latin1'), 'PK');
    // a workbook: the zip's entry names are stored as they are
    for (const part of ['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']) {
      assert.ok(x.bytes.includes(Buffer.from(part)), `the XLSX has ${part}`);
    }
  });

  await t.test('the monthly ranking puts Quetta first', async () => {
    const res = await cs.get('/api/v1/reports/attendance/ranking?month=2026-10&by=district');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.month, '2026-10');
    assert.equal(res.body.by, 'district');
    const items = res.body.items;
    assert.ok(items.length > 20, res.text.slice(0, 500));
    assert.equal(items[0].rank, 1);
    assert.equal(items[0].key.id, district);
    assert.ok(items[0].rate > 0, JSON.stringify(items[0]));
    assert.equal(items[0].present, 2);
    assert.equal(items[0].late, 1);
    assert.equal(items[0].leave, 1);
    for (let i = 1; i < items.length; i++) {
      assert.ok(items[i].rate === 0 || items[i].rate === null, JSON.stringify(items[i]));
      assert.ok(Number.isInteger(items[i].rank) && items[i].rank >= items[i - 1].rank && items[i].rank <= i + 1, JSON.stringify(items[i]));
      if (items[i - 1].rate === null) assert.equal(items[i].rate, null, 'null rates last');
    }
    const dept = await cs.get('/api/v1/reports/attendance/ranking?month=2026-10&by=department');
    assert.equal(dept.status, 200, dept.text);
    assert.equal(dept.body.items[0].key.id, fo.me.postings[0].post.department.id);
    assert.ok(dept.body.items[0].rate > 0);
  });

  await t.test('reach and bad parameters', async () => {
    assertProblem(await kech.c.get(q(`by=district&unit=${district}`)), 404);
    assertProblem(await kech.c.get(q(`by=person&unit=${district}&format=csv`)), 404);
    const own = await kech.c.get(q('by=district'));
    assert.equal(own.status, 200, own.text);
    assert.ok(!own.body.rows.some((r) => r.key.id === district), 'Kech does not see Quetta');
    assert.equal(own.body.totals.present, 0);
    assertProblem(await fo.c.get(q('by=district')), 403);
    const by = await cs.get(q('by=tehsil'));
    assert.ok([400, 422].includes(by.status), by.text);
    assert.equal(by.body.field, 'by');
    const fmt = await cs.get(q('format=pdf'));
    assert.ok([400, 422].includes(fmt.status), fmt.text);
    assert.equal(fmt.body.field, 'format');
    const long = await cs.get('/api/v1/reports/attendance?from=2026-01-01&to=2026-10-15');
    assert.ok([400, 422].includes(long.status), long.text);
    assert.ok(['from', 'to'].includes(long.body.field), long.text);
    const month = await cs.get('/api/v1/reports/attendance?month=2026-10&by=district');
    assert.equal(month.status, 200, month.text);
    assert.equal(month.body.from, '2026-10-01');
    assert.equal(month.body.to, '2026-10-31');
    const day = await cs.get(`/api/v1/reports/attendance?day=${TUE}&by=person&unit=${district}`);
    const r = day.body.rows.find((x) => x.post && x.post.id === fo.post);
    assert.deepEqual([r.expected, r.present, r.late], [1, 1, 1], day.text.slice(0, 1000));
    // on the leave day nobody expected the officer: no rate
    const thu = await cs.get(`/api/v1/reports/attendance?day=${THU}&by=person&unit=${district}`);
    const rt = thu.body.rows.find((x) => x.post && x.post.id === fo.post);
    assert.deepEqual([rt.expected, rt.leave, rt.absent, rt.present, rt.rate], [1, 1, 0, 0, null], thu.text.slice(0, 1000));
  });

  await t.test('presence: leave on the leave day, late on the late day', async () => {
    const thu = await dcq.c.get(`/api/v1/presence?unit=${district}&day=${THU}&limit=1000`);
    assert.equal(thu.status, 200, thu.text);
    const item = thu.body.items.find((i) => i.person.id === fo.person);
    assert.equal(item.status, 'leave', JSON.stringify(item));
    assert.equal(item.late, false);
    assert.ok(thu.body.counts.leave >= 1, JSON.stringify(thu.body.counts));
    assert.equal(thu.body.counts.tour, 0);
    const only = await dcq.c.get(`/api/v1/presence?unit=${district}&day=${THU}&status=leave&limit=1000`);
    assert.equal(only.status, 200, only.text);
    assert.equal(only.body.items.length, only.body.counts.leave);
    assert.ok(only.body.items.every((i) => i.status === 'leave'));
    assert.ok(only.body.items.some((i) => i.person.id === fo.person));
    const tue = await dcq.c.get(`/api/v1/presence?unit=${district}&day=${TUE}&limit=1000`);
    const t2 = tue.body.items.find((i) => i.person.id === fo.person);
    assert.equal(t2.status, 'verified');
    assert.equal(t2.late, true);
    assert.equal(tue.body.counts.late, 1);
    const mon = await dcq.c.get(`/api/v1/presence?unit=${district}&day=${MON}&limit=1000`);
    const m = mon.body.items.find((i) => i.person.id === fo.person);
    assert.equal(m.status, 'verified');
    assert.equal(m.late, false);
    assert.equal(mon.body.counts.late, 0);
    assertProblem(await dcq.c.get('/api/v1/presence?status=holiday'), 400, 'status');
  });

  // last on this server: the ranking as a spreadsheet
  await t.test('the ranking as CSV and XLSX', async () => {
    const csv = await cs.get('/api/v1/reports/attendance/ranking?month=2026-10&by=district&format=csv');
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type'), /^text\/csv; ?charset=utf-8/i);
    assert.match(csv.headers.get('content-disposition'), /^attachment; filename="[^"]+\.csv"$/);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
    const head = rows[0];
    assert.ok(head.includes('rank') && head.includes('present') && head.includes('rate'), `header: ${head}`);
    assert.equal(rows[1][head.indexOf('rank')], '1');
    assert.equal(Number(rows[1][head.indexOf('present')]), 2);
    const x = await raw(cs, '/api/v1/reports/attendance/ranking?month=2026-10&by=district&format=xlsx');
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(x.bytes.subarray(0, 2).toString('latin1'), 'PK');
  });
});

test('live positions are thinned and kept only in duty hours', async (t) => {
  const srv = await startServer({ set: LONG_SESSIONS });
  t.after(() => srv.stop());
  const DAY = '2026-10-14';   // a Wednesday
  await srv.setClock(iso(pkt(DAY, '11:00')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  assert.equal((await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 })).status, 201);
  const reg = await fo.c.post('/api/v1/devices', { label: 'Phone (Traccar Client)' });
  assert.equal(reg.status, 201, reg.text);
  const id = reg.body.identifier;
  const devices = () => Number(srv.sql(`SELECT COUNT(*) FROM att_checkins WHERE person_id = ${fo.person} AND source = 'device'`).trim());
  const t0 = pkt(DAY, '10:50');

  await t.test('a fix within thin_s of the last kept one is not kept', async () => {
    const a = await osmand(srv, id, t0, OFFICE);
    assert.equal(a.status, 200, a.text);
    assert.notEqual(a.body.kept, false, a.text);
    assert.equal(a.body.verdict, 'verified', a.text);
    const b = await osmand(srv, id, t0 + 60000, OFFICE);
    assert.equal(b.status, 200, b.text);
    assert.equal(b.body.kept, false, b.text);
    assert.equal(devices(), 1);
    // measured from the last kept fix (t0), not the last received (t0 + 60 s)
    const c = await osmand(srv, id, t0 + 310000, OFFICE);
    assert.equal(c.status, 200, c.text);
    assert.notEqual(c.body.kept, false, c.text);
    assert.equal(devices(), 2);
    // web check-ins are always kept
    const web = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: t0 + 320000 });
    assert.equal(web.status, 201, web.text);
    assert.equal(web.body.verdict, 'verified');
    const web2 = await fo.c.post('/api/v1/checkins', { kind: 'out', ...OFFICE, accuracy_m: 10, at: t0 + 330000 });
    assert.equal(web2.status, 201, web2.text);
    assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM att_checkins WHERE person_id = ${fo.person} AND source <> 'device'`).trim()), 2);
  });

  await t.test('outside duty hours or on a holiday nothing is kept', async () => {
    await srv.setClock(iso(pkt(DAY, '22:05')));
    const night = await osmand(srv, id, pkt(DAY, '22:00'), OFFICE);
    assert.equal(night.status, 200, night.text);
    assert.equal(night.body.kept, false, night.text);
    const early = await osmand(srv, id, pkt(DAY, '08:30'), OFFICE);
    assert.equal(early.body.kept, false, early.text);
    assert.equal(devices(), 2);
    // the post's own hours decide
    const put = await cs.put(`/api/v1/posts/${fo.post}/hours`, { start: '09:00', end: '23:00', grace_min: 15 });
    assert.equal(put.status, 200, put.text);
    const late = await osmand(srv, id, pkt(DAY, '22:02'), OFFICE);
    assert.equal(late.status, 200, late.text);
    assert.notEqual(late.body.kept, false, late.text);
    assert.equal(devices(), 3);
    // Saturday
    await srv.setClock(iso(pkt('2026-10-17', '11:00')));
    const sat = await osmand(srv, id, pkt('2026-10-17', '10:55'), OFFICE);
    assert.equal(sat.body.kept, false, sat.text);
    assert.equal(devices(), 3);
  });
});

test('the absence job alerts the supervisor through the inbox', async (t) => {
  // alerts also go to a webhook (an SMS gateway) through the outbox; nobody listens there
  const HOOK = 'http://127.0.0.1:9/sms';
  const srv = await startServer({ set: ['attendance.absence_s=1', `attendance.alert_webhook=${HOOK}`, ...LONG_SESSIONS] });
  t.after(() => srv.stop());
  // five working days after today: D[0] present, D[1..3] missed, D[4] alerted
  const today = karachiDay(await srv.clockMs());
  const D = [];
  for (let k = 1; k <= 5; k++) {
    const r = await srv.client().get(`/api/v1/calendar/working-days?from=${today}&add=${k}`);
    assert.equal(r.status, 200, r.text);
    D.push(r.body.date);
  }
  const lastRun = () => Number(srv.sql("SELECT COALESCE(MAX(last_run_at), 0) FROM job_leases WHERE name = 'attendance.absence'").trim() || 0);
  // goTo - move the clock to 10:05 Karachi on day and wait for the job to run there
  async function goTo(day) {
    const at = pkt(day, '10:05');
    await srv.setClock(iso(at));
    await waitFor(`the absence job to run on ${day} (jobs: ${srv.sql('SELECT name, last_run_at FROM job_leases').trim().replace(/\n/g, ', ')})`,
      () => lastRun() >= at);
  }
  await srv.setClock(iso(pkt(D[0], '10:05')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await who(srv, 'dc.quetta');
  const kech = await who(srv, 'dc.kech');
  const district = fo.unit;
  assert.equal((await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 })).status, 201);
  const hooked = () => Number(srv.sql(`SELECT COUNT(*) FROM outbox WHERE target = '${HOOK}' AND payload LIKE '%${fo.person}%'`).trim());
  const listed = async (c, extra = '') => {
    const r = await c.get(`/api/v1/absentees?limit=500${extra}`);
    assert.equal(r.status, 200, r.text);
    return { all: r.body, item: r.body.items.find((i) => i.person.id === fo.person) };
  };

  await t.test('present on the first day, then three working days missed', async () => {
    const ci = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(D[0], '10:00') });
    assert.equal(ci.body.verdict, 'verified', ci.text);
    await goTo(D[0]);
    for (const day of [D[1], D[2], D[3]]) await goTo(day);
    // two days missed: not yet at the alert level
    assert.equal((await listed(cs, `&unit=${district}`)).item, undefined);
    await goTo(D[4]);
    const { all, item } = await listed(cs, `&unit=${district}`);
    assert.ok(item, `the officer is listed: ${JSON.stringify(all).slice(0, 1500)}`);
    assert.equal(item.days_missed, 3, JSON.stringify(item));
    assert.equal(item.level, 'alert');
    assert.ok([D[0], D[1]].includes(item.since), `since ${item.since}`);
    assert.equal(item.post.id, fo.post);
    assert.equal(item.unit.id, district);
    assert.ok(item.supervisor, JSON.stringify(item));
    assert.equal(item.supervisor.person_id, dcq.person, JSON.stringify(item.supervisor));
    assert.equal(item.supervisor.designation, 'Deputy Commissioner');
    assert.equal(typeof item.alerted_at, 'number', JSON.stringify(item));
    const days = all.items.map((i) => i.days_missed);
    assert.deepEqual(days, [...days].sort((a, b) => b - a), 'most days first');
    assert.equal((await listed(cs, `&unit=${district}&level=action`)).item, undefined);
    assert.ok((await listed(cs, `&unit=${district}&level=alert`)).item);
    assert.ok((await listed(dcq.c)).item, 'the supervisor sees it');
    const audited = Number(srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event = 'attendance.absence.alert'`).trim());
    assert.ok(audited >= 1, `audited ${audited}`);
    assert.equal(hooked(), 1, 'one webhook message for the officer in the outbox');
  });

  await t.test('another district neither sees nor reaches it', async () => {
    assert.equal((await listed(kech.c)).item, undefined);
    assertProblem(await kech.c.get(`/api/v1/absentees?unit=${district}`), 404);
    assertProblem(await fo.c.get('/api/v1/absentees'), 403);
  });

  let msg;
  // inboxFind - the caller's messages about the officer (every page, newest first).
  const inboxFind = async (c, extra = '') => {
    let body = null, items = [];
    for (let before = '', pages = 0; pages < 50; pages++) {
      const r = await c.get(`/api/v1/inbox?limit=100${extra}${before}`);
      assert.equal(r.status, 200, r.text);
      body = body || r.body;
      items = items.concat(r.body.items);
      if (r.body.items.length < 100) break;
      before = `&before=${r.body.items[r.body.items.length - 1].id}`;
    }
    return { body, mine: items.filter((m) => m.kind === 'attendance.absence' && m.data && m.data.person_id === fo.person) };
  };
  await t.test('the supervisor\'s inbox has one unread message', async () => {
    const { body, mine } = await inboxFind(dcq.c);
    assert.equal(mine.length, 1, JSON.stringify(body).slice(0, 2000));
    msg = mine[0];
    assert.equal(msg.read_at, null);
    assert.equal(msg.link, '/absentees');
    assert.equal(msg.data.level, 'alert');
    assert.equal(msg.data.days, 3);
    assert.equal(msg.data.name, fo.name);
    assert.equal(typeof msg.text, 'string');
    assert.ok(msg.text.length > 0);
    assert.ok(body.unread >= 1);
    const unread = await inboxFind(dcq.c, '&unread=1');
    assert.equal(unread.mine.length, 1);
    assert.ok(unread.body.items.every((m) => m.read_at === null));
    // the officer's own inbox has nothing about themselves
    assert.equal((await inboxFind(fo.c)).mine.length, 0);

    // someone else's message is 404
    assertProblem(await fo.c.post(`/api/v1/inbox/${msg.id}/read`), 404);
    assertProblem(await kech.c.post(`/api/v1/inbox/${msg.id}/read`), 404);
    assertProblem(await dcq.c.post('/api/v1/inbox/999999999/read'), 404);
    const read = await dcq.c.post(`/api/v1/inbox/${msg.id}/read`);
    assert.equal(read.status, 204, read.text);
    const after = await inboxFind(dcq.c);
    assert.equal(after.body.unread, body.unread - 1);
    assert.equal(typeof after.mine[0].read_at, 'number');
    assert.equal((await inboxFind(dcq.c, '&unread=1')).mine.length, 0);
  });

  await t.test('once per spell; a verified check-in ends it', async () => {
    // the job runs again (every second): no second message for the same spell
    const before = lastRun();
    await srv.advanceClock(60);
    await waitFor('another run of the absence job', () => lastRun() > before);
    assert.equal((await inboxFind(dcq.c)).mine.length, 1);
    assert.equal(hooked(), 1);
    const ci = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: (await srv.clockMs()) - 60000 });
    assert.equal(ci.body.verdict, 'verified', ci.text);
    await waitFor('the officer to leave the absentees', async () => !(await listed(cs, `&unit=${district}`)).item);
  });
});

test('the thresholds are settings', async (t) => {
  const srv = await startServer({ set: [...LONG_SESSIONS, 'attendance.thin_s=0', 'attendance.max_accuracy_m=20',
    'attendance.max_age_h=24', 'attendance.future_skew_s=60', 'attendance.shift_start_min=600',
    'attendance.shift_end_min=960', 'attendance.grace_min=0'] });
  t.after(() => srv.stop());
  const DAY = '2026-10-14';   // a Wednesday
  await srv.setClock(iso(pkt(DAY, '12:00')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  assert.equal((await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 })).status, 201);

  await t.test('default duty hours and grace', async () => {
    const res = await fo.c.get(`/api/v1/posts/${fo.post}/hours`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { post_id: fo.post, start: '10:00', end: '16:00', grace_min: 0, default: true });
  });

  await t.test('accuracy, age and clock skew', async () => {
    const rough = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 30, at: pkt(DAY, '09:55') });
    assert.equal(rough.body.verdict, 'doubtful', rough.text);
    assert.deepEqual(rough.body.reasons, ['accuracy']);
    const fine = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 15, at: pkt(DAY, '10:05') });
    assert.equal(fine.body.verdict, 'verified', fine.text);
    const old = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(DAY, '12:00') - 25 * 3600000 });
    assert.equal(old.body.verdict, 'rejected', old.text);
    assert.ok(old.body.reasons.includes('too_old'), old.text);
    const ahead = await fo.c.post('/api/v1/checkins', { kind: 'out', ...OFFICE, accuracy_m: 10, at: pkt(DAY, '12:02') });
    assert.equal(ahead.body.verdict, 'rejected', ahead.text);
    assert.ok(ahead.body.reasons.includes('future'), ahead.text);
    // 10:05 is after 10:00 + 0 minutes of grace
    const p = await cs.get(`/api/v1/presence?unit=${fo.unit}&day=${DAY}&limit=1000`);
    const me = p.body.items.find((i) => i.person.id === fo.person);
    assert.deepEqual([me.status, me.late], ['verified', true]);
  });

  await t.test('thin_s=0 keeps every fix in duty hours', async () => {
    const reg = await fo.c.post('/api/v1/devices', { label: 'Phone' });
    assert.equal(reg.status, 201, reg.text);
    const id = reg.body.identifier;
    for (const hhmm of ['11:00', '11:01', '11:02']) {
      const r = await osmand(srv, id, Date.parse(`${DAY}T${hhmm}:00+05:00`), OFFICE);
      assert.equal(r.status, 200, r.text);
      assert.notEqual(r.body.kept, false, r.text);
    }
    await srv.setClock(iso(pkt(DAY, '16:35')));
    const after = await osmand(srv, id, pkt(DAY, '16:30'), OFFICE);
    assert.equal(after.body.kept, false, after.text);
    assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM att_checkins WHERE person_id = ${fo.person} AND source = 'device'`).trim()), 3);
  });
});

test('absence thresholds per role and the chain of supervisors', async (t) => {
  const srv = await startServer({ set: ['attendance.absence_s=1', ...LONG_SESSIONS,
    'attendance.absence_days=field_officer:1:2,head_teacher:1:2,deputy_commissioner:1:2,*:30:60'] });
  t.after(() => srv.stop());
  const today = karachiDay(await srv.clockMs());
  const D = [];
  for (let k = 1; k <= 4; k++) D.push((await srv.client().get(`/api/v1/calendar/working-days?from=${today}&add=${k}`)).body.date);
  const lastRun = () => Number(srv.sql("SELECT COALESCE(MAX(last_run_at), 0) FROM job_leases WHERE name = 'attendance.absence'").trim() || 0);
  async function goTo(day) {
    const at = pkt(day, '10:05');
    await srv.setClock(iso(at));
    await waitFor(`the absence job to run on ${day}`, () => lastRun() >= at);
  }
  await srv.setClock(iso(pkt(D[0], '10:05')));
  const cs = await srv.login('cs');
  const fo = await who(srv, 'fo.quetta.edu');
  const dcq = await who(srv, 'dc.quetta');
  const ac = await who(srv, 'ac.quetta');
  const ht = await who(srv, 'ht.quetta');
  const comm = await who(srv, 'comm.quetta');
  assert.equal((await cs.post(`/api/v1/postings/${fo.posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 })).status, 201);
  const ci = await fo.c.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10, at: pkt(D[0], '10:00') });
  assert.equal(ci.body.verdict, 'verified', ci.text);
  const absentees = async (extra = '') => {
    const r = await cs.get(`/api/v1/absentees?unit=${fo.unit}&limit=1000${extra}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };
  const about = (items, who_) => items.find((i) => i.person.id === who_.person);

  await t.test('one day missed: an alert; two: an action', async () => {
    await goTo(D[0]);
    await goTo(D[1]);
    assert.equal(about(await absentees(), fo), undefined, 'nothing missed yet');
    await goTo(D[2]);
    const a = about(await absentees(), fo);
    assert.ok(a, 'listed after one missed day');
    assert.deepEqual([a.days_missed, a.level], [1, 'alert']);
    await goTo(D[3]);
    const items = await absentees();
    const b = about(items, fo);
    assert.equal(items.filter((i) => i.person.id === fo.person).length, 1, JSON.stringify(items.filter((i) => i.person.id === fo.person)));
    assert.deepEqual([b.days_missed, b.level], [2, 'action'], JSON.stringify(b));
    assert.equal(about(await absentees('&level=alert'), fo), undefined);
    assert.ok(about(await absentees('&level=action'), fo));
    // both went to the supervisor, once each
    const inbox = await dcq.c.get('/api/v1/inbox?limit=200');
    const mine = inbox.body.items.filter((m) => m.kind === 'attendance.absence' && m.data.person_id === fo.person);
    assert.deepEqual(mine.map((m) => m.data.level), ['action', 'alert'], JSON.stringify(mine));
    assert.deepEqual(mine.map((m) => m.data.days), [2, 1]);
  });

  await t.test('each role its own threshold, each person their own supervisor', async () => {
    const items = await absentees();
    // assistant commissioners use `*` (30 days): not yet
    assert.equal(about(items, ac), undefined, 'the assistant commissioner is not yet due');
    // a head teacher in a tehsil answers to that tehsil's assistant commissioner
    const h = about(items, ht);
    assert.ok(h, 'the head teacher is listed');
    assert.equal(h.supervisor.person_id, ac.person, JSON.stringify(h));
    assert.equal(h.supervisor.designation, 'Assistant Commissioner');
    // the deputy commissioner answers to the commissioner of the division
    const d = about(items, dcq);
    assert.ok(d, 'the deputy commissioner is listed');
    assert.equal(d.supervisor.person_id, comm.person, JSON.stringify(d));
    const acInbox = await ac.c.get('/api/v1/inbox?limit=200');
    assert.ok(acInbox.body.items.some((m) => m.kind === 'attendance.absence' && m.data.person_id === ht.person), acInbox.text.slice(0, 1000));
    assert.ok(!acInbox.body.items.some((m) => m.data && m.data.person_id === fo.person), 'not the officer\'s supervisor');
    const commInbox = await comm.c.get('/api/v1/inbox?limit=200');
    assert.ok(commInbox.body.items.some((m) => m.kind === 'attendance.absence' && m.data.person_id === dcq.person));
  });
});
