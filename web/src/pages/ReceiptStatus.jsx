// ReceiptStatus - "Check your letter" (/status, public, no sign-in): a
// citizen types the diary number and the code from the acknowledgement
// slip and learns, in plain words, what became of the letter:
// GET /api/v1/receipt-status?diary=&code= (docs/FILES.md, "The citizen's
// status check").  Never a note, a remark or the sender: the API does not
// give them.  A wrong pair is "no receipt with this number and code"
// (404); repeated wrong codes are throttled (429): "too many tries, wait",
// with the time from Retry-After.  The code is never put in the address.
//
// Test hooks: form#status-form (#status-diary, #status-code),
// [data-status-result][data-status], [data-file-status], [data-status-error=
// 404|429|400|other].
import { useRef, useState } from 'preact/hooks';
import { t, useLang, fmtDay } from '../i18n/index.js';
import { api, ApiError, query } from '../lib/api.js';
import { Problem } from '../components/common.jsx';
import '../styles/files.css';

const DIARY = /^\s*(\d{1,9})\s*\/\s*(\d{4})\s*$/;
const CODE = /^[A-Za-z2-7]{10}$/;

function waitText(seconds) {
  if (!(seconds > 0)) return t('rstatus.tooMany');
  if (seconds < 90) return t('rstatus.waitSeconds', { n: Math.ceil(seconds) });
  return t('rstatus.waitMinutes', { n: Math.ceil(seconds / 60) });
}

function Result({ r }) {
  const f = r.file;
  let state;
  if (r.status !== 'filed' || !f) state = t('rstatus.state.received');
  else if (f.status === 'closed') state = t('rstatus.state.closed', { date: fmtDay(f.since, 'long') });
  else if (f.status === 'parked') state = t('rstatus.state.parked', { date: fmtDay(f.since, 'long') });
  else state = t('rstatus.state.inProcess', { date: fmtDay(f.since, 'long') });
  return (
    <section class="card status-result" aria-labelledby="status-result-title" data-status-result data-status={r.status}
      data-file-status={f ? f.status : ''} tabIndex={-1} id="status-result">
      <h2 id="status-result-title">{t('rstatus.result.title', { diary: r.diary })}</h2>
      <p class="status-state"><strong data-state-text>{state}</strong></p>
      {f && f.with && f.with.designation && f.status !== 'closed' && <p data-with>{t('rstatus.with', { designation: f.with.designation })}</p>}
      {f && !f.with && f.status !== 'closed' && <p class="muted">{t('rstatus.withHidden')}</p>}
      <dl class="file-facts">
        <div><dt>{t('rstatus.subject')}</dt><dd>{r.subject}</dd></div>
        <div><dt>{t('rstatus.receivedOn')}</dt><dd>{fmtDay(r.received_on, 'long')}</dd></div>
        {r.office && <div><dt>{t('rstatus.office')}</dt><dd>{t('file.officeText', { unit: r.office.unit.name, dept: r.office.department.code })}</dd></div>}
      </dl>
    </section>
  );
}

export default function ReceiptStatus() {
  useLang();
  const [diary, setDiary] = useState('');
  const [code, setCode] = useState('');
  const [local, setLocal] = useState(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const out = useRef(null);

  const onSubmit = async (e) => {
    e.preventDefault();
    setLocal(null);
    const d = DIARY.exec(diary);
    const c = code.replace(/[\s-]/g, '');
    if (!d) { setLocal('diary'); return; }
    if (!CODE.test(c)) { setLocal('code'); return; }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api.get(`/api/v1/receipt-status${query({ diary: `${Number(d[1])}/${d[2]}`, code: c.toUpperCase() })}`);
      setResult(r);
      setTimeout(() => { const el = document.getElementById('status-result'); if (el) el.focus(); }, 0);
    } catch (err) {
      setError(err);
      setTimeout(() => out.current && out.current.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  const kind = error instanceof ApiError ? (error.status === 404 || error.status === 429 || error.status === 400 ? String(error.status) : 'other') : error ? 'other' : '';
  return (
    <section class="page narrow status-page" aria-labelledby="status-title">
      <h1 id="status-title" tabIndex={-1}>{t('rstatus.title')}</h1>
      <p class="lead">{t('rstatus.intro')}</p>
      <form id="status-form" class="card stack" noValidate onSubmit={onSubmit}>
        <div class="field">
          <label for="status-diary">{t('rstatus.diary')}</label>
          <input id="status-diary" type="text" dir="ltr" inputMode="numeric" autoComplete="off" maxLength={20} value={diary}
            aria-describedby="status-diary-hint" aria-invalid={local === 'diary' ? 'true' : undefined}
            onInput={(e) => setDiary(e.currentTarget.value)} />
          <span class="hint" id="status-diary-hint">
            {local === 'diary' ? <span class="field-error" role="alert">{t('rstatus.diaryBad')}</span> : t('rstatus.diaryHint')}
          </span>
        </div>
        <div class="field">
          <label for="status-code">{t('rstatus.code')}</label>
          <input id="status-code" type="text" dir="ltr" autoComplete="off" autoCapitalize="characters" spellcheck={false} maxLength={14} value={code}
            aria-describedby="status-code-hint" aria-invalid={local === 'code' ? 'true' : undefined}
            onInput={(e) => setCode(e.currentTarget.value)} />
          <span class="hint" id="status-code-hint">
            {local === 'code' ? <span class="field-error" role="alert">{t('rstatus.codeBad')}</span> : t('rstatus.codeHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy} aria-busy={busy} data-status-check>{busy ? t('common.loading') : t('rstatus.submit')}</button>
      </form>
      <div ref={out} tabIndex={-1} aria-live="polite" class="form-status">
        {kind === '404' && <p class="problem" role="alert" data-status-error="404">{t('rstatus.notFound')}</p>}
        {kind === '429' && <p class="problem" role="alert" data-status-error="429" data-retry-after={error.retryAfter || ''}>{waitText(error.retryAfter)}</p>}
        {kind === '400' && <p class="problem" role="alert" data-status-error="400">{t('rstatus.bad')}</p>}
        {kind === 'other' && <div data-status-error="other"><Problem error={error} /></div>}
      </div>
      {result && <Result r={result} />}
      <p class="muted">{t('rstatus.privacy')}</p>
    </section>
  );
}
