// api.js - the one way the app talks to daftar.  Same origin, cookie
// session; writes carry X-CSRF-Token; errors come back as ApiError with the
// problem+json `detail` and `field`; a 401 on any call made while signed in
// means the session ended, and the registered handler sends the user to the
// login page (and back afterwards).  Answers the service worker served from
// its cache (offline) carry X-Daftar-Cached-At, shown by the offline banner.
//
//   import { api } from './api.js';
//   const rows = await api.get('/api/v1/reports/vacancies?by=district');
//   const geo = await api.get(url, { progress: (loaded, total) => ... });
//   await api.post('/api/v1/people', body, { idempotencyKey });
// Writes that must survive a lost link go through lib/outbox.js instead.
import { createStore } from './store.js';

export const net = createStore({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  cachedAt: null, // ms: the last answer came from the offline cache, saved then
});

if (typeof window !== 'undefined') {
  const update = () => net.update((v) => ({ ...v, online: navigator.onLine, cachedAt: navigator.onLine ? null : v.cachedAt }));
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
}

export class ApiError extends Error {
  constructor({ status = 0, detail = '', field = null, problem = null, offline = false, path = '', retryAfter = null }) {
    super(detail || `HTTP ${status}`);
    this.status = status;   // 0 when the server was not reached
    this.detail = detail;   // the server's human explanation
    this.field = field;     // the input at fault (422, 401 otp)
    this.problem = problem; // the whole problem+json body
    this.offline = offline; // no answer: offline or the server unreachable
    this.path = path;
    this.retryAfter = retryAfter; // seconds, from Retry-After (429, 503, a racing 409)
  }
}

// data[CACHED_AT] - when an answer came from the offline cache: the time it was saved.
export const CACHED_AT = Symbol('cachedAt');

let csrfToken = null;
let signedIn = false;
let expiredHandler = null;

// setSession - what the wrapper needs to know about the session.
export function setSession({ csrf = null, user = false } = {}) {
  csrfToken = csrf;
  signedIn = !!user;
}
// onSessionExpired - fn() is called once for a 401 while signed in.
export function onSessionExpired(fn) { expiredHandler = fn; }

async function readBody(res, progress) {
  const total = Number(res.headers.get('Content-Length')) || 0;
  if (!progress || !res.body || !res.body.getReader) return res.text();
  const reader = res.body.getReader();
  const chunks = [];
  let loaded = 0;
  progress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(loaded, total);
  }
  const all = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return new TextDecoder().decode(all);
}

// request - one call.  opts: body (JSON), headers, progress(loaded, total),
// signal, idempotencyKey, allow401 (do not treat 401 as an expired session).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json', ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal, cache: 'no-store' });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, offline: true, detail: String(e && e.message || e), path });
  }
  const cachedAt = Number(res.headers.get('X-Daftar-Cached-At')) || null;
  if (method === 'GET') net.update((v) => (v.cachedAt === cachedAt ? v : { ...v, cachedAt }));
  if (res.status === 401 && signedIn && !opts.allow401) {
    signedIn = false;
    csrfToken = null;
    if (expiredHandler) expiredHandler();
  }
  if (res.status === 204) return null;
  let text;
  try {
    text = await readBody(res, opts.progress);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, offline: true, detail: String(e && e.message || e), path });
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (cachedAt && data && typeof data === 'object') Object.defineProperty(data, CACHED_AT, { value: cachedAt });
  if (!res.ok) {
    throw new ApiError({
      status: res.status,
      detail: (data && data.detail) || res.statusText,
      field: data && data.field || null,
      problem: data,
      path,
      retryAfter: res.headers.get('Retry-After') === null ? null : Number(res.headers.get('Retry-After')),
    });
  }
  return data;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
};

// query - '?a=1&b=2' from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
