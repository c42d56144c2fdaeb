// useOutboxFor - the outbox items of the signed-in user that match
// `pick(item)`, and a call of onSent() each time one of them has been sent
// (from the outbox, later: the page's list is read again).
//   const waiting = useOutboxFor((it) => it.path === '/api/v1/absences', list.reload);
import { useEffect, useRef } from 'preact/hooks';
import { useStore } from '../../lib/store.js';
import { outbox } from '../../lib/outbox.js';
import { session } from '../../lib/session.js';

export function useOutboxFor(pick, onSent) {
  const box = useStore(outbox);
  const s = useStore(session);
  const user = s.user && s.user.username;
  const mine = box.items.filter((it) => it.user === user && pick(it));
  const sentKeys = mine.filter((it) => it.state === 'sent').map((it) => it.id).join(',');
  const last = useRef(box.ready ? sentKeys : null);
  useEffect(() => {
    if (!box.ready) return;
    if (last.current === null) { last.current = sentKeys; return; } // as it was when the page opened
    if (last.current !== sentKeys) { last.current = sentKeys; onSent(); }
  }, [sentKeys, box.ready]);
  return mine.filter((it) => it.state !== 'sent');
}
