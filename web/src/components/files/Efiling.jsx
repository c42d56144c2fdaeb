// Efiling - the two sides of a file (docs/FILES.md, "E-filing"), from
// GET /api/v1/files/{id}'s notes, letters and receipts.
//
// Notes: the final notes by paragraph (never changed again), and the
// caller's own draft, which the holding post may edit, save or delete
// (POST /api/v1/files/{id}/notes, PUT / DELETE /api/v1/notes/{id}); it
// becomes final when the file is sent on or closed.
// Correspondence: the receipts put up in the file (and one of the office's
// unfiled receipts put up here: POST /api/v1/receipts/{id}/put-up), and the
// letters: a draft (to, subject, body) by the holder, amended while a
// draft, approved by a holder other than the post that drafted it, issued
// by the file's own office with its dispatch number.
// Every write goes through the outbox (components/files/common.jsx).
//
// Test hooks: ol.notes li.note[data-id][data-para][data-status],
// form#note-form textarea#note-body, [data-note-edit], [data-note-save],
// [data-note-delete], [data-note-delete-confirm]; ul.letters
// li.letter[data-id][data-status], form#letter-form, [data-letter-approve],
// [data-letter-issue], [data-dispatch]; ul.file-receipts li[data-id],
// form#put-up-form.
import { useState } from 'preact/hooks';
import { t, fmtInstant, fmtDay } from '../../i18n/index.js';
import { useApi } from '../../lib/useApi.js';
import { Loading, Problem } from '../common.jsx';
import { Field, Queued, useAction, fieldError, formError, modeText } from './common.jsx';

const NOTE_MAX = 20000;

