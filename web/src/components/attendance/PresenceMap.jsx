// PresenceMap - where people last checked in (GET /api/v1/presence's
// `positions`), as circle markers coloured by verdict with the person's
// name in a tooltip, over the district boundaries of the day (daftar's own
// GeoJSON, the unit's districts outlined; no tile server unless
// /config.json names one, as on the province map).  Loaded on demand
// (Leaflet is in a chunk shared with the province map only).  The view
// fits the markers when the unit or the day changes (fitKey), not on every
// update, so that a user's zoom stays; with no markers it shows the unit's
// districts, else Balochistan.
//
// props: positions [{person_id, name, lat, lon, at_ms, verdict}], geo (the
//   districts' FeatureCollection, or null while it comes), unit ({id, kind}
//   or null), fitKey, label (the map's accessible name).  Each marker's
//   path has class "presence-marker" and data-person-id / data-verdict.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, useLang, fmtInstant } from '../../i18n/index.js';
import { L, loadMapConfig } from '../leafletSetup.js';
import { VERDICTS, VERDICT_COLORS } from './verdict.jsx';

// Balochistan's extent (south-west, north-east)
const BALOCHISTAN = [[24.8, 60.8], [32.2, 70.3]];

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function Legend() {
  return (
    <div class="legend">
      <p class="legend-title">{t('presence.map.legend')}</p>
      <ul>
        {VERDICTS.map((v) => (
          <li key={v}><span class="swatch round" style={{ background: VERDICT_COLORS[v] }} aria-hidden="true" />{t(`attendance.verdict.${v}`)}</li>
        ))}
      </ul>
    </div>
  );
}

// outlined - the ids whose districts are outlined: the unit asked for (a
// district, or a division's districts); for a district with no polygon on
// the day (geo.without_geometry) its division.
function outlined(geo, unit) {
  if (!unit) return null;
  const missing = (geo.without_geometry || []).find((d) => d.id === unit.id);
  return missing && missing.parent_id ? missing.parent_id : unit.id;
}
function inUnit(p, id) {
  return !!id && (p.id === id || p.parent_id === id);
}

export default function PresenceMap({ positions, geo, unit, fitKey, label }) {
  const lang = useLang();
  const el = useRef(null);
  const map = useRef(null);
  const group = useRef(null);
  const outline = useRef(null);
  const fitted = useRef(null);
  const [config, setConfig] = useState(null);

  // the map, once
  useEffect(() => {
    const m = L.map(el.current, { zoomSnap: 0.25, minZoom: 4, maxZoom: 18, keyboard: true });
    m.attributionControl.setPrefix(false);
    m.fitBounds(BALOCHISTAN, { animate: false });
    m.createPane('boundaries').style.zIndex = 350; // below the markers (overlayPane, 400)
    group.current = L.featureGroup().addTo(m);
    map.current = m;
    loadMapConfig().then(setConfig);
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => m.invalidateSize()) : null;
    if (ro) ro.observe(el.current);
    return () => { if (ro) ro.disconnect(); m.remove(); map.current = null; group.current = null; };
  }, []);

  // an optional tile layer from /config.json
  useEffect(() => {
    if (!config || !config.tile_url || !map.current) return undefined;
    const tl = L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: config.tile_max_zoom || 18 });
    tl.addTo(map.current);
    tl.bringToBack();
    return () => tl.remove();
  }, [config]);

  // the districts of the day, the unit's outlined
  const unitId = unit ? unit.id : '';
  useEffect(() => {
    const m = map.current;
    if (!m || !geo) return undefined;
    const id = outlined(geo, unit);
    const gl = L.geoJSON(geo, {
      pane: 'boundaries',
      interactive: false,
      className: 'presence-district',
      style: (f) => (inUnit(f.properties, id)
        ? { color: '#1a1f24', weight: 2, opacity: 0.9, fillColor: '#ffffff', fillOpacity: 0.85 }
        : { color: '#7a858c', weight: 1, opacity: 0.8, fillColor: '#eef2f0', fillOpacity: unit ? 0.5 : 0.85 }),
    });
    gl.addTo(m);
    if (geo.attribution) m.attributionControl.addAttribution(escapeHtml(geo.attribution));
    outline.current = gl;
    return () => {
      if (geo.attribution) m.attributionControl.removeAttribution(escapeHtml(geo.attribution));
      gl.remove();
      outline.current = null;
    };
  }, [geo, unitId]);

  // the markers, on every update
  useEffect(() => {
    const m = map.current;
    const g = group.current;
    if (!m || !g) return;
    g.clearLayers();
    const list = positions || [];
    for (const p of list) {
      if (typeof p.lat !== 'number' || typeof p.lon !== 'number') continue;
      const verdict = VERDICT_COLORS[p.verdict] ? p.verdict : 'absent';
      const mk = L.circleMarker([p.lat, p.lon], {
        radius: 9, color: '#ffffff', weight: 2, opacity: 1,
        fillColor: VERDICT_COLORS[verdict], fillOpacity: 0.95, className: `presence-marker verdict-${verdict}`,
      });
      const text = t('presence.map.tooltip', { name: p.name, verdict: t(`attendance.verdict.${verdict}`), time: fmtInstant(p.at_ms, { timeStyle: 'short' }) });
      mk.bindTooltip(escapeHtml(text));
      mk.addTo(g);
      const path = mk.getElement && mk.getElement();
      if (path) {
        path.setAttribute('data-person-id', p.person_id);
        path.setAttribute('data-verdict', verdict);
      }
    }
    // fit when the unit or day changed, the first markers or the boundaries came
    const markers = g.getLayers().length > 0;
    const key = `${fitKey}|${markers}|${!markers && !!outline.current}`;
    if (fitted.current !== key) {
      fitted.current = key;
      let b = markers ? g.getBounds() : null;
      if (!b && outline.current && unit) {
        const id = outlined(geo, unit);
        outline.current.eachLayer((l) => {
          if (inUnit(l.feature.properties, id)) b = b ? b.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
        });
      }
      if (b && b.isValid()) m.fitBounds(b, { padding: [24, 24], maxZoom: 13, animate: false });
      else m.fitBounds(BALOCHISTAN, { animate: false });
    }
  }, [positions, fitKey, lang, geo, unitId]);

  return (
    <div class="map-wrap">
      <div ref={el} class="map presence-map" dir="ltr" role="region" aria-label={label} lang={lang}
        data-markers={(positions || []).length} />
      <Legend />
    </div>
  );
}
