// idempotency.test.js - Idempotency-Key on writes (src/core/idempotency.c):
// a write sent again with its key gets the first answer back and changes
// nothing; a key reused for another request is refused; racing copies
// write once; keys belong to their user.  This is what lets the web app's
// offline queue and tracking apps re-send safely.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const person = (name) => ({ name, gender: 'female' });

test('Idempotency-Key: one effect per key, the same answer on every send', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const cs = await srv.login('cs');
  const count = (name) => Number(srv.sql(`SELECT count(*) FROM people WHERE name = '${name}'`).trim());
  const withKey = (key) => ({ headers: { 'Idempotency-Key': key } });

  await t.test('sent twice: one person, the first answer replayed', async () => {
    const first = await cs.post('/api/v1/people', person('Idem First'), withKey('queue-1'));
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const again = await cs.post('/api/v1/people', person('Idem First'), withKey('queue-1'));
    assert.equal(again.status, 201, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(count('Idem First'), 1);
    // without a key the same body is a new request
    assert.equal((await cs.post('/api/v1/people', person('Idem First'))).status, 201);
    assert.equal(count('Idem First'), 2);
  });

  await t.test('a key reused for another request is refused', async () => {
    const res = await cs.post('/api/v1/people', person('Idem Other'), withKey('queue-1'));
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.field, 'Idempotency-Key');
    assert.equal(count('Idem Other'), 0);
  });

  await t.test('a refused write does not use its key up', async () => {
    const bad = await cs.post('/api/v1/people', { name: 'Idem Fixed' }, withKey('queue-2'));
    assert.equal(bad.status, 422, bad.text); // gender is missing
    const fixed = await cs.post('/api/v1/people', person('Idem Fixed'), withKey('queue-2'));
    assert.equal(fixed.status, 201, fixed.text);
    assert.equal(count('Idem Fixed'), 1);
  });

  await t.test('copies racing each other write once', async () => {
    const sends = await Promise.all(Array.from({ length: 6 }, () =>
      cs.post('/api/v1/people', person('Idem Race'), withKey('queue-race'))));
    const made = sends.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    assert.equal(made.length, 1, sends.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of sends) {
      assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
      if (r.status !== 409) continue;
      // a client tells "ask again" from other conflicts by field and Retry-After
      assert.equal(r.body.field, 'Idempotency-Key');
      assert.equal(r.headers.get('retry-after'), '1');
    }
    assert.equal(count('Idem Race'), 1);
    const later = await cs.post('/api/v1/people', person('Idem Race'), withKey('queue-race'));
    assert.equal(later.status, 201);
    assert.equal(later.body.id, made[0].body.id);
  });

  await t.test('keys belong to their user; malformed keys are 400', async () => {
    const other = await srv.login('sec.edu');
    const res = await other.post('/api/v1/people', person('Idem First'), withKey('queue-1'));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('idempotent-replayed'), null);
    assert.equal(count('Idem First'), 3);
    for (const key of ['', 'has space', 'x'.repeat(101), 'semi;colon']) {
      const r = await cs.post('/api/v1/people', person('Idem Bad'), withKey(key));
      if (key === '') continue; // an empty header is no header to fetch
      assert.equal(r.status, 400, `${JSON.stringify(key)}: ${r.text}`);
    }
    assert.ok(count('Idem Bad') <= 1);
  });

  await t.test('kept for a day, then pruned by the job', async () => {
    const before = Number(srv.sql('SELECT count(*) FROM idempotency_keys').trim());
    assert.ok(before >= 4);
    await srv.advanceClock(25 * 3600);
    const ok = await (async () => {
      for (let i = 0; i < 50; i++) {
        if (Number(srv.sql('SELECT count(*) FROM idempotency_keys').trim()) === 0) return true;
        await new Promise((r) => setTimeout(r, 200));
      }
      return false;
    })();
    assert.ok(ok, 'the prune job removed the old keys');
  });
});
