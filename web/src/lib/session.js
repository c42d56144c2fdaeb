// session.js - who is signed in.  The state every page reads:
//   session.get() = { state: 'loading' | 'anon' | 'user', user, me, flash }
// `me` is GET /api/v1/me (person, postings, actions) for the role-aware
// home; `flash` a message key for the login page ('session.expired').
import { api, ApiError, setSession, onSessionExpired } from './api.js';
import { createStore } from './store.js';
import { navigate, route } from './router.js';
import { clearApiCache } from './sw.js';

export const session = createStore({ state: 'loading', user: null, me: null, flash: null });

// loadSession - at start: the session the cookie holds, if any.
export async function loadSession() {
  try {
    const s = await api.get('/api/v1/session', { allow401: true });
    setSession({ csrf: s.csrf_token, user: s.user });
    const me = await api.get('/api/v1/me');
    session.set({ state: 'user', user: s.user, me, flash: null, offline: false });
  } catch (e) {
    setSession({});
    session.set({ state: 'anon', user: null, me: null, flash: null, offline: e instanceof ApiError && e.offline });
  }
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
onSessionExpired(() => {
  const here = route.get().href;
  session.set({ state: 'anon', user: null, me: null, flash: 'session.expired' });
  if (route.get().path !== '/login') navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
});

// can - whether the signed-in user holds action somewhere.
export function can(action) {
  const s = session.get();
  if (s.state !== 'user') return false;
  if (s.user && s.user.is_admin) return true;
  return !!(s.me && s.me.actions && s.me.actions.includes(action));
}
