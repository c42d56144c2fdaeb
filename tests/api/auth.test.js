// auth.test.js - signing in and out as a browser and as an integration
// meets it: the session cookie (HttpOnly, SameSite=Strict, a new one at
// every sign-in, revoked at sign-out), idle and absolute expiry on the test
// clock, CSRF on cookie-authenticated writes, login throttling (429 with
// Retry-After, even for the right password, until the window passes), the
// administrator's TOTP second factor and its enrolment, API tokens (shown
// once, Bearer, revocable, expiring), user administration (users.admin),
// and that no password, hash, secret or token ever comes back where it
// should not.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, DEMO, totp } = require('./lib.js');

const TOKEN_RE = /^dft_[1-9][0-9]{0,18}_[A-Za-z0-9_-]{43}$/;

function assertProblem(res, status, detailPattern) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') || '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  if (detailPattern) assert.match(res.body.detail, detailPattern);
}

// noSecrets - none of the given strings (passwords, secrets) nor a hash is in the reply.
function noSecrets(res, ...secrets) {
  for (const s of [DEMO.password, ...secrets]) assert.ok(!res.text.includes(s), `reply leaks a secret: ${res.text}`);
  assert.ok(!res.text.includes('$argon2'), `reply leaks a hash: ${res.text}`);
  assert.ok(!/password_hash|secret_hash|key_hash|totp_secret/.test(res.text), `reply names a secret column: ${res.text}`);
}

async function signIn(srv, username, password = DEMO.password, otp) {
  const c = srv.client();
  const body = { username, password };
  if (otp) body.otp = otp;
  const res = await c.post('/api/v1/session', body);
  return { c, res };
}

