// Review - "Check-ins to review" (/review, attendance.manage): the doubtful
// check-ins of the people a supervisor oversees that nobody has reviewed
// yet, newest first, from GET /api/v1/checkins/pending?unit=&day=&limit=
// &before= (never one's own: nobody reviews their own).  Each shows who
// (person, post, unit), when, how (check-in, check-out, a device's
// position), why it is doubtful (the reasons in words), where (the
// coordinates and the accuracy; all of the list on a map on request, the
// map chunk and the day's district boundaries loaded only then), and an
// optional note with Accept / Reject: POST /api/v1/checkins/{id}/review
// through the outbox.  A decision sent takes the row off the list (the
// status line above says what was done); one kept offline stays, marked as
// waiting in the outbox, and the list is read again once it is sent; one
// that someone else made first (409) is said so.  "Show more" asks for the
// next page (before= the last id).  Filters in the address: ?unit=&day=.
//
// Test hooks: ul.review-list, li.review-item[data-id][data-person-id]
// [data-state=open|queued|conflict], [data-reason=code], [data-coords],
// textarea[data-note], button[data-decide=accept|reject],
// [data-review-count] (value = the queue's count), [data-result=sent]
// [data-decision], [data-empty], [data-load-more], [data-show-map].
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, useLang, fmtDay, fmtInstant } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session } from '../lib/session.js';
import { api, ApiError, query, CACHED_AT } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { submit } from '../lib/outbox.js';
import { Loading, Problem, Lazy, SavedAt } from '../components/common.jsx';
import DateField from '../components/DateField.jsx';
import { VerdictBadge, reasonShort } from '../components/attendance/verdict.jsx';
import { UnitFilter } from '../components/attendance/org.jsx';
import { useOutboxFor } from '../components/attendance/useOutboxFor.js';

const PATH = '/api/v1/checkins/pending';
const PAGE = 20;
const LATE_MS = 10 * 60 * 1000; // a check-in that arrived this much after it was made says so
const loadMap = () => import('../components/attendance/PresenceMap.jsx');
const isReview = (it) => it.method === 'POST' && /^\/api\/v1\/checkins\/[^/]+\/review$/.test(it.path);

function kindText(kind) {
  return kind === 'in' || kind === 'out' || kind === 'fix' ? t(`attendance.kind.${kind}`) : kind;
}

function accuracyText(m) {
  return m === null || m === undefined ? t('attendance.accuracyUnknown') : t('attendance.accuracy', { m: Math.round(m) });
}

