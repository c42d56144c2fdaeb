// routes.js - the one list of the app's pages.  A module adds a page with
// one line here (and its messages in i18n/en.json and ur.json):
//   { path, title: message key, load: () => import('./pages/X.jsx'),
//     auth: true (sign-in needed), action: 'x.write' (shown and allowed
//     only to holders), nav: true (in the menu), guest: true (in the menu
//     only while signed out: citizens' pages) }
// `component` instead of `load` puts a page in the first download (only the
// public home: keep the first page small).  `match` takes a path and returns
// params (for paths with parts, e.g. /posts/123), else the path must equal.
import Home from './pages/Home.jsx';
import Vacancies from './pages/Vacancies.jsx';

export const routes = [
  { path: '/', title: 'nav.home', component: Home, nav: true },
  { path: '/vacancies', title: 'nav.vacancies', component: Vacancies, nav: true },
  { path: '/login', title: 'nav.login', load: () => import('./pages/Login.jsx') },
  { path: '/people/new', title: 'nav.newPerson', load: () => import('./pages/NewPerson.jsx'), auth: true, action: 'people.write', nav: true },
  { path: '/attendance', title: 'nav.attendance', load: () => import('./pages/Attendance.jsx'), auth: true, nav: true },
  { path: '/presence', title: 'nav.presence', load: () => import('./pages/Presence.jsx'), auth: true, action: 'attendance.read', nav: true },
  { path: '/review', title: 'nav.review', load: () => import('./pages/Review.jsx'), auth: true, action: 'attendance.manage', nav: true },
  { path: '/absences', title: 'nav.absences', load: () => import('./pages/Absences.jsx'), auth: true, nav: true },
  { path: '/absentees', title: 'nav.absentees', load: () => import('./pages/Absentees.jsx'), auth: true, action: 'attendance.read', nav: true },
  { path: '/reports/attendance', title: 'nav.attendanceReport', load: () => import('./pages/AttendanceReport.jsx'), auth: true, action: 'attendance.read', nav: true },
  { path: '/files', title: 'nav.files', load: () => import('./pages/Files.jsx'), auth: true, action: 'files.read', nav: true },
  { path: '/files/:id', match: (p) => { const m = /^\/files\/(\d{1,20})\/?$/.exec(p); return m ? { id: m[1] } : null; }, title: 'nav.file', load: () => import('./pages/FileView.jsx'), auth: true, action: 'files.read' },
  { path: '/receipts', title: 'nav.receipts', load: () => import('./pages/Receipts.jsx'), auth: true, action: 'files.read', nav: true },
  { path: '/status', title: 'nav.receiptStatus', load: () => import('./pages/ReceiptStatus.jsx'), nav: true, guest: true },
  { path: '/inbox', title: 'nav.inbox', load: () => import('./pages/Inbox.jsx'), auth: true },
  { path: '/outbox', title: 'nav.outbox', load: () => import('./pages/Outbox.jsx') },
];

export function findRoute(path) {
  for (const r of routes) {
    if (r.match) {
      const params = r.match(path);
      if (params) return { route: r, params };
    } else if (r.path === path || (path.length > 1 && r.path === path.replace(/\/+$/, ''))) {
      return { route: r, params: {} };
    }
  }
  return null;
}
