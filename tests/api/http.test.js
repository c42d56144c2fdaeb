// http.test.js - the HTTP layer as a client meets it: problem bodies for
// 400/401/404/405/413/415, request ids, /healthz, /metrics, the test clock
// (and its refusal when the server was not started with it), the working
// calendar, and that bad input never takes the server down.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, backend } = require('./lib.js');

function assertProblem(res, status, detailPattern) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  assert.equal(typeof res.body.request_id, 'string');
  if (detailPattern) assert.match(res.body.detail, detailPattern);
}

// raw - send bytes over a socket and return the status line (for what fetch will not send).
function raw(url, bytes) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.write(bytes));
    let got = '';
    s.on('data', (d) => { got += d; });
    s.on('end', () => resolve(got));
    s.on('error', reject);
    s.setTimeout(10000, () => { s.destroy(); resolve(got); });
  });
}

test('HTTP layer', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const anon = srv.client();

  await t.test('healthz reports the store, the version and the test clock', async () => {
    const res = await anon.get('/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.store, backend);
    assert.equal(res.body.test_clock, true);
    assert.ok(res.headers.get('x-request-id'));
  });

  await t.test('unknown route is 404 problem+json', async () => {
    assertProblem(await anon.get('/api/v1/no/such/thing'), 404, /no route/);
  });

  await t.test('HEAD answers like GET, without a body', async () => {
    const res = await anon.request('HEAD', '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.match(res.headers.get('content-type'), /^application\/json/);
  });

  await t.test('wrong method is 405 problem+json', async () => {
    assertProblem(await anon.request('PUT', '/healthz'), 405, /not allowed/);
  });

  await t.test('a private route without a session is 401', async () => {
    assertProblem(await anon.get('/api/v1/org/tree'), 401);
  });

  await t.test('wrong content type is 415, malformed JSON is 400, non-object is 400', async () => {
    assertProblem(await anon.post('/api/v1/session', 'username=cs', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415);
    assertProblem(await anon.post('/api/v1/session', '{"username": "cs",', { headers: { 'Content-Type': 'application/json' } }), 400, /not valid JSON/);
    assertProblem(await anon.post('/api/v1/session', '[1,2]', { headers: { 'Content-Type': 'application/json' } }), 400, /JSON object/);
    assertProblem(await anon.post('/api/v1/session', '{"a":1,"a":2}', { headers: { 'Content-Type': 'application/json' } }), 400);
  });

  await t.test('a body over the route cap is 413, by declared length or by bytes sent', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(100000), password: 'y' });
    assertProblem(await anon.post('/api/v1/session', big), 413, /larger than/);
    // chunked upload with no Content-Length: cut off while reading
    const chunk = 'a'.repeat(50000);
    const body = `${(chunk.length).toString(16)}\r\n${chunk}\r\n`.repeat(4) + '0\r\n\r\n';
    const reply = await raw(srv.url, `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`);
    assert.match(reply, /^HTTP\/1\.1 413/);
  });

  await t.test('a body on a route that takes none is refused', async () => {
    // DELETE /api/v1/session accepts no body (cap 0): refused before anything else
    assertProblem(await anon.request('DELETE', '/api/v1/session', 'unexpected'), 413, /larger than the 0 bytes/);
  });

  await t.test('request ids: a sane one is echoed, an unsafe one replaced', async () => {
    const a = await anon.get('/healthz', { headers: { 'X-Request-Id': 'trace-abc.123' } });
    assert.equal(a.headers.get('x-request-id'), 'trace-abc.123');
    const b = await anon.get('/healthz', { headers: { 'X-Request-Id': 'bad id<script>' } });
    assert.notEqual(b.headers.get('x-request-id'), 'bad id<script>');
    assert.match(b.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  });

  await t.test('oversized headers and garbage requests do not take the server down', async () => {
    const huge = await raw(srv.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200000)}\r\nConnection: close\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 (413|431|400)/);
    await raw(srv.url, '\x00\x01\x02 garbage \r\n\r\n');
    await raw(srv.url, `GET /${'a/'.repeat(3000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const res = await anon.get('/healthz');
    assert.equal(res.status, 200);
    assertProblem(await anon.get(`/api/v1/${'x/'.repeat(40)}`), 404);
  });

  await t.test('metrics are Prometheus text with per-route counts and a latency histogram', async () => {
    await anon.get('/healthz');
    const res = await anon.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const m = res.text.match(/daftar_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)/);
    assert.ok(m && Number(m[1]) >= 2, res.text.slice(0, 500));
    assert.match(res.text, /daftar_http_requests_total\{method="-",route="unmatched",status="404"\} \d+/);
    assert.match(res.text, /daftar_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
    assert.match(res.text, /daftar_store_busy_seconds_total \d/);
  });

  await t.test('the test clock can be set and advanced, and bad input is 422', async () => {
    const set = await srv.setClock('2026-03-01T04:00:00Z');
    assert.equal(set.now.slice(0, 16), '2026-03-01T04:00');
    const adv = await srv.advanceClock(3600);
    assert.equal(adv.now.slice(0, 13), '2026-03-01T05');
    assertProblem(await anon.post('/api/v1/test/clock', { now: 'yesterday' }), 422);
    assertProblem(await anon.post('/api/v1/test/clock', { advance_s: -5 }), 422);
    assertProblem(await anon.post('/api/v1/test/clock', {}), 422);
    const h = await anon.get('/healthz');
    assert.ok(Math.abs(h.body.now_ms - Date.parse('2026-03-01T05:00:00Z')) < 60000);
  });

  await t.test('the working calendar: holidays and working-day arithmetic', async () => {
    const h = await anon.get('/api/v1/calendar/holidays?year=2026');
    assert.equal(h.status, 200);
    const days = h.body.holidays.map((x) => x.date);
    assert.ok(days.includes('2026-08-14'), 'Independence Day');
    assert.ok(days.includes('2026-02-05'), 'Kashmir Day');
    // Thu 13 Aug 2026 + 1 working day: Fri 14 Aug is a holiday, then the weekend
    const add = await anon.get('/api/v1/calendar/working-days?from=2026-08-13&add=1');
    assert.equal(add.body.date, '2026-08-17');
    // Mon 23 Nov .. Mon 30 Nov 2026: (23, 30] holds 24-27 and 30 = 5 working days
    const between = await anon.get('/api/v1/calendar/working-days?from=2026-11-23&to=2026-11-30');
    assert.equal(between.body.working_days, 5);
    assertProblem(await anon.get('/api/v1/calendar/working-days?from=2026-02-30&to=2026-03-01'), 400);
    assertProblem(await anon.get('/api/v1/calendar/working-days?from=2026-01-01&add=lots'), 400);
    assertProblem(await anon.get('/api/v1/calendar/holidays?year=20x6'), 400);
  });
});

test('the test clock is refused unless enabled at start', async (t) => {
  const srv = await startServer({ testClock: false });
  t.after(() => srv.stop());
  const c = srv.client();
  const h = await c.get('/healthz');
  assert.equal(h.body.test_clock, false);
  const res = await c.post('/api/v1/test/clock', { advance_s: 60 });
  assertProblem(res, 403, /test clock is off/);
});