function NoteEditor({ id, value, onInput, error }) {
  return (
    <Field id={id} label={t('file.notes.body')} hint={t('file.notes.hint')} error={fieldError(error, 'body')}>
      <textarea id={id} rows={5} maxLength={NOTE_MAX} value={value} aria-describedby={`${id}-hint`}
        aria-invalid={fieldError(error, 'body') ? 'true' : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
    </Field>
  );
}

function Draft({ n, file, onChanged }) {
  const [edit, setEdit] = useState(false);
  const [ask, setAsk] = useState(false);
  const [body, setBody] = useState(n.body);
  const save = useAction(() => { setEdit(false); onChanged(); });
  const drop = useAction(() => onChanged());
  const label = { number: file.number };
  return (
    <li class="note draft" data-id={n.id} data-status="draft">
      <p class="note-head"><span class="badge note-draft">{t('file.notes.draft')}</span> <span class="muted">{t('file.notes.draftHint')}</span></p>
      {!edit ? <p class="note-body" data-note-text>{n.body}</p> : (
        <form class="stack" onSubmit={(e) => {
          e.preventDefault();
          if (!body.trim()) return;
          save.run({ method: 'PUT', path: `/api/v1/notes/${encodeURIComponent(n.id)}`, body: { body }, label: ['files.outbox.noteEdit', label] });
        }}>
          <NoteEditor id={`note-edit-${n.id}`} value={body} onInput={setBody} error={save.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={save.busy} aria-busy={save.busy} data-note-save>{save.busy ? t('common.saving') : t('file.notes.save')}</button>
            <button type="button" onClick={() => { setEdit(false); setBody(n.body); save.reset(); }}>{t('file.cancel')}</button>
          </div>
        </form>
      )}
      <p class="muted">{t('file.notes.updated', { time: fmtInstant(n.updated_at) })}</p>
      {!edit && (
        <div class="actions">
          <button type="button" onClick={() => { setEdit(true); setBody(n.body); }} data-note-edit>{t('file.notes.edit')}</button>
          {!ask ? <button type="button" class="danger-link" onClick={() => setAsk(true)} data-note-delete>{t('file.notes.delete')}</button> : (
            <>
              <button type="button" class="danger-link" disabled={drop.busy} aria-busy={drop.busy} data-note-delete-confirm
                onClick={() => drop.run({ method: 'DELETE', path: `/api/v1/notes/${encodeURIComponent(n.id)}`, label: ['files.outbox.noteDelete', label] })}>
                {t('file.notes.deleteConfirm')}
              </button>
              <button type="button" onClick={() => setAsk(false)}>{t('file.cancel')}</button>
            </>
          )}
        </div>
      )}
      <div aria-live="polite">
        {(save.queued || drop.queued) && <Queued text={t('file.queued')} />}
        {formError(save.error, ['body']) && <Problem error={save.error} />}
        {drop.error && <Problem error={drop.error} />}
      </div>
    </li>
  );
}

function NewNote({ file, onChanged }) {
  const [body, setBody] = useState('');
  const [local, setLocal] = useState(null);
  const add = useAction(() => { setBody(''); onChanged(); });
  return (
    <form id="note-form" class="stack note-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      setLocal(null);
      if (!body.trim()) { setLocal(t('file.notes.empty')); return; }
      add.run({ method: 'POST', path: `/api/v1/files/${encodeURIComponent(file.id)}/notes`, body: { body }, label: ['files.outbox.note', { number: file.number }] });
    }}>
      <h3 class="h-small">{t('file.notes.write')}</h3>
      <Field id="note-body" label={t('file.notes.body')} hint={t('file.notes.hint')} error={local || fieldError(add.error, 'body')}>
        <textarea id="note-body" rows={5} maxLength={NOTE_MAX} value={body} aria-describedby="note-body-hint"
          aria-invalid={local || fieldError(add.error, 'body') ? 'true' : undefined} onInput={(e) => setBody(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary" disabled={add.busy} aria-busy={add.busy} data-note-add>{add.busy ? t('common.saving') : t('file.notes.saveDraft')}</button>
      <div aria-live="polite">
        {add.queued && <Queued text={t('file.queued')} />}
        {formError(add.error, ['body']) && <Problem error={add.error} />}
      </div>
    </form>
  );
}

export function Notes({ file, posts, canNote, onChanged }) {
  const notes = file.notes || [];
  const finals = notes.filter((n) => n.status === 'final');
  const drafts = notes.filter((n) => n.status === 'draft' && posts.has(String(n.author.post_id)));
  return (
    <section class="card notes-card" aria-labelledby="notes-title">
      <h2 id="notes-title">{t('file.notes.title')}</h2>
      {finals.length === 0 && drafts.length === 0 && <p class="empty" data-notes-empty>{t('file.notes.none')}</p>}
      {(finals.length > 0 || drafts.length > 0) && (
        <ol class="notes" data-count={finals.length}>
          {finals.map((n) => (
            <li key={n.id} class="note final" data-id={n.id} data-para={n.para} data-status="final">
              <p class="note-head"><strong>{t('file.notes.para', { n: n.para })}</strong></p>
              <p class="note-body" data-note-text>{n.body}</p>
              <p class="muted">{t('file.notes.by', { name: (n.author && n.author.name) || '—', time: fmtInstant(n.final_at) })}</p>
            </li>
          ))}
          {drafts.map((n) => <Draft key={`${n.id}:${n.updated_at}`} n={n} file={file} onChanged={onChanged} />)}
        </ol>
      )}
      {canNote && drafts.length === 0 && <NewNote file={file} onChanged={onChanged} />}
      {!canNote && <p class="muted">{t('file.notes.onlyHolder')}</p>}
    </section>
  );
}

function LetterForm({ id, initial, submitLabel, onSubmit, busy, error, onCancel }) {
  const [f, setF] = useState(initial);
  const [local, setLocal] = useState(null);
  const set = (k, v) => setF((x) => ({ ...x, [k]: v }));
  const err = (k) => (local === k ? t('file.letters.required') : fieldError(error, k));
  return (
    <form id={id} class="stack" noValidate onSubmit={(e) => {
      e.preventDefault();
      const missing = ['to', 'subject', 'body'].find((k) => !f[k].trim());
      setLocal(missing || null);
      if (!missing) onSubmit(f);
    }}>
      <Field id={`${id}-to`} label={t('file.letters.to')} error={err('to')}>
        <input id={`${id}-to`} type="text" maxLength={500} value={f.to} aria-invalid={err('to') ? 'true' : undefined} onInput={(e) => set('to', e.currentTarget.value)} />
      </Field>
      <Field id={`${id}-subject`} label={t('file.letters.subject')} error={err('subject')}>
        <input id={`${id}-subject`} type="text" maxLength={500} value={f.subject} aria-invalid={err('subject') ? 'true' : undefined} onInput={(e) => set('subject', e.currentTarget.value)} />
      </Field>
      <Field id={`${id}-body`} label={t('file.letters.body')} error={err('body')}>
        <textarea id={`${id}-body`} rows={6} maxLength={NOTE_MAX} value={f.body} aria-invalid={err('body') ? 'true' : undefined} onInput={(e) => set('body', e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy} aria-busy={busy} data-letter-save>{busy ? t('common.saving') : submitLabel}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t('file.cancel')}</button>}
      </div>
      {formError(error, ['to', 'subject', 'body']) && <Problem error={error} />}
    </form>
  );
}

function Letter({ l, file, holding, ownOffice, onChanged }) {
  const [edit, setEdit] = useState(false);
  const amend = useAction(() => { setEdit(false); onChanged(); });
  const approve = useAction(() => onChanged());
  const issue = useAction(() => onChanged());
  const label = ['files.outbox.letter', { number: file.number, subject: l.subject }];
  const path = `/api/v1/letters/${encodeURIComponent(l.id)}`;
  const canApprove = holding && l.status === 'draft' && String(l.drafted_by_post) !== String(holding);
  const canIssue = holding && ownOffice && l.status === 'approved';
  return (
    <li class={`letter letter-${l.status}`} data-id={l.id} data-status={l.status}>
      <div class="letter-head">
        <span class={`badge letter-status letter-status-${l.status}`}>{t(`file.letters.status.${l.status}`)}</span>
        {l.dispatch && <strong data-dispatch={l.dispatch}>{t('file.letters.dispatch', { no: l.dispatch })}</strong>}
      </div>
      {!edit ? (
        <>
          <p><span class="muted">{t('file.letters.to')}: </span>{l.to}</p>
          <p><span class="muted">{t('file.letters.subject')}: </span><strong>{l.subject}</strong></p>
          <p class="note-body">{l.body}</p>
        </>
      ) : (
        <LetterForm id={`letter-edit-${l.id}`} initial={{ to: l.to, subject: l.subject, body: l.body }} submitLabel={t('file.letters.saveAmend')}
          busy={amend.busy} error={amend.error} onCancel={() => { setEdit(false); amend.reset(); }}
          onSubmit={(f) => amend.run({ method: 'PUT', path, body: f, label })} />
      )}
      {l.approved_at && <p class="muted">{t('file.letters.approvedAt', { time: fmtInstant(l.approved_at) })}</p>}
      {l.issued_at && <p class="muted">{t('file.letters.issuedAt', { time: fmtInstant(l.issued_at) })}</p>}
      {l.sha256 && <p class="muted small">{t('file.letters.fingerprint')} <code dir="ltr" class="hash">{l.sha256.slice(0, 16)}</code></p>}
      {!edit && holding && (
        <div class="actions">
          {l.status === 'draft' && <button type="button" onClick={() => setEdit(true)} data-letter-amend>{t('file.letters.amend')}</button>}
          {canApprove && <button type="button" class="primary" disabled={approve.busy} aria-busy={approve.busy} data-letter-approve
            onClick={() => approve.run({ method: 'POST', path: `${path}/approve`, label: ['files.outbox.letterApprove', { number: file.number, subject: l.subject }] })}>{t('file.letters.approve')}</button>}
          {canIssue && <button type="button" class="primary" disabled={issue.busy} aria-busy={issue.busy} data-letter-issue
            onClick={() => issue.run({ method: 'POST', path: `${path}/issue`, label: ['files.outbox.letterIssue', { number: file.number, subject: l.subject }] })}>{t('file.letters.issue')}</button>}
        </div>
      )}
      {holding && l.status === 'draft' && !canApprove && <p class="muted">{t('file.letters.approveOther')}</p>}
      {holding && l.status === 'approved' && !ownOffice && <p class="muted">{t('file.letters.issueOwnOffice')}</p>}
      <div aria-live="polite">
        {(amend.queued || approve.queued || issue.queued) && <Queued text={t('file.queued')} />}
        {approve.error && <Problem error={approve.error} />}
        {issue.error && <Problem error={issue.error} />}
      </div>
    </li>
  );
}

function PutUp({ file, onChanged }) {
  const list = useApi('/api/v1/receipts?unfiled=1');
  const [pick, setPick] = useState('');
  const put = useAction(() => { setPick(''); list.reload(); onChanged(); });
  const items = ((list.data && list.data.items) || []).filter((r) => !r.file_id);
  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <Problem error={list.error} retry={list.reload} />;
  if (items.length === 0) return <p class="muted" data-no-unfiled>{t('file.receipts.noUnfiled')}</p>;
  return (
    <form id="put-up-form" class="inline-form" onSubmit={(e) => {
      e.preventDefault();
      const r = items.find((x) => x.id === pick);
      if (!r) return;
      put.run({ method: 'POST', path: `/api/v1/receipts/${encodeURIComponent(r.id)}/put-up`, body: { file_id: file.id },
        label: ['files.outbox.putUp', { diary: r.diary, number: file.number }] });
    }}>
      <div class="field">
        <label for="put-up-receipt">{t('file.receipts.putUpLabel')}</label>
        <select id="put-up-receipt" value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
          <option value="">{t('file.receipts.choose')}</option>
          {items.map((r) => <option key={r.id} value={r.id}>{t('file.receipts.option', { diary: r.diary, subject: r.subject })}</option>)}
        </select>
      </div>
      <button type="submit" disabled={!pick || put.busy} aria-busy={put.busy}>{t('file.receipts.putUp')}</button>
      <div aria-live="polite">
        {put.queued && <Queued text={t('file.queued')} />}
        {put.error && <Problem error={put.error} />}
      </div>
    </form>
  );
}

export function Correspondence({ file, holding, ownOffice, canWrite, onChanged }) {
  const receipts = file.receipts || [];
  const letters = file.letters || [];
  const [drafting, setDrafting] = useState(false);
  const add = useAction(() => { setDrafting(false); onChanged(); });
  return (
    <section class="card correspondence-card" aria-labelledby="corr-title">
      <h2 id="corr-title">{t('file.corr.title')}</h2>
      <h3 class="h-small">{t('file.receipts.title')}</h3>
      {receipts.length === 0 ? <p class="muted">{t('file.receipts.none')}</p> : (
        <ul class="file-receipts plain">
          {receipts.map((r) => (
            <li key={r.id} data-id={r.id} data-diary={r.diary}>
              <strong>{t('file.receipts.diary', { diary: r.diary })}</strong>{' '}
              <span>{r.subject}</span>
              <span class="muted">{t('file.receipts.from', { sender: r.sender, date: fmtDay(r.received_on), mode: modeText(r.mode) })}</span>
            </li>
          ))}
        </ul>
      )}
      {canWrite && <PutUp file={file} onChanged={onChanged} />}

      <h3 class="h-small">{t('file.letters.title')}</h3>
      {letters.length === 0 && <p class="muted">{t('file.letters.none')}</p>}
      {letters.length > 0 && (
        <ul class="letters plain">
          {letters.map((l) => <Letter key={`${l.id}:${l.updated_at}`} l={l} file={file} holding={canWrite ? holding : null} ownOffice={ownOffice} onChanged={onChanged} />)}
        </ul>
      )}
      {canWrite && !drafting && <p><button type="button" onClick={() => setDrafting(true)} data-letter-new>{t('file.letters.new')}</button></p>}
      {canWrite && drafting && (
        <>
          <h3 class="h-small">{t('file.letters.newTitle')}</h3>
          <LetterForm id="letter-form" initial={{ to: '', subject: '', body: '' }} submitLabel={t('file.letters.saveDraft')}
            busy={add.busy} error={add.error} onCancel={() => { setDrafting(false); add.reset(); }}
            onSubmit={(f) => add.run({ method: 'POST', path: `/api/v1/files/${encodeURIComponent(file.id)}/letters`, body: f,
              label: ['files.outbox.letter', { number: file.number, subject: f.subject }] })} />
        </>
      )}
      <div aria-live="polite">{add.queued && <Queued text={t('file.queued')} />}</div>
    </section>
  );
}
