// OfficerHome - "my day" for officers below the district head: today's
// date, who they are, their postings (GET /api/v1/me) and the vacant posts
// of their office, and a card to check in for the day (/attendance) or
// ask for leave or a tour (/absences).
// Modules add their cards here (files: components/files/FilesCard.jsx).
import { t, useLang, fmtDay } from '../i18n/index.js';
import { can } from '../lib/session.js';
import { useApi } from '../lib/useApi.js';
import { query } from '../lib/api.js';
import { Loading, Problem } from '../components/common.jsx';
import FilesCard from '../components/files/FilesCard.jsx';

function UnitPosts({ unit, asOf }) {
  const { data, error, loading } = useApi(`/api/v1/posts${query({ unit: unit.id, vacant: 1, as_of: asOf, limit: 20 })}`);
  if (loading) return <Loading />;
  if (error) return <Problem error={error} />;
  const items = (data && data.items) || [];
  return (
    <div>
      <p>{data && data.next ? t('home.officer.vacantPostsFirst', { n: items.length, unit: unit.name }) : t('home.officer.vacantPosts', { n: items.length, unit: unit.name })}</p>
      {items.length > 0 && (
        <ul class="post-list">
          {items.map((p) => (
            <li key={p.id}><strong>{p.designation}</strong><span class="muted">{t('common.bps', { n: p.bps })} · {p.department.name} · {p.unit.name}</span></li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function OfficerHome({ user, me }) {
  useLang();
  const postings = (me && me.postings) || [];
  const name = (me && me.person && me.person.name) || user.username;
  return (
    <div class="page home" data-home="officer">
      <h1 tabIndex={-1}>{t('home.officer.title', { name })}</h1>
      <p class="lead">{t('home.officer.today', { date: fmtDay(me && me.as_of, 'full') })}</p>
      <section class="card checkin-card" aria-labelledby="checkin-card-title">
        <h2 id="checkin-card-title">{t('home.officer.checkinTitle')}</h2>
        <p>{t('home.officer.checkinBody')}</p>
        <p class="button-row">
          <a class="button primary" href="/attendance" data-checkin-link>{t('home.officer.checkinLink')}</a>
          <a class="button" href="/absences" data-absences-link>{t('home.officer.absencesLink')}</a>
        </p>
      </section>
      {can('files.read') && <FilesCard />}
      <section aria-labelledby="postings-title" class="card">
        <h2 id="postings-title">{t('home.officer.postings')}</h2>
        {postings.length === 0 ? <p>{t('home.officer.noPostings')}</p> : (
          <ul class="postings">
            {postings.map((p) => (
              <li key={p.id} class="posting">
                <strong>{p.post.designation}</strong>
                <span>{t('common.bps', { n: p.post.bps })}</span>
                <span>{p.post.department.name}</span>
                <span>{t(`unit.kind.${p.post.unit.kind}`)}: {p.post.unit.name}</span>
                <span class="muted">{t('home.officer.since', { date: fmtDay(p.valid_from) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {can('posts.read') && postings.map((p) => (
        <section class="card" key={`u${p.id}`} aria-label={t('home.officer.office', { unit: p.post.unit.name })}>
          <h2>{t('home.officer.office', { unit: p.post.unit.name })}</h2>
          <UnitPosts unit={p.post.unit} asOf={me.as_of} />
        </section>
      ))}
      <section class="card muted-card">
        <h2>{t('home.officer.comingTitle')}</h2>
        <p>{t('home.officer.coming')}</p>
      </section>
    </div>
  );
}
