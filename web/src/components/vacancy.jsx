// vacancy.jsx - the vacancy report's figures as a table and as a chart
// (GET /api/v1/reports/vacancies rows: {id, name, kind, sanctioned,
// filled, vacant}).
import { t, fmtNumber, fmtPercent } from '../i18n/index.js';
import BarChart from './BarChart.jsx';

export const COLORS = { filled: '#1d6fa5', vacant: '#c2410c' };

// rowName - a row's name for people: the report's own rows ("Province",
// "Outside the tree") are translated; unit and department names are data.
export function rowName(r, short = false) {
  if (r.id === null || r.id === undefined) {
    if (r.kind === 'province') return t(short ? 'vacancies.row.provinceShort' : 'vacancies.row.province');
    return t(short ? 'vacancies.row.outsideShort' : 'vacancies.row.outside');
  }
  return r.name;
}

export function rate(r) { return r.sanctioned ? r.vacant / r.sanctioned : 0; }

export function VacancyTable({ rows, totals, caption, onSelect, selected }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="report">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('vacancies.col.name')}</th>
            <th scope="col" class="num">{t('stats.sanctioned')}</th>
            <th scope="col" class="num">{t('stats.filled')}</th>
            <th scope="col" class="num">{t('stats.vacant')}</th>
            <th scope="col" class="num">{t('stats.rate')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id || r.name} class={selected && r.id === selected ? 'selected' : undefined} data-id={r.id || ''}>
              <th scope="row">
                {onSelect && r.id ? <button type="button" class="linklike" onClick={() => onSelect(r)}>{rowName(r)}</button> : rowName(r)}
              </th>
              <td class="num">{fmtNumber(r.sanctioned)}</td>
              <td class="num">{fmtNumber(r.filled)}</td>
              <td class="num">{fmtNumber(r.vacant)}</td>
              <td class="num">{fmtPercent(rate(r))}</td>
            </tr>
          ))}
        </tbody>
        {totals && (
          <tfoot>
            <tr>
              <th scope="row">{t('vacancies.total')}</th>
              <td class="num" data-total="sanctioned">{fmtNumber(totals.sanctioned)}</td>
              <td class="num" data-total="filled">{fmtNumber(totals.filled)}</td>
              <td class="num" data-total="vacant">{fmtNumber(totals.vacant)}</td>
              <td class="num">{fmtPercent(rate(totals))}</td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

// VacancyChart - filled and vacant posts stacked (= sanctioned), the rows
// with the most vacancies first.
export function VacancyChart({ rows, summary, onSelect, id }) {
  const sorted = [...rows].sort((a, b) => b.vacant - a.vacant || a.name.localeCompare(b.name));
  const labels = sorted.map((r) => rowName(r, true));
  const datasets = [
    { label: t('stats.filled'), data: sorted.map((r) => r.filled), color: COLORS.filled },
    { label: t('stats.vacant'), data: sorted.map((r) => r.vacant), color: COLORS.vacant },
  ];
  return (
    <BarChart id={id} labels={labels} datasets={datasets} stacked horizontal summary={summary}
      onSelect={onSelect ? (i) => onSelect(sorted[i]) : undefined} />
  );
}
