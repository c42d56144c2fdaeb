// FilesCard - the files card on a signed-in home (homes/OfficerHome.jsx,
// homes/JurisdictionHome.jsx), for holders of files.read: how many files
// are on their way to the user's posts and how many are overdue (GET
// /api/v1/files?box=incoming|overdue), with links to the boxes and to the
// receipts.  Kept apart from the files pages' chunk (no styles of its own).
//
// Test hooks: [data-files-card], [data-files-incoming], [data-files-overdue].
import { t, useLang } from '../../i18n/index.js';
import { useApi } from '../../lib/useApi.js';

function count(r) {
  return r.data && Array.isArray(r.data.items) ? r.data.items.length : null;
}

export default function FilesCard() {
  useLang();
  const incoming = useApi('/api/v1/files?box=incoming');
  const overdue = useApi('/api/v1/files?box=overdue');
  const nIn = count(incoming);
  const nLate = count(overdue);
  return (
    <section class="card files-card" aria-labelledby="files-card-title" data-files-card>
      <h2 id="files-card-title">{t('home.files.title')}</h2>
      <ul class="plain">
        <li data-files-incoming={nIn === null ? '' : nIn}>
          <a href="/files?box=incoming">{nIn === null ? t('files.box.incoming') : t('home.files.incoming', { n: nIn })}</a>
        </li>
        <li data-files-overdue={nLate === null ? '' : nLate}>
          <a href="/files?box=overdue">{nLate === null ? t('files.box.overdue') : t('home.files.overdue', { n: nLate })}</a>
        </li>
      </ul>
      <p class="button-row">
        <a class="button primary" href="/files">{t('home.files.open')}</a>
        <a class="button" href="/receipts">{t('nav.receipts')}</a>
      </p>
    </section>
  );
}
