// cli.test.js - the command line as an operator uses it: init on a new
// database (first administrator, refuses a second init), migrate, backup
// (SQLite: an online copy that opens and holds the same data; PostgreSQL:
// `daftar backup` refuses and points to pg_dump, whose copy then opens and
// holds the same data), audit verify (passes on an honest database, fails
// after tampering), config errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { BIN, ROOT, startServer, newDatabase, backend } = require('./lib.js');

function daftar(args, env = {}) {
  return spawnSync(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('init, migrate, backup and audit verify on a new database', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-cli-'));
  const store = newDatabase(dir, { fresh: true });
  let copyStore;
  t.after(() => {
    store.drop();
    if (copyStore) copyStore.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const db = store.args;
  const cheap = ['--set', 'auth.argon_ops=1', '--set', 'auth.argon_mem_kb=8192'];

  const init = daftar([...db, ...cheap, 'init', '--admin', 'chief.admin'], { DAFTAR_ADMIN_PASSWORD: '' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /administrator: chief\.admin/);
  const pw = init.stdout.match(/password: (\S+)/)[1];
  assert.ok(pw.length >= 16, 'a generated password is long');
  assert.ok(fs.existsSync(store.keyFile), 'the audit key was made');
  assert.equal(fs.statSync(store.keyFile).mode & 0o777, 0o600);

  const again = daftar([...db, 'init']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already initialised/);

  const mig = daftar([...db, 'migrate']);
  assert.equal(mig.status, 0, mig.stderr);

  const verify = daftar([...db, 'audit', 'verify']);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);

  let copy; // the flags naming the copy
  if (backend === 'sqlite') {
    const file = path.join(dir, 'copy.db');
    const b = daftar([...db, 'backup', file]);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(fs.statSync(file).size > 100000);
    const b2 = daftar([...db, 'backup', file]);
    assert.notEqual(b2.status, 0, 'backup never overwrites a file');
    fs.copyFileSync(store.keyFile, file + '.key');
    copy = ['--db', file];
  } else {
    const file = path.join(dir, 'copy.sql');
    const b = daftar([...db, 'backup', file]);
    assert.notEqual(b.status, 0, 'daftar backup is for SQLite');
    assert.match(b.stderr, /pg_dump/);
    assert.ok(!fs.existsSync(file), 'no file is left behind');
    // the documented way: pg_dump, restored into a new database
    execFileSync('pg_dump', ['--no-owner', '-f', file, '-d', store.db], { stdio: 'pipe' });
    copyStore = newDatabase(fs.mkdtempSync(path.join(dir, 'copy-')), { fresh: true });
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', copyStore.db, '-f', file], { stdio: 'pipe' });
    fs.copyFileSync(store.keyFile, copyStore.keyFile);
    copy = copyStore.args;
  }
  const verifyCopy = daftar([...copy, 'audit', 'verify']);
  assert.equal(verifyCopy.status, 0, verifyCopy.stdout + verifyCopy.stderr);

  // the administrator signs in to a server on the copy with the printed password
  const srv = await (async () => {
    const { spawn } = require('node:child_process');
    const child = spawn(BIN, [...copy, 'serve', '--listen', '127.0.0.1:0', '--no-jobs'], { cwd: ROOT });
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[0-9.:]+)/); if (m) resolve(m[1]); });
      child.on('exit', (c) => reject(new Error(`exit ${c}`)));
    });
    return { url, stop: () => new Promise((r) => { child.on('exit', r); child.kill('SIGTERM'); }) };
  })();
  const res = await fetch(srv.url + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'chief.admin', password: pw }),
  });
  assert.equal(res.status, 201);
  await srv.stop();
});

test('configuration errors name the setting and the line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-cfg-'));
  const ini = path.join(dir, 'bad.ini');
  fs.writeFileSync(ini, '[server]\nthreads = 4\nthreads = many\n');
  const r = daftar(['--config', ini, 'migrate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /line 3/);
  assert.match(r.stderr, /server\.threads/);
  const u = daftar(['--set', 'server.colour=blue', 'migrate']);
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /unknown setting 'server\.colour'/);
  const c = daftar(['frobnicate']);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /not a command/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('audit verify fails on a tampered database', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const ok = spawnSync(BIN, [...srv.dbArgs, 'audit', 'verify'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  srv.sql("UPDATE audit_leaves SET event = 'org.unit.forged' WHERE idx = 3");
  const bad = spawnSync(BIN, [...srv.dbArgs, 'audit', 'verify'], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(bad.status, 0, bad.stdout);
});
