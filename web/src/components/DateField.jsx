// DateField - a labelled calendar-day picker ('YYYY-MM-DD', Asia/Karachi).
// Calls onChange only with a complete, valid day.
import { useState, useEffect } from 'preact/hooks';
import { t, fmtDay } from '../i18n/index.js';

let n = 0;
export default function DateField({ label, value, onChange, min, max, id }) {
  const [own] = useState(() => id || `date-${++n}`);
  const [text, setText] = useState(value || '');
  useEffect(() => setText(value || ''), [value]);
  return (
    <div class="field">
      <label for={own}>{label || t('common.asOf')}</label>
      <input id={own} type="date" value={text} min={min} max={max} aria-describedby={`${own}-hint`}
        onChange={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          if (/^\d{4}-\d{2}-\d{2}$/.test(v)) onChange(v);
        }} />
      <span id={`${own}-hint`} class="hint">{value ? fmtDay(value, 'long') : ''}</span>
    </div>
  );
}