test('sessions, CSRF, tokens and users on the demo database', async (t) => {
  // a high failure limit so this server's deliberate failures never throttle 127.0.0.1
  const srv = await startServer({ set: ['auth.login_max_failures=100'] });
  t.after(() => srv.stop());

  await t.test('sign-in sets an HttpOnly, SameSite=Strict cookie and returns the CSRF token', async () => {
    const { c, res } = await signIn(srv, 'CS');
    assert.equal(res.status, 201, res.text);
    const cookie = res.headers.get('set-cookie');
    assert.match(cookie, /^daftar_session=[A-Za-z0-9_-]{43}; /);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=43200/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal(res.body.user.username, 'cs');
    assert.equal(typeof res.body.user.id, 'string');
    assert.equal(res.body.user.is_admin, false);
    assert.equal(res.body.second_factor_required, false);
    assert.match(res.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.idle_timeout_s, 1800);
    const now = await srv.clockMs();
    assert.ok(Math.abs(res.body.expires_at - (now + 43200 * 1000)) < 60000);
    noSecrets(res);
    c.csrf = res.body.csrf_token;
    const me = await c.get('/api/v1/session');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.username, 'cs');
    assert.equal(me.body.csrf_token, res.body.csrf_token);
    assert.equal(me.body.kind, 'session');
  });

  await t.test('wrong username and wrong password get the same 401', async () => {
    const a = await srv.client().post('/api/v1/session', { username: 'cs', password: 'not-the-password' });
    const b = await srv.client().post('/api/v1/session', { username: 'nobody.here', password: DEMO.password });
    assertProblem(a, 401, /^wrong username or password$/);
    assertProblem(b, 401, /^wrong username or password$/);
    assert.equal(a.body.detail, b.body.detail);
    assert.equal(a.headers.get('set-cookie'), null);
    noSecrets(a, 'not-the-password');
    noSecrets(b);
    assertProblem(await srv.client().post('/api/v1/session', { username: 'cs' }), 422);
    assertProblem(await srv.client().post('/api/v1/session', { username: 'cs', password: 12 }), 422);
  });

  await t.test('a new session id at every sign-in; the replaced one is revoked', async () => {
    const c = await srv.login('cm');
    const first = c.cookie;
    const again = await c.post('/api/v1/session', { username: 'cm', password: DEMO.password });
    assert.equal(again.status, 201, again.text);
    assert.notEqual(c.cookie, first);
    assert.notEqual(again.body.csrf_token, c.csrf);
    const old = srv.client();
    old.cookie = first;
    assertProblem(await old.get('/api/v1/session'), 401, /session has expired/);
    assert.equal((await c.get('/api/v1/session')).status, 200);
    // a second device keeps its own session
    const other = await srv.login('cm');
    assert.notEqual(other.cookie, c.cookie);
    assert.equal((await c.get('/api/v1/session')).status, 200);
    assert.equal((await other.get('/api/v1/session')).status, 200);
  });

  await t.test('a stale or forged cookie does not block signing in, but is 401 elsewhere', async () => {
    const c = srv.client();
    c.cookie = 'daftar_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const bad = await c.get('/api/v1/session');
    assertProblem(bad, 401, /your session has expired; sign in again/);
    c.cookie = 'daftar_session=../../etc/passwd';
    assertProblem(await c.get('/api/v1/session'), 401);
    c.cookie = 'daftar_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    assert.equal((await c.get('/healthz')).status, 200);
    const res = await c.post('/api/v1/session', { username: 'cs', password: DEMO.password });
    assert.equal(res.status, 201, res.text);
  });

  await t.test('sign-out revokes the session; the old cookie then gets 401', async () => {
    const c = await srv.login('cs');
    const saved = c.cookie;
    const out = await c.del('/api/v1/session');
    assert.equal(out.status, 204, out.text);
    assert.match(out.headers.get('set-cookie'), /^daftar_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    assert.equal(c.cookie, null);
    const old = srv.client();
    old.cookie = saved;
    assertProblem(await old.get('/api/v1/session'), 401, /session has expired/);
    assertProblem(await old.del('/api/v1/session', { headers: { 'X-CSRF-Token': c.csrf } }), 401);
    assertProblem(await srv.client().get('/api/v1/session'), 401);
  });

  await t.test('CSRF: a cookie-authenticated write needs the session\'s token', async () => {
    const c = await srv.login('cs');
    const token = c.csrf;
    c.csrf = null;
    assertProblem(await c.del('/api/v1/session'), 403, /X-CSRF-Token/);
    assertProblem(await c.del('/api/v1/session', { headers: { 'X-CSRF-Token': 'wrong' } }), 403);
    assertProblem(await c.del('/api/v1/session', { headers: { 'X-CSRF-Token': token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') } }), 403);
    // another session's token is wrong too
    const other = await srv.login('cs');
    assertProblem(await c.del('/api/v1/session', { headers: { 'X-CSRF-Token': other.csrf } }), 403);
    assert.equal((await c.get('/api/v1/session')).status, 200, 'still signed in');
    assert.equal((await c.del('/api/v1/session', { headers: { 'X-CSRF-Token': token } })).status, 204);
  });

  await t.test('the administrator needs the TOTP code', async () => {
    const { res } = await signIn(srv, 'admin');
    assertProblem(res, 401, /enter the 6-digit code from your authenticator app/);
    assert.equal(res.body.field, 'otp');
    assert.equal(res.headers.get('set-cookie'), null);
    const wrong = await signIn(srv, 'admin', DEMO.password, '000000');
    if (wrong.res.status !== 201) assertProblem(wrong.res, 401); // (1 in 10^5 it is the code)
    const ok = await signIn(srv, 'admin', DEMO.password, totp(DEMO.totpSecret, await srv.clockMs()));
    assert.equal(ok.res.status, 201, ok.res.text);
    assert.equal(ok.res.body.user.is_admin, true);
    assert.equal(ok.res.body.second_factor_required, false);
    noSecrets(ok.res, DEMO.totpSecret);
    // a wrong password with the right code is still wrong
    const mixed = await signIn(srv, 'admin', 'Daftar@2025', totp(DEMO.totpSecret, await srv.clockMs()));
    assertProblem(mixed.res, 401, /wrong username or password/);
  });

  await t.test('users.admin: create, duplicate, list, disable, new password; others get 403', async () => {
    const admin = await srv.login('admin');
    const cs = await srv.login('cs');
    const pw = 'first-password-123';
    const created = await admin.post('/api/v1/users', { username: 'Test.Officer', password: pw, person_id: '12345' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.username, 'test.officer');
    assert.equal(created.body.person_id, '12345');
    assert.equal(created.body.is_admin, false);
    assert.equal(created.body.totp_enabled, false);
    assert.equal(created.body.disabled, false);
    noSecrets(created, pw);
    const dup = await admin.post('/api/v1/users', { username: 'TEST.OFFICER', password: 'other-password-1' });
    assertProblem(dup, 409);
    assert.equal(dup.body.field, 'username');
    const badName = await admin.post('/api/v1/users', { username: 'no spaces', password: 'other-password-1' });
    assertProblem(badName, 422);
    assert.equal(badName.body.field, 'username');
    const shortPw = await admin.post('/api/v1/users', { username: 'shorty', password: 'short' });
    assertProblem(shortPw, 422);
    assert.equal(shortPw.body.field, 'password');
    assertProblem(await admin.post('/api/v1/users', { username: 'flag.user', password: 'other-password-1', is_admin: 'yes' }), 422);
    // non-administrators
    assertProblem(await cs.post('/api/v1/users', { username: 'sneaky', password: 'sneaky-password-1' }), 403);
    assertProblem(await cs.get('/api/v1/users'), 403);
    assertProblem(await cs.patch(`/api/v1/users/${created.body.id}`, { disabled: true }), 403);
    // the list
    const list = await admin.get('/api/v1/users?limit=500');
    assert.equal(list.status, 200, list.text);
    const mine = list.body.users.find((u) => u.username === 'test.officer');
    assert.ok(mine);
    assert.deepEqual(Object.keys(mine).sort(), ['created_at', 'disabled', 'id', 'is_admin', 'person_id', 'totp_enabled', 'updated_at', 'username']);
    assert.ok(list.body.users.some((u) => u.username === 'admin' && u.is_admin && u.totp_enabled));
    noSecrets(list, pw);
    const page = await admin.get('/api/v1/users?limit=1');
    assert.equal(page.body.users.length, 1);
    assert.equal(typeof page.body.next_after, 'string');
    const next = await admin.get(`/api/v1/users?limit=1&after=${page.body.next_after}`);
    assert.notEqual(next.body.users[0].id, page.body.users[0].id);
    assertProblem(await admin.get('/api/v1/users?limit=0'), 400);
    // the new user signs in; disabling signs them out and refuses sign-in
    const officer = await srv.login('test.officer', pw);
    const off = await admin.patch(`/api/v1/users/${created.body.id}`, { disabled: true });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.disabled, true);
    assertProblem(await officer.get('/api/v1/session'), 401);
    assertProblem((await signIn(srv, 'test.officer', pw)).res, 403, /disabled/);
    assertProblem((await signIn(srv, 'test.officer', 'a-wrong-password')).res, 401, /wrong username or password/);
    // enable again with a new password: the old one no longer works
    const pw2 = 'second-password-456';
    const on = await admin.patch(`/api/v1/users/${created.body.id}`, { disabled: false, password: pw2 });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.body.disabled, false);
    noSecrets(on, pw, pw2);
    assertProblem((await signIn(srv, 'test.officer', pw)).res, 401);
    assert.equal((await signIn(srv, 'test.officer', pw2)).res.status, 201);
    // bad patches
    assertProblem(await admin.patch(`/api/v1/users/${created.body.id}`, {}), 422);
    assertProblem(await admin.patch(`/api/v1/users/${created.body.id}`, { password: 'short' }), 422);
    assertProblem(await admin.patch('/api/v1/users/999999', { disabled: true }), 404);
    const me = await admin.get('/api/v1/session');
    assertProblem(await admin.patch(`/api/v1/users/${me.body.user.id}`, { disabled: true }), 422);
  });

  await t.test('API tokens: shown once, Bearer, listed without secrets, revoked -> 401', async () => {
    const cs = await srv.login('cs');
    const made = await cs.post('/api/v1/tokens', { name: 'tracker gateway', scopes: ['org.read', 'attendance.*'], expires_days: 30 });
    assert.equal(made.status, 201, made.text);
    assert.match(made.body.token, TOKEN_RE);
    assert.ok(made.body.token.startsWith(`dft_${made.body.id}_`));
    assert.equal(made.body.name, 'tracker gateway');
    assert.deepEqual(made.body.scopes, ['org.read', 'attendance.*']);
    const now = await srv.clockMs();
    assert.ok(Math.abs(made.body.expires_at - (now + 30 * 86400 * 1000)) < 60000);
    // the secret is everything after dft_<id>_ (base64url may itself contain '_')
    const secret = made.body.token.slice(`dft_${made.body.id}_`.length);
    assert.equal(secret.length, 43);

    const bearer = srv.client();
    bearer.token = made.body.token;
    const me = await bearer.get('/api/v1/session');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.kind, 'token');
    assert.equal(me.body.user.username, 'cs');
    assert.equal(me.body.csrf_token, null);
    assert.deepEqual(me.body.scopes, ['org.read', 'attendance.*']);
    assert.equal(me.body.expires_at, made.body.expires_at);
    noSecrets(me, secret);
    // a token cannot mint tokens, enrol TOTP or sign out a session
    assertProblem(await bearer.post('/api/v1/tokens', { name: 'child' }), 403, /signed-in session/);
    assertProblem(await bearer.post('/api/v1/session/totp'), 403);
    assertProblem(await bearer.del('/api/v1/session'), 403);

    const list = await cs.get('/api/v1/tokens');
    assert.equal(list.status, 200, list.text);
    const row = list.body.tokens.find((x) => x.id === made.body.id);
    assert.ok(row);
    assert.equal(row.token, undefined);
    assert.equal(row.revoked_at, null);
    assert.equal(typeof row.last_used_at, 'number');
    noSecrets(list, secret);

    // another user cannot see or revoke it
    const cm = await srv.login('cm');
    assert.ok(!(await cm.get('/api/v1/tokens')).body.tokens.some((x) => x.id === made.body.id));
    assertProblem(await cm.del(`/api/v1/tokens/${made.body.id}`), 404);
    assert.equal((await bearer.get('/api/v1/session')).status, 200);

    assert.equal((await cs.del(`/api/v1/tokens/${made.body.id}`)).status, 204);
    assert.equal((await cs.del(`/api/v1/tokens/${made.body.id}`)).status, 204, 'revoking twice is fine');
    assertProblem(await bearer.get('/api/v1/session'), 401, /invalid, expired or revoked/);
    const after = await cs.get('/api/v1/tokens');
    assert.equal(typeof after.body.tokens.find((x) => x.id === made.body.id).revoked_at, 'number');
    assertProblem(await cs.del('/api/v1/tokens/123'), 404);
    assertProblem(await cs.del('/api/v1/tokens/abc'), 404);
  });

  await t.test('invalid bearer tokens are always 401, even on public routes', async () => {
    const cs = await srv.login('cs');
    const made = await cs.post('/api/v1/tokens', { name: 'probe' });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(made.body.scopes, []);
    // dft_<id>_<secret>; the base64url secret may itself contain '_'
    const id = made.body.id;
    const secret = made.body.token.slice(`dft_${id}_`.length);
    assert.equal(secret.length, 43);
    const wrongSecret = secret.slice(0, -2) + (secret.endsWith('AA') ? 'BA' : 'AA');
    const bad = [
      'dft_1_xyz',
      `dft_${id}_${wrongSecret}`,
      `dft_${BigInt(id) + 1n}_${secret}`,
      `dft_0${id}_${secret}`,
      `${made.body.token}x`,
      `DFT_${id}_${secret}`,
      'x'.repeat(5000),
    ];
    for (const tok of bad) {
      const c = srv.client();
      c.token = tok;
      assertProblem(await c.get('/api/v1/session'), 401);
      assertProblem(await c.get('/healthz'), 401);
    }
    for (const h of ['Basic Y3M6cGFzcw==', 'Bearer', 'Bearer ', `Token ${made.body.token}`]) {
      assertProblem(await srv.client().get('/api/v1/session', { headers: { Authorization: h } }), 401);
    }
    const good = srv.client();
    good.token = made.body.token;
    assert.equal((await good.get('/api/v1/session')).status, 200);
  });

  await t.test('token input is checked; a token needs no CSRF token to write', async () => {
    const cs = await srv.login('cs');
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'n', scopes: ['Org.Read'] }, 'scopes'],
      [{ name: 'n', scopes: 'org.read' }, 'scopes'],
      [{ name: 'n', scopes: Array(21).fill('org.read') }, 'scopes'],
      [{ name: 'n', scopes: ['x'.repeat(65)] }, 'scopes'],
      [{ name: 'n', expires_days: 0 }, 'expires_days'],
      [{ name: 'n', expires_days: 366 }, 'expires_days'],
    ]) {
      const res = await cs.post('/api/v1/tokens', body);
      assertProblem(res, 422);
      assert.equal(res.body.field, field, JSON.stringify(body));
    }
    // an administrator's token scoped to users.admin creates a user without X-CSRF-Token
    const admin = await srv.login('admin');
    const made = await admin.post('/api/v1/tokens', { name: 'provisioning', scopes: ['users.admin'], expires_days: 1 });
    assert.equal(made.status, 201, made.text);
    const bot = srv.client();
    bot.token = made.body.token;
    const res = await bot.post('/api/v1/users', { username: 'bot.made', password: 'bot-made-password-1' });
    assert.equal(res.status, 201, res.text);
    // an administrator may revoke another user's token
    const other = await cs.post('/api/v1/tokens', { name: 'to be revoked' });
    assert.equal((await admin.del(`/api/v1/tokens/${other.body.id}`)).status, 204);
  });
});

