/*
 * att_int.h - internal to the attendance module: what its files share
 * beyond attendance.h.  The handlers that live outside api_attendance.c
 * (which holds the route table), duty hours (hours.c), leave and tours
 * (absence.c), the day of a person (day.c), reports (report.c), the
 * absence job (absentees.c), the closed days' totals (close.c) and the
 * review queue (review.c).
 */
#ifndef DF_ATT_INT_H
#define DF_ATT_INT_H

#include <stddef.h>
#include <stdint.h>
#include "core/calendar.h"
#include "core/result.h"

struct app;
struct config;
struct db;
struct request;

/* ------------------------------------------------------------ shared */

/* att_finish - commit on success, roll back otherwise; the final result. */
int att_finish(struct db *db, int rc) DF_WUR;

/* att_grow - room for element n (0-based) in the malloc'd array v (NULL
 * at first) of *cap elements of size bytes, doubled when full: the array
 * to use from now on, or NULL when out of memory (v and *cap are then
 * as they were, and v still the caller's to free). */
void *att_grow(void *v, size_t *cap, size_t n, size_t size) DF_WUR;

/* att_may_person - may r act on person with action: the person themselves
 * always; others by people_decide.  DF_OK, or the error with its problem
 * recorded (404 outside the reach, 403 not allowed). */
int att_may_person(struct request *r, int64_t person, const char *action) DF_WUR;

/* -------------------------------------------------- duty hours (hours.c) */

struct att_hours {
	int start_min;   /* minutes after midnight, Asia/Karachi */
	int end_min;     /* end > start */
	int grace_min;   /* a presence after start + grace is late */
	int is_default;  /* 1: the settings' defaults, the post has none */
};

/* att_hours_of - the duty hours of post (the settings' defaults when it has
 * none, or post is 0). */
int att_hours_of(struct db *db, const struct config *cfg, int64_t post, struct att_hours *out) DF_WUR;

int hours_get(struct request *r);    /* GET /api/v1/posts/{id}/hours */
int hours_put(struct request *r);    /* PUT /api/v1/posts/{id}/hours */
int hours_delete(struct request *r); /* DELETE /api/v1/posts/{id}/hours */

/* --------------------------------------------- leave and tours (absence.c) */

enum att_away { ATT_LEAVE = 1, ATT_TOUR = 2 };

/* An approved absence as judgement and reports use it. */
struct att_absence {
	int64_t id;
	int64_t person;
	enum att_away kind;
	cal_day from, to;       /* inclusive */
	int64_t unit;           /* a tour's district (0: none) */
	double lat, lon, radius_m; /* a tour's circle (radius_m 0: none) */
};

/* att_absence_on - the approved absence of person covering day;
 * DF_ENOTFOUND if none. */
int att_absence_on(struct db *db, int64_t person, cal_day day, struct att_absence *out) DF_WUR;

/* att_absences_between - every approved absence overlapping [from, to], by
 * person then from: a malloc'd array in *out (free it), *n how many. */
int att_absences_between(struct db *db, cal_day from, cal_day to, struct att_absence **out, size_t *n) DF_WUR;

/* att_absence_find - in a list from att_absences_between, the absence of
 * person covering day, or NULL. */
const struct att_absence *att_absence_find(const struct att_absence *list, size_t n, int64_t person, cal_day day);

/* att_days_missed - pure: the working days of (base, last] of cal that
 * person was expected and not excused: working days less those covered by
 * the person's absences in list (sorted by person, as att_absences_between
 * gives them; absences of one person never overlap).  0 when last <= base. */
long att_days_missed(const struct calendar *cal, cal_day base, cal_day last, const struct att_absence *list,
		     size_t n, int64_t person);

int absences_post(struct request *r);     /* POST /api/v1/absences */
int absences_get(struct request *r);      /* GET /api/v1/absences */
int absence_decision(struct request *r);  /* POST /api/v1/absences/{id}/decision */
int absence_cancel(struct request *r);    /* POST /api/v1/absences/{id}/cancel */

/* ------------------------------------------ the day of a person (day.c) */

/* The best of a person's day, as kept in att_days.status. */
enum att_day_status { ATT_DAY_NONE = 0, ATT_DAY_REJECTED = 1, ATT_DAY_DOUBTFUL = 2, ATT_DAY_PRESENT = 3 };

/* att_is_late - pure: whether a first presence at first_ms on day, a
 * working day, is late for hours (after start + grace, Asia/Karachi). */
int att_is_late(cal_day day, int64_t first_ms, const struct att_hours *hours);

