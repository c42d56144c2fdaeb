/*
 * day.c - the day of a person (att_days), kept current as check-ins and
 * reviews arrive, so that presence, the absence job and the reports read
 * one row per person and day instead of the raw check-ins.
 *
 * A row holds the best status of the day after reviews (present: a
 * verified check-in, or a doubtful one a supervisor accepted; doubtful;
 * rejected), the time of the first presence, whether it was late (after
 * the start + grace of the post held that day, on a working day), how
 * many check-ins were kept, the unit and department of that post, and
 * the day's latest check-in and latest presence (for "presence now").
 * A new check-in is counted into the row as it is stored (att_day_count:
 * the best status, the earliest presence and the count only ever grow by
 * one check-in, so no earlier check-in need be read again); a review can
 * lower a day and recomputes it from that day's check-ins
 * (att_day_refresh).  Either way a change to a day already closed marks
 * its totals stale (close.c).
 */
#include <stdio.h>
#include <string.h>
#include "att_int.h"
#include "core/config.h"
#include "core/store.h"
#include "core/system.h"
#include "org/people.h"

/* An effective status in SQL: a review stands over the verdict. */
#define EFFECTIVE "CASE WHEN review = 'accepted' THEN 3 WHEN review = 'rejected' THEN 1" \
		  " WHEN verdict = 'verified' THEN 3 WHEN verdict = 'doubtful' THEN 2 ELSE 1 END"

int att_is_late(cal_day day, int64_t first_ms, const struct att_hours *hours)
{
	return first_ms > cal_start_ms(day) + (int64_t)(hours->start_min + hours->grace_min) * 60000;
}

/* Setting a "latest" pair (last_id/last_ms, verified_id/verified_ms) to
 * excluded's when it is later: by time, then by id for the same ms. */
#define LATER(id, ms) "excluded." ms " IS NOT NULL AND (att_days." ms " IS NULL OR excluded." ms \
		      " > att_days." ms " OR (excluded." ms " = att_days." ms " AND excluded." id " > att_days." id "))"
#define TAKE_LATER(id, ms) \
	id " = CASE WHEN " LATER(id, ms) " THEN excluded." id " ELSE att_days." id " END, " \
	ms " = CASE WHEN " LATER(id, ms) " THEN excluded." ms " ELSE att_days." ms " END"
/* first_ms and late move together: late is a property of the first */
#define EARLIER "excluded.first_ms IS NOT NULL AND (att_days.first_ms IS NULL" \
		" OR excluded.first_ms < att_days.first_ms)"

int att_day_count(struct db *db, int64_t person, cal_day day, int64_t unit, int64_t department,
		  enum att_day_status status, int64_t id, int64_t at_ms, int late)
{
	static const char put[] = "INSERT INTO att_days (person_id, day, unit_id, department_id, status, first_ms,"
				  " late, checkins, last_id, last_ms, verified_id, verified_ms)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10, ?6)"
				  " ON CONFLICT (person_id, day) DO UPDATE SET unit_id = excluded.unit_id,"
				  " department_id = excluded.department_id,"
				  " status = CASE WHEN excluded.status > att_days.status THEN excluded.status"
				  " ELSE att_days.status END,"
				  " first_ms = CASE WHEN " EARLIER " THEN excluded.first_ms ELSE att_days.first_ms END,"
				  " late = CASE WHEN " EARLIER " THEN excluded.late ELSE att_days.late END,"
				  " checkins = att_days.checkins + 1, "
				  TAKE_LATER("last_id", "last_ms") ", " TAKE_LATER("verified_id", "verified_ms");
	struct stmt *st = NULL;
	int present = status == ATT_DAY_PRESENT;
	char d[11];
	int rc = db_prepare(db, put, &st);

	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, d, -1);
	stmt_bind_id(st, 3, unit);
	stmt_bind_id(st, 4, department);
	stmt_bind_i64(st, 5, status);
	if (present)
		stmt_bind_i64(st, 6, at_ms);
	else
		stmt_bind_null(st, 6);
	stmt_bind_i64(st, 7, present && late);
	stmt_bind_i64(st, 8, id);
	stmt_bind_i64(st, 9, at_ms);
	stmt_bind_id(st, 10, present ? id : 0);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = att_days_touched(db, day, day); /* a closed day's totals no longer stand */
	return rc;
}

