// web.test.js - daftar serving the web app's files (src/core/web.c): hashed
// assets cached for a year, everything else revalidated with ETags, pages
// of the app falling back to index.html, gzip variants, and paths that try
// to leave the web root or reach hidden files refused.  Runs against a
// web root made here, so it does not depend on the app having been built.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const http = require('node:http');
const { startServer } = require('./lib.js');

// raw - one request without fetch's decoding and path normalising.
function raw(url, pathname, headers = {}, method = 'GET') {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: pathname, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the web app is served from server.web_root', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-web-'));
  const index = '<!doctype html><title>daftar</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
  const app = 'console.log("daftar");'.repeat(50);
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), index);
  fs.writeFileSync(path.join(root, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  fs.writeFileSync(path.join(root, 'assets', 'app-1a2b3c.js'), app);
  fs.writeFileSync(path.join(root, 'assets', 'app-1a2b3c.js.gz'), zlib.gzipSync(app));
  fs.writeFileSync(path.join(root, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(os.tmpdir(), 'daftar-web-outside.txt'), 'outside');
  fs.symlinkSync(path.join(os.tmpdir(), 'daftar-web-outside.txt'), path.join(root, 'link.txt'));
  const srv = await startServer({ set: [`server.web_root=${root}`] });
  t.after(async () => { await srv.stop(); fs.rmSync(root, { recursive: true, force: true }); });

  await t.test('index: no-cache, a strict CSP, and 304 on a matching ETag', async () => {
    const res = await raw(srv.url, '/');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), index);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.headers['content-security-policy'], /script-src 'self';/);
    assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const again = await raw(srv.url, '/', { 'If-None-Match': res.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const head = await raw(srv.url, '/', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  await t.test('a page of the app is index.html; a missing asset is a 404', async () => {
    for (const p of ['/vacancies', '/districts/quetta-east', '/login']) {
      const res = await raw(srv.url, p);
      assert.equal(res.status, 200, p);
      assert.equal(res.body.toString(), index, p);
    }
    const missing = await raw(srv.url, '/assets/app-000000.js');
    assert.equal(missing.status, 404);
    assert.match(missing.headers['content-type'], /problem\+json/);
    const dotted = await raw(srv.url, '/favicon.ico');
    assert.equal(dotted.status, 404);
  });

  await t.test('hashed assets: immutable for a year; gzip when accepted', async () => {
    const plain = await raw(srv.url, '/assets/app-1a2b3c.js');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(plain.headers['content-type'], /^text\/javascript/);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), app);
    const zipped = await raw(srv.url, '/assets/app-1a2b3c.js', { 'Accept-Encoding': 'br, gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.ok(zipped.body.length < app.length / 4, 'the compressed file was sent');
    assert.equal(zlib.gunzipSync(zipped.body).toString(), app);
    assert.notEqual(zipped.headers.etag, plain.headers.etag);
    const sw = await raw(srv.url, '/sw.js');
    assert.equal(sw.headers['cache-control'], 'no-cache'); // a new worker must be seen at once
  });

  await t.test('nothing outside the root, no hidden files, no symlinks; the API keeps its 404s', async () => {
    for (const p of ['/../../etc/passwd', '/assets/../../etc/passwd', '/%2e%2e/etc/passwd', '/.env',
      '/assets/.%2e/.env', '/link.txt', '//etc/passwd', '/assets/']) {
      const res = await raw(srv.url, p);
      assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
      assert.ok(!res.body.toString().includes('SECRET') && !res.body.toString().includes('outside'), p);
    }
    // a %00 ends the name where libmicrohttpd decodes it: still index.html, as HTML
    const nul = await raw(srv.url, '/index.html%00.js');
    assert.equal(nul.body.toString(), index);
    assert.match(nul.headers['content-type'], /^text\/html/);
    const api = await raw(srv.url, '/api/v1/no-such-thing');
    assert.equal(api.status, 404);
    assert.match(api.headers['content-type'], /problem\+json/);
    const post = await raw(srv.url, '/', {}, 'POST');
    assert.equal(post.status, 404);
  });
});

test('server.web_root that is not a directory stops the start with a message', async () => {
  await assert.rejects(startServer({ set: ['server.web_root=/nonexistent/daftar-web'] }), /server\.web_root/);
});
