// Absences - "Leave and tours" (/absences, any signed-in person).
//
// Mine (every person): a form to ask for leave or a tour (kind, from, to,
// reason; for a tour optionally a place: the current position as a circle
// with a radius, or a district from GET /api/v1/org/tree), sent as
// POST /api/v1/absences through the outbox (with no link it waits there),
// and the list of one's own absences (GET /api/v1/absences) with their
// status; a requested or approved one can be cancelled
// (POST /api/v1/absences/{id}/cancel).
//
// To decide (holders of attendance.manage, ?tab=decide): the requested
// absences of the people they reach (GET /api/v1/absences?status=
// requested&unit=, by default everywhere they reach), each with a note and
// Approve / Reject (POST /api/v1/absences/{id}/decision, outbox too).
//
// Days come from the server (GET /api/v1/me's as_of), never the device.
// Test hooks: [data-tab=mine|decide], form#absence-form, [data-result]
// (sent | queued | failed), li.absence[data-id][data-status][data-kind],
// li.absence-waiting, li.decide-item[data-id] with
// button[data-decide=approve|reject] and textarea[data-note].
import { useState, useRef } from 'preact/hooks';
import { t, useLang, fmtInstant, fmtDay } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session, can } from '../lib/session.js';
import { ApiError, query } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { submit } from '../lib/outbox.js';
import { Field, Loading, Problem, SavedAt } from '../components/common.jsx';
import { KINDS, STATUSES, StatusBadge, kindText, spanText, placeText, dayCount } from '../components/attendance/absence.jsx';
import { useTree, DistrictSelect, UnitFilter } from '../components/attendance/org.jsx';
import { locate, GeoError } from '../components/attendance/locate.jsx';
import { useOutboxFor } from '../components/attendance/useOutboxFor.js';

const PATH = '/api/v1/absences';
const MAX_DAYS = 366;
const RADIUS = { min: 10, max: 100000, step: 10, initial: 500 };

// fieldOf - the input of the form a write's error names (a 409 on `from`
// is an overlap), else null: the error is shown above the form.
const FIELDS = { kind: 'kind', from: 'from', to: 'to', reason: 'reason', place: 'place', radius_m: 'radius', 'place.radius_m': 'radius', unit_id: 'place', 'place.unit_id': 'place', 'place.lat': 'place', 'place.lon': 'place' };
function fieldOf(error) {
  if (!(error instanceof ApiError) || !error.field) return null;
  if (error.status === 409) return error.field === 'from' ? 'from' : null;
  if (error.status !== 422) return null;
  const f = FIELDS[error.field] || null;
  return f === 'kind' ? null : f; // the kind is a choice of two: shown above the form
}


