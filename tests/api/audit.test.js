// audit.test.js - the audit log as an outside auditor meets it: everything
// is checked here with node's crypto only, from the byte formats documented
// in src/core/audit.h, never with daftar code.
//
//   - the latest checkpoint's note is the documented text and its Ed25519
//     signature verifies with the published key (raw key -> SPKI DER);
//   - a leaf's documented bytes hash (SHA-256(0x00 || bytes)) to its
//     leaf_hash, and an inclusion proof for it recomputes the signed root
//     (RFC 9162 2.1.3.2, implemented below);
//   - a consistency proof links an early tree (whose root is recomputed here
//     from the leaves themselves) to the signed one, and links the
//     checkpoints taken before and after a write (RFC 9162 2.1.4.2);
//   - tampered proofs, roots, notes and leaves are rejected by the same
//     verifiers, so the checks above can fail;
//   - the routes' input errors (400/404/422), the permission on leaves, and
//     `daftar audit verify` on the server's database.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer } = require('./lib.js');

// An audited write (auth.user.create) that an administrator may make.
const WRITE = { url: '/api/v1/users', body: { username: 'audit.probe', password: 'Audit-Probe-2026!x' } };

// ------------------------------------------------------------- RFC 9162 in JS

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (bytes) => sha256(Buffer.from([0]), Buffer.from(bytes));
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => {
  assert.match(s, /^[0-9a-f]{64}$/);
  return Buffer.from(s, 'hex');
};

// mth - RFC 9162 2.1.1 Merkle tree hash over an array of leaf hashes.
function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// shiftToOdd - right-shift fn and sn until LSB(fn) is set or fn is 0.
function shiftToOdd(fn, sn) {
  while ((fn & 1n) === 0n && fn !== 0n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  return [fn, sn];
}

// verifyInclusion - RFC 9162 2.1.3.2.
function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = shiftToOdd(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

// verifyConsistency - RFC 9162 2.1.4.2.
function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first === 0n || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = shiftToOdd(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && fr.equals(firstRoot) && sr.equals(secondRoot);
}

// verifyNote - the checkpoint's note is the documented text and is signed.
function verifyNote(cp, publicKeyHex) {
  const note = `daftar audit log\n${cp.size}\n${cp.root}\n${cp.at}\n`;
  if (cp.note !== note) return false;
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex, 'hex')]);
  const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return crypto.verify(null, Buffer.from(cp.note, 'utf8'), key, Buffer.from(cp.signature, 'hex'));
}

// leafBytes - the documented leaf bytes, rebuilt from a leaf's fields.
function leafBytes(l) {
  return `{"actor":"${l.actor}","at":${l.at},"event":"${l.event}","id":"${l.id}","idx":${l.index},` +
    `"object_id":"${l.object_id}","object_type":"${l.object_type}","record_hash":"${l.record_hash}"}`;
}

const flip = (b, i = 0) => {
  const c = Buffer.from(b);
  c[i] ^= 1;
  return c;
};

// ------------------------------------------------------------- the tests

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.match(res.text, new RegExp(field));
}