// Item - one check-in waiting: the evidence, a note, the two decisions.
function Item({ c, onDecided }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(null);
  const [result, setResult] = useState(null); // { queued } | { conflict, error } | { error }
  const name = (c.person && c.person.name) || '';
  const time = fmtInstant(c.at_ms);

  const decide = async (decision) => {
    setBusy(decision);
    setResult(null);
    const body = { decision };
    if (note.trim()) body.note = note.trim();
    try {
      const r = await submit({ method: 'POST', path: `/api/v1/checkins/${encodeURIComponent(c.id)}/review`, body,
        label: [`review.outbox.${decision}`, { name, time }] });
      if (r.sent) onDecided(c, decision);
      else setResult({ queued: true, decision });
    } catch (err) {
      setResult(err instanceof ApiError && err.status === 409 ? { conflict: true, error: err } : { error: err });
    } finally {
      setBusy(null);
    }
  };

  const state = result && result.queued ? 'queued' : result && result.conflict ? 'conflict' : 'open';
  const where = [c.post && c.post.designation, c.unit && c.unit.name].filter(Boolean).join(', ');
  const noteId = `review-note-${c.id}`;
  const late = typeof c.received_ms === 'number' && c.received_ms - c.at_ms > LATE_MS;
  return (
    <li class={`review-item state-${state}`} data-id={c.id} data-person-id={c.person ? c.person.id : ''} data-state={state} tabIndex={-1}>
      <div class="review-main">
        <strong>{name}</strong>
        <VerdictBadge verdict={c.status || c.verdict} />
      </div>
      {where && <p class="muted">{where}</p>}
      <p>
        <span class="nowrap" data-at={c.at_ms}>{time}</span>
        {' · '}
        <span>{kindText(c.kind)}</span>
      </p>
      {late && <p class="muted" data-received>{t('review.arrivedLater', { time: fmtInstant(c.received_ms) })}</p>}
      {c.reasons && c.reasons.length > 0 && (
        <div class="review-reasons">
          <span>{t('review.why')}</span>
          <ul>
            {c.reasons.map((code) => <li key={code} data-reason={code}>{reasonShort(code)}</li>)}
          </ul>
        </div>
      )}
      <p class="review-where" data-coords={`${c.lat},${c.lon}`}>
        {t('review.where', { lat: Number(c.lat).toFixed(5), lon: Number(c.lon).toFixed(5), accuracy: accuracyText(c.accuracy_m) })}
      </p>
      {state === 'open' && (
        <>
          <div class="field">
            <label for={noteId}>{t('review.note')}</label>
            <textarea id={noteId} rows={2} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-note />
          </div>
          <div class="actions">
            <button type="button" class="primary" disabled={!!busy} aria-busy={busy === 'accept'} onClick={() => decide('accept')} data-decide="accept">
              {busy === 'accept' ? t('common.saving') : t('review.accept')}
            </button>
            <button type="button" class="danger-link" disabled={!!busy} aria-busy={busy === 'reject'} onClick={() => decide('reject')} data-decide="reject">
              {busy === 'reject' ? t('common.saving') : t('review.reject')}
            </button>
          </div>
        </>
      )}
      <div aria-live="polite">
        {result && result.queued && (
          <p class="flash warn" role="status" data-result="queued">{t(`review.queued.${result.decision}`)} <a href="/outbox">{t('nav.outbox')}</a></p>
        )}
        {result && result.conflict && <p class="flash warn" role="alert" data-result="conflict">{t('review.conflict')}</p>}
        {result && result.error && !result.conflict && <Problem error={result.error} />}
      </div>
    </li>
  );
}

// ReviewMap - the listed check-ins on the presence map (loaded on request).
function ReviewMap({ items, asOf, fitKey }) {
  const geo = useApi(asOf ? `/api/v1/org/geojson${query({ kind: 'district', as_of: asOf })}` : null, { progress: true });
  const positions = items.map((c) => ({
    person_id: c.person ? c.person.id : '', name: (c.person && c.person.name) || '', lat: c.lat, lon: c.lon, at_ms: c.at_ms, verdict: 'doubtful',
  }));
  return (
    <>
      <Lazy load={loadMap} loadingLabel={t('map.loading')} positions={positions} geo={geo.data} unit={null}
        fitKey={fitKey} label={t('review.map.label')} />
      {geo.loading && <Loading label={t('map.loading')} loaded={geo.loaded} total={geo.total} />}
    </>
  );
}

const EMPTY = { items: [], count: null, more: false, next: null, loading: true, error: null, cachedAt: null };

