// Receipts - "Receipts (dak)" (/receipts, files.read): the letters that
// came to the caller's offices.
//
// Diarise (files.write): sender, the sender's address, subject, the
// letter's date, the day it was received (default the server's today),
// the mode, and the acting post only for users who hold several:
// POST /api/v1/receipts.  The answer carries the diary number and a
// one-time code for the citizen: shown here once as a printable
// acknowledgement slip (print CSS prints the slip alone).  This write is
// sent directly, never kept in the outbox: the code is in the answer only,
// and an answer arriving later from the outbox would lose it.  It carries
// no Idempotency-Key either: daftar keeps a keyed write's answer for 24
// hours to replay it, which would keep the code in its database in clear,
// where only its SHA-256 is meant to be.  So a lost answer (the link died
// on the way back) is said plainly: look for the letter in the list below
// before diarising it again.
//
// The office's receipts: GET /api/v1/receipts (?unfiled=1 in the address:
// only those not yet in a file), newest first; each unfiled one can be put
// up in a file the caller holds (POST /api/v1/receipts/{id}/put-up, via
// the outbox) or opened as a new file (/files?new=1&receipt=ID).
//
// Test hooks: form#receipt-form (#receipt-sender, #receipt-address,
// #receipt-subject, #receipt-letter-date, #receipt-received, #receipt-mode,
// #receipt-post), section.slip[data-diary][data-code], [data-print],
// input#receipts-unfiled, ul.receipt-list li.receipt[data-id][data-filed],
// select[data-put-up-file], button[data-put-up].
import { useRef, useState } from 'preact/hooks';
import { t, useLang, fmtDay, fmtInstant } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session, can } from '../lib/session.js';
import { api, query } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, SavedAt, errorText } from '../components/common.jsx';
import { MODES, ActingPost, Field, Queued, useAction, fieldError, formError, modeText } from '../components/files/common.jsx';

const FIELDS = ['sender', 'sender_address', 'subject', 'letter_date', 'received_on', 'mode']; // shown beside their input

function Slip({ r }) {
  const here = typeof location !== 'undefined' ? `${location.origin}/status` : '/status';
  return (
    <section class="slip" aria-labelledby="slip-title" data-diary={r.diary} data-code={r.code} tabIndex={-1} id="receipt-slip">
      <h2 id="slip-title">{t('receipts.slip.title')}</h2>
      <p class="slip-office">{t('receipts.slip.office', { unit: r.office.unit.name, dept: r.office.department.code })}</p>
      <dl class="slip-facts">
        <div><dt>{t('receipts.slip.diary')}</dt><dd class="slip-big" dir="ltr" data-slip-diary>{r.diary}</dd></div>
        <div><dt>{t('receipts.slip.code')}</dt><dd class="slip-big slip-code" dir="ltr" data-slip-code>{r.code}</dd></div>
        <div><dt>{t('receipts.slip.received')}</dt><dd>{fmtDay(r.received_on, 'long')}</dd></div>
        <div><dt>{t('receipts.slip.from')}</dt><dd>{r.sender}</dd></div>
        <div><dt>{t('receipts.slip.subject')}</dt><dd>{r.subject}</dd></div>
      </dl>
      <p>{t('receipts.slip.how')} <span dir="ltr" class="slip-url">{here}</span></p>
    </section>
  );
}

