// Absentees - officers absent for several working days (/absentees,
// attendance.read): the Chief Secretary's screen, and every supervisor's.
// GET /api/v1/absentees?unit=&level=&limit= lists the absence spells
// still open, most days first: who, their post and unit, since when, how
// many working days missed, the level (an alert, or action needed: in
// colour and words) and the supervisor alerted.  Filters: level and unit
// (in the address: ?level=&unit=).  A bar chart counts them per district
// (the unit's district from GET /api/v1/org/tree), with a table of the
// same figures, above the list.  On a phone each row of the list is a
// block with its labels (table.stack-narrow); the first 100 are shown,
// then "Show all".
//
// Test hooks: table.absentees-table, tr.absentee-row[data-person-id]
// [data-level][data-days], [data-empty], [data-absentees-count],
// [data-show-all].
import { useMemo, useState } from 'preact/hooks';
import { t, useLang, fmtDay, fmtNumber, fmtInstant } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { query } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { Loading, Problem, SavedAt } from '../components/common.jsx';
import BarChart from '../components/BarChart.jsx';
import { LEVELS, LevelBadge } from '../components/attendance/absence.jsx';
import { UnitFilter, useTree, districtIndex } from '../components/attendance/org.jsx';

const LIMIT = 500;
const FIRST = 100; // rows shown before "Show all"
export const LEVEL_COLORS = { alert: '#b26a00', action: '#b42318' };

function Row({ it }) {
  const sup = it.supervisor;
  return (
    <tr class={`absentee-row level-${it.level}`} data-person-id={it.person.id} data-level={it.level} data-days={it.days_missed}>
      <th scope="row">
        {it.person.name}
        {it.post && <span class="muted cell-sub">{it.post.designation}</span>}
      </th>
      <td data-label={t('absentees.col.unit')}>{it.unit ? it.unit.name : '—'}</td>
      <td class="nowrap" data-label={t('absentees.col.since')}>{fmtDay(it.since)}</td>
      <td class="num" data-label={t('absentees.col.days')}>{fmtNumber(it.days_missed)}</td>
      <td data-label={t('absentees.col.level')}><LevelBadge level={it.level} /></td>
      <td data-label={t('absentees.col.supervisor')}>
        {sup ? (
          <>
            {sup.name}
            {sup.designation && <span class="muted cell-sub">{sup.designation}</span>}
          </>
        ) : <span class="muted">{t('absentees.noSupervisor')}</span>}
        {it.alerted_at && <span class="muted cell-sub">{t('absentees.alertedAt', { time: fmtInstant(it.alerted_at) })}</span>}
      </td>
    </tr>
  );
}

