// locate.jsx - a fresh, precise position from the device
// (navigator.geolocation, 20 s at most, no cached fix), and what to say
// when there is none.  Used by the check-in page and by a tour's place on
// the leave and tours page.
import { t } from '../../i18n/index.js';

export const GEO_OPTIONS = { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 };
const GEO_ERRORS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

// locate - a position, or a rejection { geo: 'denied' | 'unavailable' |
// 'timeout' | 'unsupported' | 'insecure' }.
export function locate() {
  return new Promise((resolve, reject) => {
    if (window.isSecureContext === false) { reject({ geo: 'insecure' }); return; }
    if (!navigator.geolocation) { reject({ geo: 'unsupported' }); return; }
    navigator.geolocation.getCurrentPosition(resolve, (e) => reject({ geo: GEO_ERRORS[e && e.code] || 'unavailable' }), GEO_OPTIONS);
  });
}

export function GeoError({ code }) {
  return (
    <div class="problem" role="alert" data-geo-error={code}>
      <p><strong>{t(`attendance.geo.${code}.title`)}</strong></p>
      <p>{t(`attendance.geo.${code}.body`)}</p>
    </div>
  );
}
