// Login - sign in with username and password; the 6-digit code of the
// second factor is asked for when the server says it is due (401 with
// field "otp", as for administrators).  Afterwards the user goes back to
// where they were (?next=, a path of this app only).
import { useState, useRef, useEffect } from 'preact/hooks';
import { t, useLang } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { session, login } from '../lib/session.js';
import { route, navigate, safeNext } from '../lib/router.js';
import { ApiError } from '../lib/api.js';
import { errorText } from '../components/common.jsx';

export default function Login() {
  useLang();
  const s = useStore(session);
  const r = useStore(route);
  const next = safeNext(r.query.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [needOtp, setNeedOtp] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const otpRef = useRef(null);
  const errRef = useRef(null);

  useEffect(() => { if (needOtp && otpRef.current) otpRef.current.focus(); }, [needOtp]);

  if (s.state === 'user') {
    return (
      <section class="page narrow">
        <h1 tabIndex={-1}>{t('login.title')}</h1>
        <p>{t('login.already', { name: s.user.username })}</p>
        <p><a class="button" href={next}>{t('login.continue')}</a></p>
      </section>
    );
  }

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password, needOtp ? otp.trim() : undefined);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && err.field === 'otp') {
        if (needOtp && otp) setError({ text: t('login.otpWrong') });
        else setError({ text: t('login.otpNeeded'), info: true });
        setNeedOtp(true);
        setOtp('');
      } else if (err instanceof ApiError && err.status === 401) {
        setError({ text: t('login.wrong') });
      } else if (err instanceof ApiError && err.status === 429) {
        setError({ text: t('login.throttled'), detail: err.detail });
      } else {
        setError({ text: errorText(err), detail: err instanceof ApiError && !err.offline ? err.detail : null });
      }
      setTimeout(() => errRef.current && errRef.current.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page narrow login" aria-labelledby="login-title">
      <h1 id="login-title" tabIndex={-1}>{t('login.title')}</h1>
      {s.flash && <p class={`flash ${s.flash === 'session.expired' ? 'warn' : ''}`} role="alert" data-flash={s.flash}>{t(s.flash)}</p>}
      {error && (
        <div class={error.info ? 'flash' : 'problem'} role="alert" tabIndex={-1} ref={errRef} data-error>
          <p>{error.text}</p>
          {error.detail && <p class="muted"><span lang="en" dir="ltr">{error.detail}</span></p>}
        </div>
      )}
      <form onSubmit={submit} class="stack" novalidate={false}>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input id="login-username" name="username" autocomplete="username" required autocapitalize="none"
            spellcheck={false} dir="ltr" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required dir="ltr"
            value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        {needOtp && (
          <div class="field">
            <label for="login-otp">{t('login.otp')}</label>
            <input id="login-otp" name="otp" ref={otpRef} inputMode="numeric" autocomplete="one-time-code" required
              pattern="[0-9]{6}" maxLength={6} dir="ltr" aria-describedby="login-otp-hint"
              value={otp} onInput={(e) => setOtp(e.currentTarget.value)} />
            <span class="hint" id="login-otp-hint">{t('login.otpHint')}</span>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </section>
  );
}
