// Vacancies - the public vacancy report: no sign-in.  Sanctioned, filled
// and vacant posts by district, division or department on a chosen day,
// as a table and a chart.  The choice lives in the address (?as_of=&by=)
// so a report can be bookmarked and shared.  Also the citizens' home.
import { t, useLang, fmtDay } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { useApi } from '../lib/useApi.js';
import { query } from '../lib/api.js';
import { Loading, Problem, Stats, SavedAt } from '../components/common.jsx';
import DateField from '../components/DateField.jsx';
import { VacancyTable, VacancyChart } from '../components/vacancy.jsx';

const BY = ['district', 'division', 'department'];

export default function Vacancies({ portal = false }) {
  useLang();
  const r = useStore(route);
  const asOf = r.query.get('as_of') || '';
  const by = BY.includes(r.query.get('by')) ? r.query.get('by') : 'district';
  const { data, error, loading, cachedAt, reload } = useApi(`/api/v1/reports/vacancies${query({ by, as_of: asOf })}`);

  const set = (k, v) => {
    const q = new URLSearchParams(r.query);
    q.set(k, v);
    navigate(`${r.path}?${q}`, { replace: true });
  };

  const H = portal ? 'h2' : 'h1';
  return (
    <section class="page vacancies" aria-labelledby="vac-title">
      <H id="vac-title" tabIndex={portal ? undefined : -1}>{t('vacancies.title')}</H>
      <p class="lead">{t('vacancies.intro')}</p>
      <form class="filters" role="search" aria-label={t('vacancies.filters')} onSubmit={(e) => e.preventDefault()}>
        <DateField label={t('common.asOf')} value={(data && data.as_of) || asOf} onChange={(v) => set('as_of', v)} id="vac-as-of" />
        <div class="field">
          <label for="vac-by">{t('vacancies.by')}</label>
          <select id="vac-by" value={by} onChange={(e) => set('by', e.currentTarget.value)}>
            {BY.map((b) => <option value={b} key={b}>{t(`vacancies.by.${b}`)}</option>)}
          </select>
        </div>
      </form>
      {loading && !data && <Loading />}
      <Problem error={error} retry={reload} />
      {data && (
        <>
          <SavedAt at={cachedAt} />
          <p class="as-of" data-as-of={data.as_of}>{t('vacancies.asOfLine', { date: fmtDay(data.as_of, 'long') })}</p>
          <Stats totals={data.totals} />
          {data.rows.length === 0 ? (
            <p class="empty">{t('vacancies.empty')}</p>
          ) : (
            <div class="two-col">
              <div>
                <h3 class="h-small">{t(`vacancies.chartTitle.${by}`)}</h3>
                <VacancyChart rows={data.rows} id="vac-chart"
                  summary={t('vacancies.chartSummary', { n: data.rows.length, vacant: data.totals.vacant, sanctioned: data.totals.sanctioned })} />
              </div>
              <VacancyTable rows={data.rows} totals={data.totals}
                caption={t(`vacancies.caption.${by}`, { date: fmtDay(data.as_of) })} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
