// sw.js - daftar's service worker (scope /).  scripts/build.mjs copies this
// file to dist/sw.js with VERSION and PRECACHE filled in.
//
// - The shell (index.html, the app's scripts and styles, icons, manifest,
//   config) is cached at install, so the app opens with no connection.
//   Pages (navigations) are fetched from the network first and fall back
//   to the cached index.html when there is none (or it is slower than
//   NAV_TIMEOUT_MS and a cached copy exists).
// - /assets/ files are content-hashed: served from the cache, fetched once.
// - GET /api/ answers: network first; each 200 is kept (cache
//   'daftar-api') and served when the network fails, with the header
//   X-Daftar-Cached-At (ms) so the app can say how old it is.  The page
//   empties this cache at sign-in and sign-out (one user's data).
//   GET /api/v1/session is never kept (it holds the CSRF token): offline,
//   the app stands in the last-seen /api/v1/me for it.  Nor is a
//   citizen's /api/v1/receipt-status (its URL holds the slip's code), nor a
//   scan (/attachments/: large, and not to linger on a shared phone).
// - Writes are never touched here: the page's outbox (IndexedDB) keeps
//   the ones made offline.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const SHELL = `daftar-shell-${VERSION}`;
const ASSETS = 'daftar-assets';
const API = 'daftar-api';
const NAV_TIMEOUT_MS = 4000;
const NO_CACHE_API = ['/api/v1/test/', '/api/v1/session', '/api/v1/receipt-status', '/attachments/'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((c) => c.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('daftar-shell-') && n !== SHELL).map((n) => caches.delete(n)));
    // hashed assets of older versions that this one does not use
    const assets = await caches.open(ASSETS);
    const keep = new Set(PRECACHE.map((u) => new URL(u, self.location.origin).pathname));
    for (const req of await assets.keys()) {
      const p = new URL(req.url).pathname;
      if (!keep.has(p) && !/\.(woff2?|ttf)$/.test(p)) await assets.delete(req);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'clear-api') event.waitUntil(caches.delete(API));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return; // map tiles and the like: the browser's own cache
  if (url.pathname.startsWith('/api/')) {
    if (NO_CACHE_API.some((p) => (p.startsWith('/api/') ? url.pathname.startsWith(p) : url.pathname.includes(p)))) return;
    event.respondWith(apiNetworkFirst(req));
  } else if (req.mode === 'navigate') {
    event.respondWith(page(req));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(assetCacheFirst(req));
  } else if (url.pathname === '/healthz' || url.pathname === '/metrics' || url.pathname === '/sw.js') {
    // never from a cache
  } else {
    event.respondWith(shellNetworkFirst(req));
  }
});

async function apiNetworkFirst(req) {
  const cache = await caches.open(API);
  try {
    const res = await fetch(req);
    if (res.status === 200 && res.type === 'basic') {
      const headers = new Headers(res.headers);
      headers.set('X-Daftar-Cached-At', String(Date.now()));
      const body = await res.clone().arrayBuffer();
      cache.put(req, new Response(body, { status: 200, statusText: res.statusText, headers })).catch(() => {});
    }
    return res;
  } catch (e) {
    const hit = await cache.match(req);
    if (hit) return hit;
    throw e;
  }
}

async function page(req) {
  const cached = () => caches.match('/index.html', { cacheName: SHELL }).then((r) => r || caches.match('/index.html'));
  const net = fetch(req).then((res) => {
    if (res.ok && (res.headers.get('Content-Type') || '').startsWith('text/html')) {
      const copy = res.clone();
      caches.open(SHELL).then((c) => c.put('/index.html', copy)).catch(() => {});
    }
    return res;
  });
  const fallback = await cached();
  if (!fallback) return net;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NAV_TIMEOUT_MS));
  try {
    const first = await Promise.race([net, timeout]);
    return first || fallback;
  } catch {
    return fallback;
  }
}

async function assetCacheFirst(req) {
  const hit = await caches.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) {
    const copy = res.clone();
    caches.open(ASSETS).then((c) => c.put(req, copy)).catch(() => {});
  }
  return res;
}

async function shellNetworkFirst(req) {
  try {
    const res = await fetch(req);
    if (res.ok) {
      const copy = res.clone();
      caches.open(SHELL).then((c) => c.put(req, copy)).catch(() => {});
    }
    return res;
  } catch (e) {
    const hit = await caches.match(req, { ignoreSearch: true });
    if (hit) return hit;
    throw e;
  }
}
