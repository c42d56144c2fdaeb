// i18n - the one message catalogue (en.json, ur.json), the language switch
// and Pakistan's number and date formats.  Components never hold UI text:
// they call t('key', {params}).  Keys are dotted by page or component
// ("home.province.title"); a key with plural forms has "_one"/"_other"
// variants chosen by Intl.PluralRules from the param `n`.  Missing keys
// fall back to English, then to the key itself (and warn once in dev).
//
// Language: `lang` and `dir` on <html> switch at once, the choice is kept
// in localStorage; Urdu loads its catalogue and the Nastaliq font on demand
// (neither is in the first page).
import en from './en.json';
import { createStore, useStore } from '../lib/store.js';

export const LANGS = {
  en: { locale: 'en-PK', dir: 'ltr', label: 'English' },
  ur: { locale: 'ur-PK', dir: 'rtl', label: 'اردو' },
};
export const TIME_ZONE = 'Asia/Karachi';
const STORAGE_KEY = 'daftar.lang';

const catalogues = { en };
export const lang = createStore('en');

function stored() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v && LANGS[v] ? v : null;
  } catch { return null; }
}

async function loadLang(code) {
  if (!catalogues[code] && code === 'ur') {
    const [cat] = await Promise.all([
      import('./ur.json'),
      import('../styles/urdu.css'),
    ]);
    catalogues.ur = cat.default;
  }
}

function applyToDocument(code) {
  const el = document.documentElement;
  el.lang = code;
  el.dir = LANGS[code].dir;
  document.title = t('app.title');
}

// setLang - switch the whole app to code ('en' | 'ur') and remember it.
export async function setLang(code) {
  if (!LANGS[code]) return;
  await loadLang(code);
  try { localStorage.setItem(STORAGE_KEY, code); } catch { /* private mode: not remembered */ }
  lang.set(code);
  applyToDocument(code);
}

// initLang - before the first render: the remembered choice, else English.
export async function initLang() {
  const code = stored() || 'en';
  try { await loadLang(code); lang.set(code); } catch { lang.set('en'); }
  applyToDocument(lang.get());
}

const pluralCache = {};
function plural(code, n) {
  pluralCache[code] ||= new Intl.PluralRules(LANGS[code].locale);
  return pluralCache[code].select(n);
}

// t - the message for key in the current language, with {name} replaced
// by params.name (numbers are formatted for the locale).
export function t(key, params) {
  const code = lang.get();
  const cat = catalogues[code] || en;
  let msg;
  if (params && typeof params.n === 'number') {
    const form = `${key}_${plural(code, params.n)}`;
    msg = cat[form] ?? en[form] ?? cat[`${key}_other`] ?? en[`${key}_other`];
  }
  msg ??= cat[key] ?? en[key];
  if (msg === undefined) {
    if (import.meta.env.DEV) console.warn(`i18n: no message "${key}"`);
    return key;
  }
  if (!params) return msg;
  return msg.replace(/\{(\w+)\}/g, (m, name) => {
    const v = params[name];
    if (v === undefined || v === null) return m;
    return typeof v === 'number' ? fmtNumber(v) : String(v);
  });
}

// has - whether the catalogue has key (for optional messages such as role names).
export function has(key) { return key in (catalogues[lang.get()] || en) || key in en; }

// useLang - re-render the calling component when the language changes.
export function useLang() { return useStore(lang); }

export function locale() { return LANGS[lang.get()].locale; }
export function dir() { return LANGS[lang.get()].dir; }

const fmtCache = new Map();
function cached(kind, opts, make) {
  const k = `${lang.get()}|${kind}|${JSON.stringify(opts)}`;
  let f = fmtCache.get(k);
  if (!f) { f = make(locale(), opts); fmtCache.set(k, f); }
  return f;
}

export function fmtNumber(n, opts = {}) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return cached('n', opts, (l, o) => new Intl.NumberFormat(l, o)).format(n);
}

export function fmtPercent(ratio) {
  return fmtNumber(ratio, { style: 'percent', maximumFractionDigits: 1 });
}

// fmtDay - a calendar day 'YYYY-MM-DD' (Asia/Karachi) for people.
export function fmtDay(day, style = 'medium') {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return day || '—';
  const noonUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], 12); // 17:00 in Karachi: the same day
  return cached('d', { dateStyle: style, timeZone: TIME_ZONE }, (l, o) => new Intl.DateTimeFormat(l, o)).format(noonUtc);
}

// fmtInstant - epoch milliseconds as a date and time in Asia/Karachi.
export function fmtInstant(ms, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (ms === null || ms === undefined) return '—';
  return cached('i', { ...opts, timeZone: TIME_ZONE }, (l, o) => new Intl.DateTimeFormat(l, o)).format(ms);
}

// todayKarachi - today's calendar day in Asia/Karachi by this device's clock.
export function todayKarachi(ms = Date.now()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

// fmtList - ['a', 'b', 'c'] as "a, b and c" in the current language.
export function fmtList(items) {
  return cached('l', { type: 'conjunction' }, (l, o) => new Intl.ListFormat(l, o)).format(items);
}
