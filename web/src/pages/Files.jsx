// Files - "Files" (/files, files.read): the boxes of the caller's posts,
// GET /api/v1/files?box=held|incoming|sent|overdue (the tab in the address,
// ?box=), each file with its number (a link to /files/{id}), subject,
// priority, status, due day, the overdue marker (words and colour) and
// where it is (held by / on its way to).  "New file" (files.write) opens
// one: subject, priority, security, the head when the department's number
// scheme has {head} (GET /api/v1/departments/{id}/file-scheme), the
// acting post only for users holding several, and the receipt it is opened
// for when it comes from the receipts page (?new=1&receipt=ID): POST
// /api/v1/files through the outbox; sent, the new file's page opens.
//
// Test hooks: [data-tab=held|incoming|sent|overdue], ul.file-list,
// li.file-row[data-id][data-overdue][data-status], [data-overdue-marker],
// [data-box-count], [data-empty], button[data-new-file], form#file-form
// (#file-subject, #file-priority, #file-security, #file-head, #file-post),
// [data-result=queued].
import { useEffect, useState } from 'preact/hooks';
import { t, useLang, fmtDay } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session, can } from '../lib/session.js';
import { query } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import {
  BOXES, PRIORITIES, SECURITIES, StatusBadge, PriorityBadge, SecurityBadge, OverdueMarker, whereText, ActingPost, Field,
  Queued, useAction, fieldError, formError, priorityText, securityText,
} from '../components/files/common.jsx';
import { useOutboxFor } from '../components/attendance/useOutboxFor.js';

const isFileWrite = (it) => it.method === 'POST' && /^\/api\/v1\/files(\/[^/]+\/[a-z-]+)?$/.test(it.path);

function FileRow({ f }) {
  return (
    <li class={`file-row${f.overdue ? ' is-overdue' : ''}`} data-id={f.id} data-overdue={f.overdue ? '1' : '0'} data-status={f.status}>
      <div class="file-row-main">
        <a href={`/files/${f.id}`} class="file-number" dir="ltr">{f.number}</a>
        <OverdueMarker file={f} />
      </div>
      <p class="file-subject">{f.subject}</p>
      <p class="badges">
        <StatusBadge status={f.status} />
        <PriorityBadge priority={f.priority} />
        <SecurityBadge security={f.security} />
        {f.due && <span class="muted" data-due={f.due}>{t('files.due', { date: fmtDay(f.due) })}</span>}
      </p>
      <p class="muted file-where" data-where>{whereText(f)}</p>
    </li>
  );
}

