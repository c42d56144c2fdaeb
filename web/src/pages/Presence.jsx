// Presence - "presence now" (/presence, attendance.read): who is on duty in
// the user's jurisdiction on a day and how they checked in, from
// GET /api/v1/presence?unit=&day=&limit=.  A deputy commissioner sees
// their district, a commissioner their division (lib/roles.js homeScope),
// province-wide roles the province (no unit); another holder of
// attendance.read the unit of their first posting.  The day is in the
// address (?day=); without it the server's today.
//
// It updates without a reload: every 15 s while the page is visible
// (document.visibilityState), at once when it becomes visible again, and
// not at all once the user has left the page.  "Updated at" says when the
// last answer came.
//
// Since the days of a person (issue 5, part 2): the counts include late,
// leave and tour; a row's status can be leave or tour (an approved absence
// and no verified check-in), and a late presence carries a "late" marker.
//
// Test hooks: [data-presence-count-on_duty|verified|late|doubtful|rejected|
// leave|tour|absent] (value = the number; a count the server does not send
// is not shown), tr.presence-row[data-person-id][data-status][data-late],
// .badge.late[data-late],
// [data-updated-at] (ms), the map's path.presence-marker[data-person-id].
import { useEffect, useState, useCallback } from 'preact/hooks';
import { t, useLang, fmtDay, fmtInstant, fmtNumber, fmtList } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session } from '../lib/session.js';
import { homeScope } from '../lib/roles.js';
import { api, query, CACHED_AT } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, Lazy, SavedAt } from '../components/common.jsx';
import DateField from '../components/DateField.jsx';
import { VerdictBadge, reasonShort } from '../components/attendance/verdict.jsx';

const loadMap = () => import('../components/attendance/PresenceMap.jsx');
export const POLL_MS = 15000;
const LIMIT = 500;
const COUNTS = ['on_duty', 'verified', 'late', 'doubtful', 'rejected', 'leave', 'tour', 'absent'];
const STATUSES = ['verified', 'doubtful', 'rejected', 'leave', 'tour', 'absent'];

// usePoll - GET url now, then every ms while the page is visible; the last
// answer stays on screen while the next one comes.  { data, error,
// loading, at (ms the answer came), cachedAt, reload }.
function usePoll(url, ms) {
  const [state, setState] = useState({ url, data: null, error: null, loading: true, at: null, cachedAt: null });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    let ctl = null;
    let timer = null;
    setState((s) => (s.url === url ? s : { url, data: null, error: null, loading: true, at: null, cachedAt: null }));
    const load = () => {
      if (ctl) ctl.abort();
      const mine = new AbortController();
      ctl = mine;
      setState((s) => ({ ...s, loading: true }));
      api.get(url, { signal: mine.signal }).then(
        (data) => { if (live && ctl === mine) setState({ url, data, error: null, loading: false, at: Date.now(), cachedAt: (data && data[CACHED_AT]) || null }); },
        (error) => { if (live && ctl === mine && error.name !== 'AbortError') setState((s) => ({ ...s, error, loading: false })); },
      );
    };
    const start = () => { if (!timer) timer = setInterval(load, ms); };
    const stop = () => { if (timer) { clearInterval(timer); timer = null; } };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') { load(); start(); } else stop();
    };
    load();
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      live = false;
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
      if (ctl) ctl.abort();
    };
  }, [url, ms, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const mine = state.url === url;
  return { ...state, data: mine ? state.data : null, at: mine ? state.at : null, reload };
}

// scopeUnit - the unit presence is asked for: none for the province.
function scopeUnit(user, me) {
  const scope = homeScope(user, me);
  if (scope.kind === 'province') return null;
  if (scope.unit) return scope.unit;
  const p = me && me.postings && me.postings[0];
  return p ? p.post.unit : null;
}

function Counts({ counts }) {
  return (
    <dl class="stats presence-stats">
      {COUNTS.filter((k) => typeof counts[k] === 'number').map((k) => (
        <div class={`stat stat-${k}`} key={k} {...{ [`data-presence-count-${k}`]: counts[k] }}>
          <dt>{t(`presence.count.${k}`)}</dt>
          <dd>{fmtNumber(counts[k])}</dd>
        </div>
      ))}
    </dl>
  );
}

