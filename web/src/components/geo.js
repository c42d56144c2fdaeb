// geo.js - the district boundaries (GET /api/v1/org/geojson?kind=district)
// read into the org units the map and the drill-down need:
//   districts: Map id -> { id, name, parentId, parentName, drawn }
//   divisions: Map id -> { id, name, districts: [district] }
// `drawn` is false for a district with no polygon yet (the API lists those
// under without_geometry): it is still in the lists, not on the map.
export function indexUnits(geo) {
  const districts = new Map();
  const divisions = new Map();
  const add = (p, drawn) => districts.set(p.id, { id: p.id, name: p.name, parentId: p.parent_id, parentName: p.parent_name, drawn });
  for (const f of geo.features || []) add(f.properties, true);
  for (const p of geo.without_geometry || []) add(p, false);
  for (const d of districts.values()) {
    if (!d.parentId) continue;
    if (!divisions.has(d.parentId)) divisions.set(d.parentId, { id: d.parentId, name: d.parentName, districts: [] });
    divisions.get(d.parentId).districts.push(d);
  }
  const byName = (a, b) => a.name.localeCompare(b.name);
  for (const v of divisions.values()) v.districts.sort(byName);
  return {
    districts,
    divisions,
    divisionList: [...divisions.values()].sort(byName),
    drawn: (geo.features || []).length,
    total: districts.size,
  };
}

// The vacancy-rate classes of the map (upper bounds; the last is open).
export const RATE_CLASSES = [0.1, 0.2, 0.3, 0.4, Infinity];
export const RATE_COLORS = ['#fde7c8', '#f9c07f', '#ef8a3c', '#d0571a', '#8f3208'];
export const NO_DATA_COLOR = '#c9d2d8';

export function rateColor(r) {
  if (r === null || r === undefined) return NO_DATA_COLOR;
  for (let i = 0; i < RATE_CLASSES.length; i++) if (r < RATE_CLASSES[i]) return RATE_COLORS[i];
  return RATE_COLORS[RATE_COLORS.length - 1];
}
