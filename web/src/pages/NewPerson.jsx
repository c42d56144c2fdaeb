// NewPerson - register a person (POST /api/v1/people; people.write).  The
// example of a write that works offline: it goes through the outbox, so
// with no link it waits there and is sent when the link returns.
import { useState, useRef } from 'preact/hooks';
import { t, useLang } from '../i18n/index.js';
import { submit } from '../lib/outbox.js';
import { ApiError } from '../lib/api.js';
import { Problem } from '../components/common.jsx';

const GENDERS = ['female', 'male', 'other'];

export default function NewPerson() {
  useLang();
  const [form, setForm] = useState({ name: '', gender: '', cnic: '', phone: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const status = useRef(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const fieldError = (k) => (error instanceof ApiError && error.field === k ? error : null);

  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const body = { name: form.name.trim(), gender: form.gender };
    if (form.cnic.trim()) body.cnic = form.cnic.trim();
    if (form.phone.trim()) body.phone = form.phone.trim();
    try {
      const r = await submit({ method: 'POST', path: '/api/v1/people', body, label: ['outbox.kind.person', { name: body.name }] });
      setDone({ ...r, name: body.name });
      setForm({ name: '', gender: '', cnic: '', phone: '' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setTimeout(() => status.current && status.current.focus(), 0);
    }
  };

  const input = (k, props) => (
    <div class="field">
      <label for={`person-${k}`}>{t(`person.${k}`)}</label>
      <input id={`person-${k}`} name={k} value={form[k]} onInput={set(k)} aria-invalid={fieldError(k) ? 'true' : undefined}
        aria-describedby={`person-${k}-hint`} {...props} />
      <span class="hint" id={`person-${k}-hint`}>
        {fieldError(k) ? <span class="field-error" lang="en" dir="ltr">{fieldError(k).detail}</span> : t(`person.${k}Hint`)}
      </span>
    </div>
  );

  return (
    <section class="page narrow" aria-labelledby="person-title">
      <h1 id="person-title" tabIndex={-1}>{t('person.title')}</h1>
      <p class="lead">{t('person.intro')}</p>
      <div ref={status} tabIndex={-1} aria-live="polite">
        {done && done.sent && <p class="flash ok" role="status" data-result="sent">{t('person.sent', { name: done.name })}</p>}
        {done && done.queued && (
          <p class="flash warn" role="status" data-result="queued">
            {t('person.queued', { name: done.name })} <a href="/outbox">{t('nav.outbox')}</a>
          </p>
        )}
        {error && !fieldError('name') && !fieldError('cnic') && !fieldError('phone') && <Problem error={error} />}
      </div>
      <form class="stack" onSubmit={onSubmit}>
        {input('name', { required: true, maxLength: 200, autocomplete: 'off' })}
        <div class="field">
          <label for="person-gender">{t('person.gender')}</label>
          <select id="person-gender" name="gender" required value={form.gender} onChange={set('gender')}>
            <option value="">{t('person.genderChoose')}</option>
            {GENDERS.map((g) => <option value={g} key={g}>{t(`person.gender.${g}`)}</option>)}
          </select>
        </div>
        {input('cnic', { inputMode: 'numeric', pattern: '[0-9]{5}-[0-9]{7}-[0-9]', dir: 'ltr', autocomplete: 'off' })}
        {input('phone', { type: 'tel', dir: 'ltr', autocomplete: 'off' })}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>{busy ? t('common.saving') : t('person.submit')}</button>
      </form>
    </section>
  );
}
