// cluster.test.js - two daftar instances (node ids 1 and 2) on one PostgreSQL
// database, as behind a load balancer: a session made on one works on the
// other and a sign-out on either ends it; a scheduled job runs once per
// interval and an outbox message is delivered once; concurrent writes through
// both keep one verifiable audit tree; and when PostgreSQL goes away requests
// answer 503 (the processes live on) and work again once it is back.
//
// It runs its own PostgreSQL (scripts/pgtmp in a temporary directory), with
// or without DAFTAR_TEST_PG, because it stops that server while other test
// files run in parallel.  So it runs, and counts, in a plain `node --test`
// too; only without the PostgreSQL 15 binaries (scripts/setup --test installs
// them) is it skipped, and it says why.  scripts/run-tests runs it in its
// PostgreSQL pass only (DAFTAR_TEST_CLUSTER=0 in the SQLite pass).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, psql, Client, BIN, ROOT } = require('./lib.js');

const PGBIN = '/usr/lib/postgresql/15/bin';
const skip = !fs.existsSync(path.join(PGBIN, 'postgres'))
  ? `PostgreSQL 15 is not installed (${PGBIN}); scripts/setup --test installs it`
  : process.env.DAFTAR_TEST_CLUSTER === '0' ? 'DAFTAR_TEST_CLUSTER=0: run in the PostgreSQL pass of scripts/run-tests' : false;

const pgtmp = (...args) => execFileSync(path.join(ROOT, 'scripts', 'pgtmp'), args, { stdio: 'pipe' }).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitFor - poll fn until it returns a truthy value (returned) or ms pass (null).
async function waitFor(fn, ms = 10000) {
  for (const until = Date.now() + ms; ;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) return null;
    await sleep(200);
  }
}

function assertProblem(res, status) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
}