// RequestForm - ask for leave or a tour for oneself.
function RequestForm({ today, onDone }) {
  const [form, setForm] = useState({ kind: 'leave', from: today, to: today, reason: '', place: 'none', radius: String(RADIUS.initial), unit: '', unitName: '' });
  const [here, setHere] = useState(null);      // { lat, lon, accuracy }
  const [geo, setGeo] = useState(null);        // 'locating' | { geo: code }
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);    // ApiError, or { local: field, text }
  const [done, setDone] = useState(null);
  const status = useRef(null);
  const tree = useTree(form.kind === 'tour' && form.place === 'district', form.from); // the districts of the first day
  const set = (k, v) => setForm((f) => ({ ...f, [k]: v }));

  const field = error && (error.local || fieldOf(error));
  const errText = (k) => {
    if (field !== k) return null;
    if (error.local) return error.text;
    if (error.status === 409) return t('absences.overlap');
    return <>{t('absences.invalid')} <span lang="en" dir="ltr">{error.detail}</span></>;
  };

  const findHere = async () => {
    setGeo('locating');
    try {
      const pos = await locate();
      const c = pos.coords;
      setHere({ lat: Math.round(c.latitude * 1e6) / 1e6, lon: Math.round(c.longitude * 1e6) / 1e6, accuracy: c.accuracy });
      setGeo(null);
    } catch (e) {
      setGeo({ geo: (e && e.geo) || 'unavailable' });
    }
  };

  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const n = dayCount(form.from, form.to);
    if (!n) { setError({ local: 'to', text: t('absences.toBeforeFrom') }); return; }
    if (n > MAX_DAYS) { setError({ local: 'to', text: t('absences.tooLong', { n: MAX_DAYS }) }); return; }
    const body = { kind: form.kind, from: form.from, to: form.to, reason: form.reason.trim() };
    if (!body.reason) { setError({ local: 'reason', text: t('absences.reasonNeeded') }); return; }
    if (form.kind === 'tour' && form.place === 'here') {
      if (!here) { setError({ local: 'place', text: t('absences.place.findFirst') }); return; }
      const radius = Number(form.radius);
      if (!(radius >= RADIUS.min && radius <= RADIUS.max)) { setError({ local: 'radius', text: t('absences.place.radiusRange', { min: RADIUS.min, max: RADIUS.max }) }); return; }
      body.place = { lat: here.lat, lon: here.lon, radius_m: radius };
    } else if (form.kind === 'tour' && form.place === 'district') {
      if (!form.unit) { setError({ local: 'place', text: t('absences.place.chooseDistrict') }); return; }
      body.place = { unit_id: form.unit };
    }
    setBusy(true);
    try {
      const r = await submit({ method: 'POST', path: PATH, body, label: [`absences.outbox.${form.kind}`, { span: spanText(form.from, form.to) }] });
      setDone(r);
      setForm((f) => ({ ...f, reason: '' }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setTimeout(() => status.current && status.current.focus(), 0);
    }
  };

  const tour = form.kind === 'tour';
  return (
    <section class="card" aria-labelledby="absence-form-title">
      <h2 id="absence-form-title">{t('absences.form.title')}</h2>
      <div ref={status} tabIndex={-1} aria-live="polite" class="form-status">
        {done && done.sent && <p class="flash ok" role="status" data-result="sent">{t(`absences.sent.${done.data && done.data.status === 'approved' ? 'approved' : 'requested'}`)}</p>}
        {done && done.queued && (
          <p class="flash warn" role="status" data-result="queued">{t('absences.queued')} <a href="/outbox">{t('nav.outbox')}</a></p>
        )}
        {error && !error.local && !fieldOf(error) && <Problem error={error} />}
      </div>
      <form id="absence-form" class="stack" onSubmit={onSubmit} noValidate>
        <fieldset class="choice">
          <legend>{t('absences.kind')}</legend>
          {KINDS.map((k) => (
            <label key={k} class="radio">
              <input type="radio" name="kind" value={k} checked={form.kind === k} onChange={() => set('kind', k)} data-kind={k} />
              <span>{kindText(k)}</span>
            </label>
          ))}
        </fieldset>
        <div class="two-fields">
          <Field id="absence-from" label={t('absences.from')} hint={fmtDay(form.from, 'long')} error={errText('from')}>
            <input id="absence-from" type="date" required value={form.from} aria-invalid={field === 'from' ? 'true' : undefined}
              aria-describedby="absence-from-hint"
              onChange={(e) => { const v = e.currentTarget.value; if (v) setForm((f) => ({ ...f, from: v, to: f.to < v ? v : f.to })); }} />
          </Field>
          <Field id="absence-to" label={t('absences.to')} hint={fmtDay(form.to, 'long')} error={errText('to')}>
            <input id="absence-to" type="date" required value={form.to} min={form.from} aria-invalid={field === 'to' ? 'true' : undefined}
              aria-describedby="absence-to-hint" onChange={(e) => { const v = e.currentTarget.value; if (v) set('to', v); }} />
          </Field>
        </div>
        <p class="muted" data-days={dayCount(form.from, form.to)}>{t('absences.days', { n: dayCount(form.from, form.to) })}</p>
        <Field id="absence-reason" label={t('absences.reason')} hint={t('absences.reasonHint')} error={errText('reason')}>
          <textarea id="absence-reason" rows={3} maxLength={500} required value={form.reason}
            aria-invalid={field === 'reason' ? 'true' : undefined} aria-describedby="absence-reason-hint"
            onInput={(e) => set('reason', e.currentTarget.value)} />
        </Field>
        {tour && (
          <fieldset class="choice" aria-describedby="absence-place-hint">
            <legend>{t('absences.place')}</legend>
            {['none', 'here', 'district'].map((p) => (
              <label key={p} class="radio">
                <input type="radio" name="place" value={p} checked={form.place === p} onChange={() => set('place', p)} data-place={p} />
                <span>{t(`absences.place.${p}`)}</span>
              </label>
            ))}
            <span class="hint" id="absence-place-hint">
              {field === 'place' ? <span class="field-error" role="alert">{errText('place')}</span> : t('absences.place.hint')}
            </span>
            {form.place === 'here' && (
              <div class="place-here">
                <button type="button" onClick={findHere} disabled={geo === 'locating'} aria-busy={geo === 'locating'} data-find-here>
                  {here ? t('absences.place.findAgain') : t('absences.place.find')}
                </button>
                <p role="status" aria-live="polite" data-here={here ? `${here.lat},${here.lon}` : ''}>
                  {geo === 'locating' && <><span class="spinner inline" aria-hidden="true" /> {t('attendance.locating')}</>}
                  {here && geo !== 'locating' && t('absences.place.found', { lat: here.lat.toFixed(5), lon: here.lon.toFixed(5), m: Math.round(here.accuracy || 0) })}
                </p>
                {geo && geo.geo && <GeoError code={geo.geo} />}
                <Field id="absence-radius" label={t('absences.place.radius')} hint={t('absences.place.radiusHint')} error={errText('radius')}>
                  <input id="absence-radius" type="number" inputMode="numeric" dir="ltr" min={RADIUS.min} max={RADIUS.max} step={RADIUS.step}
                    value={form.radius} aria-invalid={field === 'radius' ? 'true' : undefined} aria-describedby="absence-radius-hint"
                    onInput={(e) => set('radius', e.currentTarget.value)} />
                </Field>
              </div>
            )}
            {form.place === 'district' && (
              <div class="field">
                <label for="absence-district">{t('absences.place.districtLabel')}</label>
                {tree.loading && !tree.data ? <Loading /> : (
                  <DistrictSelect id="absence-district" tree={tree.data} value={form.unit} invalid={field === 'place'}
                    onChange={(v, name) => setForm((f) => ({ ...f, unit: v, unitName: name }))} />
                )}
                <Problem error={tree.error} retry={tree.reload} />
              </div>
            )}
          </fieldset>
        )}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>{busy ? t('common.saving') : t(`absences.submit.${form.kind}`)}</button>
      </form>
    </section>
  );
}