function NewFile({ me, receipt, onClose }) {
  const postings = (me && me.postings) || [];
  const [form, setForm] = useState({ subject: '', priority: 'routine', security: 'unclassified', head: '', post: postings.length ? String(postings[0].post.id) : '' });
  const [local, setLocal] = useState(null);
  const set = (k, v) => setForm((f) => ({ ...f, [k]: v }));
  const posting = postings.find((p) => String(p.post.id) === form.post) || postings[0];
  const scheme = useApi(posting ? `/api/v1/departments/${encodeURIComponent(posting.post.department.id)}/file-scheme` : null);
  const needsHead = !!(scheme.data && scheme.data.pattern && scheme.data.pattern.includes('{head}'));
  const act = useAction((data) => { if (data && data.id) navigate(`/files/${data.id}`); });
  const err = (k) => (local === k ? t(`files.form.${k}Needed`) : fieldError(act.error, k));
  // opened: keyboard focus on its first field
  useEffect(() => { const el = document.getElementById('file-subject'); if (el) el.focus(); }, []);
  if (!posting) return <p class="flash warn" data-no-post>{t('files.form.noPost')}</p>;
  return (
    <section class="card" aria-labelledby="file-form-title">
      <h2 id="file-form-title">{t('files.form.title')}</h2>
      <form id="file-form" class="stack" noValidate onSubmit={(e) => {
        e.preventDefault();
        setLocal(null);
        const body = { subject: form.subject.trim(), priority: form.priority, security: form.security };
        if (!body.subject) { setLocal('subject'); return; }
        if (needsHead && !form.head.trim()) { setLocal('head'); return; }
        if (form.head.trim()) body.head = form.head.trim();
        if (postings.length > 1) body.post_id = form.post;
        if (receipt) body.receipts = [receipt];
        act.run({ method: 'POST', path: '/api/v1/files', body, label: ['files.outbox.create', { subject: body.subject }] });
      }}>
        <ActingPost id="file-post" me={me} value={form.post} onChange={(v) => set('post', v)} />
        {receipt && <p class="muted" data-for-receipt={receipt}>{t('files.form.forReceipt')}</p>}
        <Field id="file-subject" label={t('files.form.subject')} error={err('subject')}>
          <input id="file-subject" type="text" maxLength={500} required value={form.subject} aria-invalid={err('subject') ? 'true' : undefined}
            onInput={(e) => set('subject', e.currentTarget.value)} />
        </Field>
        <div class="two-fields">
          <Field id="file-priority" label={t('files.form.priority')} hint={t('files.form.priorityHint')} error={err('priority')}>
            <select id="file-priority" value={form.priority} aria-describedby="file-priority-hint" onChange={(e) => set('priority', e.currentTarget.value)}>
              {PRIORITIES.map((p) => <option key={p} value={p}>{priorityText(p)}</option>)}
            </select>
          </Field>
          <Field id="file-security" label={t('files.form.security')} error={err('security')}>
            <select id="file-security" value={form.security} onChange={(e) => set('security', e.currentTarget.value)}>
              {SECURITIES.map((p) => <option key={p} value={p}>{securityText(p)}</option>)}
            </select>
          </Field>
        </div>
        {(needsHead || form.head) && (
          <Field id="file-head" label={t('files.form.head')} hint={t('files.form.headHint', { pattern: scheme.data ? scheme.data.pattern : '' })} error={err('head')}>
            <input id="file-head" type="text" dir="ltr" maxLength={40} value={form.head} aria-describedby="file-head-hint"
              aria-invalid={err('head') ? 'true' : undefined} onInput={(e) => set('head', e.currentTarget.value)} />
          </Field>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={act.busy} aria-busy={act.busy} data-file-create>{act.busy ? t('common.saving') : t('files.form.submit')}</button>
          <button type="button" onClick={onClose}>{t('file.cancel')}</button>
        </div>
        <div aria-live="polite">
          {act.queued && <Queued text={t('files.form.queued')} />}
          {formError(act.error, ['subject', 'priority', 'security', 'head', 'post_id']) && <Problem error={act.error} />}
          {fieldError(act.error, 'post_id') && <p class="field-error" role="alert">{fieldError(act.error, 'post_id')}</p>}
        </div>
      </form>
    </section>
  );
}

export default function Files() {
  useLang();
  const s = useStore(session);
  const r = useStore(route);
  const box = BOXES.includes(r.query.get('box')) ? r.query.get('box') : 'held';
  const showNew = r.query.get('new') === '1' && can('files.write');
  const receipt = /^\d+$/.test(r.query.get('receipt') || '') ? r.query.get('receipt') : null;
  const list = useApi(`/api/v1/files${query({ box })}`);
  const waiting = useOutboxFor(isFileWrite, list.reload);
  const items = (list.data && list.data.items) || [];
  const overdue = items.filter((f) => f.overdue).length;
  const setNew = (on) => {
    const q = new URLSearchParams(r.query);
    if (on) q.set('new', '1'); else { q.delete('new'); q.delete('receipt'); }
    navigate(q.toString() ? `/files?${q}` : '/files', { replace: true });
  };
  return (
    <section class="page files-page" aria-labelledby="files-title" data-box={box}>
      <h1 id="files-title" tabIndex={-1}>{t('files.title')}</h1>
      <p class="lead">{t('files.intro')}</p>
      {can('files.write') && !showNew && (
        <p class="button-row">
          <button type="button" class="primary" onClick={() => setNew(true)} data-new-file>{t('files.new')}</button>
          <a class="button" href="/receipts">{t('files.toReceipts')}</a>
        </p>
      )}
      {showNew && <NewFile me={s.me} receipt={receipt} onClose={() => setNew(false)} />}
      <nav class="tabs files-tabs" aria-label={t('files.tabs')}>
        {BOXES.map((b) => (
          <a key={b} href={b === 'held' ? '/files' : `/files?box=${b}`} aria-current={box === b ? 'page' : undefined} data-tab={b}>{t(`files.box.${b}`)}</a>
        ))}
      </nav>
      <p class="muted">{t(`files.boxHint.${box}`)}</p>
      <SavedAt at={list.cachedAt} />
      {waiting.length > 0 && (
        <ul class="plain files-waiting">
          {waiting.map((it) => (
            <li key={it.id} class="flash warn" data-state={it.state}>
              <strong>{t(it.label[0], it.label[1])}</strong> <span class={`badge ${it.state}`}>{t(`outbox.state.${it.state}`)}</span> <a href="/outbox">{t('nav.outbox')}</a>
            </li>
          ))}
        </ul>
      )}
      {list.loading && !list.data && <Loading />}
      <Problem error={list.error} retry={list.reload} />
      {list.data && (
        <p class="as-of" aria-live="polite" data-box-count={items.length}>
          {t(`files.count.${box}`, { n: items.length })}
          {box !== 'overdue' && overdue > 0 ? ` ${t('files.countOverdue', { n: overdue })}` : ''}
        </p>
      )}
      {list.data && items.length === 0 && <p class="empty" data-empty>{t(`files.empty.${box}`)}</p>}
      {items.length > 0 && (
        <ul class="file-list" data-count={items.length}>
          {items.map((f) => <FileRow key={f.id} f={f} />)}
        </ul>
      )}
    </section>
  );
}
