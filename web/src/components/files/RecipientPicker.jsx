// RecipientPicker - whom to send a file to: a combobox (WAI-ARIA 1.2,
// list autocomplete) backed by GET /api/v1/files/recipients?q=&limit=,
// the posts of today whose designation, unit or department contain every
// word typed.  Each option says the post, its unit and department and who
// holds it (or that it is vacant).  Arrow keys move through the options,
// Enter chooses, Escape closes; the choice is announced.
//
// Test hooks: input[data-recipient-search], ul[data-recipients],
// li.recipient[data-post-id], [data-recipient-chosen].
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api, query } from '../../lib/api.js';
import { errorText } from '../common.jsx';

const LIMIT = 20;
const WAIT_MS = 250;

export function recipientText(it) {
  return t('files.recipient.option', {
    designation: it.post.designation, unit: it.unit ? it.unit.name : '—', dept: it.department ? it.department.code : '—',
  });
}

export default function RecipientPicker({ id, value, onChange, exclude, invalid, describedBy }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [state, setState] = useState('idle'); // idle | loading | done | error
  const [error, setError] = useState(null);
  const list = useRef(null);
  const words = q.trim();

  useEffect(() => {
    if (words.length < 2 || (value && recipientText(value) === q)) { setItems([]); setState('idle'); return undefined; }
    const ctl = new AbortController();
    setState('loading');
    const timer = setTimeout(() => {
      api.get(`/api/v1/files/recipients${query({ q: words.slice(0, 100), limit: LIMIT })}`, { signal: ctl.signal }).then((d) => {
        const got = ((d && d.items) || []).filter((x) => !exclude || !exclude.has(String(x.post.id)));
        setItems(got);
        setActive(got.length ? 0 : -1);
        setState('done');
        setError(null);
      }, (e) => {
        if (e.name === 'AbortError') return;
        setItems([]);
        setState('error');
        setError(e);
      });
    }, WAIT_MS);
    return () => { clearTimeout(timer); ctl.abort(); };
  }, [words]);

  const choose = (it) => {
    onChange(it);
    setQ(recipientText(it));
    setOpen(false);
    setItems([]);
  };

  useEffect(() => {
    if (!open || active < 0 || !list.current) return;
    const el = list.current.querySelector(`#${id}-opt-${active}`);
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const onKey = (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && items[active]) { e.preventDefault(); choose(items[active]); }
    } else if (e.key === 'Escape') {
      if (open) { e.preventDefault(); setOpen(false); }
    }
  };

  const expanded = open && items.length > 0;
  let status = '';
  if (words.length > 0 && words.length < 2) status = t('files.recipient.typeMore');
  else if (state === 'loading') status = t('common.loading');
  else if (state === 'done' && !value) status = items.length ? t('files.recipient.found', { n: items.length }) : t('files.recipient.none');
  else if (state === 'error') status = errorText(error);
  return (
    <div class="recipient-picker">
      <input id={id} type="text" role="combobox" autoComplete="off" spellcheck={false} value={q}
        aria-autocomplete="list" aria-expanded={expanded ? 'true' : 'false'} aria-controls={`${id}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-invalid={invalid ? 'true' : undefined} aria-describedby={`${id}-status ${describedBy || ''}`.trim()}
        onInput={(e) => { setQ(e.currentTarget.value); setOpen(true); if (value) onChange(null); }}
        onKeyDown={onKey} onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)} data-recipient-search />
      <ul id={`${id}-list`} role="listbox" ref={list} class="recipients" hidden={!expanded} aria-label={t('files.recipient.listLabel')} data-recipients={items.length}>
        {items.map((it, i) => (
          <li key={it.post.id} id={`${id}-opt-${i}`} role="option" aria-selected={i === active ? 'true' : 'false'}
            class={`recipient${i === active ? ' active' : ''}`} data-post-id={it.post.id}
            onMouseDown={(e) => e.preventDefault()} onClick={() => choose(it)}>
            <strong>{it.post.designation}</strong>
            <span class="muted">{t('files.recipient.place', { unit: it.unit ? it.unit.name : '—', dept: it.department ? it.department.code : '—' })}</span>
            <span class="muted">{it.holder ? t('files.recipient.holder', { name: it.holder.name }) : t('files.recipient.vacant')}</span>
          </li>
        ))}
      </ul>
      <p id={`${id}-status`} class="hint" role="status" aria-live="polite">
        {value ? <span data-recipient-chosen={value.post.id}>{t('files.recipient.chosen', { post: recipientText(value) })}</span> : status}
      </p>
    </div>
  );
}
