/*
 * fix.h - one position report ("fix") of a person's device, as every part
 * of attendance sees it: the web app's check-in, a Traccar Client's OsmAnd
 * report (osmand.h), a re-sent offline batch.  Plain data, no allocation.
 */
#ifndef DF_ATT_FIX_H
#define DF_ATT_FIX_H

#include <stdint.h>

/* Unknown values: NaN for the doubles, -1 for batt, 0 for at_ms. */
struct fix {
	double lat;         /* WGS84 degrees, -90..90 */
	double lon;         /* WGS84 degrees, -180..180 */
	double accuracy_m;  /* horizontal accuracy (radius, metres), NaN if unknown */
	double speed_mps;   /* metres per second, NaN if unknown */
	double bearing;     /* degrees 0..360, NaN if unknown */
	double altitude;    /* metres, NaN if unknown */
	int64_t at_ms;      /* when the device took it (Unix ms, UTC) */
	int mock;           /* 1: the device says the location is simulated */
	int batt;           /* battery percent 0..100, -1 unknown */
};

#endif
