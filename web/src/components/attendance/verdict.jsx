// verdict.jsx - how a check-in's judgement is shown (docs/ATTENDANCE.md):
// the verdict in colour AND words, and each reason translated.  Used by the
// check-in page (/attendance) and presence now (/presence).
import { t, has } from '../../i18n/index.js';

export const VERDICTS = ['verified', 'doubtful', 'rejected'];
// the markers' colours on the presence map (the badges use app.css)
export const VERDICT_COLORS = { verified: '#0b7a43', doubtful: '#b26a00', rejected: '#b42318', absent: '#6b7780' };

// reasonText - one line for the person who checked in ("You were outside
// your duty place"); reasonShort - a few words for a supervisor's table.
export function reasonText(code) {
  const k = `attendance.reason.${code}`;
  return has(k) ? t(k) : t('attendance.reason.unknown', { code });
}
export function reasonShort(code) {
  const k = `attendance.reasonShort.${code}`;
  return has(k) ? t(k) : code;
}

// VerdictBadge - a verdict or a presence status (absent) as a coloured
// badge with its name; the colour is never the only sign.
export function VerdictBadge({ verdict }) {
  const k = `attendance.verdict.${verdict}`;
  return <span class={`badge verdict verdict-${verdict}`}>{has(k) ? t(k) : verdict}</span>;
}
