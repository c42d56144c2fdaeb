// useApi - a GET in a component: { data, error, loading, loaded, total,
// cachedAt, reload }.  url null: nothing is fetched.  A newer url cancels
// the answer of an older one.  progress: true reports bytes as they come
// (for big answers such as the boundaries).
import { useEffect, useState, useCallback } from 'preact/hooks';
import { api, CACHED_AT } from './api.js';

export function useApi(url, { progress = false } = {}) {
  const [state, setState] = useState({ data: null, error: null, loading: !!url, loaded: 0, total: 0, cachedAt: null });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!url) { setState({ data: null, error: null, loading: false, loaded: 0, total: 0, cachedAt: null }); return undefined; }
    const ctl = new AbortController();
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null, loaded: 0, total: 0 }));
    const onProgress = progress ? (loaded, total) => { if (live) setState((s) => ({ ...s, loaded, total })); } : undefined;
    api.get(url, { signal: ctl.signal, progress: onProgress }).then(
      (data) => { if (live) setState({ data, error: null, loading: false, loaded: 0, total: 0, cachedAt: (data && data[CACHED_AT]) || null }); },
      (error) => { if (live && error.name !== 'AbortError') setState((s) => ({ ...s, error, loading: false })); },
    );
    return () => { live = false; ctl.abort(); };
  }, [url, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