// Cancel - a two-step button: "Cancel" then "Yes, cancel it".
function Cancel({ a, onDone }) {
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const go = async () => {
    setBusy(true);
    try {
      const r = await submit({ method: 'POST', path: `${PATH}/${a.id}/cancel`, body: {}, label: ['absences.outbox.cancel', { span: spanText(a.from, a.to) }] });
      setResult(r);
      if (r.sent) onDone();
    } catch (err) {
      setResult({ error: err });
    } finally {
      setBusy(false);
      setAsk(false);
    }
  };
  if (result && result.queued) return <p class="flash warn" role="status" data-result="queued">{t('absences.cancelQueued')}</p>;
  return (
    <div class="actions">
      {!ask ? <button type="button" class="danger-link" onClick={() => setAsk(true)} data-cancel={a.id}>{t('absences.cancel')}</button> : (
        <>
          <button type="button" class="danger-link" onClick={go} disabled={busy} aria-busy={busy} data-cancel-confirm={a.id}>{t('absences.cancelConfirm')}</button>
          <button type="button" onClick={() => setAsk(false)}>{t('absences.cancelKeep')}</button>
        </>
      )}
      {result && result.error && <Problem error={result.error} />}
    </div>
  );
}

function AbsenceItem({ a, onChange }) {
  return (
    <li class={`absence status-${a.status}`} data-id={a.id} data-status={a.status} data-kind={a.kind}>
      <div class="absence-main">
        <strong>{kindText(a.kind)}</strong>
        <StatusBadge status={a.status} />
      </div>
      <p class="absence-span">{spanText(a.from, a.to)}</p>
      <p class="absence-reason">{a.reason}</p>
      {a.place && <p class="muted" data-place>{placeText(a.place)}</p>}
      {a.note && <p class="muted" data-note>{t('absences.note', { note: a.note })}</p>}
      {a.decided_at && <p class="muted">{t(`absences.decidedAt.${a.status === 'rejected' ? 'rejected' : 'approved'}`, { time: fmtInstant(a.decided_at) })}</p>}
      {(a.status === 'requested' || a.status === 'approved') && <Cancel a={a} onDone={onChange} />}
    </li>
  );
}

