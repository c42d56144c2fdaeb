// ProvinceMap - Balochistan's districts on a Leaflet map, shaded by vacancy
// rate, from daftar's own boundaries: no tile server is needed.  A tile
// layer is added only when /config.json names one (`tile_url`, with
// `tile_attribution`, `tile_max_zoom`).  Loaded on demand (Leaflet and its
// CSS are in this chunk only).
//
// props: geo (FeatureCollection of districts), units (geo.js indexUnits),
//   rowsById (vacancy rows by unit id), focus {level, id}, onPick(districtId)
//   (a district was clicked: the caller decides what drilling means), label.
// Each district path has class "daftar-district" and data-id / data-name;
// the container says data-level and data-drawn (for tests and styling).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, useLang, fmtPercent, fmtNumber } from '../i18n/index.js';
import { rateColor, RATE_CLASSES, RATE_COLORS, NO_DATA_COLOR } from './geo.js';
import { L, loadMapConfig } from './leafletSetup.js';

function inFocus(p, focus, units) {
  if (focus.level === 'province') return true;
  if (focus.level === 'division') return p.parent_id === focus.id;
  const d = units.districts.get(focus.id);
  return p.id === focus.id || (d && p.parent_id === d.parentId);
}

function Legend() {
  const items = RATE_CLASSES.map((hi, i) => {
    const lo = i === 0 ? 0 : RATE_CLASSES[i - 1];
    const label = hi === Infinity ? t('map.legend.above', { from: fmtPercent(lo) }) : t('map.legend.range', { from: fmtPercent(lo), to: fmtPercent(hi) });
    return [RATE_COLORS[i], label];
  });
  items.push([NO_DATA_COLOR, t('map.legend.noData')]);
  return (
    <div class="legend">
      <p class="legend-title">{t('map.legend.title')}</p>
      <ul>
        {items.map(([c, l]) => <li key={l}><span class="swatch" style={{ background: c }} aria-hidden="true" />{l}</li>)}
      </ul>
    </div>
  );
}

export default function ProvinceMap({ geo, units, rowsById, focus, onPick, label }) {
  const lang = useLang();
  const el = useRef(null);
  const map = useRef(null);
  const layer = useRef(null);
  const pick = useRef(onPick);
  const [config, setConfig] = useState(null);
  const rowsByIdRef = useRef(rowsById);
  pick.current = onPick;
  rowsByIdRef.current = rowsById;

  // the map, once
  useEffect(() => {
    const m = L.map(el.current, { zoomSnap: 0.25, minZoom: 4, maxZoom: 13, attributionControl: true, keyboard: true });
    m.attributionControl.setPrefix(false);
    m.setView([28.9, 66.5], 6);
    map.current = m;
    loadMapConfig().then(setConfig);
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => m.invalidateSize()) : null;
    if (ro) ro.observe(el.current);
    return () => { if (ro) ro.disconnect(); m.remove(); map.current = null; };
  }, []);

  // an optional tile layer from /config.json
  useEffect(() => {
    if (!config || !config.tile_url || !map.current) return undefined;
    const tl = L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: config.tile_max_zoom || 18 });
    tl.addTo(map.current);
    return () => tl.remove();
  }, [config]);

  // the districts
  useEffect(() => {
    const m = map.current;
    if (!m || !geo) return undefined;
    const tip = (p) => {
      const row = rowsByIdRef.current.get(p.id);
      const rate = row && row.sanctioned ? fmtPercent(row.vacant / row.sanctioned) : t('map.legend.noData');
      return `${p.name} (${p.parent_name || ''}): ${row ? t('map.tooltip', { vacant: fmtNumber(row.vacant), sanctioned: fmtNumber(row.sanctioned), rate }) : rate}`;
    };
    const gl = L.geoJSON(geo, {
      className: 'daftar-district',
      onEachFeature: (f, l) => {
        l.on('click', () => pick.current && pick.current(f.properties.id));
        l.bindTooltip(() => escapeHtml(tip(f.properties)), { sticky: true });
      },
    });
    gl.addTo(m);
    gl.eachLayer((l) => {
      const path = l.getElement && l.getElement();
      if (path) {
        path.setAttribute('data-id', l.feature.properties.id);
        path.setAttribute('data-name', l.feature.properties.name);
      }
    });
    if (geo.attribution) m.attributionControl.addAttribution(escapeHtml(geo.attribution));
    layer.current = gl;
    return () => {
      if (geo.attribution) m.attributionControl.removeAttribution(escapeHtml(geo.attribution));
      gl.remove();
      layer.current = null;
    };
  }, [geo]);

  // shading and the view follow the focus and the figures
  useEffect(() => {
    const gl = layer.current;
    const m = map.current;
    if (!gl || !m) return;
    gl.setStyle((f) => {
      const p = f.properties;
      const row = rowsById.get(p.id);
      const rate = row && row.sanctioned ? row.vacant / row.sanctioned : null;
      const on = inFocus(p, focus, units);
      const selected = focus.level === 'district' && p.id === focus.id;
      return {
        color: selected ? '#0b1f2a' : '#ffffff',
        weight: selected ? 3 : 1,
        opacity: 1,
        fillColor: rateColor(rate),
        fillOpacity: on ? 0.9 : 0.2,
      };
    });
    gl.eachLayer((l) => {
      const path = l.getElement && l.getElement();
      const p = l.feature.properties;
      if (path) path.classList.toggle('in-focus', inFocus(p, focus, units));
      if (focus.level === 'district' && p.id === focus.id && l.bringToFront) l.bringToFront();
    });
    let bounds = null;
    gl.eachLayer((l) => {
      const p = l.feature.properties;
      let want;
      if (focus.level === 'province') want = true;
      else if (focus.level === 'division') want = p.parent_id === focus.id;
      else {
        const d = units.districts.get(focus.id);
        want = d && d.drawn ? p.id === focus.id : d && p.parent_id === d.parentId;
      }
      if (want) bounds = bounds ? bounds.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
    });
    if (!bounds) bounds = gl.getBounds();
    if (bounds && bounds.isValid()) m.fitBounds(bounds, { padding: [10, 10], animate: false });
  }, [geo, focus.level, focus.id, rowsById, units]);

  return (
    <div class="map-wrap">
      <div ref={el} class="map" dir="ltr" role="region" aria-label={label} lang={lang}
        data-level={focus.level} data-focus={focus.id || ''} data-drawn={(geo.features || []).length} />
      <Legend />
    </div>
  );
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
