// session.js - who is signed in.  The state every page reads:
//   session.get() = { state: 'loading' | 'anon' | 'user', user, me, flash }
// `me` is GET /api/v1/me (person, postings, actions) for the role-aware
// home; `flash` a message key for the login page ('session.expired').
import { api, ApiError, setSession, onSessionExpired } from './api.js';
import { createStore } from './store.js';
import { navigate, route } from './router.js';
import { clearApiCache } from './sw.js';

export const session = createStore({ state: 'loading', user: null, me: null, flash: null });

// loadSession - at start (and when the link returns after an offline
// start): the session the cookie holds, if any.  Offline, the last-seen
// GET /api/v1/me (from the service worker's cache) stands in, marked
// `stale`: pages show saved data and writes wait in the outbox until the
// session is confirmed (and its CSRF token known) online.
export async function loadSession() {
  const was = session.get().state;
  let s;
  try {
    s = await api.get('/api/v1/session', { allow401: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && was === 'user') { expired(); return; }
    if (e instanceof ApiError && e.offline) {
      try {
        const me = await api.get('/api/v1/me', { allow401: true });
        if (me && me.user) {
          setSession({ csrf: null, user: me.user });
          session.set({ state: 'user', user: me.user, me, flash: null, stale: true });
          return;
        }
      } catch { /* nothing saved either */ }
    }
    setSession({});
    session.set({ state: 'anon', user: null, me: null, flash: null, stale: e instanceof ApiError && e.offline });
    return;
  }
  try {
    setSession({ csrf: s.csrf_token, user: s.user });
    const me = await api.get('/api/v1/me');
    session.set({ state: 'user', user: s.user, me, flash: null, stale: false });
  } catch (e) {
    // signed in, but /me did not come: still signed in
    session.set({ state: 'user', user: s.user, me: null, flash: null, stale: !(e instanceof ApiError && e.status === 401) });
  }
}

// confirmSession - before writing: make sure the session is known online
// (an offline start had no CSRF token).  False if there is none.
export async function confirmSession() {
  const s = session.get();
  if (s.state === 'user' && !s.stale) return true;
  if (s.state !== 'user' && !s.stale) return false; // signed out: nothing to confirm
  if (!navigator.onLine) return false;
  await loadSession();
  const now = session.get();
  return now.state === 'user' && !now.stale;
}

// login - sign in; throws ApiError (401 with field 'otp' when the second
// factor is due, 429 throttled).  Cached answers of whoever used this
// browser before are dropped first.
export async function login(username, password, otp) {
  const body = { username, password };
  if (otp) body.otp = otp;
  const s = await api.post('/api/v1/session', body, { allow401: true });
  await clearApiCache();
  setSession({ csrf: s.csrf_token, user: s.user });
  const me = await api.get('/api/v1/me');
  session.set({ state: 'user', user: s.user, me, flash: null, secondFactorRequired: s.second_factor_required });
  return s;
}

// logout - sign out here and on the server (if it can be reached), and
// forget this user's cached answers.
export async function logout() {
  try { await api.del('/api/v1/session', { allow401: true }); } catch { /* offline: the cookie expires on its own */ }
  setSession({});
  await clearApiCache();
  session.set({ state: 'anon', user: null, me: null, flash: 'session.signedOut' });
  navigate('/');
}

// a 401 while signed in: back to the login page, then back here
function expired() {
  const here = route.get().href;
  setSession({});
  session.set({ state: 'anon', user: null, me: null, flash: 'session.expired' });
  if (route.get().path !== '/login') navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
}
onSessionExpired(expired);

// can - whether the signed-in user holds action somewhere.
export function can(action) {
  const s = session.get();
  if (s.state !== 'user') return false;
  if (s.user && s.user.is_admin) return true;
  return !!(s.me && s.me.actions && s.me.actions.includes(action));
}