test('two instances on one PostgreSQL database', { skip }, async (t) => {
  // the server, and the demo built into daftar_template on it (as scripts/run-tests does)
  const pgdir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-cluster-'));
  let a, b;
  t.after(async () => {
    try {
      if (b) await b.stop();
    } finally {
      try {
        if (a) await a.stop();
      } finally { pgtmp('destroy', pgdir); }
    }
  });
  const url = pgtmp('start', pgdir);
  const key = path.join(pgdir, 'template.key');
  psql(`${url}postgres`, 'CREATE DATABASE daftar_template');
  execFileSync(BIN, ['--db', `${url}daftar_template`, '--set', `audit.key_file=${key}`,
    '--set', 'auth.argon_ops=1', '--set', 'auth.argon_mem_kb=8192', 'demo'], { cwd: ROOT, stdio: 'pipe' });

  a = await startServer({ pg: { url, template: 'daftar_template', key }, nodeId: 1 });
  b = await startServer({ shareWith: a, nodeId: 2 });
  const both = [a, b];
  const rows = (sql) => a.sql(sql).trim();

  await t.test('a session made on A works on B; signing out on B ends it on A', async () => {
    const onA = await a.login('cs');
    const onB = new Client(b.url);
    onB.cookie = onA.cookie;
    onB.csrf = onA.csrf;
    const meA = await onA.get('/api/v1/me');
    const meB = await onB.get('/api/v1/me');
    assert.equal(meA.status, 200, meA.text);
    assert.equal(meB.status, 200, meB.text);
    assert.deepEqual(meB.body, meA.body);
    const out = await onB.del('/api/v1/session');
    assert.ok(out.status >= 200 && out.status < 300, `sign out on B: ${out.status} ${out.text}`);
    assertProblem(await onA.get('/api/v1/me'), 401);
  });

  await t.test('a scheduled job runs once per interval across both instances', async () => {
    // auth.prune runs hourly. Its first run (at start, on real time) must be over.
    const runs = () => Number(rows("SELECT runs FROM job_leases WHERE name = 'auth.prune'") || 0);
    const r0 = await waitFor(() => runs() >= 1 && runs());
    assert.ok(r0, 'auth.prune ran at start');
    // expect - the run count reaches n, and stays there for a few more ticks
    const expect = async (n, what) => {
      await waitFor(() => runs() >= n, 8000);
      await sleep(2500);
      assert.equal(runs(), n, what);
    };
    const start = new Date(Date.now() + 30 * 86400e3).toISOString();
    for (const s of both) await s.setClock(start);
    await expect(r0 + 1, 'due on both clocks: one run');
    for (const s of both) await s.advanceClock(3600);
    await expect(r0 + 2, 'an hour later: one more run');
    for (const s of both) await s.advanceClock(1800);
    await expect(r0 + 2, 'half an hour later: not due');
    for (const s of both) await s.advanceClock(1800);
    await expect(r0 + 3, 'an hour after the last run: one more');
    // the administrators' view on B says the same as the table
    const admin = await b.login('admin');
    const jobs = await admin.get('/api/v1/system/jobs');
    assert.equal(jobs.status, 200, jobs.text);
    assert.equal(jobs.body.jobs.find((j) => j.name === 'auth.prune').runs, r0 + 3);
  });

  await t.test('an outbox message is delivered once with both instances running', async (tt) => {
    // No module enqueues webhooks yet, so 20 messages are put in the table as
    // outbox_enqueue() would, due at once. The receiver is slow (20 x 300 ms),
    // and while one instance delivers, both clocks pass the job's 5 s interval:
    // the other may not start a second round of the same messages.
    const got = [];
    const hook = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        got.push(req.headers['idempotency-key']);
        setTimeout(() => { res.writeHead(204); res.end(); }, 300);
      });
    });
    await new Promise((r) => hook.listen(0, '127.0.0.1', r));
    tt.after(() => hook.close());
    const target = `http://127.0.0.1:${hook.address().port}/hook`;
    rows(`INSERT INTO outbox (id, channel, target, payload, idem_key, status, attempts, next_at, created_at)
      SELECT 7000000 + g, 'webhook', '${target}', '{"n":' || g || '}', 'cluster-' || g, 'pending', 0, 0, 0
      FROM generate_series(1, 20) AS g`);
    const sent = () => Number(rows("SELECT count(*) FROM outbox WHERE idem_key LIKE 'cluster-%' AND status = 'sent'"));
    for (const s of both) await s.advanceClock(6);
    assert.ok(await waitFor(() => got.length > 0, 8000), 'delivery began');
    for (const s of both) await s.advanceClock(6);
    assert.ok(await waitFor(() => sent() === 20, 20000), `all 20 sent: ${rows('SELECT status, count(*) FROM outbox GROUP BY status')}`);
    for (const s of both) await s.advanceClock(6);
    await sleep(2500); // another round on each instance: nothing is sent again
    const want = Array.from({ length: 20 }, (_, i) => `cluster-${i + 1}`).sort();
    assert.deepEqual([...got].sort(), want, 'each message reached the receiver exactly once');
    assert.equal(rows("SELECT count(*) FROM outbox WHERE idem_key LIKE 'cluster-%' AND attempts = 1"), '20');
  });

  await t.test('concurrent writes through both instances make one audit tree', async () => {
    const cs = [await a.login('cs'), await b.login('cs')];
    const before = Number(rows('SELECT count(*) FROM audit_leaves'));
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      cs[i % 2].post('/api/v1/people', { name: `Cluster Person ${i}`, gender: i % 3 ? 'female' : 'male' })));
    for (const r of results) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 40, 'distinct ids');
    // an id carries the node id that made it (bits 12..21, see src/core/id.c)
    for (const [i, r] of results.entries()) assert.equal((BigInt(r.body.id) >> 12n) & 1023n, BigInt(i % 2 + 1), 'made by its node');
    const after = Number(rows('SELECT count(*) FROM audit_leaves'));
    assert.equal(after, before + 40, 'one leaf per write');
    assert.equal(rows('SELECT max(idx) + 1 FROM audit_leaves'), String(after), 'leaf indexes are dense');
    const out = a.run(['audit', 'verify']);
    assert.match(out, /audit log: OK/);
    assert.match(out, new RegExp(`^leaves: ${after},`, 'm'));
  });

  await t.test('PostgreSQL down: 503 problems, no crash; back up: both instances recover', async () => {
    const cs = [await a.login('cs'), await b.login('cs')];
    const kept = await cs[0].post('/api/v1/people', { name: 'Before The Outage', gender: 'male' });
    assert.equal(kept.status, 201, kept.text);
    pgtmp('stop', pgdir, 'immediate');
    try {
      for (const [i, s] of both.entries()) {
        assertProblem(await cs[i].get('/api/v1/me'), 503);
        assertProblem(await cs[i].post('/api/v1/people', { name: 'During The Outage', gender: 'male' }), 503);
        assert.equal(s.child.exitCode, null, 'the server is still running');
        assert.equal(s.child.signalCode, null, 'the server is still running');
      }
    } finally {
      assert.equal(pgtmp('start', pgdir), url, 'restarted on the same port');
    }
    for (const [i, s] of both.entries()) {
      const back = await waitFor(async () => (await cs[i].get('/api/v1/me')).status === 200, 15000);
      assert.ok(back, `instance ${i + 1} serves again: ${s.logs().slice(-1000)}`);
      const w = await cs[i].post('/api/v1/people', { name: `After The Outage ${i}`, gender: 'female' });
      assert.equal(w.status, 201, w.text);
      const r = await cs[i].get(`/api/v1/people/${kept.body.id}`);
      assert.equal(r.status, 200, 'a write acknowledged before the outage survived it');
    }
    assert.equal(rows("SELECT count(*) FROM people WHERE name = 'During The Outage'"), '0', 'a 503 wrote nothing');
  });
});