test('session idle and absolute expiry, token expiry (test clock)', async (t) => {
  const srv = await startServer({ set: ['auth.session_idle_s=600', 'auth.session_max_s=1800'] });
  t.after(() => srv.stop());

  await t.test('idle expiry: use keeps a session alive, 10 minutes unused ends it', async () => {
    const c = await srv.login('cs');
    await srv.advanceClock(300);
    assert.equal((await c.get('/api/v1/session')).status, 200);
    await srv.advanceClock(500); // 800 s after sign-in, 500 s after last use
    assert.equal((await c.get('/api/v1/session')).status, 200);
    await srv.advanceClock(601);
    assertProblem(await c.get('/api/v1/session'), 401, /your session has expired; sign in again/);
  });

  await t.test('absolute expiry: 30 minutes after sign-in even when in use', async () => {
    const c = await srv.login('cs');
    for (let i = 0; i < 3; i++) {
      await srv.advanceClock(590);
      assert.equal((await c.get('/api/v1/session')).status, 200, `at ${(i + 1) * 590} s`);
    }
    await srv.advanceClock(31); // 1801 s
    assertProblem(await c.get('/api/v1/session'), 401, /session has expired/);
    // signing in again works and gives a fresh session
    assert.equal((await c.post('/api/v1/session', { username: 'cs', password: DEMO.password })).status, 201);
    assert.equal((await c.get('/api/v1/session')).status, 200);
  });

  await t.test('a token expires after its days', async () => {
    const c = await srv.login('cs');
    const made = await c.post('/api/v1/tokens', { name: 'one day', expires_days: 1 });
    assert.equal(made.status, 201, made.text);
    const bearer = srv.client();
    bearer.token = made.body.token;
    await srv.advanceClock(86400 - 60);
    assert.equal((await bearer.get('/api/v1/session')).status, 200);
    await srv.advanceClock(61);
    assertProblem(await bearer.get('/api/v1/session'), 401);
  });
});

