// attendance.test.js - check-ins judged against duty places, from the web
// app and from tracking apps speaking the OsmAnd protocol (Traccar Client),
// as a client meets them on the demo database.
//
// A field officer of Quetta gets a circle duty place from the Chief
// Secretary; check-ins inside are verified, outside doubtful with the
// reason, simulated ones rejected; a batch sent twice is stored once; a
// device registered by the officer reports through the OsmAnd query, form
// and JSON variants; an unknown or revoked identifier gets 400; the deputy
// commissioner of Quetta cannot see Kech's attendance.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const OFFICE = { lat: 30.1984, lon: 67.0097 };   // a point in Quetta
const FAR = { lat: 30.2600, lon: 67.0097 };      // 6.8 km north of it

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.equal(res.body.field, field, res.text);
}

test('attendance', async (t) => {
  // device fixes are kept only in duty hours (09:00-17:00 on working days)
  // and at most one per attendance.thin_s: a Wednesday morning, 30 s
  const srv = await startServer({ set: ['attendance.thin_s=30'] });
  t.after(() => srv.stop());
  await srv.setClock('2026-11-18T05:00:00Z');
  const cs = await srv.login('cs');
  const fo = await srv.login('fo.quetta.edu');
  const me = (await fo.get('/api/v1/me')).body;
  const person = me.person.id;
  const posting = me.postings[0].id;
  const now = await srv.clockMs();
  const count = (where) => Number(srv.sql(`SELECT COUNT(*) FROM att_checkins WHERE ${where}`).trim());

  await t.test('a duty place: a circle around the office', async () => {
    const bad = await cs.post(`/api/v1/postings/${posting}/places`, { name: 'Office', kind: 'circle', lat: 95, lon: 67, radius_m: 150 });
    assertProblem(bad, 422, 'lat');
    const poly = await cs.post(`/api/v1/postings/${posting}/places`, { name: 'Bow tie', kind: 'polygon',
      geometry: { type: 'Polygon', coordinates: [[[67, 30], [67.1, 30.1], [67.1, 30], [67, 30.1], [67, 30]]] } });
    assertProblem(poly, 422, 'geometry');
    const res = await cs.post(`/api/v1/postings/${posting}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.kind, 'circle');
    const list = await fo.get(`/api/v1/postings/${posting}/places`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, 1);
    // an officer cannot set their own duty places
    assertProblem(await fo.post(`/api/v1/postings/${posting}/places`, { name: 'Home', kind: 'circle', ...FAR, radius_m: 100 }), 403);
  });

  await t.test('web check-ins: verified inside, doubtful outside, rejected when simulated', async () => {
    const inside = await fo.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 12, at: now - 60000 });
    assert.equal(inside.status, 201, inside.text);
    assert.equal(inside.body.verdict, 'verified', inside.text);
    assert.deepEqual(inside.body.reasons, []);
    assert.ok(inside.body.place_id);

    const edge = await fo.post('/api/v1/checkins', { kind: 'out', lat: OFFICE.lat + 0.0016, lon: OFFICE.lon, accuracy_m: 60, at: now - 30000 });
    assert.equal(edge.status, 201, edge.text);
    assert.equal(edge.body.verdict, 'doubtful');
    assert.deepEqual(edge.body.reasons, ['edge']);

    const far = await fo.post('/api/v1/checkins', { kind: 'in', ...FAR, accuracy_m: 10, at: now - 20000 });
    assert.equal(far.body.verdict, 'doubtful', far.text);
    assert.ok(far.body.reasons.includes('outside'), far.text);

    const mock = await fo.post('/api/v1/checkins', { kind: 'out', ...OFFICE, accuracy_m: 5, at: now - 10000, mock: true });
    assert.equal(mock.body.verdict, 'rejected', mock.text);
    assert.ok(mock.body.reasons.includes('mock'));

    const future = await fo.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 5, at: now + 3600000 });
    assert.equal(future.body.verdict, 'rejected');
    assert.ok(future.body.reasons.includes('future'));

    assertProblem(await fo.post('/api/v1/checkins', { kind: 'lunch', ...OFFICE }), 422, 'kind');
    assertProblem(await fo.post('/api/v1/checkins', { kind: 'in', lat: 30, lon: 200 }), 422, 'lon');
    assertProblem(await fo.post('/api/v1/checkins', { kind: 'in', lat: 'x', lon: 67 }), 422, 'lat');
    const day = await fo.get('/api/v1/checkins');
    assert.equal(day.status, 200, day.text);
    assert.ok(day.body.items.length >= 4);
  });

  await t.test('an offline batch sent twice is stored once', async () => {
    const items = [0, 1, 2].map((i) => ({ kind: i % 2 ? 'out' : 'in', ...OFFICE, accuracy_m: 8, at: now - 86400000 + i * 3600000 }));
    const first = await fo.post('/api/v1/checkins', { items });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.stored, 3);
    const again = await fo.post('/api/v1/checkins', { items });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.stored, 0);
    assert.equal(again.body.repeats, 3);
    assert.deepEqual(again.body.items.map((c) => c.id), first.body.items.map((c) => c.id));
    assert.equal(count(`person_id = ${person} AND at_ms IN (${items.map((i) => i.at).join(',')})`), 3);
    // a bad item refuses the whole batch and names it
    const bad = await fo.post('/api/v1/checkins', { items: [items[0], { kind: 'in', lat: 91, lon: 67 }] });
    assertProblem(bad, 422, 'items[1].lat');
    assertProblem(await fo.post('/api/v1/checkins', { items: [] }), 422, 'items');
  });

  await t.test('a tracking app reports through the OsmAnd protocol', async () => {
    const reg = await fo.post('/api/v1/devices', { label: 'Phone (Traccar Client)' });
    assert.equal(reg.status, 201, reg.text);
    const id = reg.body.identifier;
    assert.match(id, /^[A-Z2-7]{52}$/);
    assert.equal(reg.body.person_id, person);
    const listed = await fo.get('/api/v1/devices');
    assert.equal(listed.body.items.length, 1);
    assert.ok(!listed.text.includes(id), 'the identifier is shown once only');

    const sec = Math.floor(now / 1000) - 300;
    // 1. the query string, as Traccar Client sends it (POST with no body)
    const q = await fetch(`${srv.url}/api/v1/osmand?id=${id}&timestamp=${sec}&lat=${OFFICE.lat}&lon=${OFFICE.lon}&speed=0.0&bearing=0.0&altitude=1680.0&accuracy=9.0&batt=87.0`, { method: 'POST' });
    assert.equal(q.status, 200, await q.text());
    // the same report again: nothing new
    const q2 = await fetch(`${srv.url}/api/v1/osmand?id=${id}&timestamp=${sec}&lat=${OFFICE.lat}&lon=${OFFICE.lon}`);
    assert.equal(q2.status, 200);
    assert.equal((await q2.json()).repeat, true);
    // 2. a form body
    const f = await fetch(`${srv.url}/api/v1/osmand`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `id=${id}&timestamp=${(sec + 60) * 1000}&lat=${FAR.lat}&lon=${FAR.lon}&accuracy=15`,
    });
    const fb = await f.json();
    assert.equal(f.status, 200, JSON.stringify(fb));
    assert.equal(fb.verdict, 'doubtful');
    // 3. JSON, the newer Traccar Client
    const j = await fetch(`${srv.url}/api/v1/osmand`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ device_id: id, location: { timestamp: new Date((sec + 120) * 1000).toISOString(), coords: { latitude: OFFICE.lat, longitude: OFFICE.lon, accuracy: 7, speed: 0, heading: 0, altitude: 1680 }, battery: { level: 0.8 } } }),
    });
    const jb = await j.json();
    assert.equal(j.status, 200, JSON.stringify(jb));
    assert.equal(count(`person_id = ${person} AND source = 'device'`), 3);
    const batt = srv.sql(`SELECT batt FROM att_checkins WHERE person_id = ${person} AND source = 'device' AND at_ms = ${(sec + 120) * 1000}`).trim();
    assert.equal(batt, '80');

    // unknown identifiers and bad reports: 400, as Traccar's server answers
    const unknown = await fetch(`${srv.url}/api/v1/osmand?id=NOPE&lat=30&lon=67`);
    assert.equal(unknown.status, 400);
    assert.equal((await unknown.json()).field, 'id');
    const noLat = await fetch(`${srv.url}/api/v1/osmand?id=${id}&lon=67`);
    assert.equal(noLat.status, 400);
    // revoked: no more reports
    const del = await fo.del(`/api/v1/devices/${reg.body.id}`);
    assert.equal(del.status, 204, del.text);
    const after = await fetch(`${srv.url}/api/v1/osmand?id=${id}&lat=30.2&lon=67`);
    assert.equal(after.status, 400);
  });

  await t.test('jurisdiction: Quetta\'s deputy commissioner cannot see Kech', async () => {
    const kech = await srv.login('dc.kech');
    const kme = (await kech.get('/api/v1/me')).body;
    const c = await kech.post('/api/v1/checkins', { kind: 'in', lat: 26.0, lon: 63.05, accuracy_m: 10 });
    assert.equal(c.status, 201, c.text);
    const dcq = await srv.login('dc.quetta');
    assertProblem(await dcq.get(`/api/v1/checkins?person=${kme.person.id}`), 404);
    assertProblem(await dcq.post('/api/v1/devices', { person_id: kme.person.id, label: 'x' }), 404);
    const own = await dcq.get(`/api/v1/checkins?person=${person}`);
    assert.equal(own.status, 200, own.text);
    const seen = await cs.get(`/api/v1/checkins?person=${kme.person.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.items.length, 1);
    // the officer may not read someone else's
    assertProblem(await fo.get(`/api/v1/checkins?person=${kme.person.id}`), 404);
  });

  await t.test('every check-in is audited', async () => {
    const n = Number(srv.sql("SELECT COUNT(*) FROM audit_leaves WHERE event = 'attendance.checkin'").trim());
    assert.equal(n, count('1 = 1'));
  });
});

test('presence now', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const cs = await srv.login('cs');
  const dcq = await srv.login('dc.quetta');
  const fo = await srv.login('fo.quetta.edu');
  const dme = (await dcq.get('/api/v1/me')).body;
  const fme = (await fo.get('/api/v1/me')).body;
  const district = dme.postings[0].post.unit.id ?? dme.postings[0].post.unit_id;
  await cs.post(`/api/v1/postings/${fme.postings[0].id}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });

  await t.test('a deputy commissioner sees their district, absent until checked in', async () => {
    const before = await dcq.get(`/api/v1/presence?unit=${district}&limit=1000`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.unit.id, district);
    assert.equal(before.body.unit.kind, 'district');
    const c = before.body.counts;
    assert.ok(c.on_duty > 10, before.text);
    assert.equal(c.on_duty, c.verified + c.doubtful + c.rejected + c.absent);
    const mine = before.body.items.find((i) => i.person.id === fme.person.id);
    assert.ok(mine, 'the field officer is listed');
    assert.equal(mine.status, 'absent');

    const ci = await fo.post('/api/v1/checkins', { kind: 'in', ...OFFICE, accuracy_m: 10 });
    assert.equal(ci.body.verdict, 'verified', ci.text);
    const after = await dcq.get(`/api/v1/presence?unit=${district}&limit=1000`);
    const now = after.body.items.find((i) => i.person.id === fme.person.id);
    assert.equal(now.status, 'verified');
    assert.equal(now.last.id, ci.body.id);
    assert.equal(after.body.counts.verified, c.verified + 1);
    assert.equal(after.body.counts.absent, c.absent - 1);
    assert.ok(after.body.positions.some((p) => p.person_id === fme.person.id && Math.abs(p.lat - OFFICE.lat) < 1e-9));
    // doubtful first: they need the supervisor
    const far = await fo.post('/api/v1/checkins', { kind: 'out', ...FAR, accuracy_m: 10 });
    assert.equal(far.body.verdict, 'doubtful');
    const again = await dcq.get(`/api/v1/presence?unit=${district}&limit=1000`);
    assert.equal(again.body.items.find((i) => i.person.id === fme.person.id).status, 'verified', 'the best of the day stands');
    const onlyVerified = await dcq.get(`/api/v1/presence?unit=${district}&status=verified&limit=1000`);
    assert.equal(onlyVerified.body.items.length, onlyVerified.body.counts.verified);
    assert.ok(onlyVerified.body.items.every((i) => i.status === 'verified'));
    assert.equal(onlyVerified.body.counts.on_duty, after.body.counts.on_duty, 'counts are of everyone');
    assertProblem(await dcq.get(`/api/v1/presence?status=late`), 400, 'status');
    const limited = await dcq.get(`/api/v1/presence?unit=${district}&limit=5`);
    assert.equal(limited.body.items.length, 5);
    assert.equal(limited.body.more, true);
  });

  await t.test('reach: other districts are 404, officers without attendance.read 403', async () => {
    const kme = (await (await srv.login('dc.kech')).get('/api/v1/me')).body;
    const kech = kme.postings[0].post.unit.id ?? kme.postings[0].post.unit_id;
    assertProblem(await dcq.get(`/api/v1/presence?unit=${kech}`), 404);
    assertProblem(await fo.get('/api/v1/presence'), 403);
    assertProblem(await dcq.get('/api/v1/presence?limit=0'), 400, 'limit');
    assertProblem(await dcq.get('/api/v1/presence?day=2026-13-01'), 400, 'day');
    // without a unit: everything the caller reaches
    const all = await cs.get('/api/v1/presence?limit=1');
    assert.equal(all.status, 200, all.text);
    const dist = await dcq.get('/api/v1/presence?limit=1');
    assert.ok(all.body.counts.on_duty > dist.body.counts.on_duty);
    assert.equal(all.body.unit, null);
  });
});

test('supervisors review doubtful check-ins', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const dcq = await srv.login('dc.quetta');
  const fo = await srv.login('fo.quetta.edu');
  const kech = await srv.login('dc.kech');
  const doubtful = (await fo.post('/api/v1/checkins', { kind: 'in', ...FAR, accuracy_m: 10 })).body;
  assert.equal(doubtful.verdict, 'doubtful');
  assert.equal(doubtful.status, 'doubtful');
  assert.equal(doubtful.review, null);
  const mock = (await fo.post('/api/v1/checkins', { kind: 'out', ...FAR, accuracy_m: 10, mock: true })).body;
  assert.equal(mock.verdict, 'rejected');

  assertProblem(await fo.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'accept' }), 403);
  assertProblem(await kech.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'accept' }), 404);
  assertProblem(await dcq.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'maybe' }), 422, 'decision');
  assertProblem(await dcq.post(`/api/v1/checkins/${mock.id}/review`, { decision: 'accept' }), 409);
  assertProblem(await dcq.post('/api/v1/checkins/999999/review', { decision: 'accept' }), 404);
  const ok = await dcq.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'accept', note: 'On a school inspection; the tour order is on file.' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.verdict, 'doubtful', 'the verdict and its reasons are kept');
  assert.equal(ok.body.status, 'verified');
  assert.equal(ok.body.review.decision, 'accepted');
  assert.match(ok.body.review.note, /inspection/);
  assertProblem(await dcq.post(`/api/v1/checkins/${doubtful.id}/review`, { decision: 'reject' }), 409);
  const audited = srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event = 'attendance.checkin.review' AND object_id = ${doubtful.id}`).trim();
  assert.equal(audited, '1');
  // presence counts the accepted check-in as verified
  const fme = (await fo.get('/api/v1/me')).body;
  const p = await dcq.get('/api/v1/presence?limit=1000');
  assert.equal(p.body.items.find((i) => i.person.id === fme.person.id).status, 'verified');
});
