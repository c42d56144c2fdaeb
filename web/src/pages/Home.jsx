// Home - the first page: citizens (not signed in) get the public portal,
// signed-in users the home their postings give them (homes/RoleHome.jsx,
// loaded on demand so that the public page stays small).
import { t, useLang } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { session } from '../lib/session.js';
import { Loading, Lazy } from '../components/common.jsx';
import Vacancies from './Vacancies.jsx';

const loadRoleHome = () => import('../homes/RoleHome.jsx');

export default function Home() {
  useLang();
  const s = useStore(session);
  if (s.state === 'loading') return <Loading />;
  if (s.state === 'user') return <Lazy load={loadRoleHome} user={s.user} me={s.me} />;
  return (
    <div class="portal" data-home="public">
      <section class="hero" aria-labelledby="portal-title">
        <h1 id="portal-title" tabIndex={-1}>{t('portal.title')}</h1>
        <p>{t('portal.intro')}</p>
        <p class="button-row"><a class="button" href="/login">{t('portal.signIn')}</a> <a class="button" href="/status" data-status-link>{t('portal.status')}</a></p>
        <p class="muted">{t('portal.coming')}</p>
      </section>
      <Vacancies portal />
    </div>
  );
}
