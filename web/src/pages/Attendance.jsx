// Attendance - "my attendance today" (/attendance, any signed-in person):
// two big buttons, Check in and Check out.  A press asks the device for a
// fresh, precise position (navigator.geolocation, 20 s at most) and sends
// POST /api/v1/checkins {kind, lat, lon, accuracy_m, at} through the outbox:
// `at` is the position's own time, so a check-in made offline waits in the
// outbox and is judged with the time it was made when the link returns.
// The answer's verdict (verified / doubtful / rejected) is shown in colour
// and words with each reason explained; below, today's check-ins
// (GET /api/v1/checkins) and those still waiting in the outbox.
//
// Test hooks: [data-verdict] on the verdict, [data-result=queued] when it
// waits, [data-geo-error=denied|unavailable|timeout|...], .checkin[data-verdict]
// items and .checkin-waiting items in the list.
import { useState, useRef, useEffect } from 'preact/hooks';
import { t, useLang, fmtInstant, fmtDay } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { session } from '../lib/session.js';
import { useApi } from '../lib/useApi.js';
import { submit, outbox } from '../lib/outbox.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import { VerdictBadge, reasonText } from '../components/attendance/verdict.jsx';
import { locate, GeoError } from '../components/attendance/locate.jsx';

const PATH = '/api/v1/checkins';
const TIME = { timeStyle: 'medium' };

function accuracyText(m) {
  return m === null || m === undefined ? t('attendance.accuracyUnknown') : t('attendance.accuracy', { m: Math.round(m) });
}

// Verdict - the judgement of one check-in, prominent.
function Verdict({ c, fromOutbox }) {
  const reasons = c.reasons || [];
  return (
    <div class={`verdict-box verdict-${c.verdict}`} data-verdict={c.verdict} data-checkin-id={c.id}>
      <p class="verdict-kind">{t(`attendance.done.${c.kind === 'out' ? 'out' : 'in'}`, { time: fmtInstant(c.at_ms, TIME) })}</p>
      <p class="verdict-word"><span class="verdict-icon" aria-hidden="true" />{t(`attendance.verdict.${c.verdict}`)}</p>
      <p>{t(`attendance.verdictHelp.${c.verdict}`)}</p>
      {reasons.length > 0 && (
        <>
          <p class="reasons-title">{t('attendance.reasons', { n: reasons.length })}</p>
          <ul class="reasons">
            {reasons.map((r) => <li key={r} data-reason={r}>{reasonText(r)}</li>)}
          </ul>
        </>
      )}
      {fromOutbox && <p class="muted">{t('attendance.sentFromOutbox')}</p>}
    </div>
  );
}

// Review - what a supervisor made of a doubtful check-in (its status).
function Review({ r }) {
  const d = String(r.decision || '').startsWith('accept') ? 'accept' : 'reject';
  return (
    <span class={`review review-${d}`} data-review={d}>
      {t(`attendance.review.${d}`)}
      {r.note ? <span class="muted"> {t('attendance.review.note', { note: r.note })}</span> : null}
    </span>
  );
}

