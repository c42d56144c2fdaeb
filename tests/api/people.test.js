// people.test.js - posts, postings, people and the public vacancy report,
// as a client meets them, on the demo database.
//
// The report must add up (each row sanctioned = filled + vacant, totals =
// the sum of the rows, the same totals whatever the grouping), agree with
// the posts an administrator lists, follow the tree of the asked day
// (Quetta in 2025; Quetta East and Quetta West, no Quetta, in August
// 2026), and move by exactly one when a post is created and when it is
// filled.  Writes are validated field by field (422 naming the field), a
// post never has two holders on one day (409), CNIC and phone are shown
// only to those who may write the person, and the report is public.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const TODAY = '2026-11-23';

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.equal(res.body.field, field, res.text);
}

// checkSums - every row adds up and the totals are the sum of the rows.
function checkSums(rep) {
  const sum = { sanctioned: 0, filled: 0, vacant: 0 };
  for (const r of rep.rows) {
    assert.equal(r.sanctioned, r.filled + r.vacant, `row ${r.name}`);
    assert.ok(r.sanctioned > 0, `row ${r.name} is empty`);
    for (const k of Object.keys(sum)) sum[k] += r[k];
  }
  assert.deepEqual(rep.totals, sum);
  return sum;
}

function row(rep, name) {
  return rep.rows.find((r) => r.name === name);
}

// allPosts - every post an administrator lists as of day (following `next`).
async function allPosts(client, query) {
  const items = [];
  let after = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await client.get(`/api/v1/posts?limit=500&${query}${after ? `&after=${after}` : ''}`);
    assert.equal(res.status, 200, res.text);
    items.push(...res.body.items);
    if (!res.body.next) return items;
    assert.equal(res.body.items.length, 500);
    after = res.body.next;
  }
  throw new Error('too many pages');
}