/* att_day_refresh - recompute the person's day (att_days) from that day's
 * check-ins after supervisors' reviews: the best status, the first
 * presence, whether it was late (after the start + grace of the post they
 * held, on a working day), the count, the latest check-in and the latest
 * presence; inside the caller's transaction. */
int att_day_refresh(struct db *db, const struct config *cfg, int64_t person, cal_day day) DF_WUR;

/* att_day_count - count one check-in just stored into the person's day
 * (att_days), without reading the day's other check-ins: status (what the
 * verdict makes of the day, no review yet) raises the day's, a presence
 * (status ATT_DAY_PRESENT) at at_ms earlier than the day's first becomes
 * the first, with late (the caller's att_is_late on a working day), the
 * count grows by one, and check-in id becomes the day's latest (and its
 * latest presence) if it is later than the one held; unit and department
 * (0: none) are those of the post held that day.  Gives the same row as
 * att_day_refresh would.  Marks a closed day's totals stale as
 * att_day_refresh does. */
int att_day_count(struct db *db, int64_t person, cal_day day, int64_t unit, int64_t department,
		  enum att_day_status status, int64_t id, int64_t at_ms, int late) DF_WUR;

/* att_days_touched - a write changed what days [from, to] count (a late
 * check-in, a review, an absence decided): their closed totals, if any,
 * are stale until the close job keeps them again.  Inside the caller's
 * transaction. */
int att_days_touched(struct db *db, cal_day from, cal_day to) DF_WUR;

/* ------------------------------------------- tallies (report.c, close.c) */

struct authz_area;

/* The figures of attendance over some days: postings counted (officers),
 * person-days expected (working days held, once counting began, not
 * after today) and what became of them. */
struct att_tally {
	int64_t officers, expected, present, late, absent, leave, tour;
};

/* att_tally_add - to += t. */
void att_tally_add(struct att_tally *to, const struct att_tally *t);

/* The tally of the postings of one (unit, department) over [a, b]:
 * t.officers counts every posting held on some day of it, began those not
 * held on a - 1 (so that adjoining ranges count a posting once). */
struct att_cell {
	int64_t unit, department;
	struct att_tally t;
	int64_t began;
};

/* att_tally_cells - live from att_days, the postings and the approved
 * absences: the cells of [a, b], for posts under unit (0: all) inside the
 * n areas as the tree stood on asof, sorted by (unit, department): a
 * malloc'd array in *out (free it).  DF_ETOOBIG past the postings one
 * report may read. */
int att_tally_cells(struct db *db, cal_day a, cal_day b, cal_day asof, int64_t unit, const struct authz_area *areas,
		    size_t n, struct att_cell **out, size_t *count) DF_WUR;

/* -------------------------------------------- closed days (close.c) */

/* att_closed_day - whether day's kept totals (att_totals) stand for it:
 * closed, not touched since, kept under the same working calendar. */
struct att_closed_day {
	cal_day day;
	int dirty;
	int working;   /* whether it was a working day when it was closed */
};

/* att_closed_between - the closed days of [from, to], in day order: a
 * malloc'd array in *out (free it); and in *changed the first day whose
 * holders changed since they were closed (postings created or ended since
 * the close job last looked), to + 1 when none did. */
int att_closed_between(struct db *db, cal_day from, cal_day to, struct att_closed_day **out, size_t *n,
		       cal_day *changed) DF_WUR;

/* close_job - the attendance.close job: keep each past day's totals per
 * (unit, department) in att_totals, newest first, re-keeping touched ones. */
int close_job(struct app *app, struct db *db);
/* close_job_interval - attendance.close_s. */
int close_job_interval(const struct app *app);

/* ---------------------------------------------------------- handlers */

int presence_get(struct request *r);          /* GET /api/v1/presence (presence.c) */
int report_get(struct request *r);            /* GET /api/v1/reports/attendance (report.c) */
int ranking_get(struct request *r);           /* GET /api/v1/reports/attendance/ranking */
int absentees_get(struct request *r);         /* GET /api/v1/absentees (absentees.c) */
int review_queue_get(struct request *r);      /* GET /api/v1/checkins/pending (review.c) */

/* att_counting_since - the first day attendance is counted on: the day
 * the absence job first ran (att_meta "counting_since"), or the first day
 * with a check-in if that is earlier.  Days before it expect nothing.
 * DF_ENOTFOUND when neither exists yet. */
int att_counting_since(struct db *db, cal_day *since) DF_WUR;

/* absence_job - the attendance.absence job (absentees.c). */
int absence_job(struct app *app, struct db *db);
/* absence_job_interval - attendance.absence_s. */
int absence_job_interval(const struct app *app);

#endif