// Today - today's check-ins from the server, and those waiting in the outbox.
function Today({ list, waiting }) {
  const { data, error, loading, cachedAt, reload } = list;
  const items = (data && data.items) || [];
  return (
    <section class="card" aria-labelledby="today-title">
      <h2 id="today-title">{data ? t('attendance.todayTitleDay', { date: fmtDay(data.day, 'long') }) : t('attendance.todayTitle')}</h2>
      <SavedAt at={cachedAt} />
      {waiting.length > 0 && (
        <ul class="checkins">
          {waiting.map((it) => (
            <li key={it.id} class="checkin-waiting" data-state={it.state}>
              <span class="checkin-time">{it.body ? fmtInstant(it.body.at, TIME) : fmtInstant(it.created_at, TIME)}</span>
              <strong>{t(`attendance.kind.${it.body && it.body.kind === 'out' ? 'out' : 'in'}`)}</strong>
              <span class={`badge ${it.state}`}>{t(`outbox.state.${it.state}`)}</span>
              <span class="muted">{t('attendance.waitingNote')} <a href="/outbox">{t('nav.outbox')}</a></span>
            </li>
          ))}
        </ul>
      )}
      {loading && !data && <Loading />}
      <Problem error={error} retry={reload} />
      {data && items.length === 0 && waiting.length === 0 && <p class="empty">{t('attendance.none')}</p>}
      {items.length > 0 && (
        <ul class="checkins" data-count={items.length}>
          {[...items].reverse().map((c) => (
            <li key={c.id} class="checkin" data-verdict={c.verdict} data-status={c.status || c.verdict} data-id={c.id} data-at={c.at_ms}>
              <span class="checkin-time">{fmtInstant(c.at_ms, TIME)}</span>
              <strong>{t(`attendance.kind.${c.kind}`)}</strong>
              <VerdictBadge verdict={c.verdict} />
              <span class="muted">{accuracyText(c.accuracy_m)}</span>
              {c.review && <Review r={c.review} />}
              {c.reasons && c.reasons.length > 0 && (
                <ul class="reasons small">
                  {c.reasons.map((r) => <li key={r} data-reason={r}>{reasonText(r)}</li>)}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function Attendance() {
  useLang();
  const s = useStore(session);
  const box = useStore(outbox);
  const person = s.me && s.me.person;
  const user = s.user && s.user.username;
  const list = useApi(person ? PATH : null);
  // phase: idle | locating | sending; result: { sent, data } | { queued, item } | { geo } | { error }
  const [phase, setPhase] = useState('idle');
  const [result, setResult] = useState(null);
  const [fix, setFix] = useState(null);
  const statusRef = useRef(null);

  const mine = box.items.filter((it) => it.path === PATH && it.method === 'POST' && it.user === user);
  const waiting = mine.filter((it) => it.state !== 'sent');
  // a check-in sent from the outbox: today's list is read again
  const sentKeys = mine.filter((it) => it.state === 'sent').map((it) => it.id).join(',');
  const lastSent = useRef(box.ready ? sentKeys : null);
  useEffect(() => {
    if (!box.ready) return;
    if (lastSent.current === null) { lastSent.current = sentKeys; return; } // the outbox as it was when the page opened
    if (lastSent.current !== sentKeys) { lastSent.current = sentKeys; list.reload(); }
  }, [sentKeys, box.ready]);

  const press = async (kind) => {
    setResult(null);
    setFix(null);
    setPhase('locating');
    let pos;
    try {
      pos = await locate();
    } catch (e) {
      setPhase('idle');
      setResult({ geo: (e && e.geo) || 'unavailable' });
      setTimeout(() => statusRef.current && statusRef.current.focus(), 0);
      return;
    }
    const c = pos.coords;
    const at = Math.round(pos.timestamp || Date.now());
    const body = { kind, lat: c.latitude, lon: c.longitude, at };
    if (typeof c.accuracy === 'number' && Number.isFinite(c.accuracy)) body.accuracy_m = Math.round(c.accuracy * 10) / 10;
    setFix({ accuracy: body.accuracy_m, at });
    setPhase('sending');
    try {
      const r = await submit({ method: 'POST', path: PATH, body, label: [`attendance.outbox.${kind}`, { time: fmtInstant(at, TIME) }] });
      setResult(r);
      if (r.sent) list.reload();
    } catch (err) {
      setResult({ error: err });
    } finally {
      setPhase('idle');
      setTimeout(() => statusRef.current && statusRef.current.focus(), 0);
    }
  };

  // a queued check-in that has since been sent: its verdict, from today's list
  let queued = null;
  let sentLater = null;
  if (result && result.queued) {
    queued = box.items.find((it) => it.id === result.item.id) || result.item;
    if (queued.state === 'sent' && queued.result && queued.result.id && list.data) {
      sentLater = (list.data.items || []).find((c) => c.id === queued.result.id) || null;
    }
  }

  const busy = phase !== 'idle';
  return (
    <section class="page narrow attendance" aria-labelledby="attendance-title">
      <h1 id="attendance-title" tabIndex={-1}>{t('attendance.title')}</h1>
      {!person ? (
        <p class="flash warn" data-not-person>{t('attendance.notPerson')}</p>
      ) : (
        <>
          <p class="lead">{t('attendance.intro')}</p>
          <div class="checkin-buttons">
            <button type="button" class="primary big" data-checkin="in" disabled={busy} aria-busy={busy} onClick={() => press('in')}>
              {t('attendance.checkIn')}
            </button>
            <button type="button" class="big" data-checkin="out" disabled={busy} aria-busy={busy} onClick={() => press('out')}>
              {t('attendance.checkOut')}
            </button>
          </div>
          <p class="checkin-status" role="status" aria-live="polite" data-phase={phase}>
            {phase === 'locating' && <><span class="spinner" aria-hidden="true" /> {t('attendance.locating')}</>}
            {phase === 'sending' && <><span class="spinner" aria-hidden="true" /> {t('attendance.sending', { accuracy: accuracyText(fix && fix.accuracy) })}</>}
          </p>
          <div ref={statusRef} tabIndex={-1} class="checkin-result">
            {result && result.sent && result.data && <Verdict c={result.data} />}
            {queued && !sentLater && (
              <div class={`flash ${queued.state === 'failed' ? 'problem' : 'warn'}`} role="status" data-result="queued" data-state={queued.state}
                data-at={queued.body ? queued.body.at : (fix && fix.at) || ''}>
                <p>{queued.state === 'failed'
                  ? t('attendance.queuedFailed')
                  : t('attendance.queued', { time: fmtInstant((fix && fix.at) || queued.created_at, TIME) })}</p>
                <p><a href="/outbox">{t('attendance.openOutbox')}</a></p>
              </div>
            )}
            {sentLater && <Verdict c={sentLater} fromOutbox />}
            {result && result.geo && <GeoError code={result.geo} />}
            {result && result.error && <Problem error={result.error} />}
          </div>
          <Today list={list} waiting={waiting} />
          <p class="muted">{t('attendance.howJudged')}</p>
        </>
      )}
    </section>
  );
}
