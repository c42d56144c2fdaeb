/*
 * day.c - the day of a person (att_days), kept current as check-ins and
 * reviews arrive, so that presence, the absence job and the reports read
 * one row per person and day instead of the raw check-ins.
 *
 * A row holds the best status of the day after reviews (present: a
 * verified check-in, or a doubtful one a supervisor accepted; doubtful;
 * rejected), the time of the first presence, whether it was late (after
 * the start + grace of the post held that day, on a working day), how
 * many check-ins were kept, and the unit and department of that post.
 * A new check-in is counted into the row as it is stored (att_day_count:
 * the best status, the earliest presence and the count only ever grow by
 * one check-in, so no earlier check-in need be read again); a review can
 * lower a day and recomputes it from that day's check-ins
 * (att_day_refresh).  Either way a change to a day already closed marks
 * its totals stale (close.c).
 */
#include <stdio.h>
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

int att_day_count(struct db *db, int64_t person, cal_day day, int64_t unit, int64_t department,
		  enum att_day_status status, int64_t at_ms, int late)
{
	/* first_ms and late move together: late is a property of the first */
#define EARLIER "excluded.first_ms IS NOT NULL AND (att_days.first_ms IS NULL" \
		" OR excluded.first_ms < att_days.first_ms)"
	static const char put[] = "INSERT INTO att_days (person_id, day, unit_id, department_id, status, first_ms,"
				  " late, checkins) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"
				  " ON CONFLICT (person_id, day) DO UPDATE SET unit_id = excluded.unit_id,"
				  " department_id = excluded.department_id,"
				  " status = CASE WHEN excluded.status > att_days.status THEN excluded.status"
				  " ELSE att_days.status END,"
				  " first_ms = CASE WHEN " EARLIER " THEN excluded.first_ms ELSE att_days.first_ms END,"
				  " late = CASE WHEN " EARLIER " THEN excluded.late ELSE att_days.late END,"
				  " checkins = att_days.checkins + 1";
#undef EARLIER
	struct stmt *st = NULL;
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
	if (status == ATT_DAY_PRESENT)
		stmt_bind_i64(st, 6, at_ms);
	else
		stmt_bind_null(st, 6);
	stmt_bind_i64(st, 7, status == ATT_DAY_PRESENT && late);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = att_days_touched(db, day, day);
	return rc;
}

int att_day_refresh(struct db *db, const struct config *cfg, int64_t person, cal_day day)
{
	static const char agg[] = "SELECT MAX(" EFFECTIVE "), MIN(CASE WHEN (" EFFECTIVE ") = 3 THEN at_ms END),"
				  " COUNT(*) FROM att_checkins WHERE person_id = ?1 AND day = ?2";
	static const char put[] = "INSERT INTO att_days (person_id, day, unit_id, department_id, status, first_ms,"
				  " late, checkins) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
				  " ON CONFLICT (person_id, day) DO UPDATE SET unit_id = excluded.unit_id,"
				  " department_id = excluded.department_id, status = excluded.status,"
				  " first_ms = excluded.first_ms, late = excluded.late, checkins = excluded.checkins";
	struct posting_ref pg[1];
	struct att_hours hours;
	struct stmt *st = NULL;
	int64_t status = 0, first = 0, count = 0;
	int have_first = 0, late = 0, working = 0;
	size_t n = 0;
	char d[11];
	int rc = db_prepare(db, agg, &st);

	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, d, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		status = stmt_isnull(st, 0) ? 0 : stmt_i64(st, 0);
		have_first = !stmt_isnull(st, 1);
		first = have_first ? stmt_i64(st, 1) : 0;
		count = stmt_i64(st, 2);
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	rc = people_postings_on(db, person, day, pg, 1, &n);
	if (rc == DF_OK)
		rc = att_hours_of(db, cfg, n ? pg[0].post : 0, &hours);
	if (rc == DF_OK && have_first)
		rc = system_is_working_day(db, day, &working);
	if (rc != DF_OK)
		return rc;
	if (have_first && working)
		late = att_is_late(day, first, &hours);
	rc = db_prepare(db, put, &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, d, -1);
	if (n) {
		stmt_bind_i64(st, 3, pg[0].unit);
		stmt_bind_i64(st, 4, pg[0].department);
	} else {
		stmt_bind_null(st, 3);
		stmt_bind_null(st, 4);
	}
	stmt_bind_i64(st, 5, status);
	if (have_first)
		stmt_bind_i64(st, 6, first);
	else
		stmt_bind_null(st, 6);
	stmt_bind_i64(st, 7, late);
	stmt_bind_i64(st, 8, count);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = att_days_touched(db, day, day); /* a closed day's totals no longer stand */
	return rc;
}
