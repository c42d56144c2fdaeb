// Inbox - the signed-in person's messages (/inbox), newest first, from
// GET /api/v1/inbox?limit=&before=.  A message of a known kind is written
// from its `data` through the catalogue (so it reads in Urdu too):
// `attendance.absence` says who has been absent how many working days
// since when, as an alert or as action needed; `files.overdue` which file is
// overdue since when (a reminder to its holder, or an escalation to their
// supervisor); any other kind shows the server's `text`.  Opening a message (its link, or a click on it) or
// "Mark as read" sends POST /api/v1/inbox/{id}/read and lowers the bell's
// count.  That receipt is sent directly, not through the outbox: it only
// matters while the message is on screen, and a receipt lost offline is
// sent again the next time the message is opened.
//
// Test hooks: ul.inbox-list, li.inbox-item[data-id][data-kind][data-read],
// [data-open], [data-mark-read], [data-empty], [data-inbox-unread].
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, useLang, fmtDay, fmtInstant } from '../i18n/index.js';
import { api, query, CACHED_AT } from '../lib/api.js';
import { safeNext } from '../lib/router.js';
import { inbox, setUnread } from '../lib/inbox.js';
import { useStore } from '../lib/store.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import { LevelBadge } from '../components/attendance/absence.jsx';

const PAGE = 30;

// messageText - the message in the current language.
export function messageText(m) {
  const d = m.data || {};
  if (m.kind === 'attendance.absence' && d.name && typeof d.days === 'number') {
    const level = d.level === 'action' ? 'action' : 'alert';
    const unit = d.unit && typeof d.unit === 'object' ? d.unit.name : d.unit;
    return t(`inbox.absence.${level}`, {
      n: d.days, name: d.name, designation: d.designation || '—', unit: unit || '—', since: fmtDay(d.since),
    });
  }
  if (m.kind === 'files.overdue' && d.number && d.due) {
    if (d.level === 'escalation') return t('inbox.files.escalation', { n: d.days, number: d.number, due: fmtDay(d.due) });
    return t('inbox.files.reminder', { number: d.number, due: fmtDay(d.due) });
  }
  return m.text || t('inbox.noText');
}

function Message({ m, onRead }) {
  const read = !!m.read_at;
  const link = m.link ? safeNext(m.link) : null;
  const level = m.kind === 'attendance.absence' && m.data && m.data.level;
  return (
    // a click anywhere on an unread message marks it read; the buttons do the same for the keyboard
    <li class={`inbox-item ${read ? 'read' : 'unread'}`} data-id={m.id} data-kind={m.kind} data-read={read ? '1' : '0'}
      onClick={() => { if (!read) onRead(m); }}>
      <div class="inbox-main">
        {!read && <span class="badge new">{t('inbox.new')}</span>}
        {level && <LevelBadge level={level} />}
        <span class="muted">{fmtInstant(m.created_at)}</span>
      </div>
      <p class="inbox-text">{messageText(m)}</p>
      <div class="actions">
        {link && link !== '/' && <a class="button" href={link} data-open onClick={() => onRead(m)}>{t('inbox.open')}</a>}
        {!read && <button type="button" data-mark-read onClick={(e) => { e.stopPropagation(); onRead(m); }}>{t('inbox.markRead')}</button>}
      </div>
    </li>
  );
}

export default function Inbox() {
  useLang();
  const { unread } = useStore(inbox);
  const [state, setState] = useState({ items: [], loading: true, error: null, more: false, cachedAt: null });
  const [before, setBefore] = useState(null);
  const [nonce, setNonce] = useState(0);
  const marking = useRef(new Set()); // ids whose receipt is on its way (a click on the link is also one on the message)

  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    api.get(`/api/v1/inbox${query({ limit: PAGE, before })}`, { signal: ctl.signal }).then((d) => {
      const got = (d && d.items) || [];
      setState((s) => {
        const items = before ? [...s.items, ...got.filter((x) => !s.items.some((y) => y.id === x.id))] : got;
        return { items, loading: false, error: null, more: got.length >= PAGE, cachedAt: (d && d[CACHED_AT]) || null };
      });
      if (d && typeof d.unread === 'number') setUnread(d.unread);
    }, (error) => { if (error.name !== 'AbortError') setState((s) => ({ ...s, loading: false, error })); });
    return () => ctl.abort();
  }, [before, nonce]);

  const onRead = (m) => {
    if (m.read_at || marking.current.has(m.id)) return;
    marking.current.add(m.id);
    const now = Date.now();
    setState((s) => ({ ...s, items: s.items.map((x) => (x.id === m.id ? { ...x, read_at: now } : x)) }));
    const n = inbox.get().unread;
    if (typeof n === 'number' && n > 0) setUnread(n - 1);
    api.post(`/api/v1/inbox/${encodeURIComponent(m.id)}/read`).then(() => marking.current.delete(m.id), () => {
      marking.current.delete(m.id);
      // not recorded (offline): unread again, so that it is sent next time
      setState((s) => ({ ...s, items: s.items.map((x) => (x.id === m.id ? { ...x, read_at: null } : x)) }));
      const k = inbox.get().unread;
      if (typeof k === 'number') setUnread(k + 1);
    });
  };

  const { items, loading, error, more, cachedAt } = state;
  const last = items[items.length - 1];
  return (
    <section class="page narrow inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title" tabIndex={-1}>{t('inbox.title')}</h1>
      <p class="lead" aria-live="polite" data-inbox-unread={unread === null ? '' : unread}>
        {unread === null ? t('inbox.intro') : t('inbox.unread', { n: unread })}
      </p>
      <SavedAt at={cachedAt} />
      <Problem error={error} retry={() => setNonce((x) => x + 1)} />
      {!loading && !error && items.length === 0 && <p class="empty" data-empty>{t('inbox.empty')}</p>}
      {items.length > 0 && (
        <ul class="inbox-list" data-count={items.length}>
          {items.map((m) => <Message key={m.id} m={m} onRead={onRead} />)}
        </ul>
      )}
      {loading && <Loading />}
      {!loading && more && last && (
        <p><button type="button" onClick={() => setBefore(last.id)} data-older>{t('inbox.older')}</button></p>
      )}
    </section>
  );
}
