// FileView - one file (/files/{id}, files.read): GET /api/v1/files/{id}.
//
// What it is: number, subject, status, priority, security, due day and
// the overdue marker; where it is (held by, on its way to) and since when.
// What the caller may do, by what they are to it (never more):
//   - the post holding it (open, not in transit): send (a recipient found
//     with the picker, a remark, a due day), park with a reason, close
//     (only in the file's own office);
//   - the holder of a parked file: unpark;
//   - the post it is on its way to: receive (at once when the page was
//     opened from the QR code on the file's cover, /files/{id}?scan=1);
//   - the post that sent it, while not yet received: pull back;
//   - a closed file, for a post of its office with files.write: reopen.
// Each move is POST /api/v1/files/{id}/<move> through the outbox; the
// API's answer (the file) replaces what is shown; a refusal shows the
// API's problem (403 not yours to move, 409 moved meanwhile).
// Then the noting side and the correspondence side (components/files/
// Efiling.jsx) and the timeline of movements with its in-browser proof
// check (components/files/Timeline.jsx).
//
// Test hooks: [data-file-id][data-status][data-overdue], h1 (the number),
// [data-overdue-marker], [data-where], [data-due], form#send-form
// (input[data-recipient-search], #send-remark, #send-due), [data-move=
// send|receive|pull-back|park|unpark|close|reopen], [data-move-result],
// #park-reason, #close-remark.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { t, useLang, fmtDay, fmtInstant } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route } from '../lib/router.js';
import { session, can } from '../lib/session.js';
import { ApiError } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import {
  StatusBadge, PriorityBadge, SecurityBadge, OverdueMarker, postText, myPosts, roleIn, Field, Queued, ActingPost,
  useAction, fieldError, formError, securityText,
} from '../components/files/common.jsx';
import RecipientPicker from '../components/files/RecipientPicker.jsx';
import Timeline from '../components/files/Timeline.jsx';
import { useOutboxFor } from '../components/attendance/useOutboxFor.js';
import { Notes, Correspondence } from '../components/files/Efiling.jsx';

const REMARK_MAX = 2000;

// usePostNames - designations of the posts a file's movements name: the
// history gives each step's posts (from, to: designation and unit, even of
// a post outside the reader's reach); the file's holder and target, the
// reader's own posts and the recipients picked here fill in the rest.
function usePostNames(file, history, me, extra) {
  return useMemo(() => {
    const m = new Map();
    for (const p of (me && me.postings) || []) m.set(String(p.post.id), postText({ post: p.post, unit: p.post.unit }));
    if (file) {
      m.set(String(file.holder.post.id), postText(file.holder));
      if (file.in_transit) m.set(String(file.in_transit.to.post.id), postText(file.in_transit.to));
    }
    for (const step of (history && history.items) || []) {
      for (const side of [step.from, step.to]) {
        if (side && side.post && side.post.designation) m.set(String(side.post.id), postText(side));
      }
    }
    for (const [k, v] of extra) m.set(k, v);
    return m;
  }, [file, history, me, extra]);
}

function SendForm({ file, asOf, posts, onDone, onConflict, onPick }) {
  const [to, setTo] = useState(null);
  const [remark, setRemark] = useState('');
  const [due, setDue] = useState('');
  const [local, setLocal] = useState(null);
  const act = useAction(onDone, onConflict);
  const toErr = local === 'to_post' ? t('file.send.chooseFirst') : fieldError(act.error, 'to_post');
  return (
    <form id="send-form" class="stack move-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      setLocal(null);
      if (!to) { setLocal('to_post'); return; }
      const body = { to_post: to.post.id };
      if (remark.trim()) body.remark = remark.trim();
      if (due) body.due = due;
      onPick(to);
      act.run({ method: 'POST', path: `/api/v1/files/${encodeURIComponent(file.id)}/send`, body,
        label: ['files.outbox.send', { number: file.number, to: to.post.designation }] });
    }}>
      <h3 class="h-small">{t('file.send.title')}</h3>
      <Field id="send-to" label={t('file.send.to')} hint={t('file.send.toHint')} error={toErr}>
        <RecipientPicker id="send-to" value={to} onChange={setTo} exclude={posts} invalid={!!toErr} describedBy="send-to-hint" />
      </Field>
      <Field id="send-remark" label={t('file.send.remark')} hint={t('file.send.remarkHint')} error={fieldError(act.error, 'remark')}>
        <textarea id="send-remark" rows={2} maxLength={REMARK_MAX} value={remark} aria-describedby="send-remark-hint" onInput={(e) => setRemark(e.currentTarget.value)} />
      </Field>
      <Field id="send-due" label={t('file.send.due')} hint={due ? fmtDay(due, 'long') : t('file.send.dueHint', { priority: t(`files.priority.${file.priority}`) })} error={fieldError(act.error, 'due')}>
        <input id="send-due" type="date" value={due} min={asOf || undefined} aria-describedby="send-due-hint"
          aria-invalid={fieldError(act.error, 'due') ? 'true' : undefined} onChange={(e) => setDue(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary" disabled={act.busy} aria-busy={act.busy} data-move="send">{act.busy ? t('common.saving') : t('file.send.submit')}</button>
      <div aria-live="polite">
        {act.queued && <Queued text={t('file.queued')} />}
        {formError(act.error, ['to_post', 'remark', 'due']) && act.error.status !== 409 && <Problem error={act.error} />}
      </div>
    </form>
  );
}

