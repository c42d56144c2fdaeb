// main.jsx - start: the language (before the first paint), the router, the
// session, the outbox and the service worker, then the shell.
import { render } from 'preact';
import './styles/app.css';
import { initLang } from './i18n/index.js';
import { startRouter } from './lib/router.js';
import { loadSession, session } from './lib/session.js';
import { api } from './lib/api.js';
import { startOutbox } from './lib/outbox.js';
import { registerServiceWorker } from './lib/sw.js';
import App from './app.jsx';

// A new build replaced the files this page was started with (the service
// worker updated, or the server was redeployed): a chunk it asks for is
// gone.  Load the new version once rather than show a broken page.
window.addEventListener('vite:preloadError', (e) => {
  let reloaded = false;
  try { reloaded = sessionStorage.getItem('daftar.reloaded') === '1'; sessionStorage.setItem('daftar.reloaded', '1'); } catch { /* no storage */ }
  if (!reloaded && navigator.onLine) { e.preventDefault(); location.reload(); }
});
window.addEventListener('load', () => setTimeout(() => { try { sessionStorage.removeItem('daftar.reloaded'); } catch { /* no storage */ } }, 10000));

// The service worker took control (the first visit, right after it
// installed): answers fetched before it did are not in its cache, so the
// signed-in user's own /me would be missing offline.  Ask again through it.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (session.get().state === 'user') api.get('/api/v1/me').catch(() => { /* offline: nothing to seed */ });
  });
}

async function start() {
  await initLang();
  startRouter();
  render(<App />, document.getElementById('app'));
  await loadSession();
  startOutbox();
  registerServiceWorker();
}
start();
