/*
 * verdict.c - judging one check-in (see verdict.h for the rules).
 *
 * Each rule is a small test that adds its VR_* bit; the verdict is read off
 * the bits at the end (any of future, too_old, mock, out_district: rejected;
 * any other bit: doubtful; none: verified).  Nothing here reads a clock or
 * allocates.  Readings of the contract that the header leaves open:
 *
 *   - time bounds are compared with saturating arithmetic, so an absurd
 *     at_ms (a device's clock, or 0 for unknown) cannot overflow;
 *   - an accuracy that is NaN, infinite or negative is "unknown" for
 *     VR_ACCURACY, and counts as 0 when subtracted for VR_TRAVEL (an
 *     infinite one subtracts everything: no VR_TRAVEL, VR_ACCURACY instead);
 *   - VR_TRAVEL: the distance is the great-circle distance minus both
 *     accuracies; the two fixes are "at the same second" when their at_ms
 *     differ by less than 1000 (either order: offline batches arrive out of
 *     order), and then only that reduced distance over 1 km counts;
 *     otherwise the reduced distance is compared with max_speed_mps times
 *     the interval.  A fix with no valid position never adds VR_TRAVEL;
 *   - a place value other than GEO_INSIDE and GEO_EDGE counts as outside.
 */
#include <math.h>
#include <stddef.h>

#include "verdict.h"

#define VR_REJECTING (VR_FUTURE | VR_TOO_OLD | VR_MOCK | VR_OUT_DISTRICT)

void verdict_rules_default(struct verdict_rules *rules)
{
	rules->future_skew_ms = 5LL * 60 * 1000;
	rules->max_age_ms = 7LL * 24 * 3600 * 1000;
	rules->max_accuracy_m = 100.0;
	rules->max_speed_mps = 250.0 / 3.6;
}

/* sat_add - a + b, clamped to the int64_t range. */
static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return sum;
}

/* sat_sub - a - b, clamped to the int64_t range. */
static int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t diff;

	if (__builtin_sub_overflow(a, b, &diff))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return diff;
}

/* accuracy_known - a finite, non-negative accuracy. */
static int accuracy_known(double accuracy_m)
{
	return isfinite(accuracy_m) && accuracy_m >= 0.0;
}

/* accuracy_slack - what an accuracy takes off a travelled distance. */
static double accuracy_slack(double accuracy_m)
{
	if (isnan(accuracy_m) || accuracy_m < 0.0)
		return 0.0;
	return accuracy_m; /* +inf stays: nothing is left of the distance */
}

/* travel_impossible - could the person not have gone from last to f? */
static int travel_impossible(const struct verdict_rules *rules, const struct fix *f,
			     const struct fix *last)
{
	double d, dt_ms;

	if (!last || !geo_point_ok(f->lat, f->lon) || !geo_point_ok(last->lat, last->lon))
		return 0;
	d = geo_distance_m(last->lat, last->lon, f->lat, f->lon) -
	    accuracy_slack(f->accuracy_m) - accuracy_slack(last->accuracy_m);
	if (!(d > 0.0))
		return 0;
	dt_ms = fabs((double)f->at_ms - (double)last->at_ms);
	if (dt_ms < 1000.0)
		return d > 1000.0;
	return d > rules->max_speed_mps * (dt_ms / 1000.0);
}

enum verdict verdict_judge(const struct verdict_rules *rules, const struct fix *f, enum geo_where place,
			   int district, const struct fix *last, int64_t now_ms, unsigned *reasons)
{
	unsigned r = 0;

	if (f->at_ms > sat_add(now_ms, rules->future_skew_ms))
		r |= VR_FUTURE;
	if (f->at_ms < sat_sub(now_ms, rules->max_age_ms))
		r |= VR_TOO_OLD;
	if (f->mock)
		r |= VR_MOCK;
	if (district == GEO_OUTSIDE)
		r |= VR_OUT_DISTRICT;
	if (!accuracy_known(f->accuracy_m) || f->accuracy_m > rules->max_accuracy_m)
		r |= VR_ACCURACY;
	if (travel_impossible(rules, f, last))
		r |= VR_TRAVEL;
	if (place == GEO_EDGE)
		r |= VR_EDGE;
	else if (place != GEO_INSIDE)
		r |= VR_OUTSIDE;
	if (reasons)
		*reasons = r;
	if (r & VR_REJECTING)
		return VERDICT_REJECTED;
	return r ? VERDICT_DOUBTFUL : VERDICT_VERIFIED;
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_VERIFIED:
		return "verified";
	case VERDICT_DOUBTFUL:
		return "doubtful";
	case VERDICT_REJECTED:
		return "rejected";
	}
	return NULL;
}

const char *verdict_reason_name(unsigned bit)
{
	static const char *const names[VR_COUNT] = {
		"future", "too_old", "mock", "out_district",
		"accuracy", "travel", "edge", "outside",
	};
	unsigned i;

	for (i = 0; i < VR_COUNT; i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}