// ReasonMove - park (a reason needed) or close (a remark, optional).
function ReasonMove({ file, move, field, required, onDone, onConflict }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [local, setLocal] = useState(false);
  const act = useAction(onDone, onConflict);
  const id = `${move}-${field}`;
  useEffect(() => { if (open) { const el = document.getElementById(id); if (el) el.focus(); } }, [open]);
  if (!open) return <button type="button" onClick={() => setOpen(true)} data-move-open={move}>{t(`file.${move}.open`)}</button>;
  const err = local ? t(`file.${move}.needed`) : fieldError(act.error, field);
  return (
    <form class="stack move-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      setLocal(false);
      if (required && !text.trim()) { setLocal(true); return; }
      act.run({ method: 'POST', path: `/api/v1/files/${encodeURIComponent(file.id)}/${move}`, body: text.trim() ? { [field]: text.trim() } : {},
        label: [`files.outbox.${move}`, { number: file.number }] });
    }}>
      <h3 class="h-small">{t(`file.${move}.title`)}</h3>
      <Field id={id} label={t(`file.${move}.label`)} hint={t(`file.${move}.hint`)} error={err}>
        <textarea id={id} rows={2} maxLength={REMARK_MAX} value={text} aria-describedby={`${id}-hint`} aria-invalid={err ? 'true' : undefined}
          onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="submit" class={move === 'close' ? 'danger-link' : 'primary'} disabled={act.busy} aria-busy={act.busy} data-move={move}>{t(`file.${move}.submit`)}</button>
        <button type="button" onClick={() => { setOpen(false); act.reset(); }}>{t('file.cancel')}</button>
      </div>
      <div aria-live="polite">
        {act.queued && <Queued text={t('file.queued')} />}
        {formError(act.error, [field]) && act.error.status !== 409 && <Problem error={act.error} />}
      </div>
    </form>
  );
}

// SimpleMove - a move with no input: receive, pull back, unpark, reopen.
// auto: made at once, as the page opens (receiving by scanning the cover).
function SimpleMove({ file, move, body, text, hint, primary, auto, onDone, onConflict }) {
  const act = useAction(onDone, onConflict);
  const run = () => act.run({ method: 'POST', path: `/api/v1/files/${encodeURIComponent(file.id)}/${move}`, body,
    label: [`files.outbox.${move === 'pull-back' ? 'pullBack' : move}`, { number: file.number }] });
  useEffect(() => { if (auto) run(); }, []);
  return (
    <div class="move">
      {hint && <p>{hint}</p>}
      <button type="button" class={primary ? 'primary' : ''} disabled={act.busy} aria-busy={act.busy} data-move={move}
        onClick={run}>
        {act.busy ? t('common.saving') : text}
      </button>
      <div aria-live="polite">
        {act.queued && <Queued text={t('file.queued')} />}
        {act.error && !(act.error instanceof ApiError && act.error.status === 409) && <Problem error={act.error} />}
      </div>
    </div>
  );
}

