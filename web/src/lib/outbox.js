// outbox.js - writes that survive a lost link.  submit() sends a write at
// once when it can; when the server cannot be reached it is kept in
// IndexedDB ('outbox') and sent, in order, when the link returns.  Every
// write carries an Idempotency-Key made when the user pressed the button,
// the same on every attempt (and the same body): daftar applies a key once
// and answers a repeat with the first answer (docs/API.md), so a write
// whose answer was lost on the way back is sent again without being done
// twice.  Keys last 24 hours on the server: an item older than that is
// sent as new (the outbox page shows its age).
//
//   const r = await submit({ method: 'POST', path: '/api/v1/people', body,
//                            label: ['outbox.kind.person', { name }] });
//   r.sent -> r.data is the answer;  r.queued -> r.item waits in the outbox
//
// An item: { id, key, user, method, path, body, label: [messageKey, params],
//   created_at, state: 'waiting' | 'sending' | 'sent' | 'failed',
//   attempts, error, sent_at, result }.  Items are sent only in a session
// of the user who made them.  Sent items stay visible for a day, without
// their body.
import { ApiError, request, net } from './api.js';
import { all, put, del } from './idb.js';
import { createStore } from './store.js';
import { session, confirmSession } from './session.js';

export const outbox = createStore({ items: [], sending: false, done: 0, total: 0, ready: false });

const KEEP_SENT_MS = 24 * 3600 * 1000;
const RETRY_MS = 30000; // while something waits
const SOON_MS = 5000;   // after a send failed with the link up
let timer = null;

// uuid - a v4 UUID also outside secure contexts (plain http on a LAN).
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function currentUser() {
  const s = session.get();
  return s.state === 'user' && s.user ? s.user.username : null;
}

export async function refresh() {
  let items = [];
  try { items = await all('outbox'); } catch { items = []; }
  const now = Date.now();
  for (const it of items) {
    if (it.state === 'sent' && now - (it.sent_at || 0) > KEEP_SENT_MS) await del('outbox', it.id).catch(() => {});
  }
  items = items.filter((it) => !(it.state === 'sent' && now - (it.sent_at || 0) > KEEP_SENT_MS));
  items.sort((a, b) => (a.id < b.id ? -1 : 1));
  outbox.update((v) => ({ ...v, items, ready: true }));
  schedule();
  return items;
}

function schedule() {
  const waiting = outbox.get().items.some((it) => it.state === 'waiting');
  if (waiting && !timer) timer = setInterval(() => flush(), RETRY_MS);
  if (!waiting && timer) { clearInterval(timer); timer = null; }
}

async function enqueue(w, key, user = currentUser()) {
  const now = Date.now();
  const item = {
    id: `${String(now).padStart(15, '0')}-${key.slice(0, 8)}`,
    key, user, method: w.method, path: w.path, body: w.body,
    label: w.label || ['outbox.kind.write', {}], created_at: now,
    state: 'waiting', attempts: 0, error: null, sent_at: null, result: null,
  };
  await put('outbox', item);
  await refresh();
  return item;
}

// submit - send w = { method, path, body, label } now, or keep it: with
// no link, when the server is unavailable (503), and when the session has
// just ended (401: the user signs in again and it is sent then).
export async function submit(w) {
  const key = uuid();
  const user = currentUser();
  if (!navigator.onLine || !(await confirmSession())) return { queued: true, item: await enqueue(w, key, user) };
  try {
    const data = await request(w.method, w.path, { body: w.body, idempotencyKey: key });
    return { sent: true, data };
  } catch (e) {
    if (e instanceof ApiError && (e.offline || e.status === 503 || (e.status === 401 && user))) {
      const item = await enqueue(w, key, user);
      if (navigator.onLine && e.status !== 401) setTimeout(() => flush(), SOON_MS); // a blip: try again soon
      return { queued: true, item };
    }
    throw e;
  }
}

// idempotencyAnswer - what a 409 about the key says (docs/API.md,
// Idempotency-Key; field 'Idempotency-Key'): 'racing' (a copy is being
// applied: it carries Retry-After, ask again later), 'applied' (it was
// applied, its answer was not kept), else null.
function idempotencyAnswer(err) {
  if (err.status !== 409 || err.field !== 'Idempotency-Key') return null;
  return err.retryAfter !== null ? 'racing' : 'applied';
}

// sent - an item is done: what it carried (a person's details, say) is
// dropped from this device; its label and the id it made stay for a day.
function markSent(it, data) {
  it.state = 'sent';
  it.sent_at = Date.now();
  it.error = null;
  it.body = null;
  it.result = data && typeof data === 'object' ? { id: data.id || null } : null;
}

async function sendOne(it) {
  it.state = 'sending';
  it.attempts += 1;
  await put('outbox', it);
  try {
    const data = await request(it.method, it.path, { body: it.body, idempotencyKey: it.key });
    markSent(it, data);
    await put('outbox', it);
    return 'sent';
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError({ detail: String(e) });
    const idem = idempotencyAnswer(err);
    if (idem === 'applied') {
      markSent(it, null);
      await put('outbox', it);
      return 'sent';
    }
    const transient = idem === 'racing' || err.offline || err.status === 401 || err.status === 408 || err.status === 429 || err.status >= 500;
    it.state = transient ? 'waiting' : 'failed';
    it.error = { status: err.status, detail: err.detail, field: err.field };
    await put('outbox', it);
    return transient ? 'stop' : 'failed';
  }
}

async function flushNow() {
  if (!navigator.onLine || !(await confirmSession())) return;
  const user = currentUser();
  if (!user) return;
  const mine = (await refresh()).filter((it) => it.user === user && (it.state === 'waiting' || it.state === 'sending'));
  if (!mine.length) return;
  outbox.update((v) => ({ ...v, sending: true, done: 0, total: mine.length }));
  try {
    for (let i = 0; i < mine.length; i++) {
      const r = await sendOne(mine[i]);
      outbox.update((v) => ({ ...v, done: i + 1 }));
      await refresh();
      if (r === 'stop') break;
    }
  } finally {
    outbox.update((v) => ({ ...v, sending: false }));
    await refresh();
  }
}

let flushing = null;
// flush - send what waits (one flush at a time, across tabs when the
// browser has Web Locks).
export function flush() {
  if (flushing) return flushing;
  const run = navigator.locks ? () => navigator.locks.request('daftar-outbox', flushNow) : flushNow;
  flushing = run().catch(() => {}).finally(() => { flushing = null; });
  return flushing;
}

export async function retry(id) {
  const it = outbox.get().items.find((x) => x.id === id);
  if (!it) return;
  await put('outbox', { ...it, state: 'waiting', error: null });
  await refresh();
  return flush();
}

export async function discard(id) {
  await del('outbox', id);
  await refresh();
}

export function startOutbox() {
  window.addEventListener('online', () => flush());
  net.subscribe((v) => { if (v.online) flush(); });
  session.subscribe((s) => { if (s.state === 'user') flush(); });
  refresh().then(() => flush());
}