export default function Review() {
  useLang();
  const s = useStore(session);
  const r = useStore(route);
  const unit = r.query.get('unit') || '';
  const day = /^\d{4}-\d{2}-\d{2}$/.test(r.query.get('day') || '') ? r.query.get('day') : '';
  const [state, setState] = useState(EMPTY);
  const [nonce, setNonce] = useState(0);
  // the page asked for: the first (before null) whenever the filters change
  // or the list is read again (key), then the next ones ("Show more")
  const key = `${unit}|${day}|${nonce}`;
  const [cursor, setCursor] = useState({ key, before: null });
  const before = cursor.key === key ? cursor.before : null;
  const [done, setDone] = useState(null); // { decision, name, time } of the last decision sent
  const [map, setMap] = useState(false);
  const list = useRef(null);
  const filters = `${unit}|${day}`;

  useEffect(() => {
    const ctl = new AbortController();
    setState((v) => (before ? { ...v, loading: true, error: null } : { ...EMPTY }));
    api.get(`${PATH}${query({ unit, day, limit: PAGE, before })}`, { signal: ctl.signal }).then((d) => {
      const got = (d && d.items) || [];
      setState((v) => ({
        items: before ? [...v.items, ...got.filter((x) => !v.items.some((y) => y.id === x.id))] : got,
        count: d && typeof d.count === 'number' ? d.count : null,
        more: !!(d && d.more),
        next: (d && d.next_before) || null,
        loading: false,
        error: null,
        cachedAt: (d && d[CACHED_AT]) || null,
      }));
    }, (error) => { if (error.name !== 'AbortError') setState((v) => ({ ...v, loading: false, error })); });
    return () => ctl.abort();
  }, [key, before]);
  const reload = () => setNonce((n) => n + 1);
  // a decision kept in the outbox and sent later: the list is read again
  useOutboxFor(isReview, reload);

  const set = (k, v) => {
    const q = new URLSearchParams(r.query);
    if (v) q.set(k, v); else q.delete(k);
    navigate(q.toString() ? `${r.path}?${q}` : r.path, { replace: true });
  };

  // a decision was sent: the row leaves, focus goes to the next one (or the status line)
  const onDecided = (c, decision) => {
    const at = state.items.findIndex((x) => x.id === c.id);
    setDone({ decision, name: (c.person && c.person.name) || '', time: fmtInstant(c.at_ms) });
    setState((v) => ({
      ...v,
      items: v.items.filter((x) => x.id !== c.id),
      count: typeof v.count === 'number' && v.count > 0 ? v.count - 1 : v.count,
    }));
    setTimeout(() => {
      const rows = list.current ? list.current.querySelectorAll('li.review-item') : [];
      const next = rows[Math.min(at, rows.length - 1)];
      const status = document.getElementById('review-status');
      if (next) next.focus(); else if (status) status.focus();
    }, 0);
  };

  const { items, count, more, next, loading, error, cachedAt } = state;
  const asOf = (s.me && s.me.as_of) || '';
  return (
    <section class="page narrow review" aria-labelledby="review-title">
      <h1 id="review-title" tabIndex={-1}>{t('review.title')}</h1>
      <p class="lead">{t('review.intro')}</p>
      <form class="filters" role="search" aria-label={t('review.filters')} onSubmit={(e) => e.preventDefault()}>
        <UnitFilter id="review-unit" value={unit} onChange={(v) => set('unit', v)} />
        <DateField id="review-day" label={t('review.day')} value={day} max={asOf || undefined} onChange={(v) => set('day', v)} />
        {day && <p><button type="button" onClick={() => set('day', '')} data-all-days>{t('review.allDays')}</button></p>}
      </form>
      <div id="review-status" tabIndex={-1} aria-live="polite" class="form-status">
        {done && <p class="flash ok" role="status" data-result="sent" data-decision={done.decision}>{t(`review.done.${done.decision}`, { name: done.name, time: done.time })}</p>}
      </div>
      <SavedAt at={cachedAt} />
      <Problem error={error} retry={reload} />
      {count !== null && (
        <p class="as-of" data-review-count={count}>
          {day ? t('review.countDay', { n: count, date: fmtDay(day, 'long') }) : t('review.count', { n: count })}
        </p>
      )}
      {!loading && !error && items.length === 0 && !more && <p class="empty" data-empty>{t(day ? 'review.emptyDay' : 'review.empty')}</p>}
      {items.length > 0 && (
        <>
          <p>
            <button type="button" aria-expanded={map ? 'true' : 'false'} aria-controls="review-map" onClick={() => setMap((m) => !m)} data-show-map>
              {map ? t('review.map.hide') : t('review.map.show')}
            </button>
          </p>
          <div id="review-map">{map && <ReviewMap items={items} asOf={day || asOf} fitKey={filters} />}</div>
          <ul class="review-list" data-count={items.length} ref={list}>
            {items.map((c) => <Item key={c.id} c={c} onDecided={onDecided} />)}
          </ul>
        </>
      )}
      {loading && <Loading />}
      {!loading && more && next && (
        <p>
          <button type="button" onClick={() => setCursor({ key, before: next })} data-load-more>
            {typeof count === 'number' ? t('review.more', { n: Math.max(count - items.length, 0) }) : t('review.moreUnknown')}
          </button>
        </p>
      )}
      <p class="muted">{t('review.how', { n: PAGE })}</p>
    </section>
  );
}
