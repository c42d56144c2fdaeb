/*
 * verdict.h - judging one check-in: the rules, in one pure function.
 *
 * Inputs are the fix, where it stands against the person's duty places
 * (geofence.h) and against their district, the last fix kept for the same
 * person, the server's clock and the thresholds (settings).  The output is
 * a verdict and the set of reasons behind it, kept with the check-in and
 * shown to the person ("why") and to the supervisor who reviews it.
 *
 * Rules (each adds its reason; the verdict is the worst one):
 *   rejected  VR_FUTURE     at_ms later than now + future_skew_ms
 *             VR_TOO_OLD    at_ms earlier than now - max_age_ms (an offline
 *                           queue older than that is not believed)
 *             VR_MOCK       the device flagged the location as simulated
 *             VR_OUT_DISTRICT the accuracy disc is wholly outside the
 *                           district of the posting (district_where ==
 *                           GEO_OUTSIDE; skipped when the district is unknown)
 *   doubtful  VR_ACCURACY   accuracy unknown or worse than max_accuracy_m
 *             VR_TRAVEL     from the last fix, the straight-line speed
 *                           exceeds max_speed_mps (with both fixes'
 *                           accuracies subtracted from the distance, and
 *                           only when the two are at least 1 s apart or the
 *                           distance is over 1 km at the same second)
 *             VR_EDGE       near but not in a duty place (GEO_EDGE)
 *             VR_OUTSIDE    outside every duty place (GEO_OUTSIDE), or the
 *                           person has no duty place
 *   verified  no reason at all.
 * Reasons are bits; verdict_reason_name() gives each its stable name (the
 * API and the web app's message keys use them).
 */
#ifndef DF_ATT_VERDICT_H
#define DF_ATT_VERDICT_H

#include <stdint.h>
#include "fix.h"
#include "geofence.h"

enum verdict { VERDICT_VERIFIED = 0, VERDICT_DOUBTFUL = 1, VERDICT_REJECTED = 2 };

enum {
	VR_FUTURE = 1 << 0,
	VR_TOO_OLD = 1 << 1,
	VR_MOCK = 1 << 2,
	VR_OUT_DISTRICT = 1 << 3,
	VR_ACCURACY = 1 << 4,
	VR_TRAVEL = 1 << 5,
	VR_EDGE = 1 << 6,
	VR_OUTSIDE = 1 << 7,
};
#define VR_COUNT 8

struct verdict_rules {
	int64_t future_skew_ms; /* default 5 min */
	int64_t max_age_ms;     /* default 7 days */
	double max_accuracy_m;  /* default 100 m */
	double max_speed_mps;   /* default 250 km/h = 69.4 m/s (roads and a plane are rare) */
};

/* verdict_rules_default - the defaults above. */
void verdict_rules_default(struct verdict_rules *rules);

/* verdict_judge - judge f.  place: f against the duty places (GEO_OUTSIDE
 * also when there are none); district: f against the posting's district,
 * or -1 when unknown; last: the person's previous fix, or NULL; now_ms: the
 * server's clock.  *reasons gets the VR_* bits.  Returns the verdict. */
enum verdict verdict_judge(const struct verdict_rules *rules, const struct fix *f, enum geo_where place,
			   int district, const struct fix *last, int64_t now_ms, unsigned *reasons);

/* verdict_name - "verified", "doubtful", "rejected". */
const char *verdict_name(enum verdict v);
/* verdict_reason_name - "future", "too_old", "mock", "out_district",
 * "accuracy", "travel", "edge", "outside" for one VR_* bit; NULL for
 * anything else. */
const char *verdict_reason_name(unsigned bit);

#endif
