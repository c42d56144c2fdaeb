// common.jsx - how files and receipts (docs/FILES.md) are shown: status,
// priority, security and the overdue marker as badges in colour AND words,
// where a file is (held by / in transit to), the caller's posts, and the
// choice of the acting post for users who hold several.  Used by /files,
// /files/{id} and /receipts.  Its styles (files.css, with the print rules
// of the acknowledgement slip) load with these pages only.
import { useState } from 'preact/hooks';
import { t, has, fmtDay } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { submit } from '../../lib/outbox.js';
import '../../styles/files.css';

export const PRIORITIES = ['routine', 'priority', 'immediate', 'top_priority'];
export const SECURITIES = ['unclassified', 'restricted', 'confidential', 'secret'];
export const MODES = ['post', 'hand', 'courier', 'email', 'fax', 'portal'];
export const BOXES = ['held', 'incoming', 'sent', 'overdue'];

function word(prefix, v) {
  const k = `${prefix}.${v}`;
  return has(k) ? t(k) : v;
}

export const priorityText = (p) => word('files.priority', p);
export const securityText = (s) => word('files.security', s);
export const statusText = (s) => word('files.status', s);
export const modeText = (m) => word('receipts.mode', m);
export const actionText = (a) => word('file.action', a);

export function StatusBadge({ status }) {
  return <span class={`badge file-status file-status-${status}`} data-file-status={status}>{statusText(status)}</span>;
}

export function PriorityBadge({ priority }) {
  return <span class={`badge file-priority priority-${priority}`} data-priority={priority}>{priorityText(priority)}</span>;
}

export function SecurityBadge({ security }) {
  if (!security || security === 'unclassified') return null;
  return <span class={`badge file-security security-${security}`} data-security={security}>{securityText(security)}</span>;
}

// OverdueMarker - "Overdue since <day>": a red badge with an icon and words
// (never colour alone), for an open file past its due day.
export function OverdueMarker({ file }) {
  if (!file || !file.overdue) return null;
  return (
    <span class="badge overdue" data-overdue-marker>
      <span aria-hidden="true" class="overdue-icon">!</span>
      {t('files.overdue', { date: fmtDay(file.due) })}
    </span>
  );
}

// postText - "Deputy Commissioner, Quetta East" from {post, unit}.
export function postText(x) {
  if (!x) return '';
  const d = x.post && x.post.designation;
  const u = x.unit && x.unit.name;
  return [d, u].filter(Boolean).join(t('files.placeSep'));
}

// whereText - where a file is: held by X, or on its way from X to Y.
export function whereText(f) {
  if (f.in_transit) return t('files.where.transit', { from: postText(f.holder), to: postText(f.in_transit.to) });
  return t('files.where.held', { holder: postText(f.holder) });
}

// myPosts - the ids of the posts the signed-in user holds (GET /api/v1/me).
export function myPosts(me) {
  return new Set(((me && me.postings) || []).map((p) => String(p.post.id)));
}

// role - what the caller is to file f: which of the moves make sense.
export function roleIn(f, posts) {
  const holder = f && f.holder && posts.has(String(f.holder.post.id));
  const target = f && f.in_transit && posts.has(String(f.in_transit.to.post.id));
  const sender = f && f.in_transit && posts.has(String(f.in_transit.from_post_id));
  return { holder: !!holder, target: !!target, sender: !!sender };
}

// ActingPost - "Acting as": the choice of post, only for users holding more
// than one (the API's post_id); nothing otherwise.
export function ActingPost({ id, me, value, onChange, postings }) {
  const list = postings || (me && me.postings) || [];
  if (list.length < 2) return null;
  return (
    <div class="field">
      <label for={id}>{t('files.actingPost')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} data-post-choice>
        {list.map((p) => (
          <option key={p.post.id} value={p.post.id}>{t('files.postOption', { designation: p.post.designation, unit: p.post.unit.name, dept: p.post.department.code })}</option>
        ))}
      </select>
    </div>
  );
}

// Field: the shared one (components/common.jsx), re-exported for the files pages.
export { Field } from '../common.jsx';

// Queued - a write kept in the outbox: say so, with the way there.
export function Queued({ text }) {
  return <p class="flash warn" role="status" data-result="queued">{text} <a href="/outbox">{t('nav.outbox')}</a></p>;
}

// useAction - one write through the outbox (lib/outbox.js: an
// Idempotency-Key per press, kept offline): { busy, queued, error, done,
// run(w), reset() }.  onSent(data) is called with the answer when it was
// sent at once; a write kept in the outbox sets `queued`; onConflict(error)
// with a 409 (the object is no longer in the state the write needs).
export function useAction(onSent, onConflict) {
  const [st, setSt] = useState({ busy: false, queued: false, error: null, done: false });
  const run = async (w) => {
    setSt({ busy: true, queued: false, error: null, done: false });
    try {
      const r = await submit(w);
      if (r.sent) {
        setSt({ busy: false, queued: false, error: null, done: true });
        if (onSent) onSent(r.data);
      } else {
        setSt({ busy: false, queued: true, error: null, done: false });
      }
      return r;
    } catch (error) {
      setSt({ busy: false, queued: false, error, done: false });
      if (onConflict && error instanceof ApiError && error.status === 409) onConflict(error);
      return { error };
    }
  };
  return { ...st, run, reset: () => setSt({ busy: false, queued: false, error: null, done: false }) };
}

// fieldError - the error's text for input `name` when the API named it
// (422, or 409 on the field), else null: shown beside that input.
export function fieldError(error, name) {
  if (!(error instanceof ApiError) || error.field !== name || (error.status !== 422 && error.status !== 409)) return null;
  return <>{t('files.invalid')} <span lang="en" dir="ltr">{error.detail}</span></>;
}

// formError - an error that names none of the form's inputs (shown above it).
export function formError(error, names) {
  if (!error) return null;
  if (error instanceof ApiError && error.field && names.includes(error.field) && (error.status === 422 || error.status === 409)) return null;
  return error;
}
