// crash.test.js - "a request that got a 2xx is durable": writes run from
// many connections while the server is killed with SIGKILL; after a restart
// on the same database every acknowledged write is there, nothing is
// half-written, and the audit tree still verifies.  On PostgreSQL the same
// holds for the daftar process (a 2xx only after COMMIT returned).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const { startServer, Client, BIN, ROOT } = require('./lib.js');

// serve - a daftar process on the database named by dbArgs (see lib.js).
async function serve(dbArgs) {
  const child = spawn(BIN, [...dbArgs, '--set', 'auth.argon_ops=1', '--set', 'auth.argon_mem_kb=8192',
    'serve', '--listen', '127.0.0.1:0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[0-9.:]+)/); if (m) resolve(m[1]); });
    child.on('exit', (c) => reject(new Error(`exit ${c}`)));
  });
  return { child, url };
}

test('acknowledged writes survive kill -9', async (t) => {
  const srv = await startServer();
  const db = srv.dbArgs;
  // take the first server down cleanly; the crash test runs its own process
  srv.child.kill('SIGTERM');
  await new Promise((r) => srv.child.on('exit', r));
  t.after(() => srv.stop()); // removes its database

  const a = await serve(db);
  const cs = new Client(a.url);
  await cs.login('cs');
  const acked = [];
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      try {
        const r = await cs.post('/api/v1/people', { name: `Crash Test ${w}-${i}`, gender: 'female' });
        if (r.status === 201) acked.push({ id: r.body.id, name: `Crash Test ${w}-${i}` });
      } catch { /* the connection died with the server */ }
    }
  };
  const workers = Array.from({ length: 16 }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, 1500));
  a.child.kill('SIGKILL');
  await new Promise((r) => a.child.on('exit', r));
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.length > 20, `some writes were acknowledged before the kill (${acked.length})`);

  const b = await serve(db);
  t.after(() => b.child.kill('SIGKILL'));
  const again = new Client(b.url);
  await again.login('cs');
  for (const w of acked) {
    const r = await again.get(`/api/v1/people/${w.id}`);
    assert.equal(r.status, 200, `acknowledged person ${w.id} is there`);
    assert.equal(r.body.name ?? r.body.person?.name, w.name);
  }
  b.child.kill('SIGTERM');
  await new Promise((r) => b.child.on('exit', r));
  const v = spawnSync(BIN, [...db, 'audit', 'verify'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout + v.stderr);
});