function Reopen({ file, me, onDone, onConflict }) {
  const office = ((me && me.postings) || []).filter((p) => String(p.post.unit.id) === String(file.office.unit.id)
    && String(p.post.department.id) === String(file.office.department.id));
  const [post, setPost] = useState(office.length ? String(office[0].post.id) : '');
  if (!office.length || !can('files.write')) return null;
  return (
    <div class="move">
      <ActingPost id="reopen-post" postings={office} value={post} onChange={setPost} />
      <SimpleMove file={file} move="reopen" body={office.length > 1 ? { post_id: post } : undefined} text={t('file.reopen')} hint={t('file.reopenHint')} onDone={onDone} onConflict={onConflict} />
    </div>
  );
}

function Moves({ file, me, posts, scanned, onMoved, onConflict, onPick }) {
  const role = roleIn(file, posts);
  const asOf = (me && me.as_of) || '';
  const holdingPosting = ((me && me.postings) || []).find((p) => String(p.post.id) === String(file.holder.post.id));
  const ownOffice = holdingPosting && String(holdingPosting.post.unit.id) === String(file.office.unit.id)
    && String(holdingPosting.post.department.id) === String(file.office.department.id);
  const parts = [];
  if (file.status === 'closed') {
    parts.push(<Reopen key="reopen" file={file} me={me} onDone={onMoved} onConflict={onConflict} />);
  } else if (file.in_transit) {
    if (role.target) parts.push(<SimpleMove key="receive" file={file} move="receive" primary auto={scanned} text={t('file.receive')} hint={t('file.receiveHint', { from: postText(file.holder) })} onDone={onMoved} onConflict={onConflict} />);
    if (role.sender) parts.push(<SimpleMove key="pull" file={file} move="pull-back" text={t('file.pullBack')} hint={t('file.pullBackHint', { to: postText(file.in_transit.to) })} onDone={onMoved} onConflict={onConflict} />);
  } else if (role.holder && file.status === 'parked') {
    parts.push(<SimpleMove key="unpark" file={file} move="unpark" primary text={t('file.unpark')} hint={t('file.unparkHint')} onDone={onMoved} onConflict={onConflict} />);
  } else if (role.holder) {
    parts.push(<SendForm key="send" file={file} asOf={asOf} posts={posts} onDone={onMoved} onConflict={onConflict} onPick={onPick} />);
    parts.push(<div key="more" class="actions more-moves">
      <ReasonMove file={file} move="park" field="reason" required onDone={onMoved} onConflict={onConflict} />
      {ownOffice && <ReasonMove file={file} move="close" field="remark" onDone={onMoved} onConflict={onConflict} />}
    </div>);
    if (!ownOffice) parts.push(<p key="closeNote" class="muted">{t('file.close.ownOffice')}</p>);
  }
  if (!parts.length) return <p class="muted" data-no-moves>{t('file.noMoves')}</p>;
  return <>{parts}</>;
}

