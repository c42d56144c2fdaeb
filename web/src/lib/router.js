// router.js - history-API routing without a library.  The server answers
// every page path with index.html (SPA fallback), so a path can be
// bookmarked, reloaded and shared.  Any same-origin <a href="/..."> is
// followed without a reload; navigate() does it from code.
import { createStore } from './store.js';

function current() {
  return { path: location.pathname, query: new URLSearchParams(location.search), href: location.pathname + location.search };
}

export const route = createStore(typeof location === 'undefined' ? { path: '/', query: new URLSearchParams(), href: '/' } : current());

// navigate - go to href ('/path?x=1'); replace: do not add a history entry.
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  route.set(current());
}

// safeNext - a 'next' parameter is followed only if it is a path of this app.
export function safeNext(next) {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function startRouter() {
  window.addEventListener('popstate', () => route.set(current()));
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    if (a.hash && a.pathname === location.pathname && a.search === location.search) return; // in-page (skip link)
    e.preventDefault();
    if (a.pathname + a.search !== location.pathname + location.search) navigate(a.pathname + a.search);
  });
}