/* What a day's check-ins add up to (att_day_refresh). */
struct day_sum {
	int64_t status, first, count;      /* first 0: no presence */
	int64_t last_id, last_ms;          /* the latest check-in (0: none) */
	int64_t verified_id, verified_ms;  /* the latest presence (0: none) */
};

/* day_sum - read the person's check-ins of day, latest first. */
static int day_sum(struct db *db, int64_t person, cal_day day, struct day_sum *sum)
{
	static const char sql[] = "SELECT id, at_ms, " EFFECTIVE " FROM att_checkins"
				  " WHERE person_id = ?1 AND at_ms >= ?2 AND at_ms < ?3 ORDER BY at_ms DESC, id DESC";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	memset(sum, 0, sizeof *sum);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_i64(st, 2, cal_start_ms(day));
	stmt_bind_i64(st, 3, cal_start_ms(day + 1));
	while ((rc = stmt_step(st)) == STMT_ROW) {
		int64_t id = stmt_i64(st, 0), at = stmt_i64(st, 1), eff = stmt_i64(st, 2);

		if (!sum->count++) {
			sum->last_id = id;
			sum->last_ms = at;
		}
		if (eff > sum->status)
			sum->status = eff;
		if (eff == ATT_DAY_PRESENT) {
			if (!sum->verified_id) {
				sum->verified_id = id;
				sum->verified_ms = at;
			}
			sum->first = at; /* rows come latest first: the last one seen is the first */
		}
	}
	stmt_done(st);
	return rc;
}

int att_day_refresh(struct db *db, const struct config *cfg, int64_t person, cal_day day)
{
	static const char put[] = "INSERT INTO att_days (person_id, day, unit_id, department_id, status, first_ms,"
				  " late, checkins, last_id, last_ms, verified_id, verified_ms)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
				  " ON CONFLICT (person_id, day) DO UPDATE SET unit_id = excluded.unit_id,"
				  " department_id = excluded.department_id, status = excluded.status,"
				  " first_ms = excluded.first_ms, late = excluded.late, checkins = excluded.checkins,"
				  " last_id = excluded.last_id, last_ms = excluded.last_ms,"
				  " verified_id = excluded.verified_id, verified_ms = excluded.verified_ms";
	struct posting_ref pg[1];
	struct att_hours hours;
	struct stmt *st = NULL;
	struct day_sum sum;
	int late = 0, working = 0;
	size_t n = 0;
	char d[11];
	int rc = day_sum(db, person, day, &sum);

	if (rc == DF_OK)
		rc = people_postings_on(db, person, day, pg, 1, &n);
	if (rc == DF_OK)
		rc = att_hours_of(db, cfg, n ? pg[0].post : 0, &hours);
	if (rc == DF_OK && sum.verified_id)
		rc = system_is_working_day(db, day, &working);
	if (rc != DF_OK)
		return rc;
	if (sum.verified_id && working)
		late = att_is_late(day, sum.first, &hours);
	rc = db_prepare(db, put, &st);
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, d, -1);
	stmt_bind_id(st, 3, n ? pg[0].unit : 0);
	stmt_bind_id(st, 4, n ? pg[0].department : 0);
	stmt_bind_i64(st, 5, sum.status);
	if (sum.verified_id)
		stmt_bind_i64(st, 6, sum.first);
	else
		stmt_bind_null(st, 6);
	stmt_bind_i64(st, 7, late);
	stmt_bind_i64(st, 8, sum.count);
	stmt_bind_id(st, 9, sum.last_id);
	if (sum.last_id)
		stmt_bind_i64(st, 10, sum.last_ms);
	else
		stmt_bind_null(st, 10);
	stmt_bind_id(st, 11, sum.verified_id);
	if (sum.verified_id)
		stmt_bind_i64(st, 12, sum.verified_ms);
	else
		stmt_bind_null(st, 12);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = att_days_touched(db, day, day); /* a closed day's totals no longer stand */
	return rc;
}
