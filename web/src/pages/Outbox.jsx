// Outbox - the writes waiting for the link (IndexedDB, lib/outbox.js):
// what, when, their state, and retry / discard.  Sending shows progress.
import { t, useLang, fmtInstant } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { outbox, flush, retry, discard } from '../lib/outbox.js';
import { session } from '../lib/session.js';
import { net } from '../lib/api.js';

export function itemLabel(it) {
  const [key, params] = it.label || ['outbox.kind.write', {}];
  return t(key, params);
}

export default function Outbox() {
  useLang();
  const box = useStore(outbox);
  const s = useStore(session);
  const { online } = useStore(net);
  const me = s.state === 'user' ? s.user.username : null;
  const waiting = box.items.filter((it) => it.state === 'waiting' || it.state === 'sending');
  return (
    <section class="page" aria-labelledby="outbox-title">
      <h1 id="outbox-title" tabIndex={-1}>{t('outbox.title')}</h1>
      <p class="lead">{t('outbox.intro')}</p>
      <div class="toolbar">
        <p role="status" aria-live="polite" data-waiting={waiting.length}>
          {box.sending
            ? t('outbox.sending', { done: box.done, total: box.total })
            : t('outbox.waiting', { n: waiting.length })}
        </p>
        {box.sending && <progress max={box.total} value={box.done} aria-label={t('outbox.progress')} />}
        <button type="button" onClick={() => flush()} disabled={!online || !me || box.sending || !waiting.length}>{t('outbox.sendNow')}</button>
      </div>
      {!online && <p class="flash warn">{t('outbox.offline')}</p>}
      {box.items.length === 0 ? <p class="empty">{t('outbox.empty')}</p> : (
        <ul class="outbox-list">
          {box.items.map((it) => (
            <li key={it.id} class={`outbox-item ${it.state}`} data-state={it.state} data-key={it.key}>
              <div class="outbox-main">
                <strong>{itemLabel(it)}</strong>
                <span class={`badge ${it.state}`}>{t(`outbox.state.${it.state}`)}</span>
              </div>
              <div class="muted">
                {t('outbox.made', { time: fmtInstant(it.created_at) })}
                {it.sent_at ? ` · ${t('outbox.sentAt', { time: fmtInstant(it.sent_at) })}` : ''}
                {it.attempts ? ` · ${t('outbox.attempts', { n: it.attempts })}` : ''}
                {it.user && it.user !== me ? ` · ${t('outbox.otherUser', { user: it.user })}` : ''}
              </div>
              {it.error && it.state !== 'sent' && (
                <div class="muted">{t('outbox.lastError', { status: it.error.status || '—' })} <span lang="en" dir="ltr">{it.error.detail}</span></div>
              )}
              <div class="actions">
                {it.state === 'failed' && <button type="button" onClick={() => retry(it.id)}>{t('outbox.retry')}</button>}
                {it.state !== 'sending' && (
                  <button type="button" class="danger-link" onClick={() => discard(it.id)}>
                    {it.state === 'sent' ? t('outbox.remove') : t('outbox.discard')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
