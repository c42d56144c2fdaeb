// AttendanceReport - the monthly attendance report (/reports/attendance,
// attendance.read).  GET /api/v1/reports/attendance?month=&by=&unit=: per
// district, division, department, office or person (one row per posting)
// the officers, person-days expected on working days, present (of which
// late), absent, on leave, on tour, and the rate (present / (expected -
// leave - tour)), with totals; a horizontal stacked bar per row (on time,
// late, absent, leave or tour); the same report as CSV and XLSX through
// plain links (the cookie authenticates a GET); and the ranking of the
// month by district or department (GET .../ranking?month=&by=).  The
// choices live in the address (?month=&by=&unit=&rank=); the month
// defaults to the server's current one (GET /api/v1/me's as_of).
//
// Test hooks: table.attendance-report tr.report-row[data-id],
// tfoot [data-total=KEY], a[data-download=csv|xlsx], [data-report-loading],
// table.ranking tr[data-rank], #report-chart canvas[data-bars].
import { t, useLang, locale, fmtDay, fmtNumber, fmtPercent } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { session } from '../lib/session.js';
import { query } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import BarChart from '../components/BarChart.jsx';
import { UnitFilter } from '../components/attendance/org.jsx';

const PATH = '/api/v1/reports/attendance';
const BY = ['district', 'division', 'department', 'office', 'person'];
const RANK_BY = ['district', 'department'];
const COLS = ['officers', 'expected', 'present', 'late', 'absent', 'leave', 'tour'];
const CHART_MAX = 40;
// the bar's parts: on time (present but not late), late, absent, away (leave + tour)
export const PART_COLORS = { onTime: '#0b7a43', late: '#d9a400', absent: '#b42318', away: '#1d6fa5' };
const parts = (r) => ({
  onTime: Math.max(0, (r.present || 0) - (r.late || 0)),
  late: r.late || 0,
  absent: r.absent || 0,
  away: (r.leave || 0) + (r.tour || 0),
});

function monthShift(month, by) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
function fmtMonth(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '');
  if (!m) return month || '';
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(+m[1], +m[2] - 1, 15));
}

// rowName - a row's label: the "Province" row (key id "0") is translated.
function rowName(r, short = false) {
  if (r.key && r.key.id === '0') return t(short ? 'attReport.row.provinceShort' : 'attReport.row.province');
  return (r.key && r.key.name) || '—';
}