function Row({ it }) {
  const last = it.last;
  return (
    <tr class="presence-row" data-person-id={it.person.id} data-status={it.status} data-late={it.late ? '1' : undefined}>
      <th scope="row">
        {it.person.name}
        {it.post && <span class="muted cell-sub">{it.post.designation}{it.post.unit ? `, ${it.post.unit.name}` : ''}</span>}
      </th>
      <td>
        <VerdictBadge verdict={it.status} />
        {it.late && <span class="badge late" data-late>{t('presence.late')}</span>}
      </td>
      <td>
        {last ? (
          <>
            <span class="nowrap" data-at={last.at_ms}>{fmtInstant(last.at_ms, { timeStyle: 'short' })}</span>
            {last.kind && (last.kind === 'in' || last.kind === 'out' || last.kind === 'fix') && <span class="muted cell-sub">{t(`attendance.kind.${last.kind}`)}</span>}
            {last.reasons && last.reasons.length > 0 && <span class="muted cell-sub">{fmtList(last.reasons.map(reasonShort))}</span>}
          </>
        ) : <span class="muted">{t('presence.noCheckin')}</span>}
      </td>
    </tr>
  );
}

export default function Presence() {
  useLang();
  const s = useStore(session);
  const r = useStore(route);
  const [show, setShow] = useState('all');
  const unit = scopeUnit(s.user, s.me);
  const dayParam = r.query.get('day') || '';
  const url = `/api/v1/presence${query({ unit: unit && unit.id, day: dayParam, limit: LIMIT })}`;
  const p = usePoll(url, POLL_MS);
  const data = p.data;
  const place = data ? (data.unit ? data.unit.name : t('presence.province')) : (unit ? unit.name : t('presence.province'));
  const items = (data && data.items) || [];
  // the districts of the day under the markers (once per day, not per update)
  const geo = useApi(data ? `/api/v1/org/geojson${query({ kind: 'district', as_of: data.day })}` : null, { progress: true });
  const shown = show === 'all' ? items : items.filter((it) => (show === 'late' ? it.late : it.status === show));

  const setDay = (v) => {
    const q = new URLSearchParams(r.query);
    q.set('day', v);
    navigate(`${r.path}?${q}`, { replace: true });
  };

  return (
    <section class="page presence" aria-labelledby="presence-title" data-unit={unit ? unit.id : ''}>
      <h1 id="presence-title" tabIndex={-1}>{t('presence.title')}</h1>
      <p class="lead">{t('presence.intro', { place })}</p>
      <div class="filters">
        <DateField label={t('presence.day')} value={(data && data.day) || dayParam} onChange={setDay} id="presence-day" />
        <div class="field">
          <label for="presence-show">{t('presence.show')}</label>
          <select id="presence-show" value={show} onChange={(e) => setShow(e.currentTarget.value)}>
            <option value="all">{t('presence.show.all')}</option>
            {STATUSES.map((v) => <option key={v} value={v}>{t(`attendance.verdict.${v}`)}</option>)}
            <option value="late">{t('presence.late')}</option>
          </select>
        </div>
      </div>
      <p class="updated-at" aria-live="polite" data-updated-at={p.at || ''}>
        {p.at ? t('presence.updatedAt', { time: fmtInstant(p.at, { timeStyle: 'medium' }) }) : ''}
        {p.loading && <span class="spinner inline" aria-hidden="true" />}
      </p>
      <p class="muted">{t('presence.every', { n: POLL_MS / 1000 })}</p>
      <SavedAt at={p.cachedAt} />
      {p.loading && !data && <Loading />}
      <Problem error={p.error} retry={p.reload} />
      {data && (
        <>
          <p class="as-of" data-day={data.day}>{t('presence.dayLine', { place, date: fmtDay(data.day, 'long') })}</p>
          <Counts counts={data.counts} />
          <section class="card" aria-labelledby="presence-map-title">
            <h2 id="presence-map-title">{t('presence.map.title')}</h2>
            <Lazy load={loadMap} loadingLabel={t('map.loading')} positions={data.positions || []} geo={geo.data} unit={data.unit}
              fitKey={`${data.unit ? data.unit.id : ''}|${data.day}`} label={t('presence.map.label', { place })} />
            {geo.loading && <Loading label={t('map.loading')} loaded={geo.loaded} total={geo.total} />}
            <p class="muted">{t('presence.map.count', { n: (data.positions || []).length })}</p>
          </section>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('presence.caption', { place, date: fmtDay(data.day) })}>
            <table class="report presence-table" data-count={shown.length}>
              <caption>{t('presence.caption', { place, date: fmtDay(data.day) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('presence.col.person')}</th>
                  <th scope="col">{t('presence.col.status')}</th>
                  <th scope="col">{t('presence.col.last')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((it) => <Row key={`${it.person.id}-${it.post ? it.post.id : ""}`} it={it} />)}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p class="empty">{t('presence.empty')}</p>}
          {data.more && <p class="muted" data-more>{t('presence.more', { n: items.length })}</p>}
        </>
      )}
    </section>
  );
}
