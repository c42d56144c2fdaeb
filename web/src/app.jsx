// app.jsx - the shell every page lives in: the header (name, menu,
// language, who is signed in), the offline banner and the outbox count,
// the page of the current route, and focus and title on every change of
// page (for keyboard and screen-reader users).
import { useEffect, useRef } from 'preact/hooks';
import { t, useLang, setLang, LANGS, fmtInstant, fmtNumber } from './i18n/index.js';
import { useStore } from './lib/store.js';
import { route, navigate } from './lib/router.js';
import { session, logout, can } from './lib/session.js';
import { net } from './lib/api.js';
import { outbox } from './lib/outbox.js';
import { inbox, watchInbox } from './lib/inbox.js';
import { findRoute, routes } from './routes.js';
import { Lazy, Loading } from './components/common.jsx';

function OfflineBanner() {
  const n = useStore(net);
  if (n.online) return null;
  return (
    <div class="banner offline" role="status" data-offline>
      <strong>{t('offline.title')}</strong> {t('offline.body')}
      {n.cachedAt ? ` ${t('offline.savedAt', { time: fmtInstant(n.cachedAt) })}` : ''}
    </div>
  );
}

// Bell - the inbox and its unread count, for signed-in people (lib/inbox.js
// asks for the count at most once a minute while the page is visible).
function Bell({ current }) {
  const s = useStore(session);
  const { unread } = useStore(inbox);
  const who = s.state === 'user' && !s.stale && s.me && s.me.person ? `${s.user.username}|${s.me.person.id}` : '';
  useEffect(() => (who ? watchInbox() : undefined), [who]);
  if (!who) return null;
  const n = unread || 0;
  return (
    <a href="/inbox" class="bell" data-inbox-bell data-unread={unread === null ? '' : unread}
      aria-current={current ? 'page' : undefined} aria-label={t('inbox.bell', { n })}>
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6v-5a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
      </svg>
      {n > 0 && <span class="count" aria-hidden="true">{n > 99 ? `${fmtNumber(99)}+` : fmtNumber(n)}</span>}
    </a>
  );
}

function Header() {
  const lang = useLang();
  const s = useStore(session);
  const r = useStore(route);
  const box = useStore(outbox);
  const waiting = box.items.filter((it) => it.state === 'waiting' || it.state === 'sending' || it.state === 'failed').length;
  const other = lang === 'en' ? 'ur' : 'en';
  const nav = routes.filter((x) => x.nav && (!x.auth || s.state === 'user') && (!x.guest || s.state !== 'user') && (!x.action || can(x.action)));
  return (
    <header class="top">
      <a class="skip" href="#main">{t('nav.skip')}</a>
      <div class="top-row">
        <a href="/" class="brand" aria-label={t('app.homeLink')}>
          <img src="/icons/icon.svg" alt="" width="32" height="32" />
          <span class="brand-text">
            <span class="brand-name">{t('app.name')}</span>
            <span class="brand-sub">{t('app.government')}</span>
          </span>
        </a>
        <div class="top-actions">
          <Bell current={r.path === '/inbox'} />
          <button type="button" class="lang" lang={other} onClick={() => setLang(other)} data-lang-switch={other}
            aria-label={t('nav.switchLang', { lang: LANGS[other].label })}>
            {LANGS[other].label}
          </button>
          {s.state === 'user' ? (
            <>
              <span class="who" data-user={s.user.username}>{s.user.username}</span>
              <button type="button" onClick={() => logout()} data-logout>{t('nav.logout')}</button>
            </>
          ) : s.state === 'anon' && r.path !== '/login' ? (
            <a class="button" href={`/login?next=${encodeURIComponent(r.href)}`}>{t('nav.login')}</a>
          ) : null}
        </div>
      </div>
      <nav aria-label={t('nav.main')} class="menu">
        <ul>
          {nav.map((x) => (
            <li key={x.path}><a href={x.path} aria-current={r.path === x.path ? 'page' : undefined}>{t(x.title)}</a></li>
          ))}
          {(s.state === 'user' || box.items.length > 0) && <li>
            <a href="/outbox" aria-current={r.path === '/outbox' ? 'page' : undefined} data-outbox-count={waiting}>
              {t('nav.outbox')}{waiting ? <><span class="count" aria-hidden="true">{waiting}</span><span class="sr-only">{` (${t('nav.outboxWaiting', { n: waiting })})`}</span></> : null}
            </a>
          </li>}
        </ul>
      </nav>
    </header>
  );
}

function NotFound() {
  return (
    <section class="page narrow">
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p><a href="/">{t('nav.home')}</a></p>
    </section>
  );
}

function Page() {
  const r = useStore(route);
  const s = useStore(session);
  const found = findRoute(r.path);
  useEffect(() => {
    if (found && found.route.auth && s.state === 'anon') {
      navigate(`/login?next=${encodeURIComponent(r.href)}`, { replace: true });
    }
  }, [found, s.state, r.href]);
  if (!found) return <NotFound />;
  const { route: rt, params } = found;
  if (rt.auth && s.state !== 'user') return <Loading />;
  if (rt.action && s.state !== 'user') return <Loading />;
  if (rt.action && !can(rt.action)) return <NotFound />;
  if (rt.component) { const C = rt.component; return <C params={params} />; }
  return <Lazy key={rt.path} load={rt.load} params={params} />;
}

export default function App() {
  const lang = useLang();
  const r = useStore(route);
  const main = useRef(null);
  const first = useRef(true);

  useEffect(() => {
    const found = findRoute(r.path);
    document.title = found ? `${t(found.route.title)} · ${t('app.name')}` : t('app.name');
  }, [r.path, lang]);

  // a new page: keyboard focus on its heading
  useEffect(() => {
    if (first.current) { first.current = false; return undefined; }
    const timer = setTimeout(() => {
      const h = main.current && main.current.querySelector('h1');
      if (h) { if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1'); h.focus({ preventScroll: false }); } else if (main.current) main.current.focus();
    }, 50);
    return () => clearTimeout(timer);
  }, [r.path]);

  return (
    <>
      <Header />
      <OfflineBanner />
      <main id="main" ref={main} tabIndex={-1}>
        <Page />
      </main>
      <footer class="foot">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}
