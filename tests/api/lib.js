// lib.js - the API test harness: a real daftar process on a free loopback
// port with its own copy of the demo database, and a small HTTP client that
// keeps the session cookie and sends the CSRF token on writes, as the web
// app does.  Every test file starts its own server(s); nothing is mocked.
//
//   const { startServer, DEMO, backend } = require('./lib.js');
//   const srv = await startServer();           // demo data, test clock on
//   const cs = await srv.login('cs');          // a Client signed in as a demo user
//   const res = await cs.get('/api/v1/org/tree');  // { status, headers, body, text }
//   await srv.stop();
//
// Backends: `backend` is 'postgresql' when DAFTAR_TEST_PG holds a server's
// base URL (postgresql://postgres@127.0.0.1:PORT/, as scripts/run-tests sets
// it), else 'sqlite'.  On PostgreSQL each server gets its own database, made
// with CREATE DATABASE ... TEMPLATE $DAFTAR_TEST_PG_TEMPLATE (the demo, whose
// audit key file is $DAFTAR_TEST_PG_KEY) or empty for opts.fresh, and dropped
// by stop().  srv.db is the --db value (a file path or a URL; also srv.dbUrl),
// srv.keyFile the audit key, srv.dbArgs the flags that name both (for
// spawning daftar by hand), srv.sql(text) runs SQL on it (sqlite3 or psql).
//
// Several servers on one database (as in a cluster):
//   const b = await startServer({ shareWith: a, nodeId: 2 });  // a's database and key
//   await b.stop(); await a.stop();   // a made the database, so a drops it: stop it last
// opts.db / opts.keyFile name an existing database instead (neither made nor
// dropped here); opts.nodeId sets server.node_id, required with shareWith so
// that no two instances on one database share one; opts.pg = { url, template,
// key } uses another PostgreSQL server than DAFTAR_TEST_PG (cluster.test.js).
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.DAFTAR_BIN || path.join(ROOT, 'build-asan', 'daftar');
// The demo database every server starts from (made once by scripts/run-tests).
const TEMPLATE = process.env.DAFTAR_TEMPLATE_DB || path.join(ROOT, 'build-asan', 'template', 'demo.db');
// The PostgreSQL server under test, if any (see the header).
const PG = process.env.DAFTAR_TEST_PG ? {
  url: process.env.DAFTAR_TEST_PG.replace(/\/*$/, '/'),
  template: process.env.DAFTAR_TEST_PG_TEMPLATE || 'daftar_template',
  key: process.env.DAFTAR_TEST_PG_KEY,
} : null;
const backend = PG ? 'postgresql' : 'sqlite';

// The demo logins (src/org/demo.c prints the same list).
const DEMO = {
  password: 'Daftar@2026',
  totpSecret: 'JBSWY3DPEHPK3PXP', // the demo administrator's TOTP secret (base32)
  users: {
    admin: { role: 'admin' },
    cm: { role: 'chief_minister' },
    cs: { role: 'chief_secretary' },
    'sec.edu': { role: 'secretary', department: 'EDU' },
    'sec.health': { role: 'secretary', department: 'HEALTH' },
    'comm.quetta': { role: 'commissioner', division: 'Quetta' },
    'comm.makran': { role: 'commissioner', division: 'Mekran (Makuran from 2026-07-08)' },
    'dc.quetta': { role: 'deputy_commissioner', district: 'Quetta (Quetta East from 2026-07-08)' },
    'dc.kech': { role: 'deputy_commissioner', district: 'Kech' },
    'ac.quetta': { role: 'assistant_commissioner', district: 'Quetta' },
    'fo.quetta.edu': { role: 'field_officer', district: 'Quetta', department: 'EDU' },
    'clerk.quetta': { role: 'clerk', district: 'Quetta' },
    du: { role: 'delivery_unit' },
    'me.quetta': { role: 'me_officer', division: 'Quetta', department: 'PND' },
    'ht.quetta': { role: 'head_teacher', tehsil: 'Quetta City', department: 'EDU' },
  },
};

// totp - RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret at time ms.
function totp(secret, ms = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const h = crypto.createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}

class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null; // "daftar_session=..."
    this.csrf = null;
    this.token = null;  // bearer token, if used instead of a cookie
    this.headers = {};
  }

  // request - one HTTP call; body objects are sent as JSON, strings/Buffers as given.
  async request(method, url, body, opts = {}) {
    const headers = { ...this.headers, ...(opts.headers || {}) };
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (this.csrf && method !== 'GET' && !('X-CSRF-Token' in headers)) headers['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined && body !== null) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
        if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(this.base + url, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie && setCookie.startsWith('daftar_session=')) {
      const v = setCookie.split(';')[0];
      this.cookie = v === 'daftar_session=' ? null : v;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  get(url, opts) { return this.request('GET', url, undefined, opts); }
  post(url, body, opts) { return this.request('POST', url, body, opts); }
  put(url, body, opts) { return this.request('PUT', url, body, opts); }
  patch(url, body, opts) { return this.request('PATCH', url, body, opts); }
  del(url, opts) { return this.request('DELETE', url, undefined, opts); }

  // login - sign in (adds the TOTP code for the demo admin); throws unless 201.
  async login(username, password = DEMO.password, otp) {
    const body = { username, password };
    if (otp) body.otp = otp;
    else if (username === 'admin') body.otp = totp(DEMO.totpSecret, this.clockMs ? await this.clockMs() : Date.now());
    const res = await this.post('/api/v1/session', body);
    if (res.status !== 201) throw new Error(`login ${username}: ${res.status} ${res.text}`);
    this.csrf = res.body.csrf_token;
    return res;
  }
}

// freePort - kept for callers that need a port before starting (servers use port 0).
async function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// psql - run SQL on a PostgreSQL database (a URL); returns the rows, '|'-separated.
function psql(url, sql) {
  return execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { stdio: 'pipe' }).toString();
}

// dbArgs - the flags that name a database and its audit key (the key file is
// required with a URL; on SQLite it defaults to DB.key).
function dbArgs(db, keyFile) {
  const key = keyFile && (db.includes('://') || keyFile !== `${db}.key`);
  return ['--db', db, ...(key ? ['--set', `audit.key_file=${keyFile}`] : [])];
}

let dbCount = 0;
// newDatabase - a database in DIR for one test: the demo copy, or absent/empty
// if fresh (to be made by `daftar init`).  SQLite: DIR/daftar.db.  PostgreSQL
// (pg, default DAFTAR_TEST_PG): a new database on that server, key in DIR.
// Returns { db, keyFile, args, drop() }.
function newDatabase(dir, { fresh = false, pg = PG } = {}) {
  if (!pg) {
    const db = path.join(dir, 'daftar.db');
    if (!fresh) {
      fs.copyFileSync(TEMPLATE, db);
      fs.copyFileSync(TEMPLATE + '.key', db + '.key');
    }
    return { db, keyFile: `${db}.key`, args: dbArgs(db), drop() {} };
  }
  const name = `daftar_t${process.pid}_${++dbCount}_${crypto.randomBytes(3).toString('hex')}`;
  const keyFile = path.join(dir, 'audit.key');
  psql(pg.url + 'postgres', `CREATE DATABASE "${name}" TEMPLATE "${fresh ? 'template0' : pg.template}"`);
  if (!fresh) {
    fs.copyFileSync(pg.key, keyFile);
    fs.chmodSync(keyFile, 0o600);
  }
  const db = pg.url + name;
  return { db, keyFile, args: dbArgs(db, keyFile), drop: () => psql(pg.url + 'postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

// startServer - a daftar process on 127.0.0.1:<free port>.
// opts.fresh: start from an empty database (`daftar init --admin root`, password root-password-1) instead of the demo copy.
// opts.set: extra settings, e.g. ['auth.session_idle_s=60'].  opts.testClock (default true).
// opts.shareWith, opts.db, opts.keyFile, opts.nodeId, opts.pg: see the header.
async function startServer(opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-api-'));
  const shared = opts.shareWith ? { db: opts.shareWith.db, keyFile: opts.shareWith.keyFile }
    : opts.db ? { db: opts.db, keyFile: opts.keyFile } : null;
  if (opts.shareWith && opts.nodeId === undefined) throw new Error('startServer: give a server sharing a database its own nodeId');
  let store;
  try {
    store = shared ? { ...shared, args: dbArgs(shared.db, shared.keyFile), drop() {} } : newDatabase(dir, { fresh: opts.fresh, pg: opts.pg || PG });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { db, keyFile } = store;
  // a server that fails to start leaves no database or directory behind
  const discard = (e) => {
    try { store.drop(); } catch { /* the error at hand matters more */ }
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  };
  // a server store keeps uploads in var/blobs by default: keep them in the test's own directory
  const blobs = db.includes('://') ? [`blobs.dir=${path.join(dir, 'blobs')}`] : [];
  const set = ['auth.argon_ops=1', 'auth.argon_mem_kb=8192', 'server.threads=4', ...blobs,
    ...(opts.nodeId !== undefined ? [`server.node_id=${opts.nodeId}`] : []), ...(opts.set || [])];
  const common = [...store.args, ...set.flatMap((s) => ['--set', s])];
  if (opts.fresh && !shared) {
    try {
      execFileSync(BIN, [...common, 'init', '--admin', 'root'], {
        env: { ...process.env, DAFTAR_ADMIN_PASSWORD: 'root-password-1' }, cwd: ROOT, stdio: 'pipe',
      });
    } catch (e) { discard(new Error(`daftar init: ${e.message}\n${e.stderr || ''}`)); }
  }
  const args = [...common, 'serve', '--listen', '127.0.0.1:0'];
  if (opts.testClock !== false) args.push('--test-clock');
  const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 4e6) stderr = stderr.slice(-2e6); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  }).catch((e) => { child.kill('SIGKILL'); discard(e); });
  const srv = {
    url, dir, db, dbUrl: db, keyFile, dbArgs: store.args, child,
    logs: () => stderr,
    client: () => new Client(url),
    async login(username, password, otp) {
      const c = new Client(url);
      c.clockMs = srv.clockMs;
      await c.login(username, password, otp);
      return c;
    },
    // clockMs - the server's clock (differs from ours once a test moves it).
    async clockMs() {
      const r = await fetch(url + '/healthz');
      const j = await r.json();
      return j.now_ms;
    },
    // setClock / advanceClock - the test clock (server started with --test-clock).
    async setClock(iso) {
      const r = await new Client(url).post('/api/v1/test/clock', { now: iso });
      if (r.status !== 200) throw new Error(`set clock: ${r.status} ${r.text}`);
      return r.body;
    },
    async advanceClock(seconds) {
      const r = await new Client(url).post('/api/v1/test/clock', { advance_s: seconds });
      if (r.status !== 200) throw new Error(`advance clock: ${r.status} ${r.text}`);
      return r.body;
    },
    // sql - SQL on this server's database (sqlite3 or psql); returns the rows, '|'-separated.
    sql(text) {
      return db.includes('://') ? psql(db, text) : execFileSync('sqlite3', [db, text], { stdio: 'pipe' }).toString();
    },
    // run - a daftar CLI command on this server's database.
    run(args, env = {}) {
      return execFileSync(BIN, [...common, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' }).toString();
    },
    async stop() {
      let hung = false;
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, 15000);
        await done;
        clearTimeout(timer);
      }
      const sanitizer = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.exec(stderr);
      store.drop();
      fs.rmSync(dir, { recursive: true, force: true });
      if (hung) throw new Error(`the server did not stop within 15 s of SIGTERM:\n${stderr.slice(-3000)}`);
      if (sanitizer) throw new Error(`sanitizer report in server log:\n${stderr.slice(Math.max(0, sanitizer.index - 200), sanitizer.index + 4000)}`);
    },
  };
  return srv;
}

module.exports = { startServer, newDatabase, psql, Client, DEMO, totp, freePort, ROOT, BIN, backend, PG };