async function waitForCheckpoint(anon, pred, ms = 15000) {
  const until = Date.now() + ms;
  for (;;) {
    const res = await anon.get('/api/v1/audit/checkpoint');
    if (res.status === 200 && pred(res.body)) return res.body;
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('audit log', async (t) => {
  const srv = await startServer({ set: ['audit.checkpoint_s=1'] });
  t.after(() => srv.stop());
  const anon = srv.client();
  let cp; // the checkpoint the demo database starts with
  let pk;

  await t.test('the key and the checkpoint are public, and the signature verifies', async () => {
    const k = await anon.get('/api/v1/audit/key');
    assert.equal(k.status, 200, k.text);
    assert.equal(k.body.algorithm, 'Ed25519');
    assert.match(k.body.public_key, /^[0-9a-f]{64}$/);
    assert.equal(k.body.key_id, sha256(Buffer.from(k.body.public_key, 'hex')).subarray(0, 8).toString('hex'));
    pk = k.body.public_key;
    const res = await anon.get('/api/v1/audit/checkpoint');
    assert.equal(res.status, 200, res.text);
    cp = res.body;
    assert.equal(typeof cp.size, 'string');
    assert.ok(BigInt(cp.size) > 1n, 'the demo database has leaves');
    assert.match(cp.root, /^[0-9a-f]{64}$/);
    assert.match(cp.signature, /^[0-9a-f]{128}$/);
    assert.equal(typeof cp.at, 'number');
    assert.equal(cp.public_key, pk);
    assert.equal(cp.key_id, k.body.key_id);
    assert.ok(verifyNote(cp, pk), 'signature over the note');
    // tampering with any signed field, the signature or the key is caught
    assert.equal(verifyNote({ ...cp, note: cp.note.replace(cp.root, hex(flip(unhex(cp.root)))) }, pk), false);
    assert.equal(verifyNote({ ...cp, size: String(BigInt(cp.size) + 1n), note: cp.note.replace(`\n${cp.size}\n`, `\n${BigInt(cp.size) + 1n}\n`) }, pk), false);
    assert.equal(verifyNote({ ...cp, signature: hex(flip(Buffer.from(cp.signature, 'hex'), 7)) }, pk), false);
    assert.equal(verifyNote(cp, hex(crypto.randomBytes(32))), false);
  });

  const cs = await srv.login('cs'); // chief secretary: holds audit.read

  await t.test('a leaf recomputes from its bytes, and its inclusion proof gives the signed root', async () => {
    const size = BigInt(cp.size);
    const root = unhex(cp.root);
    for (const i of [0n, 1n, size / 2n, size - 1n]) {
      const l = await cs.get(`/api/v1/audit/leaves/${i}`);
      assert.equal(l.status, 200, l.text);
      assert.equal(l.body.index, String(i));
      assert.equal(l.body.leaf, leafBytes(l.body), 'the documented format');
      assert.deepEqual(Object.keys(JSON.parse(l.body.leaf)), [...Object.keys(JSON.parse(l.body.leaf))].sort());
      const lh = leafHash(l.body.leaf);
      assert.equal(hex(lh), l.body.leaf_hash);
      const p = await anon.get(`/api/v1/audit/proof/inclusion?index=${i}`);
      assert.equal(p.status, 200, p.text);
      assert.equal(p.body.size, cp.size, 'size defaults to the latest checkpoint');
      assert.equal(p.body.root, cp.root);
      assert.equal(p.body.leaf_hash, l.body.leaf_hash);
      const proof = p.body.proof.map(unhex);
      assert.ok(verifyInclusion(i, size, lh, proof, root), `inclusion of leaf ${i}`);
      // tampered: a proof hash, the leaf, the index, the root, a dropped hash
      if (proof.length) {
        assert.equal(verifyInclusion(i, size, lh, [flip(proof[0]), ...proof.slice(1)], root), false);
        assert.equal(verifyInclusion(i, size, lh, proof.slice(0, -1), root), false);
      }
      assert.equal(verifyInclusion(i, size, leafHash(l.body.leaf + ' '), proof, root), false);
      assert.equal(verifyInclusion(i, size, lh, proof, flip(root)), false);
      if (size > 2n) assert.equal(verifyInclusion(i === 0n ? 1n : i - 1n, size, lh, proof, root), false);
    }
  });

  await t.test('an early tree recomputed from its leaves is a prefix of the signed one', async () => {
    const m = BigInt(Math.min(7, Number(cp.size) - 1));
    const leaves = [];
    for (let i = 0n; i < m; i++) {
      const l = await cs.get(`/api/v1/audit/leaves/${i}`);
      assert.equal(l.status, 200, l.text);
      leaves.push(leafHash(leafBytes(l.body)));
    }
    const firstRoot = mth(leaves);
    const p = await anon.get(`/api/v1/audit/proof/consistency?first=${m}`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.second, cp.size);
    assert.equal(p.body.first_root, hex(firstRoot));
    assert.equal(p.body.second_root, cp.root);
    const proof = p.body.proof.map(unhex);
    assert.ok(verifyConsistency(m, BigInt(cp.size), firstRoot, unhex(cp.root), proof));
    assert.equal(verifyConsistency(m, BigInt(cp.size), firstRoot, unhex(cp.root), [...proof.slice(0, -1), flip(proof.at(-1))]), false);
    assert.equal(verifyConsistency(m, BigInt(cp.size), flip(firstRoot), unhex(cp.root), proof), false);
    assert.equal(verifyConsistency(m + 1n, BigInt(cp.size), firstRoot, unhex(cp.root), proof), false);
    // every smaller tree too, against a root recomputed here
    for (let k = 1n; k <= m; k++) {
      const q = await anon.get(`/api/v1/audit/proof/consistency?first=${k}&second=${cp.size}`);
      assert.equal(q.status, 200, q.text);
      assert.ok(verifyConsistency(k, BigInt(cp.size), mth(leaves.slice(0, Number(k))), unhex(cp.root), q.body.proof.map(unhex)), `first=${k}`);
    }
  });

  await t.test('checkpoints before and after a write are consistent', async () => {
    const admin = await srv.login('admin');
    const res = await admin.post(WRITE.url, WRITE.body);
    assert.ok(res.status >= 200 && res.status < 300, `${WRITE.url}: ${res.status} ${res.text}`);
    const after = await waitForCheckpoint(anon, (c) => BigInt(c.size) > BigInt(cp.size));
    assert.ok(after, 'the checkpoint job signs the grown tree within seconds');
    assert.ok(verifyNote(after, pk));
    const p = await anon.get(`/api/v1/audit/proof/consistency?first=${cp.size}&second=${after.size}`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.first_root, cp.root);
    assert.equal(p.body.second_root, after.root);
    const proof = p.body.proof.map(unhex);
    assert.ok(verifyConsistency(BigInt(cp.size), BigInt(after.size), unhex(cp.root), unhex(after.root), proof));
    assert.equal(verifyConsistency(BigInt(cp.size), BigInt(after.size), unhex(cp.root), flip(unhex(after.root)), proof), false);
    assert.equal(verifyConsistency(BigInt(cp.size), BigInt(after.size), unhex(cp.root), unhex(after.root), proof.map((h) => flip(h, 31))), false);
    // the new leaf is in the new tree
    const last = BigInt(after.size) - 1n;
    const l = await cs.get(`/api/v1/audit/leaves/${last}`);
    assert.equal(l.status, 200, l.text);
    const q = await anon.get(`/api/v1/audit/proof/inclusion?index=${last}&size=${after.size}`);
    assert.ok(verifyInclusion(last, BigInt(after.size), leafHash(l.body.leaf), q.body.proof.map(unhex), unhex(after.root)));
  });

  await t.test("an object's leaves, latest first, need audit.read", async () => {
    const size = BigInt((await anon.get('/api/v1/audit/checkpoint')).body.size);
    const last = (await cs.get(`/api/v1/audit/leaves/${size - 1n}`)).body;
    const res = await cs.get(`/api/v1/audit/leaves?object_type=${last.object_type}&object_id=${last.object_id}&limit=200`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.object_type, last.object_type);
    assert.equal(res.body.object_id, last.object_id);
    assert.ok(res.body.leaves.length >= 1);
    assert.deepEqual(res.body.leaves[0], last);
    const idx = res.body.leaves.map((l) => BigInt(l.index));
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i - 1] > idx[i], 'highest index first');
    for (const l of res.body.leaves) {
      assert.equal(l.object_type, last.object_type);
      assert.equal(hex(leafHash(l.leaf)), l.leaf_hash);
    }
    const one = await cs.get(`/api/v1/audit/leaves?object_type=${last.object_type}&object_id=${last.object_id}&limit=1`);
    assert.equal(one.body.leaves.length, 1);
    assertProblem(await anon.get('/api/v1/audit/leaves/0'), 401);
    assertProblem(await anon.get('/api/v1/audit/leaves?object_type=user&object_id=1'), 401);
    const fo = await srv.login('fo.quetta.edu');
    assertProblem(await fo.get('/api/v1/audit/leaves/0'), 403);
  });

  await t.test('bad input: 400 malformed, 404 no such leaf, 422 out of range', async () => {
    const size = BigInt((await anon.get('/api/v1/audit/checkpoint')).body.size);
    for (const q of ['', '?index=', '?index=abc', '?index=-1', '?index=1.5', '?index=%201', '?index=99999999999999999999', '?index=0&size=x']) {
      assertProblem(await anon.get(`/api/v1/audit/proof/inclusion${q}`), 400, q === '?index=0&size=x' ? 'size' : 'index');
    }
    assertProblem(await anon.get(`/api/v1/audit/proof/inclusion?index=${size}&size=${size}`), 422, 'index');
    assertProblem(await anon.get(`/api/v1/audit/proof/inclusion?index=0&size=${size + 1000000n}`), 422, 'size');
    assertProblem(await anon.get('/api/v1/audit/proof/inclusion?index=0&size=0'), 422, 'index');
    for (const q of ['', '?first=', '?first=x', '?first=1&second=-2']) {
      assertProblem(await anon.get(`/api/v1/audit/proof/consistency${q}`), 400);
    }
    assertProblem(await anon.get('/api/v1/audit/proof/consistency?first=0'), 422, 'first');
    assertProblem(await anon.get(`/api/v1/audit/proof/consistency?first=2&second=1`), 422, 'first');
    assertProblem(await anon.get(`/api/v1/audit/proof/consistency?first=1&second=${size + 1000000n}`), 422, 'second');
    const same = await anon.get(`/api/v1/audit/proof/consistency?first=${size}&second=${size}`);
    assert.equal(same.status, 200, same.text);
    assert.deepEqual(same.body.proof, []);
    assert.equal(same.body.first_root, same.body.second_root);
    for (const p of ['abc', '-1', '1e3', String(size + 1000000n), '99999999999999999999']) {
      assertProblem(await cs.get(`/api/v1/audit/leaves/${p}`), 404);
    }
    assertProblem(await cs.get('/api/v1/audit/leaves?object_id=1'), 400, 'object_type');
    assertProblem(await cs.get('/api/v1/audit/leaves?object_type=User&object_id=1'), 400, 'object_type');
    assertProblem(await cs.get('/api/v1/audit/leaves?object_type=user'), 400, 'object_id');
    assertProblem(await cs.get('/api/v1/audit/leaves?object_type=user&object_id=1&limit=0'), 422, 'limit');
    assertProblem(await cs.get('/api/v1/audit/leaves?object_type=user&object_id=1&limit=201'), 422, 'limit');
    assertProblem(await cs.get('/api/v1/audit/leaves?object_type=user&object_id=1&limit=x'), 400, 'limit');
  });

  await t.test('daftar audit verify passes on the live database', async () => {
    const out = srv.run(['audit', 'verify']);
    assert.match(out, /signature: good/);
    assert.match(out, /audit log: OK/);
  });
});

test('a fresh database has a signed checkpoint from init', async (t) => {
  const srv = await startServer({ fresh: true, set: ['audit.checkpoint_s=1'] });
  t.after(() => srv.stop());
  const anon = srv.client();
  const cp = await waitForCheckpoint(anon, () => true);
  assert.ok(cp, 'a checkpoint exists');
  assert.ok(verifyNote(cp, (await anon.get('/api/v1/audit/key')).body.public_key));
  const p = await anon.get('/api/v1/audit/proof/inclusion?index=0');
  if (BigInt(cp.size) > 0n) {
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.root, cp.root);
  } else {
    assertProblem(p, 422, 'index');
  }
});
