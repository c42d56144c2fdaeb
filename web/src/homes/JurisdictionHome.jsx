// JurisdictionHome - the province, a division or a district as of a chosen
// day: the figures (posts and vacancies), the map with drill-down
// (province -> division -> district) and a chart, all from the API.
// Province-wide roles start at the province (a secretary: their
// department's posts), a commissioner at their division, a deputy
// commissioner at their district; nobody drills above where they start.
// The day and the drill-down live in the address (?as_of=&focus=division:ID).
import { useMemo } from 'preact/hooks';
import { t, useLang, fmtDay, fmtList } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { route, navigate } from '../lib/router.js';
import { useApi } from '../lib/useApi.js';
import { query } from '../lib/api.js';
import { can } from '../lib/session.js';
import { Loading, Problem, Stats, Lazy, SavedAt } from '../components/common.jsx';
import DateField from '../components/DateField.jsx';
import { VacancyTable, VacancyChart } from '../components/vacancy.jsx';
import { indexUnits } from '../components/geo.js';
import FilesCard from '../components/files/FilesCard.jsx';

const loadMap = () => import('../components/ProvinceMap.jsx');

function parseFocus(s) {
  const m = /^(division|district):(\d+)$/.exec(s || '');
  return m ? { level: m[1], id: m[2] } : null;
}

function sum(rows) {
  return rows.reduce((a, r) => ({ sanctioned: a.sanctioned + r.sanctioned, filled: a.filled + r.filled, vacant: a.vacant + r.vacant }),
    { sanctioned: 0, filled: 0, vacant: 0 });
}

function VacantPosts({ unit, asOf }) {
  const { data, error, loading } = useApi(`/api/v1/posts${query({ unit: unit.id, vacant: 1, as_of: asOf, limit: 100 })}`);
  if (loading) return <Loading />;
  if (error) return <Problem error={error} />;
  const items = (data && data.items) || [];
  return (
    <section class="card" aria-labelledby="vacant-posts-title">
      <h2 id="vacant-posts-title">{t('home.vacantPosts.title', { unit: unit.name })}</h2>
      {items.length === 0 ? <p>{t('home.vacantPosts.none')}</p> : (
        <ul class="post-list" data-vacant-posts={items.length}>
          {items.map((p) => (
            <li key={p.id}>
              <strong>{p.designation}</strong>
              <span class="muted">{t('common.bps', { n: p.bps })} · {p.department.name} · {p.unit.name}</span>
            </li>
          ))}
        </ul>
      )}
      {data && data.next && <p class="muted">{t('home.vacantPosts.more')}</p>}
    </section>
  );
}

