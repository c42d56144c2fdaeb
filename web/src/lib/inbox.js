// inbox.js - how many messages in the signed-in person's inbox are unread
// (the bell in the header).  GET /api/v1/inbox?unread=1&limit=1 answers
// {items, unread}; it is asked at most once a minute, only while the page
// is visible (document.visibilityState), at once when it becomes visible
// again if a minute has passed, and not at all for a user who is not a
// person (the inbox belongs to people).  The inbox page sets the count
// from its own answer and when it marks a message read.
//
//   const { unread } = useStore(inbox);       // null: not known (yet)
//   useEffect(() => watchInbox(), [who]);     // in the header; returns stop()
import { api } from './api.js';
import { createStore } from './store.js';
import { session } from './session.js';

export const INBOX_POLL_MS = 60000;
export const inbox = createStore({ unread: null });

let last = 0;        // ms of the last request
let inflight = null;

function eligible() {
  const s = session.get();
  return s.state === 'user' && !s.stale && !!(s.me && s.me.person);
}

// checkInbox - ask for the count unless it was asked less than a minute ago.
export function checkInbox() {
  if (!eligible() || inflight || Date.now() - last < INBOX_POLL_MS) return inflight;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return null;
  last = Date.now();
  inflight = api.get('/api/v1/inbox?unread=1&limit=1')
    .then((d) => setUnread(d && typeof d.unread === 'number' ? d.unread : null))
    .catch(() => { /* offline or refused: the bell keeps what it had */ })
    .finally(() => { inflight = null; });
  return inflight;
}

// setUnread - the count from an answer the inbox page got anyway.
export function setUnread(n) {
  inbox.update((v) => (v.unread === n ? v : { ...v, unread: n }));
}

// watchInbox - poll while the page is visible; returns stop().
export function watchInbox() {
  if (!eligible()) { setUnread(null); return () => {}; }
  last = 0;
  let timer = null;
  const start = () => { if (!timer) timer = setInterval(checkInbox, INBOX_POLL_MS); };
  const stop = () => { if (timer) { clearInterval(timer); timer = null; } };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') { checkInbox(); start(); } else stop();
  };
  if (document.visibilityState === 'visible') { checkInbox(); start(); }
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    stop();
    document.removeEventListener('visibilitychange', onVisibility);
    setUnread(null);
  };
}
