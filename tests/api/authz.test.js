// authz.test.js - the authorisation matrix: every demo role against the
// endpoints that touch posts, postings, people, the org tree, the audit
// log and users, inside and outside the role's jurisdiction.
//
// Expected answers come from the role table (src/org/authz.c): 404 when
// the object lies outside every jurisdiction of the caller (its existence
// is not revealed), 403 when the caller's role lacks the action (at the
// dispatcher when it lacks it everywhere, at the object when it lacks it
// there), 2xx otherwise.  Every cell is asserted, so a denial that turns
// into a 2xx fails the test, and so does an allowed call that is refused.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, DEMO } = require('./lib.js');

const TODAY = '2026-11-23';
const ROLES = Object.keys(DEMO.users);

// Who reaches what (by the role table), for the objects of this test.
const PROVINCE_WIDE = ['admin', 'cm', 'cs', 'du'];
const IN_QUETTA_EAST = [...PROVINCE_WIDE, 'comm.quetta', 'dc.quetta'];
const IN_KECH = [...PROVINCE_WIDE, 'comm.makran', 'dc.kech'];
const WRITERS = ['admin', 'cs', 'sec.edu', 'sec.health', 'comm.quetta', 'comm.makran', 'dc.quetta', 'dc.kech'];
const PEOPLE_READERS = ['admin', 'cs', 'du', 'sec.edu', 'sec.health', 'comm.quetta', 'comm.makran', 'dc.quetta', 'dc.kech', 'ac.quetta', 'clerk.quetta'];

// expect - the status a role should get for an action on an object that
// `reach` (list of roles) reaches, given who holds the action anywhere
// (`holders`) and where they may do it.
function expect(role, holders, reach, ok) {
  if (!holders.includes(role)) return 403;
  if (!reach.includes(role)) return 404;
  return ok;
}