test('login throttling: 429 with Retry-After until the window passes', async (t) => {
  const srv = await startServer({ set: ['auth.login_max_failures=3', 'auth.login_window_s=120'] });
  t.after(() => srv.stop());

  for (let i = 0; i < 3; i++) {
    assertProblem((await signIn(srv, 'dc.quetta', `wrong-password-${i}`)).res, 401, /wrong username or password/);
  }
  const blocked = await signIn(srv, 'dc.quetta');
  assertProblem(blocked.res, 429, /too many failed sign-ins/);
  const retry = Number(blocked.res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 120, `Retry-After ${retry}`);
  assert.equal(blocked.res.headers.get('set-cookie'), null);
  // the address is blocked too, for every username
  assertProblem((await signIn(srv, 'cs')).res, 429);
  await srv.advanceClock(60);
  const still = await signIn(srv, 'dc.quetta');
  assertProblem(still.res, 429);
  assert.ok(Number(still.res.headers.get('retry-after')) <= 60);
  await srv.advanceClock(61);
  const ok = await signIn(srv, 'dc.quetta');
  assert.equal(ok.res.status, 201, ok.res.text);
  assert.equal((await ok.c.get('/api/v1/session')).status, 200);
});

test('behind a trusted proxy each client is throttled by its own address', async (t) => {
  // two servers: one trusting 127.0.0.1 (as nginx on the same host), one trusting nobody
  const proxied = await startServer({ set: ['auth.login_max_failures=3', 'server.trusted_proxies=127.0.0.1 ::1'] });
  t.after(() => proxied.stop());
  const direct = await startServer({ set: ['auth.login_max_failures=3'] });
  t.after(() => direct.stop());
  const from = (srv, ip, username, password = DEMO.password) =>
    srv.client().post('/api/v1/session', { username, password }, { headers: { 'X-Forwarded-For': ip } });

  // three made-up usernames fail from one client: that client is blocked ...
  for (const u of ['nobody1', 'nobody2', 'nobody3']) {
    assertProblem(await from(proxied, '198.51.100.7', u, 'wrong'), 401);
  }
  assertProblem(await from(proxied, '198.51.100.7', 'cs'), 429, /too many failed sign-ins/);
  // ... and a forged left part of the header does not get it out
  assertProblem(await from(proxied, '203.0.113.1, 198.51.100.7', 'cs'), 429);
  // every other client behind the same proxy still signs in
  assert.equal((await from(proxied, '198.51.100.8', 'cs')).status, 201);
  assert.match(proxied.logs(), /ip=198\.51\.100\.7 method=POST path="\/api\/v1\/session" status=429/);

  // a server that trusts no proxy ignores the header: a new one buys nothing
  for (const u of ['nobody1', 'nobody2', 'nobody3']) {
    assertProblem(await from(direct, `198.51.100.${u.length}${u.slice(-1)}`, u, 'wrong'), 401);
  }
  assertProblem(await from(direct, '192.0.2.99', 'cs'), 429);
});