function Mine({ today }) {
  const list = useApi(PATH);
  const waiting = useOutboxFor((it) => it.method === 'POST' && it.path.startsWith(PATH), list.reload);
  const items = (list.data && list.data.items) || [];
  return (
    <>
      <RequestForm today={today} onDone={list.reload} />
      <section class="card" aria-labelledby="absences-mine-title">
        <h2 id="absences-mine-title">{t('absences.mine.title')}</h2>
        <SavedAt at={list.cachedAt} />
        {waiting.length > 0 && (
          <ul class="absences">
            {waiting.map((it) => (
              <li key={it.id} class="absence-waiting" data-state={it.state}>
                <strong>{t(it.label[0], it.label[1])}</strong>
                <span class={`badge ${it.state}`}>{t(`outbox.state.${it.state}`)}</span>
                <span class="muted">{t('absences.waitingNote')} <a href="/outbox">{t('nav.outbox')}</a></span>
              </li>
            ))}
          </ul>
        )}
        {list.loading && !list.data && <Loading />}
        <Problem error={list.error} retry={list.reload} />
        {list.data && items.length === 0 && waiting.length === 0 && <p class="empty" data-empty>{t('absences.mine.none')}</p>}
        {items.length > 0 && (
          <ul class="absences" data-count={items.length}>
            {items.map((a) => <AbsenceItem key={a.id} a={a} onChange={list.reload} />)}
          </ul>
        )}
      </section>
    </>
  );
}

// DecideItem - one request: who, what, when, why; a note; approve / reject.
function DecideItem({ a, self, onDone }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(null);
  const [result, setResult] = useState(null);
  const decide = async (decision) => {
    setBusy(decision);
    setResult(null);
    const body = { decision };
    if (note.trim()) body.note = note.trim();
    try {
      const r = await submit({ method: 'POST', path: `${PATH}/${a.id}/decision`, body,
        label: [`absences.outbox.${decision}`, { name: a.person_name, span: spanText(a.from, a.to) }] });
      setResult({ ...r, decision });
      if (r.sent) setTimeout(onDone, 1200); // the confirmation is seen, then the list is read again
    } catch (err) {
      setResult({ error: err });
      if (err instanceof ApiError && err.status === 409) setTimeout(onDone, 1200);
    } finally {
      setBusy(null);
    }
  };
  const decided = result && (result.sent || result.queued);
  const noteId = `note-${a.id}`;
  return (
    <li class="decide-item" data-id={a.id} data-status={a.status} data-person-id={a.person_id}>
      <div class="absence-main">
        <strong>{a.person_name}</strong>
        <span>{kindText(a.kind)}</span>
        <StatusBadge status={a.status} />
      </div>
      <p class="absence-span">{spanText(a.from, a.to)}</p>
      <p class="absence-reason">{a.reason}</p>
      {a.place && <p class="muted" data-place>{placeText(a.place)}</p>}
      {a.created_at && <p class="muted">{t('absences.requestedAt', { time: fmtInstant(a.created_at) })}</p>}
      {a.note && <p class="muted" data-note>{t('absences.note', { note: a.note })}</p>}
      {a.status === 'requested' && !decided && (self ? <p class="muted">{t('absences.decide.own')}</p> : (
        <>
          <div class="field">
            <label for={noteId}>{t('absences.decide.note')}</label>
            <textarea id={noteId} rows={2} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-note />
          </div>
          <div class="actions">
            <button type="button" class="primary" disabled={!!busy} aria-busy={busy === 'approve'} onClick={() => decide('approve')} data-decide="approve">{t('absences.decide.approve')}</button>
            <button type="button" class="danger-link" disabled={!!busy} aria-busy={busy === 'reject'} onClick={() => decide('reject')} data-decide="reject">{t('absences.decide.reject')}</button>
          </div>
        </>
      ))}
      <div aria-live="polite">
        {result && result.sent && <p class="flash ok" role="status" data-result="sent" data-decision={result.decision}>{t(`absences.decided.${result.decision}`, { name: a.person_name })}</p>}
        {result && result.queued && <p class="flash warn" role="status" data-result="queued">{t('absences.decide.queued')} <a href="/outbox">{t('nav.outbox')}</a></p>}
        {result && result.error && (result.error instanceof ApiError && result.error.status === 409
          ? <p class="flash warn" role="alert" data-result="conflict">{t('absences.decide.conflict')}</p>
          : <Problem error={result.error} />)}
      </div>
    </li>
  );
}

