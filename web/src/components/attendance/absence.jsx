// absence.jsx - how leave and tours (GET /api/v1/absences items) and
// absence levels are shown: status and level in colour AND words, the
// kind, the days, the tour's place.  Used by /absences and /absentees.
import { t, has, fmtDay, fmtNumber } from '../../i18n/index.js';

export const KINDS = ['leave', 'tour'];
export const STATUSES = ['requested', 'approved', 'rejected', 'cancelled'];
export const LEVELS = ['alert', 'action'];

// calendar days from `from` to `to`, both included ('YYYY-MM-DD')
export function dayCount(from, to) {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return 0;
  return Math.round((b - a) / 86400000) + 1;
}

export function StatusBadge({ status }) {
  const k = `absences.status.${status}`;
  return <span class={`badge absence-status status-${status}`} data-status={status}>{has(k) ? t(k) : status}</span>;
}

export function LevelBadge({ level }) {
  const k = `absentees.level.${level}`;
  return <span class={`badge level level-${level}`} data-level={level}>{has(k) ? t(k) : level}</span>;
}

export function kindText(kind) {
  const k = `absences.kind.${kind}`;
  return has(k) ? t(k) : kind;
}

// spanText - "12 Nov 2026 to 14 Nov 2026 (3 days)", or one day.
export function spanText(from, to) {
  const n = dayCount(from, to);
  if (from === to) return t('absences.oneDay', { date: fmtDay(from) });
  return t('absences.span', { from: fmtDay(from), to: fmtDay(to), n });
}

// placeText - a tour's place: a district's name, or a circle.
export function placeText(place) {
  if (!place) return '';
  if (place.unit_id) return t('absences.placeText.district', { name: place.name || place.unit_id });
  if (typeof place.lat === 'number') {
    return t('absences.placeText.circle', {
      radius: fmtNumber(place.radius_m), lat: place.lat.toFixed(4), lon: place.lon.toFixed(4),
    });
  }
  return '';
}
