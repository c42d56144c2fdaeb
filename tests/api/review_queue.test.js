// review_queue.test.js - the queue of check-ins waiting for a supervisor's
// review (GET /api/v1/checkins/pending, src/attendance/review.c), as a
// client meets it on the demo database.
//
// Quetta's field officer (education) checks in far from the duty place and
// with a poor fix (doubtful) and inside it (verified).  Quetta's deputy
// commissioner sees the doubtful ones with their evidence, who and where;
// Kech's does not, and asking for Quetta's unit is 404 for them.  The
// commissioner of the division and the Chief Secretary see them; the
// secretary of education does, of health does not (a department's reach);
// nobody sees their own.  Accepting one takes it off the queue and the count
// drops; paging with limit / before returns each once; a tehsil's unit
// narrows the list; bad inputs are 400 naming the field; a caller without
// attendance.manage is 403.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const OFFICE = { lat: 30.1984, lon: 67.0097 };   // a point in Quetta
const FAR = { lat: 30.2600, lon: 67.0097 };      // 6.8 km north of it
const PENDING = '/api/v1/checkins/pending';

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.equal(res.body.field, field, res.text);
}

// unitOf - the unit id of a user's first posting (GET /api/v1/me).
const unitOf = (me) => me.postings[0].post.unit.id ?? me.postings[0].post.unit_id;

// queue - GET the queue as client c with query q; asserts 200.
async function queue(c, q = '') {
  const res = await c.get(`${PENDING}${q}`);
  assert.equal(res.status, 200, res.text);
  assert.ok(Array.isArray(res.body.items), res.text);
  assert.equal(typeof res.body.count, 'number');
  assert.equal(typeof res.body.more, 'boolean');
  return res.body;
}

// all - every item of the queue, page by page (limit n), checking the cursor.
async function all(c, q, n) {
  const seen = [];
  let before = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = q ? '&' : '?';
    const b = await queue(c, `${q}${sep}limit=${n}${before ? `&before=${before}` : ''}`);
    assert.ok(b.items.length <= n);
    seen.push(...b.items);
    if (!b.more) {
      assert.equal(b.next_before, null);
      return { items: seen, count: b.count };
    }
    assert.equal(b.items.length, n, 'a page with more after it is full');
    assert.equal(b.next_before, b.items[b.items.length - 1].id);
    before = b.next_before;
  }
  assert.fail('more than 100 pages');
}