export default function JurisdictionHome({ scope, user, me }) {
  useLang();
  const r = useStore(route);
  const asOfParam = r.query.get('as_of') || '';
  const dept = scope.department ? scope.department.code : '';
  const report = useApi(`/api/v1/reports/vacancies${query({ by: 'district', as_of: asOfParam, department: dept })}`);
  const asOf = report.data ? report.data.as_of : null;
  const geo = useApi(asOf ? `/api/v1/org/geojson${query({ kind: 'district', as_of: asOf })}` : null, { progress: true });
  const units = useMemo(() => (geo.data ? indexUnits(geo.data) : null), [geo.data]);
  const rowsById = useMemo(() => new Map(((report.data && report.data.rows) || []).filter((x) => x.id).map((x) => [x.id, x])), [report.data]);

  const root = scope.kind === 'province' ? { level: 'province', id: null } : { level: scope.kind, id: scope.unit.id };

  // the focus asked for, kept inside the root
  let focus = parseFocus(r.query.get('focus')) || root;
  if (root.level === 'district') focus = root;
  if (root.level === 'division' && units && focus.level === 'district') {
    const d = units.districts.get(focus.id);
    if (!d || d.parentId !== root.id) focus = root;
  }
  if (root.level === 'division' && focus.level === 'division' && focus.id !== root.id) focus = root;

  const go = (f) => {
    const q = new URLSearchParams(r.query);
    if (!f || (f.level === root.level && f.id === root.id)) q.delete('focus');
    else q.set('focus', `${f.level}:${f.id}`);
    const s = q.toString();
    navigate(s ? `${r.path}?${s}` : r.path);
  };
  const setDay = (v) => {
    const q = new URLSearchParams(r.query);
    q.set('as_of', v);
    navigate(`${r.path}?${q}`, { replace: true });
  };

  // a district picked on the map, the chart or a list: one level down
  const pickDistrict = (id) => {
    const d = units && units.districts.get(id);
    if (!d) return;
    if (root.level === 'district') return;
    if (focus.level === 'province') go({ level: 'division', id: d.parentId });
    else if (root.level === 'division' && d.parentId !== root.id) return;
    else if (focus.level === 'division' && d.parentId !== focus.id) go({ level: 'division', id: d.parentId });
    else go({ level: 'district', id });
  };

  const division = units && focus.level === 'division' ? units.divisions.get(focus.id) : null;
  const district = units && focus.level === 'district' ? units.districts.get(focus.id) : null;
  const focusDivision = units && (division || (district && units.divisions.get(district.parentId)));

  let rows = null;
  let totals = null;
  if (report.data) {
    if (focus.level === 'province') { rows = report.data.rows; totals = report.data.totals; }
    else if (units) {
      const ids = focus.level === 'division' ? (division ? division.districts.map((d) => d.id) : []) : [focus.id];
      rows = ids.map((id) => rowsById.get(id)).filter(Boolean);
      totals = sum(rows);
    }
  }

  const name = (me && me.person && me.person.name) || user.username;
  const posting = scope.posting && scope.posting.post;
  let title;
  if (focus.level === 'province') title = scope.department ? t('home.province.titleDept', { dept: scope.department.name }) : t('home.province.title');
  else if (focus.level === 'division') title = t('home.division.title', { name: division ? division.name : (scope.unit && scope.unit.id === focus.id ? scope.unit.name : '…') });
  else title = t('home.district.title', { name: district ? district.name : (scope.unit && scope.unit.id === focus.id ? scope.unit.name : '…') });

  const crumbs = [];
  if (root.level === 'province') crumbs.push({ label: t('drill.province'), f: { level: 'province', id: null } });
  if (focusDivision && root.level !== 'district') crumbs.push({ label: focusDivision.name, f: { level: 'division', id: focusDivision.id } });
  if (district) crumbs.push({ label: district.name, f: { level: 'district', id: district.id } });

  return (
    <div class="page home" data-home={scope.kind} data-level={focus.level}>
      <p class="greeting">{posting ? t('home.greetingPost', { name, post: posting.designation, unit: posting.unit.name }) : t('home.greeting', { name })}</p>
      <h1 tabIndex={-1} id="home-title">{title}</h1>
      {scope.admin && <p class="muted">{t('home.admin')}</p>}

      <div class="filters">
        <DateField label={t('common.asOf')} value={asOf || asOfParam} onChange={setDay} id="home-as-of" />
      </div>

      <nav class="breadcrumb" aria-label={t('drill.breadcrumb')}>
        <ol>
          {crumbs.map((c, i) => (
            <li key={c.label}>
              {i === crumbs.length - 1
                ? <span aria-current="page">{c.label}</span>
                : <button type="button" class="linklike" onClick={() => go(c.f)}>{c.label}</button>}
            </li>
          ))}
        </ol>
      </nav>

      {report.loading && !report.data && <Loading />}
      <Problem error={report.error} retry={report.reload} />
      <SavedAt at={report.cachedAt} />
      {report.data && <p class="as-of" data-as-of={report.data.as_of}>{t('vacancies.asOfLine', { date: fmtDay(report.data.as_of, 'long') })}</p>}
      {totals && <Stats totals={totals} />}
      {can('files.read') && !scope.admin && <FilesCard />}

      <div class="two-col map-and-chart">
        <section class="card" aria-labelledby="map-title">
          <h2 id="map-title">{t('map.title')}</h2>
          {geo.loading && <Loading label={t('map.loading')} loaded={geo.loaded} total={geo.total} />}
          <Problem error={geo.error} retry={geo.reload} />
          {geo.data && units && (
            <>
              <Lazy load={loadMap} loadingLabel={t('map.loading')} geo={geo.data} units={units} rowsById={rowsById} focus={focus}
                onPick={pickDistrict} label={t('map.label', { place: title })} />
              <p class="map-count" data-drawn={units.drawn} data-total={units.total} data-day={geo.data.as_of}>
                {t('map.count', { n: units.total, drawn: units.drawn, date: fmtDay(geo.data.as_of) })}
              </p>
              {units.drawn < units.total && (
                <p class="muted map-missing">
                  {t('map.withoutBoundary', { names: fmtList([...units.districts.values()].filter((d) => !d.drawn).map((d) => d.name).sort()) })}
                </p>
              )}
              {district && !district.drawn && <p class="flash warn">{t('map.noBoundary', { name: district.name })}</p>}
              {focus.level !== 'district' && root.level !== 'district' && (
                <div class="field drill">
                  <label for="drill-select">{focus.level === 'province' ? t('drill.chooseDivision') : t('drill.chooseDistrict')}</label>
                  <select id="drill-select" value="" onChange={(e) => {
                    const v = e.currentTarget.value;
                    if (!v) return;
                    if (focus.level === 'province') go({ level: 'division', id: v });
                    else go({ level: 'district', id: v });
                  }}>
                    <option value="">{t('drill.choose')}</option>
                    {(focus.level === 'province' ? units.divisionList : (division ? division.districts : [])).map((u) => (
                      <option value={u.id} key={u.id}>{u.name}</option>
                    ))}
                  </select>
                </div>
              )}
              {focus.id && !division && !district && <p class="flash warn">{t('map.notThatDay', { date: fmtDay(geo.data.as_of) })}</p>}
            </>
          )}
        </section>
        <section class="card" aria-labelledby="chart-title">
          <h2 id="chart-title">{focus.level === 'district' ? t('home.chart.district') : t('home.chart.byDistrict')}</h2>
          {rows && rows.length > 0 && (
            <VacancyChart rows={rows} id="home-chart" onSelect={(row) => row.id && pickDistrict(row.id)}
              summary={t('vacancies.chartSummary', { n: rows.length, vacant: totals.vacant, sanctioned: totals.sanctioned })} />
          )}
          {rows && rows.length === 0 && <p class="empty">{t('vacancies.empty')}</p>}
          {!rows && (report.loading || geo.loading) && <Loading />}
        </section>
      </div>

      {rows && rows.length > 0 && (
        <VacancyTable rows={rows} totals={totals} caption={t('home.tableCaption', { place: title, date: fmtDay(asOf) })}
          onSelect={(row) => pickDistrict(row.id)} selected={district && district.id} />
      )}
      {focus.level === 'district' && can('posts.read') && asOf && (
        <VacantPosts unit={{ id: focus.id, name: district ? district.name : (scope.unit ? scope.unit.name : '') }} asOf={asOf} />
      )}
    </div>
  );
}
