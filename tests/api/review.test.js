// review.test.js - security review regressions: hostile inputs and
// jurisdiction checks that must never yield a 500 or leak data.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { startServer } = require('./lib.js');

test('review: hostile ids, limits and cursors never yield a 500', async () => {
  const srv = await startServer();
  try {
    const cs = await srv.login('cs');
    const admin = await srv.login('admin');
    const urls = [
      '/api/v1/posts?limit=-1', '/api/v1/posts?limit=0', '/api/v1/posts?limit=99999999999999999999',
      '/api/v1/posts?after=9223372036854775808', '/api/v1/posts?after=-5', '/api/v1/posts?after=abc',
      '/api/v1/posts?as_of=9999-99-99', '/api/v1/posts?as_of=0000-01-01',
      '/api/v1/posts/99999999999999999999', '/api/v1/posts/-1', '/api/v1/posts/0',
      '/api/v1/people/99999999999999999999', '/api/v1/people/1e3',
      '/api/v1/audit/leaves?object_type=post&object_id=1&limit=0',
      '/api/v1/audit/leaves?object_type=post&object_id=1&limit=18446744073709551617',
      '/api/v1/audit/leaves/18446744073709551615',
    ];
    for (const u of urls) {
      const r = await cs.get(u);
      assert.ok(r.status < 500, `${u}: ${r.status} ${r.text}`);
    }
    for (const u of ['/api/v1/users?limit=0', '/api/v1/users?limit=99999999999', '/api/v1/users?after=-1',
      '/api/v1/users?after=9223372036854775808']) {
      const r = await admin.get(u);
      assert.ok(r.status >= 400 && r.status < 500, `${u}: ${r.status} ${r.text}`);
    }
  } finally { await srv.stop(); }
});

test('review: JSON type confusion and non-UTF-8 bodies are 4xx', async () => {
  const srv = await startServer();
  try {
    const cs = await srv.login('cs');
    const bodies = [
      { person_id: '1', post_id: 1, valid_from: '2026-01-01', order_ref: 'x' },
      { person_id: 1.5, post_id: 1, valid_from: '2026-01-01', order_ref: 'x' },
      { person_id: 1, post_id: 1e30, valid_from: '2026-01-01', order_ref: 'x' },
      { person_id: 1, post_id: 1, valid_from: '99999-01-01', order_ref: 'x' },
      { person_id: 1, post_id: 1, valid_from: '2026-02-30', order_ref: 'x' },
    ];
    for (const b of bodies) {
      const r = await cs.post('/api/v1/postings', b);
      assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(b)}: ${r.status} ${r.text}`);
    }
    const bad = Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const r = await cs.post('/api/v1/people', bad, { headers: { 'Content-Type': 'application/json' } });
    assert.ok(r.status >= 400 && r.status < 500, `non-UTF-8: ${r.status}`);
    const r2 = await cs.post('/api/v1/people', { name: 'x'.repeat(100000), gender: 'male' });
    assert.ok(r2.status >= 400 && r2.status < 500, `long name: ${r2.status}`);
  } finally { await srv.stop(); }
});

test('review: tokens cannot mint tokens, CSRF is required on cookie writes', async () => {
  const srv = await startServer();
  try {
    const cs = await srv.login('cs');
    const t = await cs.post('/api/v1/tokens', { name: 'r', scopes: ['*'] });
    assert.strictEqual(t.status, 201, t.text);
    const tc = srv.client();
    tc.token = t.body.token;
    const r = await tc.post('/api/v1/tokens', { name: 'again', scopes: ['*'] });
    assert.strictEqual(r.status, 403, r.text);
    const nocsrf = await cs.post('/api/v1/people', { name: 'A', gender: 'male' }, { headers: { 'X-CSRF-Token': '' } });
    assert.strictEqual(nocsrf.status, 403, nocsrf.text);
    const del = await cs.del(`/api/v1/tokens/${t.body.id}`);
    assert.strictEqual(del.status, 204, del.text);
    const after = await tc.get('/api/v1/me');
    assert.strictEqual(after.status, 401, after.text);
  } finally { await srv.stop(); }
});

// A deputy commissioner who cannot see a person serving in another district
// (404) must not be able to post them to a post of their own district: that
// revealed the person existed and, once posted, their CNIC and phone.
test('review: a DC cannot post a person serving outside the district and so read their CNIC', async () => {
  const srv = await startServer();
  try {
    const dq = await srv.login('dc.quetta');
    const dk = await srv.login('dc.kech');
    const held = (await dq.get('/api/v1/posts?limit=200')).body.items.find((p) => p.holder);
    const pid = held.holder.person.id;
    assert.strictEqual((await dk.get(`/api/v1/people/${pid}`)).status, 404);
    const vac = (await dk.get('/api/v1/posts?vacant=1&limit=200')).body.items.find((p) => p.role === 'field_officer');
    assert.ok(vac, 'a vacant field officer post in Kech');
    const asOf = (await dk.get('/api/v1/me')).body.as_of;
    const body = (person) => `{"person_id": ${person}, "post_id": ${vac.id}, "valid_from": "${asOf}", "order_ref": "R-1"}`;
    const json = { headers: { 'Content-Type': 'application/json' } };
    const r = await dk.post('/api/v1/postings', body(pid), json);
    const none = await dk.post('/api/v1/postings', body('999999999999999999'), json);
    assert.strictEqual(r.status, 422, r.text);
    assert.strictEqual(r.status, none.status, 'same answer as for no such person');
    const g = await dk.get(`/api/v1/people/${pid}`);
    assert.strictEqual(g.status, 404, g.text);
    // the person's own DC may still post them to a second (additional charge) post
    const qv = (await dq.get('/api/v1/posts?vacant=1&limit=200')).body.items.find((p) => p.role === 'field_officer');
    if (qv) {
      const ok = await dq.post('/api/v1/postings', `{"person_id": ${pid}, "post_id": ${qv.id}, "valid_from": "${asOf}", "order_ref": "R-2"}`, json);
      assert.strictEqual(ok.status, 201, ok.text);
    }
  } finally { await srv.stop(); }
});
