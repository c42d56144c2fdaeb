/*
 * osmand.h - position reports in the OsmAnd HTTP protocol, as Traccar
 * Client (Android, iOS) and other trackers send them to a Traccar server,
 * so that such an app, unmodified, configured with daftar's URL and the
 * device identifier daftar issued, reports to daftar.
 *
 * Two shapes, both parsed into a struct fix and the device identifier:
 *
 *   1. Parameters, in the query string of any method, or in an
 *      application/x-www-form-urlencoded body (both may be present; body
 *      parameters win):
 *        id | deviceid            the device identifier (required)
 *        lat, lon                 degrees (required, unless `location`)
 *        location                 "lat,lon" (instead of lat and lon)
 *        timestamp                Unix seconds, Unix milliseconds (> 1e11),
 *                                 or ISO 8601 ("2026-11-23T10:15:00Z",
 *                                 "...+05:00", "2026-11-23 10:15:00" = UTC);
 *                                 absent: now_ms
 *        speed                    knots (converted to m/s)
 *        bearing | heading        degrees
 *        altitude                 metres
 *        accuracy                 metres
 *        batt                     percent (0..100)
 *        mock                     "true" / "1" flags a simulated location
 *      Other parameters (hdop, valid, charge, cell, wifi, driverUniqueId,
 *      ...) are ignored.  Percent-encoding and '+' are decoded.
 *
 *   2. JSON (application/json body), the newer Traccar Client's shape:
 *        { "device_id": "...",
 *          "location": { "timestamp": "<ISO 8601>",
 *                        "coords": { "latitude", "longitude", "accuracy",
 *                                    "speed" (m/s), "heading", "altitude" },
 *                        "battery": { "level": 0..1 },
 *                        "mock": true | false, ... } }
 *      Unknown members are ignored; numbers may be integers or reals; a
 *      negative accuracy, speed or heading means unknown.
 *
 * Bounds: the identifier 1..OSMAND_ID_MAX printable ASCII characters; at
 * most OSMAND_PARAMS_MAX parameters; lat/lon in range and finite.  Every
 * failure names the field at fault (for the 400 answer).
 */
#ifndef DF_ATT_OSMAND_H
#define DF_ATT_OSMAND_H

#include <stddef.h>
#include <stdint.h>
#include "core/result.h"
#include "fix.h"

#define OSMAND_ID_MAX 128
#define OSMAND_PARAMS_MAX 64

struct osmand_report {
	char device_id[OSMAND_ID_MAX + 1]; /* as sent */
	struct fix fix;
	char field[32];    /* on failure: the parameter or member at fault */
	char why[128];     /* on failure: what was wrong, for the problem detail */
};

/* osmand_parse_params - parse the query string q (without '?', may be
 * NULL) and a form body (may be NULL, length form_len) into *out.  now_ms
 * stands in for a missing timestamp.  DF_OK, or DF_EINVAL with out->field
 * and out->why set. */
int osmand_parse_params(const char *q, const char *form, size_t form_len, int64_t now_ms,
			struct osmand_report *out) DF_WUR;

/* osmand_parse_json - the JSON shape, from the body text (length len). */
int osmand_parse_json(const char *body, size_t len, int64_t now_ms,
		      struct osmand_report *out) DF_WUR;

/* osmand_parse_time - a timestamp as above (seconds, milliseconds or ISO
 * 8601) into Unix milliseconds; DF_EINVAL when it is none of them or out of
 * the years 2000..2100. */
int osmand_parse_time(const char *s, int64_t *ms) DF_WUR;

#endif