test('people, posts and the vacancy report', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(`${TODAY}T07:00:00Z`);
  const anon = srv.client();
  const admin = await srv.login('admin');
  const dc = await srv.login('dc.quetta');
  const me = (await dc.get('/api/v1/me')).body;
  const quettaEast = me.postings[0].post.unit;

  await t.test('the report is public and adds up in 2025 with a Quetta row', async () => {
    const res = await anon.get('/api/v1/reports/vacancies?as_of=2025-06-01&by=district');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.as_of, '2025-06-01');
    assert.equal(res.body.by, 'district');
    const sum = checkSums(res.body);
    assert.ok(sum.sanctioned > 3000, `only ${sum.sanctioned} posts`);
    assert.ok(sum.vacant > 0 && sum.filled > sum.vacant);
    assert.equal(row(res.body, 'Quetta').kind, 'district');
    assert.equal(row(res.body, 'Quetta East'), undefined);
    assert.equal(row(res.body, 'Tump'), undefined, 'Tump begins in 2026');
    assert.ok(row(res.body, 'Kech').sanctioned > 0);
    assert.equal(row(res.body, 'Province').id, null);
  });

  await t.test('August 2026 has Quetta East and Quetta West and no Quetta', async () => {
    const res = await anon.get('/api/v1/reports/vacancies?as_of=2026-08-01');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.by, 'district');
    checkSums(res.body);
    assert.equal(row(res.body, 'Quetta'), undefined);
    assert.ok(row(res.body, 'Quetta East').filled > 0);
    assert.ok(row(res.body, 'Quetta West').filled > 0);
    assert.ok(row(res.body, 'Tump'));
    const y2025 = (await anon.get('/api/v1/reports/vacancies?as_of=2025-06-01')).body;
    // the split moves Quetta's people into the new districts: nobody is lost
    const q25 = row(y2025, 'Quetta').filled;
    assert.ok(row(res.body, 'Quetta East').filled + row(res.body, 'Quetta West').filled >= q25);
  });

  await t.test('every grouping has the same totals', async () => {
    const by = {};
    for (const g of ['district', 'division', 'department']) {
      const res = await anon.get(`/api/v1/reports/vacancies?as_of=2026-08-01&by=${g}`);
      assert.equal(res.status, 200, res.text);
      by[g] = checkSums(res.body);
    }
    assert.deepEqual(by.division, by.district);
    assert.deepEqual(by.department, by.district);
    const divs = (await anon.get('/api/v1/reports/vacancies?as_of=2026-08-01&by=division')).body;
    assert.ok(row(divs, 'Makuran'), 'Mekran is called Makuran after the restructuring');
    assert.equal(row(divs, 'Kalat'), undefined, 'Kalat division was abolished');
    const old = (await anon.get('/api/v1/reports/vacancies?as_of=2025-06-01&by=division')).body;
    assert.ok(row(old, 'Kalat'));
    assert.equal(old.rows.filter((r) => r.kind === 'division').length, 8);
  });

  await t.test('one department', async () => {
    const all = (await anon.get('/api/v1/reports/vacancies?as_of=2026-08-01&by=department')).body;
    const res = await anon.get('/api/v1/reports/vacancies?as_of=2026-08-01&department=EDU');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.department.code, 'EDU');
    const sum = checkSums(res.body);
    const edu = all.rows.find((r) => r.code === 'EDU');
    assert.equal(sum.sanctioned, edu.sanctioned);
    assert.equal(sum.filled, edu.filled);
  });

  await t.test('the totals match the posts an administrator lists', async () => {
    const rep = (await anon.get('/api/v1/reports/vacancies?as_of=2026-08-01')).body;
    const posts = await allPosts(admin, 'as_of=2026-08-01');
    assert.equal(posts.length, rep.totals.sanctioned);
    assert.equal(posts.filter((p) => p.holder).length, rep.totals.filled);
    assert.equal(new Set(posts.map((p) => p.id)).size, posts.length, 'pages overlap');
    const vacant = await allPosts(admin, 'as_of=2026-08-01&vacant=1');
    assert.equal(vacant.length, rep.totals.vacant);
    assert.ok(vacant.every((p) => p.holder === null));
    const eastRows = row(rep, 'Quetta East');
    const east = await allPosts(admin, `as_of=2026-08-01&unit=${eastRows.id}`);
    assert.equal(east.length, eastRows.sanctioned);
  });

  await t.test('bad parameters are 400', async () => {
    for (const q of ['as_of=2025-02-30', 'as_of=yesterday', 'as_of=2025-1-1', 'by=tehsil', 'by=', 'department=NOPE']) {
      assertProblem(await anon.get(`/api/v1/reports/vacancies?${q}`), 400);
    }
    for (const q of ['limit=0', 'limit=501', 'limit=x', 'after=-1', 'as_of=2026-13-01', 'vacant=maybe', 'unit=abc', 'department=NOPE']) {
      assertProblem(await admin.get(`/api/v1/posts?${q}`), 400);
    }
  });

  await t.test('creating a post and filling it moves the numbers by exactly one', async () => {
    const report = async () => (await anon.get(`/api/v1/reports/vacancies?as_of=${TODAY}`)).body;
    const r0 = await report();
    const post = await dc.post('/api/v1/posts', {
      designation: 'Sub-Divisional Education Officer', bps: 17, role: 'field_officer', department: 'EDU',
      unit_id: quettaEast.id, valid_from: TODAY,
    });
    assert.equal(post.status, 201, post.text);
    assert.equal(post.headers.get('location'), `/api/v1/posts/${post.body.id}`);
    assert.equal(post.body.unit.name, 'Quetta East');
    assert.equal(post.body.department.code, 'EDU');
    assert.equal(post.body.holder, null);
    const r1 = await report();
    assert.equal(r1.totals.sanctioned, r0.totals.sanctioned + 1);
    assert.equal(r1.totals.vacant, r0.totals.vacant + 1);
    assert.equal(r1.totals.filled, r0.totals.filled);
    assert.equal(row(r1, 'Quetta East').sanctioned, row(r0, 'Quetta East').sanctioned + 1);
    assert.equal(row(r1, 'Kech').sanctioned, row(r0, 'Kech').sanctioned);

    const person = await dc.post('/api/v1/people', { name: 'Test Officer Kakar', gender: 'female', cnic: '00000-9999999-1' });
    assert.equal(person.status, 201, person.text);
    const posting = await dc.post('/api/v1/postings', {
      person_id: person.body.id, post_id: post.body.id, valid_from: TODAY, order_ref: 'EDU/NOTIF/2026/1',
    });
    assert.equal(posting.status, 201, posting.text);
    assert.equal(posting.body.person.name, 'Test Officer Kakar');
    assert.equal(posting.body.valid_to, null);
    const r2 = await report();
    assert.equal(r2.totals.sanctioned, r1.totals.sanctioned);
    assert.equal(r2.totals.filled, r1.totals.filled + 1);
    assert.equal(r2.totals.vacant, r1.totals.vacant - 1);
    assert.equal(row(r2, 'Quetta East').filled, row(r1, 'Quetta East').filled + 1);

    // the post shows its holder and history
    const got = await dc.get(`/api/v1/posts/${post.body.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.holder.person.name, 'Test Officer Kakar');
    assert.equal(got.body.history.length, 1);

    // a second holder on the same days is refused
    const other = await dc.post('/api/v1/people', { name: 'Second Candidate', gender: 'male' });
    assert.equal(other.status, 201, other.text);
    assertProblem(await dc.post('/api/v1/postings', {
      person_id: other.body.id, post_id: post.body.id, valid_from: '2026-12-01', order_ref: 'EDU/NOTIF/2026/2',
    }), 409);
    // a posting before the post exists is refused
    assertProblem(await dc.post('/api/v1/postings', {
      person_id: other.body.id, post_id: post.body.id, valid_from: '2026-01-01', valid_to: '2026-02-01', order_ref: 'x',
    }), 422);

    // ending the posting frees the post from that day
    const end = await dc.post(`/api/v1/postings/${posting.body.id}/end`, { valid_to: '2026-12-01' });
    assert.equal(end.status, 200, end.text);
    assert.equal(end.body.valid_to, '2026-12-01');
    assertProblem(await dc.post(`/api/v1/postings/${posting.body.id}/end`, { valid_to: '2026-12-02' }), 409);
    const after = (await anon.get('/api/v1/reports/vacancies?as_of=2026-12-01')).body;
    const before = (await anon.get('/api/v1/reports/vacancies?as_of=2026-11-30')).body;
    assert.equal(after.totals.filled, before.totals.filled - 1);
    const next = await dc.post('/api/v1/postings', {
      person_id: other.body.id, post_id: post.body.id, valid_from: '2026-12-01', order_ref: 'EDU/NOTIF/2026/3',
    });
    assert.equal(next.status, 201, next.text);
    const hist = (await dc.get(`/api/v1/posts/${post.body.id}`)).body.history;
    assert.deepEqual(hist.map((h) => h.person.name), ['Second Candidate', 'Test Officer Kakar']);
  });

  await t.test('new posts are validated field by field', async () => {
    const good = {
      designation: 'Accounts Clerk', bps: 11, role: 'clerk', department: 'FINANCE', unit_id: quettaEast.id,
    };
    const bad = [
      [{ bps: 23 }, 'bps'], [{ bps: 0 }, 'bps'], [{ bps: '17x' }, 'bps'], [{ role: 'emperor' }, 'role'],
      [{ designation: '' }, 'designation'], [{ designation: 'x'.repeat(121) }, 'designation'],
      [{ department: 'NOPE' }, 'department'], [{ unit_id: '1' }, 'unit_id'], [{ valid_from: '2026-02-30' }, 'valid_from'],
      [{ unit_id: undefined }, 'unit_id'],
    ];
    for (const [patch, field] of bad) {
      assertProblem(await dc.post('/api/v1/posts', { ...good, ...patch }), 422, field);
    }
    const ok = await dc.post('/api/v1/posts', good);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.valid_from, TODAY, 'valid_from defaults to today');
    // a deputy commissioner may not create a post wider than their own
    assertProblem(await dc.post('/api/v1/posts', { ...good, role: 'chief_secretary', department: 'SGAD' }), 403);
    assertProblem(await dc.post('/api/v1/posts', { ...good, role: 'secretary' }), 403);
  });

  await t.test('people: CNIC rules, and personal data only for writers', async () => {
    for (const [body, field] of [
      [{ name: 'A', gender: 'male', cnic: '12345-1234567' }, 'cnic'],
      [{ name: 'A', gender: 'male', cnic: '1234512345671' }, 'cnic'],
      [{ name: 'A', gender: 'unknown' }, 'gender'],
      [{ name: '', gender: 'male' }, 'name'],
      [{ gender: 'male' }, 'name'],
      [{ name: 'A', gender: 'male', phone: 'call me' }, 'phone'],
    ]) {
      assertProblem(await dc.post('/api/v1/people', body), 422, field);
    }
    const p = await dc.post('/api/v1/people', { name: 'Phone Owner', gender: 'male', cnic: '00000-8888888-8', phone: '+92 300 0000000' });
    assert.equal(p.status, 201, p.text);
    assert.equal(p.body.cnic, '00000-8888888-8');
    assertProblem(await dc.post('/api/v1/people', { name: 'Clash', gender: 'male', cnic: '00000-8888888-8' }), 409, 'cnic');
    // posted in Quetta East (a revenue post), so the DC and a revenue clerk see them
    const post = await dc.post('/api/v1/posts', {
      designation: 'Record Keeper', bps: 9, role: 'clerk', department: 'REVENUE', unit_id: quettaEast.id,
    });
    assert.equal(post.status, 201, post.text);
    const pg = await dc.post('/api/v1/postings', { person_id: p.body.id, post_id: post.body.id, valid_from: TODAY, order_ref: 'R/1' });
    assert.equal(pg.status, 201, pg.text);
    const seen = await dc.get(`/api/v1/people/${p.body.id}`);
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.body.cnic, '00000-8888888-8');
    assert.equal(seen.body.phone, '+92 300 0000000');
    assert.equal(seen.body.postings.length, 1);
    assert.equal(seen.body.postings[0].post.designation, 'Record Keeper');
    const clerk = await srv.login('clerk.quetta');
    const asClerk = await clerk.get(`/api/v1/people/${p.body.id}`);
    assert.equal(asClerk.status, 200, asClerk.text);
    assert.equal(asClerk.body.name, 'Phone Owner');
    assert.equal('cnic' in asClerk.body, false, 'a clerk reads people but may not see the CNIC');
    assert.equal('phone' in asClerk.body, false);
    const kech = await srv.login('dc.kech');
    assertProblem(await kech.get(`/api/v1/people/${p.body.id}`), 404);
    assertProblem(await dc.get('/api/v1/people/1'), 404);
    assertProblem(await dc.get('/api/v1/people/abc'), 404);
    assertProblem(await dc.get('/api/v1/posts/1'), 404);
  });

  await t.test('demo people are labelled generated and their CNICs cannot be real', async () => {
    const p = me.person;
    assert.equal(p.generated, true);
    const full = await dc.get(`/api/v1/people/${p.id}`);
    assert.equal(full.status, 200, full.text);
    assert.match(full.body.cnic, /^00000-\d{7}-\d$/);
    // Quetta district ended on 2026-07-08: the DC was posted on to Quetta East
    const spans = full.body.postings.map((x) => [x.valid_from, x.valid_to]);
    assert.deepEqual(spans, [['2026-07-08', null], ['2025-01-01', '2026-07-08']]);
  });

  await t.test('reading needs a login; the report does not', async () => {
    assertProblem(await anon.get('/api/v1/posts'), 401);
    assertProblem(await anon.get('/api/v1/me'), 401);
    assertProblem(await anon.post('/api/v1/people', { name: 'X', gender: 'male' }), 401);
    assert.equal((await anon.get('/api/v1/reports/vacancies')).status, 200);
  });
});
