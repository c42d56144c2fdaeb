// org.jsx - the org tree (GET /api/v1/org/tree, about 10 KB) as the
// attendance pages need it: a unit filter limited to the user's reach,
// the districts of the province for a tour's place, and the district a
// unit lies in (to count absentees per district).
//
//   const tree = useTree(enabled, asOf);    // { data, error, loading } of the tree (as of a day)
//   <UnitFilter id value onChange />        // "Everywhere you reach" + divisions/districts
//   <DistrictSelect id value onChange />    // every district, grouped by division
//   const up = districtIndex(tree.data);    // up(unitId) -> {id, name} | null
import { t } from '../../i18n/index.js';
import { useStore } from '../../lib/store.js';
import { session } from '../../lib/session.js';
import { homeScope } from '../../lib/roles.js';
import { useApi } from '../../lib/useApi.js';
import { query } from '../../lib/api.js';

const byName = (a, b) => a.name.localeCompare(b.name);

export function useTree(enabled = true, asOf = '') {
  return useApi(enabled ? `/api/v1/org/tree${query({ as_of: asOf })}` : null);
}

// divisions - [{id, name, districts: [{id, name}]}] of a tree answer.
export function divisions(tree) {
  const root = tree && tree.tree;
  if (!root) return [];
  const out = [];
  const walk = (n, division) => {
    if (n.kind === 'division') {
      division = { id: n.id, name: n.name, districts: [] };
      out.push(division);
    } else if (n.kind === 'district' && division) {
      division.districts.push({ id: n.id, name: n.name });
      return;
    }
    for (const c of n.children || []) walk(c, division);
  };
  walk(root, null);
  out.sort(byName);
  for (const d of out) d.districts.sort(byName);
  return out;
}

// districtIndex - a function from a unit id to the district it lies in
// (itself for a district), null above district level or when unknown.
export function districtIndex(tree) {
  const map = new Map();
  const walk = (n, district) => {
    const d = n.kind === 'district' ? { id: n.id, name: n.name } : district;
    map.set(n.id, d);
    for (const c of n.children || []) walk(c, d);
  };
  if (tree && tree.tree) walk(tree.tree, null);
  return (id) => map.get(id) || null;
}

// UnitFilter - which units the user may narrow a list to: the whole
// province (divisions and districts), a division's districts, or nothing
// (a district or below: the default, all they reach, is already it).
export function UnitFilter({ id, value, onChange }) {
  const s = useStore(session);
  const scope = homeScope(s.user, s.me);
  const wide = scope.kind === 'province' || scope.kind === 'division';
  const tree = useTree(wide);
  if (!wide) return null;
  let groups = divisions(tree.data);
  if (scope.kind === 'division') groups = groups.filter((g) => g.id === scope.unit.id);
  return (
    <div class="field">
      <label for={id}>{t('attendance.unitFilter')}</label>
      <select id={id} value={value || ''} onChange={(e) => onChange(e.currentTarget.value)} data-unit-filter>
        <option value="">{t('attendance.unitFilter.all')}</option>
        {groups.map((g) => (
          <optgroup key={g.id} label={g.name}>
            <option value={g.id}>{t('attendance.unitFilter.division', { name: g.name })}</option>
            {g.districts.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

// DistrictSelect - every district of the province (a tour may go anywhere).
export function DistrictSelect({ id, value, onChange, tree, invalid, describedBy }) {
  const groups = divisions(tree);
  return (
    <select id={id} value={value || ''} onChange={(e) => onChange(e.currentTarget.value, e.currentTarget.selectedOptions[0] ? e.currentTarget.selectedOptions[0].textContent : '')}
      aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy}>
      <option value="">{t('absences.place.chooseDistrict')}</option>
      {groups.map((g) => (
        <optgroup key={g.id} label={g.name}>
          {g.districts.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </optgroup>
      ))}
    </select>
  );
}
