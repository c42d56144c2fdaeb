// auditProof.js - checking a file's movements against daftar's signed
// audit log in the browser, with WebCrypto only (no library): the same
// check as tests/api/files.test.js ("history: every movement proven in the
// signed audit log") and docs/FILES.md, "The history and its proofs".
//
// For each step of GET /api/v1/files/{id}/history (item.audit = {index,
// leaf, leaf_hash, record}) and the history's checkpoint {size, root, at,
// signature, key_id}:
//   1. SHA-256(record) is the leaf's record_hash; the leaf names this file
//      (object_type "file", object_id), this step (event "files.<action>",
//      idx = index) and the record this step (file_id, seq, action);
//   2. the leaf hash is SHA-256(0x00 || leaf bytes) (RFC 9162 2.1.1);
//   3. the inclusion proof (GET /api/v1/audit/proof/inclusion?index=&size=,
//      public) leads from that hash to the checkpoint's root (RFC 9162
//      2.1.3.2); the root is the checkpoint's, never the proof's own;
//   4. the checkpoint's note "daftar audit log\n<size>\n<root>\n<at>\n" is
//      signed by the log's Ed25519 key (GET /api/v1/audit/key), checked
//      with WebCrypto's Ed25519 where the browser has it.
// A step whose leaf index is not below the checkpoint's size is newer than
// the checkpoint: provable from the next one ('pending').
//
//   const r = await verifyHistory(history, { getProof, getKey });
//   r.steps: [{ seq, state: 'verified'|'pending'|'failed'|'none', reason }]
//   r.signature: 'valid' | 'invalid' | 'unsupported' | 'none'
// Pure: every network read is passed in, so it can be reused and tested.

const enc = new TextEncoder();

// hasCrypto - whether this page may use WebCrypto's digest (a secure
// context: https, or http on localhost).
export function hasCrypto() {
  return typeof crypto !== 'undefined' && !!crypto.subtle && typeof crypto.subtle.digest === 'function';
}

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(...parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// sha256 - the SHA-256 of bytes (a Uint8Array or a string, as UTF-8).
export async function sha256(data) {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// leafHash - RFC 9162 2.1.1: SHA-256(0x00 || leaf).
export async function leafHash(leaf) {
  return sha256(concat(new Uint8Array([0]), typeof leaf === 'string' ? enc.encode(leaf) : leaf));
}

// nodeHash - RFC 9162 2.1.1: SHA-256(0x01 || left || right).
async function nodeHash(left, right) {
  return sha256(concat(new Uint8Array([1]), left, right));
}

// rootFromInclusionProof - RFC 9162 2.1.3.2: the root that the proof
// (an array of hex hashes) leads to from the leaf hash at index in a tree
// of size leaves, or null when the proof does not fit the tree.
export async function rootFromInclusionProof(index, size, hash, proof) {
  if (!(Number.isInteger(index) && Number.isInteger(size) && index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const hex of proof) {
    const p = hexToBytes(hex);
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1) === 0) while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

// checkpointNote - the signed text of a checkpoint (docs/AUDIT.md).
export function checkpointNote(cp) {
  return `daftar audit log\n${cp.size}\n${cp.root}\n${cp.at}\n`;
}

// verifyCheckpoint - the checkpoint's Ed25519 signature by the public key
// (hex, 32 bytes raw): 'valid', 'invalid', or 'unsupported' when this
// browser's WebCrypto has no Ed25519.
export async function verifyCheckpoint(cp, publicKeyHex) {
  if (!hasCrypto()) return 'unsupported';
  let key;
  try {
    key = await crypto.subtle.importKey('raw', hexToBytes(publicKeyHex), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    // NotSupportedError (no Ed25519 here); a malformed key is a bad signature
    return e && e.name === 'NotSupportedError' ? 'unsupported' : 'invalid';
  }
  try {
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, hexToBytes(cp.signature), enc.encode(checkpointNote(cp)));
    return ok ? 'valid' : 'invalid';
  } catch (e) {
    return e && e.name === 'NotSupportedError' ? 'unsupported' : 'invalid';
  }
}

// verifyStep - one movement of file fileId against checkpoint cp.
// getProof(index, size) -> { proof: [hex] } (GET /api/v1/audit/proof/inclusion).
// Returns { state, reason }: reason a short code of what did not match
// ('record', 'leaf', 'leafHash', 'proof', 'root', 'fetch').
export async function verifyStep(item, fileId, cp, getProof) {
  const a = item && item.audit;
  if (!a || typeof a.leaf !== 'string' || typeof a.record !== 'string') return { state: 'none', reason: 'noLeaf' };
  let leaf;
  let rec;
  try {
    leaf = JSON.parse(a.leaf);
    rec = JSON.parse(a.record);
  } catch {
    return { state: 'failed', reason: 'leaf' };
  }
  // 1. the leaf is about this file and step, and hashes this record
  if (leaf.event !== `files.${item.action}` || leaf.object_type !== 'file' || String(leaf.object_id) !== String(fileId)
      || Number(leaf.idx) !== Number(a.index)) return { state: 'failed', reason: 'leaf' };
  if (String(rec.file_id) !== String(fileId) || Number(rec.seq) !== Number(item.seq) || rec.action !== item.action) {
    return { state: 'failed', reason: 'record' };
  }
  if (bytesToHex(await sha256(a.record)) !== String(leaf.record_hash).toLowerCase()) return { state: 'failed', reason: 'record' };
  // 2. the leaf's hash
  const h = await leafHash(a.leaf);
  if (a.leaf_hash && bytesToHex(h) !== String(a.leaf_hash).toLowerCase()) return { state: 'failed', reason: 'leafHash' };
  // 3. in the signed tree?
  const size = cp ? Number(cp.size) : 0;
  if (!cp || !(Number(a.index) < size)) return { state: 'pending', reason: 'newer' };
  let proof;
  try {
    proof = await getProof(Number(a.index), size);
  } catch {
    return { state: 'failed', reason: 'fetch' };
  }
  let root;
  try {
    root = await rootFromInclusionProof(Number(a.index), size, h, (proof && proof.proof) || []);
  } catch {
    root = null;
  }
  if (!root) return { state: 'failed', reason: 'proof' };
  if (bytesToHex(root) !== String(cp.root).toLowerCase()) return { state: 'failed', reason: 'root' };
  return { state: 'verified', reason: null };
}

// verifyHistory - every step of a history answer, and the checkpoint's
// signature.  getKey() -> { public_key, key_id } (GET /api/v1/audit/key).
// onStep(seq, result) is called as each step is done.
export async function verifyHistory(history, { getProof, getKey, onStep } = {}) {
  const cp = history.checkpoint || null;
  let signature = 'none';
  let keyId = null;
  if (cp) {
    try {
      const key = await getKey();
      keyId = key.key_id || null;
      signature = key.key_id && cp.key_id && key.key_id !== cp.key_id ? 'invalid' : await verifyCheckpoint(cp, key.public_key);
    } catch {
      signature = 'unavailable';
    }
  }
  const steps = [];
  for (const item of history.items || []) {
    const r = { seq: item.seq, ...(await verifyStep(item, history.file_id, cp, getProof)) };
    steps.push(r);
    if (onStep) onStep(item.seq, r);
  }
  return { steps, signature, keyId, checkpoint: cp };
}
