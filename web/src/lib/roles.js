// roles.js - which home a signed-in user gets, from their postings
// (roles: docs/AUTHZ.md).  The widest grant wins.
const PROVINCE_ROLES = ['chief_minister', 'chief_secretary', 'delivery_unit'];

// homeScope - { kind: 'province' | 'division' | 'district' | 'officer',
//   unit?: {id, name, kind}, department?: {code, name}, posting? }
export function homeScope(user, me) {
  const postings = (me && me.postings) || [];
  if (user && user.is_admin) return { kind: 'province', admin: true };
  const byRole = (roles) => postings.find((p) => roles.includes(p.post.role));
  let p = byRole(PROVINCE_ROLES);
  if (p) return { kind: 'province', posting: p };
  p = byRole(['secretary']);
  if (p) return { kind: 'province', department: p.post.department, posting: p };
  p = byRole(['commissioner']);
  if (p && p.post.unit.kind === 'division') return { kind: 'division', unit: p.post.unit, posting: p };
  p = byRole(['deputy_commissioner']);
  if (p && p.post.unit.kind === 'district') return { kind: 'district', unit: p.post.unit, posting: p };
  return { kind: 'officer' };
}