// ByDistrict - absentees per district: a chart and its table.
function ByDistrict({ items }) {
  const tree = useTree(items.length > 0);
  const rows = useMemo(() => {
    if (!tree.data) return [];
    const up = districtIndex(tree.data);
    const m = new Map();
    for (const it of items) {
      const d = (it.unit && up(it.unit.id)) || { id: '', name: t('absentees.aboveDistrict') };
      const row = m.get(d.id) || { id: d.id, name: d.name, alert: 0, action: 0 };
      row[it.level === 'action' ? 'action' : 'alert'] += 1;
      m.set(d.id, row);
    }
    return [...m.values()].sort((a, b) => (b.alert + b.action) - (a.alert + a.action) || a.name.localeCompare(b.name));
  }, [tree.data, items]);
  if (!items.length) return null;
  if (tree.error) return null; // the list above has everything; the chart is extra
  if (!tree.data) return <Loading />;
  const datasets = LEVELS.map((l) => ({ label: t(`absentees.level.${l}`), data: rows.map((r) => r[l]), color: LEVEL_COLORS[l] }));
  return (
    <section class="card" aria-labelledby="absentees-chart-title">
      <h2 id="absentees-chart-title">{t('absentees.chart.title')}</h2>
      <BarChart id="absentees-chart" labels={rows.map((r) => r.name)} datasets={datasets} stacked horizontal
        summary={t('absentees.chart.summary', { n: rows.length, total: items.length })} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('absentees.chart.caption')}>
        <table class="report absentees-by-district">
          <caption>{t('absentees.chart.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('absentees.col.district')}</th>
              {LEVELS.map((l) => <th scope="col" class="num" key={l}>{t(`absentees.level.${l}`)}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-district={r.id}>
                <th scope="row">{r.name}</th>
                <td class="num">{fmtNumber(r.alert)}</td>
                <td class="num">{fmtNumber(r.action)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function Absentees() {
  useLang();
  const r = useStore(route);
  const level = LEVELS.includes(r.query.get('level')) ? r.query.get('level') : '';
  const unit = r.query.get('unit') || '';
  const { data, error, loading, cachedAt, reload } = useApi(`/api/v1/absentees${query({ unit, level, limit: LIMIT })}`);
  const [all, setAll] = useState(false);
  const items = (data && data.items) || [];
  const shown = all ? items : items.slice(0, FIRST);
  const set = (k, v) => {
    const q = new URLSearchParams(r.query);
    if (v) q.set(k, v); else q.delete(k);
    navigate(q.toString() ? `${r.path}?${q}` : r.path, { replace: true });
  };
  const counts = { alert: items.filter((i) => i.level === 'alert').length, action: items.filter((i) => i.level === 'action').length };
  return (
    <section class="page absentees" aria-labelledby="absentees-title">
      <h1 id="absentees-title" tabIndex={-1}>{t('absentees.title')}</h1>
      <p class="lead">{t('absentees.intro')}</p>
      <form class="filters" role="search" aria-label={t('absentees.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="absentees-level">{t('absentees.levelFilter')}</label>
          <select id="absentees-level" value={level} onChange={(e) => set('level', e.currentTarget.value)}>
            <option value="">{t('absentees.levelFilter.all')}</option>
            {LEVELS.map((l) => <option key={l} value={l}>{t(`absentees.level.${l}`)}</option>)}
          </select>
        </div>
        <UnitFilter id="absentees-unit" value={unit} onChange={(v) => set('unit', v)} />
      </form>
      <SavedAt at={cachedAt} />
      {loading && <Loading />}
      <Problem error={error} retry={reload} />
      {data && (
        <>
          <p class="as-of" data-as-of={data.as_of || ''} data-absentees-count={items.length}>
            {data.as_of ? t('absentees.asOf', { date: fmtDay(data.as_of, 'long') }) : ''}
            {' '}
            {t('absentees.summary', { n: items.length, alert: counts.alert, action: counts.action })}
          </p>
          <ByDistrict items={items} />
          {items.length === 0 ? (
            <p class="empty" data-empty>{t(level ? `absentees.empty.${level}` : 'absentees.empty')}</p>
          ) : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('absentees.caption')}>
              <table class="report absentees-table stack-narrow" data-count={shown.length}>
                <caption>{t('absentees.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('absentees.col.person')}</th>
                    <th scope="col">{t('absentees.col.unit')}</th>
                    <th scope="col">{t('absentees.col.since')}</th>
                    <th scope="col" class="num">{t('absentees.col.days')}</th>
                    <th scope="col">{t('absentees.col.level')}</th>
                    <th scope="col">{t('absentees.col.supervisor')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((it) => <Row key={`${it.person.id}-${it.post ? it.post.id : ''}`} it={it} />)}
                </tbody>
              </table>
            </div>
          )}
          {shown.length < items.length && (
            <p><button type="button" onClick={() => setAll(true)} data-show-all>{t('absentees.showAll', { n: items.length })}</button></p>
          )}
          {items.length >= LIMIT && <p class="muted">{t('absentees.more', { n: LIMIT })}</p>}
          <p class="muted">{t('absentees.how')}</p>
        </>
      )}
    </section>
  );
}