test('the review queue', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  // a Wednesday morning in Quetta (10:00, Asia/Karachi)
  await srv.setClock('2026-11-18T05:00:00Z');
  const now = await srv.clockMs();
  const day = '2026-11-18';
  const [cs, dcq, dck, fo, comm, secEdu, secHealth, ht, ac] = await Promise.all(
    ['cs', 'dc.quetta', 'dc.kech', 'fo.quetta.edu', 'comm.quetta', 'sec.edu', 'sec.health', 'ht.quetta', 'ac.quetta']
      .map((u) => srv.login(u)));
  const fme = (await fo.get('/api/v1/me')).body;
  const dme = (await dcq.get('/api/v1/me')).body;
  const kme = (await dck.get('/api/v1/me')).body;
  const hme = (await ht.get('/api/v1/me')).body;
  const quetta = unitOf(dme);
  const kech = unitOf(kme);
  const tehsil = unitOf(hme);
  const base = (await queue(cs)).count; // the demo holds no check-ins; counted anyway
  const res = await cs.post(`/api/v1/postings/${fme.postings[0].id}/places`, { name: 'Office', kind: 'circle', ...OFFICE, radius_m: 150 });
  assert.equal(res.status, 201, res.text);

  const checkin = async (c, body) => {
    const r = await c.post('/api/v1/checkins', body);
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const far = await checkin(fo, { kind: 'in', ...FAR, accuracy_m: 10, at: now - 3600000 });
  assert.equal(far.verdict, 'doubtful', JSON.stringify(far));
  assert.ok(far.reasons.includes('outside'));
  const vague = await checkin(fo, { kind: 'out', ...OFFICE, accuracy_m: 450, at: now - 1800000 });
  assert.equal(vague.verdict, 'doubtful', JSON.stringify(vague));
  assert.ok(vague.reasons.includes('accuracy'));
  const verified = await checkin(fo, { kind: 'in', ...OFFICE, accuracy_m: 8, at: now - 600000 });
  assert.equal(verified.verdict, 'verified', JSON.stringify(verified));
  const rejected = await checkin(fo, { kind: 'out', ...OFFICE, accuracy_m: 8, at: now - 300000, mock: true });
  assert.equal(rejected.verdict, 'rejected');
  // the head teacher (a tehsil of Quetta, education) has no duty place: doubtful
  const teacher = await checkin(ht, { kind: 'in', ...OFFICE, accuracy_m: 12, at: now - 900000 });
  assert.equal(teacher.verdict, 'doubtful', JSON.stringify(teacher));
  // the deputy commissioner's own check-in (no duty place either)
  const own = await checkin(dcq, { kind: 'in', ...OFFICE, accuracy_m: 12, at: now - 1200000 });
  assert.equal(own.verdict, 'doubtful', JSON.stringify(own));
  const ids = (b) => b.items.map((i) => i.id);

  await t.test("Quetta's deputy commissioner sees the field officer's doubtful check-ins with their evidence", async () => {
    const b = await queue(dcq);
    assert.deepEqual(ids(b), [teacher.id, vague.id, far.id], 'newest first, verified, rejected and own left out');
    assert.equal(b.count, base + 3);
    assert.equal(b.more, false);
    assert.equal(b.next_before, null);
    const it = b.items.find((i) => i.id === far.id);
    assert.equal(it.verdict, 'doubtful');
    assert.equal(it.status, 'doubtful');
    assert.equal(it.review, null);
    assert.deepEqual(it.reasons, far.reasons);
    assert.equal(it.lat, FAR.lat);
    assert.equal(it.lon, FAR.lon);
    assert.equal(it.accuracy_m, 10);
    assert.equal(it.at_ms, now - 3600000);
    assert.equal(it.kind, 'in');
    assert.equal(it.source, 'web');
    assert.equal(it.day, day);
    assert.equal(it.person_id, fme.person.id);
    assert.deepEqual(it.person, { id: fme.person.id, name: fme.person.name });
    assert.equal(it.post.id, fme.postings[0].post.id);
    assert.equal(it.post.designation, fme.postings[0].post.designation);
    assert.equal(it.unit.id, quetta);
    assert.ok(it.unit.name.length > 0, JSON.stringify(it.unit));
    assert.equal(it.posting_id, fme.postings[0].id);
    const v = b.items.find((i) => i.id === vague.id);
    assert.ok(v.reasons.includes('accuracy'));
    assert.equal(v.accuracy_m, 450);
    const h = b.items.find((i) => i.id === teacher.id);
    assert.equal(h.unit.id, tehsil);
    assert.equal(h.person.id, hme.person.id);
  });

  await t.test("Kech's deputy commissioner does not see them; Quetta's unit is 404 for them", async () => {
    const b = await queue(dck);
    assert.ok(!b.items.some((i) => [far.id, vague.id, teacher.id, own.id].includes(i.id)), JSON.stringify(b));
    assert.equal(b.count, 0);
    assertProblem(await dck.get(`${PENDING}?unit=${quetta}`), 404);
    assertProblem(await dcq.get(`${PENDING}?unit=${kech}`), 404);
    assertProblem(await cs.get(`${PENDING}?unit=999999999`), 404, 'unit');
    assert.deepEqual(ids(await queue(dck, `?unit=${kech}`)), []);
  });

  await t.test('wider reach: the commissioner, the Chief Secretary, a secretary of their department only', async () => {
    // the commissioner's division holds Quetta: the DC's own check-in is theirs to review
    const c = await queue(comm);
    assert.deepEqual(ids(c), [own.id, teacher.id, vague.id, far.id]);
    assert.equal(c.count, base + 4);
    const s = await queue(cs);
    assert.ok([own.id, teacher.id, vague.id, far.id].every((id) => ids(s).includes(id)));
    assert.equal(s.count, base + 4);
    // education: the officer and the teacher; the DC's post is not education's
    const e = await queue(secEdu);
    assert.ok(ids(e).includes(far.id) && ids(e).includes(teacher.id), JSON.stringify(ids(e)));
    assert.ok(!ids(e).includes(own.id));
    const hl = await queue(secHealth);
    assert.ok(![far.id, vague.id, teacher.id].some((id) => ids(hl).includes(id)), JSON.stringify(ids(hl)));
    // the Chief Secretary narrowed to Quetta; the DC narrowed to the tehsil
    assert.deepEqual(ids(await queue(cs, `?unit=${quetta}`)), [own.id, teacher.id, vague.id, far.id]);
    const te = await queue(dcq, `?unit=${tehsil}`);
    assert.deepEqual(ids(te), [teacher.id]);
    assert.equal(te.count, 1);
  });

  await t.test('a day narrows the list', async () => {
    assert.deepEqual(ids(await queue(dcq, `?day=${day}`)), [teacher.id, vague.id, far.id]);
    const other = await queue(dcq, '?day=2026-11-17');
    assert.deepEqual(other.items, []);
    assert.equal(other.count, 0);
  });

  await t.test('paging with limit and before returns each check-in once', async () => {
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await checkin(fo, { kind: i % 2 ? 'out' : 'in', ...FAR, accuracy_m: 20, at: now - 7200000 - i * 60000 }));
    assert.ok(more.every((m) => m.verdict === 'doubtful'));
    const whole = await queue(dcq, '?limit=200');
    assert.equal(whole.count, base + 8);
    assert.equal(whole.items.length, 8);
    for (const n of [1, 2, 3, 7]) {
      const paged = await all(dcq, '', n);
      assert.deepEqual(ids(paged), ids(whole), `pages of ${n}`);
      assert.equal(paged.count, whole.count);
    }
    const sorted = [...ids(whole)].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
    assert.deepEqual(ids(whole), sorted, 'newest (largest id) first');
    // the count is of the whole queue, not of the page, on every page
    const first = await queue(dcq, '?limit=3');
    assert.equal(first.items.length, 3);
    assert.equal(first.more, true);
    assert.equal(first.count, whole.count);
    const second = await queue(dcq, `?limit=3&before=${first.next_before}`);
    assert.equal(second.count, whole.count);
    assert.ok(!ids(second).some((id) => ids(first).includes(id)));
  });

  await t.test('accepting one takes it off the queue and the count drops', async () => {
    const before = await queue(dcq, '?limit=200');
    const ok = await dcq.post(`/api/v1/checkins/${far.id}/review`, { decision: 'accept', note: 'At a school inspection.' });
    assert.equal(ok.status, 200, ok.text);
    const after = await queue(dcq, '?limit=200');
    assert.ok(!ids(after).includes(far.id));
    assert.equal(after.count, before.count - 1);
    assert.equal(after.items.length, before.items.length - 1);
    const rej = await dcq.post(`/api/v1/checkins/${vague.id}/review`, { decision: 'reject' });
    assert.equal(rej.status, 200, rej.text);
    const later = await queue(dcq, '?limit=200');
    assert.ok(!ids(later).includes(vague.id));
    assert.equal(later.count, before.count - 2);
    // and off everyone's queue
    assert.ok(!ids(await queue(comm, '?limit=200')).some((id) => id === far.id || id === vague.id));
  });

  await t.test('a verified check-in never appears', async () => {
    for (const c of [dcq, comm, cs, secEdu]) {
      const b = await all(c, '', 200);
      assert.ok(!ids(b).includes(verified.id));
      assert.ok(!ids(b).includes(rejected.id));
    }
  });

  await t.test('bad inputs are 400 naming the field', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'limit=', 'limit=1.5', 'limit=-3']) assertProblem(await dcq.get(`${PENDING}?${q}`), 400, 'limit');
    for (const q of ['before=abc', 'before=-1', 'before=0', 'before=', 'before=99999999999999999999']) assertProblem(await dcq.get(`${PENDING}?${q}`), 400, 'before');
    for (const q of ['day=2026-13-01', 'day=yesterday', 'day=', 'day=2026-02-30']) assertProblem(await dcq.get(`${PENDING}?${q}`), 400, 'day');
    for (const q of ['unit=abc', 'unit=-5', 'unit=']) assertProblem(await dcq.get(`${PENDING}?${q}`), 400, 'unit');
  });

  await t.test('several grants: additional charges widen the queue, each by its own reach', async () => {
    const kp = kme.person.id;
    const charge = async (post) => {
      const r = await cs.post('/api/v1/postings', { person_id: kp, post_id: post, valid_from: day, order_ref: 'AC-1' });
      assert.equal(r.status, 201, r.text);
    };
    // an additional deputy commissioner's charge of the teacher's tehsil
    const p = await cs.post('/api/v1/posts', { designation: 'Additional Deputy Commissioner', bps: 18, role: 'deputy_commissioner', unit_id: tehsil, department: 'REVENUE', valid_from: day });
    assert.equal(p.status, 201, p.text);
    await charge(p.body.id);
    const k = await queue(dck);
    assert.deepEqual(ids(k), [teacher.id], 'Kech and the tehsil: only the teacher');
    assert.equal(k.count, 1);
    assert.deepEqual(ids(await queue(dck, `?unit=${tehsil}`)), [teacher.id]);
    assertProblem(await dck.get(`${PENDING}?unit=${quetta}`), 404);
    // and a province-wide secretary's charge of another department (mines)
    const vacant = (await cs.get('/api/v1/posts?vacant=1&limit=500')).body.items.find((x) => x.role === 'secretary');
    assert.ok(vacant, 'a vacant secretary post in the demo');
    await charge(vacant.id);
    const k2 = await queue(dck);
    assert.deepEqual(ids(k2), [teacher.id], 'nothing of mines is pending');
    assert.equal(k2.count, 1);
    // Quetta is now theirs to ask for (mines reaches every unit): there they
    // see mines (nothing) and the tehsil that lies inside it (the teacher)
    const q = await queue(dck, `?unit=${quetta}`);
    assert.deepEqual(ids(q), [teacher.id]);
    assert.equal(q.count, 1);
  });

  await t.test('without attendance.manage: 403; signed out: 401', async () => {
    assertProblem(await fo.get(PENDING), 403);
    assertProblem(await ac.get(PENDING), 403);
    assertProblem(await ht.get(PENDING), 403);
    assertProblem(await srv.client().get(PENDING), 401);
  });
});
