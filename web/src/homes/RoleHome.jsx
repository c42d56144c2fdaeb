// RoleHome - a signed-in user's home, from their postings (lib/roles.js):
// the province for the Chief Minister, Chief Secretary, Delivery Unit,
// administrators and secretaries (their department); the division for a
// commissioner; the district for a deputy commissioner; for every other
// officer their day.
import { homeScope } from '../lib/roles.js';
import JurisdictionHome from './JurisdictionHome.jsx';
import OfficerHome from './OfficerHome.jsx';

export default function RoleHome({ user, me }) {
  const scope = homeScope(user, me);
  if (scope.kind === 'officer') return <OfficerHome user={user} me={me} />;
  return <JurisdictionHome scope={scope} user={user} me={me} />;
}
