// main.jsx - start: the language (before the first paint), the router, the
// session, the outbox and the service worker, then the shell.
import { render } from 'preact';
import './styles/app.css';
import { initLang } from './i18n/index.js';
import { startRouter } from './lib/router.js';
import { loadSession } from './lib/session.js';
import { startOutbox } from './lib/outbox.js';
import { registerServiceWorker } from './lib/sw.js';
import App from './app.jsx';

async function start() {
  await initLang();
  startRouter();
  render(<App />, document.getElementById('app'));
  await loadSession();
  startOutbox();
  registerServiceWorker();
}
start();