test('authorisation matrix', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(`${TODAY}T07:00:00Z`);
  const as = {};
  for (const role of ROLES) as[role] = await srv.login(role);
  const admin = as.admin;

  // every demo login holds a current posting of the role the harness names
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const me = (await as[role].get('/api/v1/me')).body;
    assert.ok(me.postings.length > 0, `${role} has a posting`);
    assert.equal(me.postings[0].post.role, DEMO.users[role].role, `${role}'s role`);
  }

  // the objects: units from the logins' own postings, posts and people found by an administrator
  const unitOf = async (role) => (await as[role].get('/api/v1/me')).body.postings[0].post.unit;
  const quettaEast = await unitOf('dc.quetta');
  const kech = await unitOf('dc.kech');
  const quettaCity = await unitOf('ac.quetta');
  assert.equal(quettaEast.name, 'Quetta East');
  assert.equal(kech.name, 'Kech');
  assert.equal(quettaCity.kind, 'tehsil');
  const findPost = async (unit, dept, designation) => {
    const res = await admin.get(`/api/v1/posts?unit=${unit.id}&department=${dept}&limit=500`);
    assert.equal(res.status, 200, res.text);
    // the named post if it is filled (the demo leaves some vacant), else any filled one of the unit itself
    const here = res.body.items.filter((x) => x.unit.id === unit.id && x.holder);
    const p = here.find((x) => x.designation === designation) || here[0];
    assert.ok(p, `no filled ${dept} post in ${unit.name}`);
    return p;
  };
  const quettaRevenue = await findPost(quettaEast, 'REVENUE', 'Additional Deputy Commissioner');
  const quettaEdu = await findPost(quettaEast, 'EDU', 'District Education Officer');
  const kechRevenue = await findPost(kech, 'REVENUE', 'Additional Deputy Commissioner');
  const kechHealth = await findPost(kech, 'HEALTH', 'District Health Officer');
  const cityRevenue = await findPost(quettaCity, 'REVENUE', 'Assistant Commissioner');

  await t.test('GET /posts/{id}', async () => {
    const cases = [
      [quettaRevenue, [...IN_QUETTA_EAST, 'clerk.quetta']],
      [quettaEdu, [...IN_QUETTA_EAST, 'sec.edu', 'fo.quetta.edu']],
      [kechRevenue, IN_KECH],
      [kechHealth, [...IN_KECH, 'sec.health']],
      [cityRevenue, [...IN_QUETTA_EAST, 'ac.quetta', 'clerk.quetta']],
    ];
    for (const [post, reach] of cases) {
      for (const role of ROLES) {
        const res = await as[role].get(`/api/v1/posts/${post.id}`);
        assert.equal(res.status, expect(role, ROLES, reach, 200), `${role} GET ${post.designation} in ${post.unit.name}: ${res.text}`);
        if (res.status === 200) assert.equal(res.body.id, post.id);
      }
    }
  });

  await t.test('GET /posts lists only what the caller may see', async () => {
    for (const role of ROLES) {
      const res = await as[role].get(`/api/v1/posts?unit=${kech.id}&limit=500`);
      assert.equal(res.status, 200, res.text);
      const n = res.body.items.length;
      if (IN_KECH.includes(role)) assert.ok(n > 20, `${role} sees ${n} posts in Kech`);
      else if (role === 'sec.edu' || role === 'sec.health') {
        const code = role === 'sec.edu' ? 'EDU' : 'HEALTH';
        assert.ok(n > 0 && res.body.items.every((p) => p.department.code === code), `${role} in Kech`);
      } else assert.equal(n, 0, `${role} sees Kech posts`);
    }
  });

  const newPost = (unit, department, role = 'field_officer') => ({
    designation: 'Matrix Officer', bps: 16, role, department, unit_id: unit.id, valid_from: TODAY,
  });

  await t.test('POST /posts', async () => {
    const cases = [
      [quettaEast, 'REVENUE', IN_QUETTA_EAST],
      [quettaEast, 'EDU', [...IN_QUETTA_EAST, 'sec.edu', 'fo.quetta.edu']],
      [kech, 'REVENUE', IN_KECH],
      [kech, 'HEALTH', [...IN_KECH, 'sec.health']],
      [quettaCity, 'REVENUE', [...IN_QUETTA_EAST, 'ac.quetta', 'clerk.quetta']],
    ];
    for (const [unit, dept, reach] of cases) {
      for (const role of ROLES) {
        const res = await as[role].post('/api/v1/posts', newPost(unit, dept));
        assert.equal(res.status, expect(role, WRITERS.filter((r) => r !== 'cm'), reach, 201),
          `${role} POST /posts ${dept} in ${unit.name}: ${res.text}`);
      }
    }
  });

  await t.test('POST /postings', async () => {
    for (const [unit, reach] of [[quettaEast, IN_QUETTA_EAST], [kech, IN_KECH]]) {
      for (const role of ROLES) {
        // a fresh vacant post and person for each attempt, made by the administrator
        const post = await admin.post('/api/v1/posts', newPost(unit, 'REVENUE'));
        const person = await admin.post('/api/v1/people', { name: `Matrix ${role}`, gender: 'male' });
        assert.equal(post.status, 201, post.text);
        assert.equal(person.status, 201, person.text);
        const res = await as[role].post('/api/v1/postings', {
          person_id: person.body.id, post_id: post.body.id, valid_from: TODAY, order_ref: `M/${role}`,
        });
        assert.equal(res.status, expect(role, WRITERS, reach, 201), `${role} POST /postings in ${unit.name}: ${res.text}`);
        if (res.status === 201) {
          const end = await as[role].post(`/api/v1/postings/${res.body.id}/end`, { valid_to: '2026-12-31' });
          assert.equal(end.status, 200, end.text);
        }
      }
    }
  });

  await t.test('POST /postings/{id}/end', async () => {
    const made = await admin.post('/api/v1/posts', newPost(kech, 'REVENUE'));
    const person = await admin.post('/api/v1/people', { name: 'Ending Test', gender: 'female' });
    const pg = await admin.post('/api/v1/postings', { person_id: person.body.id, post_id: made.body.id, valid_from: TODAY, order_ref: 'E/1' });
    assert.equal(pg.status, 201, pg.text);
    let ended = 0;
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const res = await as[role].post(`/api/v1/postings/${pg.body.id}/end`, { valid_to: '2026-12-15' });
      const want = expect(role, WRITERS, IN_KECH, 200);
      if (want !== 200) {
        assert.equal(res.status, want, `${role} end a Kech posting: ${res.text}`);
        continue;
      }
      // the first allowed caller ends it; the later ones find it ended (409)
      assert.equal(res.status, ended ? 409 : 200, `${role}: ${res.text}`);
      ended++;
    }
    assert.equal(ended, IN_KECH.filter((r) => WRITERS.includes(r) && r !== 'admin').length);
  });

  await t.test('GET /people/{id} and who sees the CNIC', async () => {
    const cases = [
      [quettaRevenue.holder.person.id, [...IN_QUETTA_EAST, 'clerk.quetta'], IN_QUETTA_EAST],
      [kechHealth.holder.person.id, [...IN_KECH, 'sec.health'], [...IN_KECH, 'sec.health']],
      [cityRevenue.holder.person.id, [...IN_QUETTA_EAST, 'ac.quetta', 'clerk.quetta'], IN_QUETTA_EAST],
    ];
    for (const [id, reach, writers] of cases) {
      for (const role of ROLES) {
        const res = await as[role].get(`/api/v1/people/${id}`);
        assert.equal(res.status, expect(role, PEOPLE_READERS, reach, 200), `${role} GET person ${id}: ${res.text}`);
        if (res.status === 200) {
          // personal data only for those who may also write people there
          assert.equal('cnic' in res.body, writers.includes(role) && WRITERS.includes(role), `${role} and the CNIC`);
        }
      }
    }
  });

  await t.test('POST /people', async () => {
    for (const role of ROLES) {
      const res = await as[role].post('/api/v1/people', { name: `Made by ${role}`, gender: 'other' });
      assert.equal(res.status, WRITERS.includes(role) ? 201 : 403, `${role}: ${res.text}`);
    }
  });

  await t.test('POST /org/changes is for administrators only', async () => {
    const change = { effective: '2027-01-01', title: 'matrix', reference: 'MATRIX-1', items: [] };
    for (const role of ROLES) {
      const res = await as[role].post('/api/v1/org/changes', change);
      if (role === 'admin') assert.ok(res.status !== 403 && res.status !== 401 && res.status < 500, res.text);
      else assert.equal(res.status, 403, `${role}: ${res.text}`);
    }
  });

  await t.test('GET /audit/leaves/0 is for the province-wide offices', async () => {
    for (const role of ROLES) {
      const res = await as[role].get('/api/v1/audit/leaves/0');
      assert.equal(res.status, PROVINCE_WIDE.includes(role) ? 200 : 403, `${role}: ${res.text}`);
    }
  });

  await t.test('POST /users is for administrators only', async () => {
    for (const role of ROLES) {
      const res = await as[role].post('/api/v1/users', { username: `matrix.${role.replace(/\./g, '-')}`, password: 'Matrix-pass-2026' });
      assert.equal(res.status, role === 'admin' ? 201 : 403, `${role}: ${res.text}`);
    }
  });

  await t.test('GET /me names each role and its actions', async () => {
    for (const role of ROLES) {
      const res = await as[role].get('/api/v1/me');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.user.username, role);
      const want = DEMO.users[role];
      if (role === 'admin') {
        assert.equal(res.body.person, null);
        assert.ok(res.body.actions.includes('users.admin'));
        assert.ok(res.body.actions.includes('org.restructure'));
        continue;
      }
      assert.equal(res.body.postings.length, 1, `${role} postings`);
      const post = res.body.postings[0].post;
      assert.equal(post.role, want.role, role);
      if (want.department) assert.equal(post.department.code, want.department);
      if (want.district === 'Quetta' && post.unit.kind === 'district') assert.equal(post.unit.name, 'Quetta East');
      if (want.district === 'Quetta' && post.unit.kind === 'tehsil') assert.equal(post.unit.name, 'Quetta City');
      if (want.district === 'Kech') assert.equal(post.unit.name, 'Kech');
      if (want.division === 'Makran') assert.equal(post.unit.name, 'Makuran');
      if (want.division === 'Quetta') assert.equal(post.unit.name, 'Quetta');
      assert.ok(res.body.actions.includes('posts.read'));
      assert.equal(res.body.actions.includes('posts.write'), WRITERS.includes(role), `${role} posts.write`);
      assert.equal(res.body.actions.includes('audit.read'), PROVINCE_WIDE.includes(role), `${role} audit.read`);
      assert.ok(!res.body.actions.includes('users.admin'));
    }
  });

  await t.test('a token is limited to its scopes', async () => {
    const made = await as['dc.quetta'].post('/api/v1/tokens', { name: 'matrix', scopes: ['posts.read'] });
    assert.equal(made.status, 201, made.text);
    const tok = srv.client();
    tok.token = made.body.token;
    assert.equal((await tok.get(`/api/v1/posts/${quettaRevenue.id}`)).status, 200);
    assert.equal((await tok.get(`/api/v1/posts/${kechRevenue.id}`)).status, 404);
    assert.equal((await tok.post('/api/v1/posts', newPost(quettaEast, 'REVENUE'))).status, 403);
    assert.equal((await tok.get(`/api/v1/people/${quettaRevenue.holder.person.id}`)).status, 403);
    const me = await tok.get('/api/v1/me');
    assert.deepEqual(me.body.actions, ['posts.read']);
  });

  await t.test('unauthenticated callers get 401 on every guarded route', async () => {
    const anon = srv.client();
    for (const [method, url] of [
      ['GET', `/api/v1/posts/${quettaRevenue.id}`], ['POST', '/api/v1/posts'], ['POST', '/api/v1/postings'],
      ['GET', `/api/v1/people/${quettaRevenue.holder.person.id}`], ['GET', '/api/v1/me'],
    ]) {
      const res = await anon.request(method, url, method === 'POST' ? {} : undefined);
      assert.equal(res.status, 401, `${method} ${url}: ${res.text}`);
    }
  });
});