test('a fresh database: the first administrator enrols TOTP to act as one', async (t) => {
  const srv = await startServer({ fresh: true });
  t.after(() => srv.stop());

  const root = srv.client();
  const login = await root.post('/api/v1/session', { username: 'root', password: 'root-password-1' });
  assert.equal(login.status, 201, login.text);
  assert.equal(login.body.user.is_admin, false);
  assert.equal(login.body.second_factor_required, true);
  root.csrf = login.body.csrf_token;
  assertProblem(await root.get('/api/v1/users'), 403);
  assertProblem(await root.post('/api/v1/session/totp/confirm', { otp: '123456' }), 409, /start with/);

  const enrol = await root.post('/api/v1/session/totp');
  assert.equal(enrol.status, 201, enrol.text);
  assert.match(enrol.body.secret, /^[A-Z2-7]{32}$/);
  assert.equal(enrol.body.otpauth_uri, `otpauth://totp/daftar:root?secret=${enrol.body.secret}&issuer=daftar`);
  // a second enrolment before confirming replaces the secret
  const enrol2 = await root.post('/api/v1/session/totp');
  assert.equal(enrol2.status, 201);
  assert.notEqual(enrol2.body.secret, enrol.body.secret);
  const secret = enrol2.body.secret;

  const wrongCode = totp(secret, (await srv.clockMs()) + 10 * 60 * 1000);
  const wrong = await root.post('/api/v1/session/totp/confirm', { otp: wrongCode });
  assertProblem(wrong, 422);
  assert.equal(wrong.body.field, 'otp');
  assertProblem(await root.post('/api/v1/session/totp/confirm', { otp: totp(enrol.body.secret, await srv.clockMs()) }), 422);

  const ok = await root.post('/api/v1/session/totp/confirm', { otp: totp(secret, await srv.clockMs()) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.totp_enabled, true);
  assert.equal(ok.body.user.is_admin, true);
  noSecrets(ok, 'root-password-1', secret);
  const me = await root.get('/api/v1/session');
  assert.equal(me.body.user.is_admin, true);
  assert.equal(me.body.second_factor_required, false);
  assertProblem(await root.post('/api/v1/session/totp'), 409, /already on/);

  // now an administrator: users.admin works
  const made = await root.post('/api/v1/users', { username: 'clerk.one', password: 'clerk-password-1' });
  assert.equal(made.status, 201, made.text);
  const clerk = await srv.login('clerk.one', 'clerk-password-1');
  assertProblem(await clerk.get('/api/v1/users'), 403);

  // and signing in again needs the code
  const noCode = await srv.client().post('/api/v1/session', { username: 'root', password: 'root-password-1' });
  assertProblem(noCode, 401);
  assert.equal(noCode.body.field, 'otp');
  const again = await srv.login('root', 'root-password-1', totp(secret, await srv.clockMs()));
  assert.equal((await again.get('/api/v1/users')).status, 200);
});
