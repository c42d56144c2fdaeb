// sw.js (page side) - registering the service worker (/sw.js, scope /) and
// talking to it.  The worker itself is web/sw/sw.js.
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const go = () => navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => { /* not fatal: no offline */ });
  if (document.readyState === 'complete') go();
  else window.addEventListener('load', go, { once: true });
}

// clearApiCache - drop every cached API answer (sign-in, sign-out: they
// belong to one user).
export async function clearApiCache() {
  try {
    if ('caches' in window) await caches.delete('daftar-api');
  } catch { /* no Cache API: nothing cached */ }
}
