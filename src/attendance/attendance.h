/*
 * attendance.h - field attendance: devices bound to people, duty places of
 * postings, and check-ins judged against them (issue 5).  Module:
 * `attendance_module` (routes under /api/v1/devices, /api/v1/checkins,
 * /api/v1/postings/{id}/places, and /api/v1/osmand for tracking apps).
 *
 * A check-in is a fix (fix.h) from the web app (kind "in" or "out") or a
 * position report from a registered device (kind "fix").  It is judged
 * (verdict.h) against the duty places of every posting its person holds on
 * the fix's day (Asia/Karachi) and against the district of those postings,
 * and stored with its verdict and reasons.  A check-in is identified by
 * (person, source, kind, time of the fix): sending it again, alone or in a
 * re-sent offline batch, stores nothing new and answers the first record.
 */
#ifndef DF_ATTENDANCE_H
#define DF_ATTENDANCE_H

#include <jansson.h>
#include <stdint.h>
#include "core/module.h"
#include "core/result.h"
#include "fix.h"

struct config;
struct db;

extern const struct module attendance_module;

/* Where a check-in came from. */
enum att_source { ATT_WEB = 0, ATT_DEVICE = 1 };

/* What att_record did with a check-in. */
enum att_outcome {
	ATT_STORED = 0,  /* judged and stored */
	ATT_REPEAT = 1,  /* stored before: *out is the first record */
	ATT_THINNED = 2, /* a device fix not kept (outside duty hours, or too
			  * close to the last kept one); *out is NULL */
};

/* att_record - judge and store one check-in of person (kind "in", "out" or
 * "fix"; device 0 for the web app) inside the caller's transaction, with
 * its audit leaf by actor, and bring the person's day (att_days) up to
 * date.  cfg gives the thresholds, the default duty hours and the thinning
 * interval.  *out gets the check-in's JSON (new or, for a repeat, the one
 * stored first); *outcome says which.  DF_OK or a store error. */
int att_record(struct db *db, const struct config *cfg, int64_t person, enum att_source source, int64_t device,
	       const char *kind, const struct fix *f, int64_t actor, json_t **out, enum att_outcome *outcome) DF_WUR;

/* att_checkin_json - the stored check-in id as JSON:
 *   {"id","person_id","posting_id","device_id","source":"web"|"device",
 *    "kind","at_ms","received_ms","day","lat","lon","accuracy_m",
 *    "speed_mps","mock","batt","place_id","verdict","reasons":[...],
 *    "status" (the verdict, or what a supervisor's review made of it),
 *    "review": {"decision":"accepted"|"rejected","note","by","at"}|null}
 * DF_ENOTFOUND when there is none. */
int att_checkin_json(struct db *db, int64_t id, json_t **out) DF_WUR;

#endif
