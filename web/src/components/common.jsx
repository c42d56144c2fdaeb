// common.jsx - small pieces every page uses: loading and progress, error
// display, the lazy loader, stat cards.
import { useEffect, useState } from 'preact/hooks';
import { t, fmtNumber, fmtPercent, fmtInstant } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';

// Loading - a polite status line; with total, a progress bar.
export function Loading({ label, loaded, total }) {
  const text = label || t('common.loading');
  return (
    <div class="loading" role="status" aria-live="polite">
      <span>{text}</span>
      {total ? (
        <>
          <progress max={total} value={loaded || 0} aria-label={text} />
          <span class="muted">{t('common.progress', { loaded: fmtNumber(Math.round((loaded || 0) / 1024)), total: fmtNumber(Math.round(total / 1024)) })}</span>
        </>
      ) : loaded ? (
        <span class="muted">{t('common.progressUnknown', { loaded: fmtNumber(Math.round(loaded / 1024)) })}</span>
      ) : (
        <span class="spinner" aria-hidden="true" />
      )}
    </div>
  );
}

// errorText - a message for people in the current language, from the
// status; the server's own (English) detail is shown beside it.
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.offline) return t('error.offline');
    const key = `error.${e.status}`;
    const msg = t(key);
    return msg === key ? t('error.other', { status: e.status }) : msg;
  }
  return t('error.unexpected');
}

export function Problem({ error, retry }) {
  if (!error) return null;
  const detail = error instanceof ApiError && !error.offline ? error.detail : null;
  return (
    <div class="problem" role="alert">
      <p><strong>{errorText(error)}</strong></p>
      {detail && <p class="muted"><span lang="en" dir="ltr">{detail}</span></p>}
      {retry && <button type="button" onClick={retry}>{t('common.retry')}</button>}
    </div>
  );
}

// Saved - when an answer came from the offline cache.
export function SavedAt({ at }) {
  if (!at) return null;
  return <p class="saved-at" role="note">{t('offline.savedAt', { time: fmtInstant(at) })}</p>;
}

const modules = new Map();
// useModule - the module a loader gives (cached), with its loading state.
export function useModule(load) {
  const [state, setState] = useState(() => ({ load, mod: modules.get(load) || null }));
  useEffect(() => {
    if (modules.has(load)) {
      if (state.load !== load || !state.mod) setState({ load, mod: modules.get(load) });
      return undefined;
    }
    let live = true;
    load().then((m) => { modules.set(load, m); if (live) setState({ load, mod: m }); },
      (e) => { if (live) setState({ load, mod: null, error: e }); });
    return () => { live = false; };
  }, [load]);
  // never the module of a previous loader
  if (state.load !== load) return { mod: modules.get(load) || null };
  return state;
}

// Lazy - render the default export of load() with props once it has come.
export function Lazy({ load, loadingLabel, ...props }) {
  const { mod, error } = useModule(load);
  if (error) return <Problem error={error} />;
  if (!mod) return <Loading label={loadingLabel} />;
  const C = mod.default;
  return <C {...props} />;
}

// Stats - sanctioned / filled / vacant / vacancy rate.
export function Stats({ totals }) {
  if (!totals) return null;
  const rate = totals.sanctioned ? totals.vacant / totals.sanctioned : 0;
  const items = [
    ['stats.sanctioned', fmtNumber(totals.sanctioned)],
    ['stats.filled', fmtNumber(totals.filled)],
    ['stats.vacant', fmtNumber(totals.vacant)],
    ['stats.rate', fmtPercent(rate)],
  ];
  return (
    <dl class="stats">
      {items.map(([k, v]) => (
        <div class="stat" key={k}><dt>{t(k)}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}

// Field - a labelled input with its hint or its error (role=alert).
export function Field({ id, label, hint, error, children }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      <span class="hint" id={`${id}-hint`}>
        {error ? <span class="field-error" role="alert">{error}</span> : hint}
      </span>
    </div>
  );
}