function Diarise({ me, onDone }) {
  const today = (me && me.as_of) || '';
  const postings = (me && me.postings) || [];
  const blank = { sender: '', sender_address: '', subject: '', letter_date: '', received_on: today, mode: 'post', post: postings.length ? String(postings[0].post.id) : '' };
  const [form, setForm] = useState(blank);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [local, setLocal] = useState(null);
  const [made, setMade] = useState(null);
  const status = useRef(null);
  const set = (k, v) => setForm((f) => ({ ...f, [k]: v }));
  const err = (k) => (local === k ? t(`receipts.form.${k}Needed`) : fieldError(error, k));

  const onSubmit = async (e) => {
    e.preventDefault();
    setLocal(null);
    setError(null);
    const body = { sender: form.sender.trim(), subject: form.subject.trim(), mode: form.mode };
    if (!body.sender) { setLocal('sender'); return; }
    if (!body.subject) { setLocal('subject'); return; }
    if (form.sender_address.trim()) body.sender_address = form.sender_address.trim();
    if (form.letter_date) body.letter_date = form.letter_date;
    if (form.received_on) body.received_on = form.received_on;
    if (postings.length > 1) body.post_id = form.post;
    setBusy(true);
    try {
      const r = await api.post('/api/v1/receipts', body);
      setMade(r);
      setForm({ ...blank, post: form.post });
      onDone();
      setTimeout(() => { const el = document.getElementById('receipt-slip'); if (el) el.focus(); }, 0);
    } catch (err2) {
      setError(err2);
      setTimeout(() => status.current && status.current.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {made && (
        <div class="slip-wrap" data-result="diarised">
          <p class="flash ok no-print" role="status">{t('receipts.made', { diary: made.diary })}</p>
          <Slip r={made} />
          <p class="flash warn no-print" data-code-once>{t('receipts.codeOnce')}</p>
          <p class="button-row no-print">
            <button type="button" class="primary" onClick={() => window.print()} data-print>{t('receipts.print')}</button>
            <a class="button" href={`/files?new=1&receipt=${made.id}`} data-new-file-for={made.id}>{t('receipts.openFile')}</a>
            <button type="button" onClick={() => setMade(null)} data-slip-done>{t('receipts.slipDone')}</button>
          </p>
        </div>
      )}
      <section class="card no-print" aria-labelledby="receipt-form-title">
        <h2 id="receipt-form-title">{t('receipts.form.title')}</h2>
        <div ref={status} tabIndex={-1} aria-live="polite" class="form-status">
          {error && error.offline && <p class="flash warn" role="alert" data-offline-diarise>{t('receipts.offline')}</p>}
          {error && !error.offline && formError(error, FIELDS) && <Problem error={error} />}
        </div>
        <form id="receipt-form" class="stack" noValidate onSubmit={onSubmit}>
          <ActingPost id="receipt-post" me={me} value={form.post} onChange={(v) => set('post', v)} />
          <Field id="receipt-sender" label={t('receipts.form.sender')} error={err('sender')}>
            <input id="receipt-sender" type="text" maxLength={200} required value={form.sender} aria-invalid={err('sender') ? 'true' : undefined}
              onInput={(e) => set('sender', e.currentTarget.value)} />
          </Field>
          <Field id="receipt-address" label={t('receipts.form.address')} hint={t('receipts.form.optional')} error={fieldError(error, 'sender_address')}>
            <textarea id="receipt-address" rows={2} maxLength={500} value={form.sender_address} aria-describedby="receipt-address-hint"
              onInput={(e) => set('sender_address', e.currentTarget.value)} />
          </Field>
          <Field id="receipt-subject" label={t('receipts.form.subject')} error={err('subject')}>
            <input id="receipt-subject" type="text" maxLength={500} required value={form.subject} aria-invalid={err('subject') ? 'true' : undefined}
              onInput={(e) => set('subject', e.currentTarget.value)} />
          </Field>
          <div class="two-fields">
            <Field id="receipt-letter-date" label={t('receipts.form.letterDate')} hint={form.letter_date ? fmtDay(form.letter_date, 'long') : t('receipts.form.optional')} error={fieldError(error, 'letter_date')}>
              <input id="receipt-letter-date" type="date" value={form.letter_date} max={today || undefined} aria-describedby="receipt-letter-date-hint"
                onChange={(e) => set('letter_date', e.currentTarget.value)} />
            </Field>
            <Field id="receipt-received" label={t('receipts.form.received')} hint={fmtDay(form.received_on, 'long')} error={fieldError(error, 'received_on')}>
              <input id="receipt-received" type="date" value={form.received_on} max={today || undefined} aria-describedby="receipt-received-hint"
                onChange={(e) => set('received_on', e.currentTarget.value)} />
            </Field>
          </div>
          <Field id="receipt-mode" label={t('receipts.form.mode')} error={fieldError(error, 'mode')}>
            <select id="receipt-mode" value={form.mode} onChange={(e) => set('mode', e.currentTarget.value)}>
              {MODES.map((m) => <option key={m} value={m}>{modeText(m)}</option>)}
            </select>
          </Field>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy} data-diarise>{busy ? t('common.saving') : t('receipts.form.submit')}</button>
          <p class="muted">{t('receipts.form.directNote')}</p>
        </form>
      </section>
    </>
  );
}

function PutUpHere({ r, held, onDone }) {
  const [file, setFile] = useState('');
  const act = useAction(() => onDone());
  const open = held.filter((f) => f.status === 'open' && !f.in_transit);
  return (
    <div class="put-up">
      {open.length > 0 && (
        <form class="inline-form" onSubmit={(e) => {
          e.preventDefault();
          const f = open.find((x) => x.id === file);
          if (!f) return;
          act.run({ method: 'POST', path: `/api/v1/receipts/${encodeURIComponent(r.id)}/put-up`, body: { file_id: f.id },
            label: ['files.outbox.putUp', { diary: r.diary, number: f.number }] });
        }}>
          <div class="field">
            <label for={`put-up-${r.id}`}>{t('receipts.putUp.label')}</label>
            <select id={`put-up-${r.id}`} value={file} onChange={(e) => setFile(e.currentTarget.value)} data-put-up-file>
              <option value="">{t('receipts.putUp.choose')}</option>
              {open.map((f) => <option key={f.id} value={f.id}>{t('receipts.putUp.option', { number: f.number, subject: f.subject })}</option>)}
            </select>
          </div>
          <button type="submit" disabled={!file || act.busy} aria-busy={act.busy} data-put-up>{t('receipts.putUp.submit')}</button>
        </form>
      )}
      {can('files.write') && <p><a href={`/files?new=1&receipt=${r.id}`} data-new-file-for={r.id}>{t('receipts.openFile')}</a></p>}
      <div aria-live="polite">
        {act.queued && <Queued text={t('file.queued')} />}
        {act.error && <Problem error={act.error} />}
      </div>
    </div>
  );
}

function ReceiptList() {
  const r = useStore(route);
  const unfiled = r.query.get('unfiled') === '1';
  const list = useApi(`/api/v1/receipts${query({ unfiled: unfiled ? 1 : '' })}`);
  const held = useApi(can('files.write') ? '/api/v1/files?box=held' : null);
  const items = (list.data && list.data.items) || [];
  const heldItems = (held.data && held.data.items) || [];
  const toggle = (on) => {
    const q = new URLSearchParams(r.query);
    if (on) q.set('unfiled', '1'); else q.delete('unfiled');
    navigate(q.toString() ? `/receipts?${q}` : '/receipts', { replace: true });
  };
  return (
    <section class="card no-print" aria-labelledby="receipts-list-title">
      <h2 id="receipts-list-title">{t('receipts.list.title')}</h2>
      <label class="radio">
        <input id="receipts-unfiled" type="checkbox" checked={unfiled} onChange={(e) => toggle(e.currentTarget.checked)} />
        <span>{t('receipts.list.unfiled')}</span>
      </label>
      <SavedAt at={list.cachedAt} />
      {list.loading && !list.data && <Loading />}
      <Problem error={list.error} retry={list.reload} />
      {list.data && <p class="as-of" data-receipts-count={items.length}>{t(unfiled ? 'receipts.list.countUnfiled' : 'receipts.list.count', { n: items.length })}</p>}
      {list.data && items.length === 0 && <p class="empty" data-empty>{t(unfiled ? 'receipts.list.noneUnfiled' : 'receipts.list.none')}</p>}
      {items.length > 0 && (
        <ul class="receipt-list plain">
          {items.map((x) => (
            <li key={x.id} class="receipt" data-id={x.id} data-diary={x.diary} data-filed={x.file_id ? '1' : '0'}>
              <div class="receipt-main">
                <strong dir="ltr">{x.diary}</strong>
                <span class="badge">{modeText(x.mode)}</span>
                <span class="muted">{fmtDay(x.received_on)}</span>
              </div>
              <p class="file-subject">{x.subject}</p>
              <p class="muted">{t('receipts.list.from', { sender: x.sender })}{x.letter_date ? ` · ${t('receipts.list.letterDate', { date: fmtDay(x.letter_date) })}` : ''}</p>
              {x.file_id ? <p><a href={`/files/${x.file_id}`} data-in-file={x.file_id}>{t('receipts.list.inFile')}</a></p>
                : can('files.write') && <PutUpHere r={x} held={heldItems} onDone={() => { list.reload(); held.reload(); }} />}
              <p class="muted small">{t('receipts.list.diarisedAt', { time: fmtInstant(x.created_at) })}</p>
            </li>
          ))}
        </ul>
      )}
      {held.error && <p class="muted">{errorText(held.error)}</p>}
    </section>
  );
}

export default function Receipts() {
  useLang();
  const s = useStore(session);
  const [nonce, setNonce] = useState(0);
  return (
    <section class="page receipts-page" aria-labelledby="receipts-title">
      <h1 id="receipts-title" class="no-print" tabIndex={-1}>{t('receipts.title')}</h1>
      <p class="lead no-print">{t('receipts.intro')}</p>
      {can('files.write') && <Diarise me={s.me} onDone={() => setNonce((n) => n + 1)} />}
      <ReceiptList key={nonce} />
    </section>
  );
}