function Decide() {
  const r = useStore(route);
  const s = useStore(session);
  const status = STATUSES.includes(r.query.get('status')) ? r.query.get('status') : 'requested';
  const unit = r.query.get('unit') || '';
  const list = useApi(`${PATH}${query({ status, unit, limit: 200 })}`);
  useOutboxFor((it) => it.method === 'POST' && it.path.startsWith(PATH), list.reload);
  const items = (list.data && list.data.items) || [];
  const me = s.me && s.me.person ? s.me.person.id : null;
  const set = (k, v) => {
    const q = new URLSearchParams(r.query);
    if (v) q.set(k, v); else q.delete(k);
    navigate(`${r.path}?${q}`, { replace: true });
  };
  return (
    <section class="card" aria-labelledby="absences-decide-title">
      <h2 id="absences-decide-title">{t('absences.decide.title')}</h2>
      <p>{t('absences.decide.intro')}</p>
      <form class="filters" role="search" aria-label={t('absences.decide.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="decide-status">{t('absences.decide.status')}</label>
          <select id="decide-status" value={status} onChange={(e) => set('status', e.currentTarget.value === 'requested' ? '' : e.currentTarget.value)}>
            {STATUSES.map((v) => <option key={v} value={v}>{t(`absences.status.${v}`)}</option>)}
          </select>
        </div>
        <UnitFilter id="decide-unit" value={unit} onChange={(v) => set('unit', v)} />
      </form>
      <SavedAt at={list.cachedAt} />
      {list.loading && <Loading />}
      <Problem error={list.error} retry={list.reload} />
      {list.data && items.length === 0 && <p class="empty" data-empty>{t(`absences.decide.none.${status}`)}</p>}
      {items.length > 0 && (
        <ul class="absences" data-count={items.length}>
          {items.map((a) => <DecideItem key={a.id} a={a} self={a.person_id === me} onDone={list.reload} />)}
        </ul>
      )}
    </section>
  );
}

export default function Absences() {
  useLang();
  const s = useStore(session);
  const r = useStore(route);
  const manager = can('attendance.manage');
  const tab = manager && r.query.get('tab') === 'decide' ? 'decide' : 'mine';
  const person = s.me && s.me.person;
  const today = (s.me && s.me.as_of) || '';
  return (
    <section class="page absences-page" aria-labelledby="absences-title" data-tab-current={tab}>
      <h1 id="absences-title" tabIndex={-1}>{t('absences.title')}</h1>
      <p class="lead">{t('absences.intro')}</p>
      {manager && (
        <nav class="tabs" aria-label={t('absences.tabs')}>
          <a href="/absences" aria-current={tab === 'mine' ? 'page' : undefined} data-tab="mine">{t('absences.tab.mine')}</a>
          <a href="/absences?tab=decide" aria-current={tab === 'decide' ? 'page' : undefined} data-tab="decide">{t('absences.tab.decide')}</a>
        </nav>
      )}
      {tab === 'decide' ? <Decide /> : person && today ? <Mine today={today} /> : (
        s.me ? <p class="flash warn" data-not-person>{t('absences.notPerson')}</p> : <Loading />
      )}
    </section>
  );
}