function ReportTable({ data, by, caption }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="report attendance-report" data-by={by} data-count={data.rows.length}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`attReport.col.name.${by}`)}</th>
            {COLS.map((c) => <th scope="col" class="num" key={c}>{t(`attReport.col.${c}`)}</th>)}
            <th scope="col" class="num">{t('attReport.col.rate')}</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r, i) => (
            <tr key={`${r.key ? r.key.id : i}-${r.post ? r.post.id : ''}`} class="report-row" data-id={r.key ? r.key.id : ''}>
              <th scope="row">
                {rowName(r)}
                {r.post && <span class="muted cell-sub">{r.post.designation}{r.unit ? `, ${r.unit.name}` : ''}</span>}
              </th>
              {COLS.map((c) => <td class="num" key={c}>{fmtNumber(r[c])}</td>)}
              <td class="num" data-rate={r.rate === null || r.rate === undefined ? '' : r.rate}>{fmtPercent(r.rate)}</td>
            </tr>
          ))}
        </tbody>
        {data.totals && (
          <tfoot>
            <tr>
              <th scope="row">{t('attReport.total')}</th>
              {COLS.map((c) => <td class="num" key={c} data-total={c}>{fmtNumber(data.totals[c])}</td>)}
              <td class="num" data-total="rate">{fmtPercent(data.totals.rate)}</td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

// ReportChart - one horizontal stacked bar per row, lowest rate first.
function ReportChart({ rows, by }) {
  const sorted = [...rows].sort((a, b) => (a.rate ?? 2) - (b.rate ?? 2) || rowName(a).localeCompare(rowName(b)));
  const shown = sorted.slice(0, CHART_MAX);
  const label = (r) => (by === 'person' && r.post ? `${rowName(r)} (${r.post.designation})` : rowName(r, true));
  const datasets = Object.keys(PART_COLORS).map((k) => ({
    label: t(`attReport.part.${k}`), data: shown.map((r) => parts(r)[k]), color: PART_COLORS[k],
  }));
  return (
    <div>
      <h3 class="h-small">{t('attReport.chart.title')}</h3>
      <BarChart id="report-chart" labels={shown.map(label)} datasets={datasets} stacked horizontal
        summary={t('attReport.chart.summary', { n: shown.length })} />
      {sorted.length > shown.length && <p class="muted" data-chart-cut>{t('attReport.chart.cut', { n: shown.length, total: sorted.length })}</p>}
    </div>
  );
}

function Ranking({ month, rankBy, setRank }) {
  const { data, error, loading, reload } = useApi(`${PATH}/ranking${query({ month, by: rankBy })}`);
  const items = (data && data.items) || [];
  const caption = t(`attReport.ranking.caption.${rankBy}`, { month: fmtMonth(month) });
  return (
    <section class="card" aria-labelledby="ranking-title">
      <h2 id="ranking-title">{t('attReport.ranking.title')}</h2>
      <p class="muted">{t('attReport.ranking.intro')}</p>
      <div class="field inline-field">
        <label for="ranking-by">{t('attReport.ranking.by')}</label>
        <select id="ranking-by" value={rankBy} onChange={(e) => setRank(e.currentTarget.value)}>
          {RANK_BY.map((b) => <option key={b} value={b}>{t(`attReport.by.${b}`)}</option>)}
        </select>
      </div>
      {loading && <Loading />}
      <Problem error={error} retry={reload} />
      {data && items.length === 0 && <p class="empty">{t('attReport.ranking.empty')}</p>}
      {items.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
          <table class="report ranking" data-by={rankBy} data-count={items.length}>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">{t('attReport.ranking.rank')}</th>
                <th scope="col">{t(`attReport.col.name.${rankBy}`)}</th>
                <th scope="col" class="num">{t('attReport.col.rate')}</th>
                <th scope="col" class="num">{t('attReport.ranking.presentOf')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.key.id} data-rank={it.rank} data-id={it.key.id}>
                  <td class="num">{it.rank === null || it.rank === undefined ? '—' : fmtNumber(it.rank)}</td>
                  <th scope="row">{it.key.id === '0' ? t('attReport.row.province') : it.key.name}</th>
                  <td class="num">
                    <span class="rate-bar" aria-hidden="true"><span style={{ inlineSize: `${Math.round((it.rate || 0) * 100)}%` }} /></span>
                    {fmtPercent(it.rate)}
                  </td>
                  <td class="num">{t('attReport.ranking.presentOfValue', { present: fmtNumber(it.present), expected: fmtNumber(it.expected) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function AttendanceReport() {
  useLang();
  const r = useStore(route);
  const s = useStore(session);
  const current = ((s.me && s.me.as_of) || '').slice(0, 7);
  const monthParam = /^\d{4}-\d{2}$/.test(r.query.get('month') || '') ? r.query.get('month') : '';
  const month = monthParam || current;
  const by = BY.includes(r.query.get('by')) ? r.query.get('by') : 'district';
  const rankBy = RANK_BY.includes(r.query.get('rank')) ? r.query.get('rank') : 'district';
  const unit = r.query.get('unit') || '';
  const q = { month, by, unit };
  const url = month ? `${PATH}${query(q)}` : null;
  const { data, error, loading, loaded, total, cachedAt, reload } = useApi(url, { progress: true });

  const set = (k, v) => {
    const p = new URLSearchParams(r.query);
    if (v) p.set(k, v); else p.delete(k);
    navigate(`${r.path}?${p}`, { replace: true });
  };
  const caption = data ? t(`attReport.caption.${by}`, { from: fmtDay(data.from), to: fmtDay(data.to) }) : '';
  const fresh = data && data.by === by; // the answer on screen is for the choice made (another may be loading)

  return (
    <section class="page attendance-report-page" aria-labelledby="report-title">
      <h1 id="report-title" tabIndex={-1}>{t('attReport.title')}</h1>
      <p class="lead">{t('attReport.intro')}</p>
      <form class="filters" role="search" aria-label={t('attReport.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="report-month">{t('attReport.month')}</label>
          <div class="month-picker">
            <button type="button" class="step" onClick={() => set('month', monthShift(month, -1))} aria-label={t('attReport.monthPrev')} disabled={!month} data-month-prev>
              <span aria-hidden="true" class="step-arrow prev" />
            </button>
            <input id="report-month" type="month" value={month} max={current || undefined} pattern="[0-9]{4}-[0-9]{2}" dir="ltr"
              aria-describedby="report-month-hint" onChange={(e) => { const v = e.currentTarget.value; if (/^\d{4}-\d{2}$/.test(v)) set('month', v); }} />
            <button type="button" class="step" onClick={() => set('month', monthShift(month, 1))} aria-label={t('attReport.monthNext')}
              disabled={!month || month >= current} data-month-next>
              <span aria-hidden="true" class="step-arrow next" />
            </button>
          </div>
          <span class="hint" id="report-month-hint">{fmtMonth(month)}</span>
        </div>
        <div class="field">
          <label for="report-by">{t('attReport.byLabel')}</label>
          <select id="report-by" value={by} onChange={(e) => set('by', e.currentTarget.value)}>
            {BY.map((b) => <option key={b} value={b}>{t(`attReport.by.${b}`)}</option>)}
          </select>
        </div>
        <UnitFilter id="report-unit" value={unit} onChange={(v) => set('unit', v)} />
      </form>
      {month && (
        <p class="downloads">
          <a class="button" href={`${PATH}${query({ ...q, format: 'csv' })}`} download data-download="csv">{t('attReport.download.csv')}</a>
          <a class="button" href={`${PATH}${query({ ...q, format: 'xlsx' })}`} download data-download="xlsx">{t('attReport.download.xlsx')}</a>
        </p>
      )}
      <SavedAt at={cachedAt} />
      {loading && <div data-report-loading><Loading label={t('attReport.loading')} loaded={loaded} total={total} /></div>}
      <Problem error={error} retry={reload} />
      {data && (
        <div aria-busy={loading ? 'true' : undefined} class={loading ? 'stale' : undefined}>
          <p class="as-of" data-from={data.from} data-to={data.to}>
            {t('attReport.period', { from: fmtDay(data.from, 'long'), to: fmtDay(data.to, 'long'), n: data.working_days })}
          </p>
          {data.totals && (
            <dl class="stats">
              <div class="stat"><dt>{t('attReport.col.officers')}</dt><dd>{fmtNumber(data.totals.officers)}</dd></div>
              <div class="stat"><dt>{t('attReport.col.expected')}</dt><dd>{fmtNumber(data.totals.expected)}</dd></div>
              <div class="stat"><dt>{t('attReport.col.absent')}</dt><dd>{fmtNumber(data.totals.absent)}</dd></div>
              <div class="stat"><dt>{t('attReport.col.rate')}</dt><dd data-total-rate>{fmtPercent(data.totals.rate)}</dd></div>
            </dl>
          )}
          {data.rows.length === 0 ? <p class="empty" data-empty>{t('attReport.empty')}</p> : fresh && (
            <>
              <ReportChart rows={data.rows} by={by} />
              <ReportTable data={data} by={by} caption={caption} />
            </>
          )}
          <p class="muted">{t('attReport.how')}</p>
        </div>
      )}
      {month && <Ranking month={month} rankBy={rankBy} setRank={(v) => set('rank', v)} />}
    </section>
  );
}