export default function FileView({ params }) {
  useLang();
  const s = useStore(session);
  const me = s.me;
  const id = params.id;
  const file = useApi(`/api/v1/files/${encodeURIComponent(id)}`);
  const history = useApi(`/api/v1/files/${encodeURIComponent(id)}/history`);
  const [picked, setPicked] = useState(() => new Map()); // recipients chosen here: their names for the timeline
  const [notice, setNotice] = useState(null); // { sent } | { conflict: ApiError }: the last move's outcome
  const f = file.data;
  const posts = useMemo(() => myPosts(me), [me]);
  const names = usePostNames(f, history.data, me, picked);
  // opened from the QR code on the cover (?scan=1): the post it was sent to
  // receives it at once, the moment a paper file changes hands (once
  // received it is no longer on its way to them, so a reload does nothing)
  const r = useStore(route);
  const scanned = r.query.get('scan') === '1';

  const reload = () => { file.reload(); history.reload(); };
  // a write about this file kept offline and sent later: read it again
  const mine = (it) => it.path.startsWith(`/api/v1/files/${id}/`) || /^\/api\/v1\/(notes|letters|receipts)\/[^/]+/.test(it.path);
  const waiting = useOutboxFor(mine, reload);
  const onMoved = () => { setNotice({ sent: true }); reload(); };
  // refused because the file moved meanwhile: say so and show it as it is now
  const onConflict = (error) => { setNotice({ conflict: error }); reload(); };
  useEffect(() => { setNotice(null); }, [id]);

  if (file.loading && !f) return <section class="page narrow"><Loading /></section>;
  if (!f) {
    return (
      <section class="page narrow" aria-labelledby="file-title">
        <h1 id="file-title" tabIndex={-1}>{t('file.title')}</h1>
        <Problem error={file.error} retry={file.reload} />
        <p><a href="/files">{t('file.back')}</a></p>
      </section>
    );
  }
  const role = roleIn(f, posts);
  const holding = role.holder && !f.in_transit && f.status === 'open' ? f.holder.post.id : null;
  const holdingPosting = ((me && me.postings) || []).find((p) => String(p.post.id) === String(f.holder.post.id));
  const ownOffice = !!holdingPosting && String(holdingPosting.post.unit.id) === String(f.office.unit.id)
    && String(holdingPosting.post.department.id) === String(f.office.department.id);
  return (
    <section class="page file-page" aria-labelledby="file-title" data-file-id={f.id} data-status={f.status} data-overdue={f.overdue ? '1' : '0'}
      data-in-transit={f.in_transit ? '1' : '0'}>
      <p class="muted"><a href="/files">{t('file.back')}</a></p>
      <h1 id="file-title" tabIndex={-1}><span dir="ltr" class="file-number">{f.number}</span></h1>
      <p class="lead file-subject">{f.subject}</p>
      <p class="badges">
        <StatusBadge status={f.status} />
        <PriorityBadge priority={f.priority} />
        <SecurityBadge security={f.security} />
        <OverdueMarker file={f} />
      </p>
      <SavedAt at={file.cachedAt} />
      {file.error && <Problem error={file.error} retry={file.reload} />}
      <dl class="file-facts">
        <div><dt>{t('file.where')}</dt><dd data-where>{f.in_transit
          ? t('files.where.transit', { from: postText(f.holder), to: postText(f.in_transit.to) })
          : t('files.where.held', { holder: postText(f.holder) })}</dd></div>
        {f.in_transit && <div><dt>{t('file.sentAt')}</dt><dd>{fmtInstant(f.in_transit.sent_at)}</dd></div>}
        {f.due && <div><dt>{t('file.due')}</dt><dd data-due={f.due} class={f.overdue ? 'overdue-text' : ''}>{fmtDay(f.due, 'long')}</dd></div>}
        {f.stage_since && <div><dt>{t('file.stageSince')}</dt><dd>{fmtDay(f.stage_since, 'long')}</dd></div>}
        {f.park_reason && <div><dt>{t('file.parkReason')}</dt><dd data-park-reason>{f.park_reason}</dd></div>}
        <div><dt>{t('file.office')}</dt><dd>{t('file.officeText', { unit: f.office.unit.name, dept: f.office.department.code })}</dd></div>
        <div><dt>{t('file.security')}</dt><dd>{securityText(f.security)}</dd></div>
        <div><dt>{t('file.opened')}</dt><dd>{fmtInstant(f.created_at)}</dd></div>
      </dl>

      <section class="card moves-card" aria-labelledby="moves-title">
        <h2 id="moves-title">{t('file.moves.title')}</h2>
        {waiting.length > 0 && (
          <ul class="plain files-waiting" data-waiting={waiting.length}>
            {waiting.map((it) => (
              <li key={it.id} class="flash warn" data-state={it.state}>
                <strong>{t(it.label[0], it.label[1])}</strong> <span class={`badge ${it.state}`}>{t(`outbox.state.${it.state}`)}</span> <a href="/outbox">{t('nav.outbox')}</a>
              </li>
            ))}
          </ul>
        )}
        <div aria-live="polite">
          {notice && notice.sent && <p class="flash ok" role="status" data-move-result="sent">{t('file.moved')}</p>}
          {notice && notice.conflict && (
            <div class="problem" role="alert" data-move-result="conflict">
              <p><strong>{t('file.conflict')}</strong></p>
              <p class="muted"><span lang="en" dir="ltr">{notice.conflict.detail}</span></p>
            </div>
          )}
        </div>
        <Moves key={`${f.id}:${f.version}`} file={f} me={me} posts={posts} scanned={scanned} onMoved={onMoved} onConflict={onConflict}
          onPick={(to) => setPicked((m) => new Map(m).set(String(to.post.id), postText(to)))} />
      </section>

      <div class="two-col">
        <Notes file={f} posts={posts} canNote={!!holding} onChanged={file.reload} />
        <Correspondence file={f} holding={holding} ownOffice={ownOffice} canWrite={!!holding} onChanged={file.reload} />
      </div>

      <Timeline fileId={f.id} history={history} names={names} onReload={history.reload} />
    </section>
  );
}
