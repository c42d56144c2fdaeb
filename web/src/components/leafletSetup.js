// leafletSetup.js - what every map shares, in one chunk loaded with the
// first map: Leaflet, its CSS, and the optional map settings of
// /config.json (`tile_url`, `tile_attribution`, `tile_max_zoom`), fetched
// once.  With no tile_url the maps draw only daftar's own shapes (no tile
// server).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export { L };

let configPromise = null;
export function loadMapConfig() {
  configPromise ||= fetch('/config.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  return configPromise;
}
