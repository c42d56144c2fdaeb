// store.js - a value that components can watch: the one way shared state
// (language, session, connectivity, the outbox) reaches the UI.
//
//   export const thing = createStore(initial);
//   thing.get(); thing.set(v); thing.update((v) => ({ ...v, x: 1 }));
//   const v = useStore(thing);   // in a component: re-renders on change
import { useEffect, useState } from 'preact/hooks';

export function createStore(initial) {
  let value = initial;
  const watchers = new Set();
  return {
    get: () => value,
    set(v) {
      if (Object.is(v, value)) return;
      value = v;
      for (const w of [...watchers]) w(value);
    },
    update(fn) { this.set(fn(value)); },
    subscribe(fn) { watchers.add(fn); return () => watchers.delete(fn); },
  };
}

export function useStore(store) {
  const [v, setV] = useState(store.get());
  useEffect(() => {
    setV(store.get()); // it may have changed between render and effect
    return store.subscribe(setV);
  }, [store]);
  return v;
}
