/*
 * close.c - closed days: each past day's attendance kept as totals per
 * (unit, department) in att_totals, so that a month of the province is a
 * few thousand rows to add up rather than millions of person-days.
 *
 * The attendance.close job (hourly, attendance.close_s) keeps every day
 * from the first counted one up to yesterday, newest first, at most
 * CLOSE_PER_RUN days a run.  A day's totals are the live tally of that day
 * (att_tally_cells, the same code a report runs on open days) with, per
 * cell, `held` (postings held that day) and `began` (of them, those not
 * held the day before), so that a report of any span counts each posting
 * once: held on its first day, began on the others.
 *
 * A day stays closed while nothing changes what it counts.  Whatever does
 * marks it: a check-in or review of that day (att_day_refresh), an absence
 * decided over it (absence.c), a posting created or ended reaching it
 * (postings.changed_at, looked at by the job and by every report), and a
 * holiday added or removed (att_closed.working against the calendar).
 * Reports never read a marked day's totals: they tally it live, so they
 * are exact whether the job has run or not.
 *
 * Keeping a day takes no long write lock: the job reads the day's version,
 * tallies outside any transaction, and writes the totals only if the
 * version is unchanged (optimistic; a touch bumps it), else leaves the day
 * marked for the next run.
 */
#include <stdio.h>
#include <stdlib.h>
#include "att_int.h"
#include "core/app.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/store.h"
#include "core/system.h"
#include "org/authz.h"
#include "org/people.h"

#define CLOSE_PER_RUN 62        /* days kept by one run (two months) */
#define CHANGE_SETTLE_MS 60000  /* a posting's write commits within this of its changed_at */

int close_job_interval(const struct app *app)
{
	return app->cfg.att_close_s;
}

int att_days_touched(struct db *db, cal_day from, cal_day to)
{
	struct stmt *st = NULL;
	char d0[11], d1[11];
	int rc = db_prepare(db, "UPDATE att_closed SET dirty = 1, version = version + 1 WHERE day >= ?1 AND day <= ?2",
			    &st);

	if (rc != DF_OK)
		return rc;
	cal_format(from, d0);
	cal_format(to, d1);
	stmt_bind_text(st, 1, d0, -1);
	stmt_bind_text(st, 2, d1, -1);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

/* The att_meta row of how far the job has looked at postings' changes. */
#define ORG_SEEN_SQL "SELECT value FROM att_meta WHERE name = 'org_seen_ms'"

/* org_seen - that row as ms (0 before the job first looked). */
static int org_seen(struct db *db, int64_t *out)
{
	char v[24];
	int rc = db_query_text(db, ORG_SEEN_SQL, 0, NULL, v, sizeof v);

	*out = rc == DF_OK ? strtoll(v, NULL, 10) : 0;
	return rc == DF_ENOTFOUND ? DF_OK : rc;
}

int att_closed_between(struct db *db, cal_day from, cal_day to, struct att_closed_day **out, size_t *n,
		       cal_day *changed)
{
	struct stmt *st = NULL;
	struct att_closed_day *v = NULL;
	size_t cap = 0;
	int64_t seen = 0, latest = 0;
	char d0[11], d1[11];
	int rc = org_seen(db, &seen);

	*out = NULL;
	*n = 0;
	*changed = to + 1;
	if (rc == DF_OK) {
		rc = people_postings_changed_since(db, seen, changed, &latest);
		if (rc == DF_ENOTFOUND) {
			*changed = to + 1;
			rc = DF_OK;
		}
	}
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT day, dirty, working FROM att_closed WHERE day >= ?1 AND day <= ?2 ORDER BY day",
				&st);
	if (rc != DF_OK)
		return rc;
	cal_format(from, d0);
	cal_format(to, d1);
	stmt_bind_text(st, 1, d0, -1);
	stmt_bind_text(st, 2, d1, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		void *grown = att_grow(v, &cap, *n, sizeof *v);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		v = grown;
		if (cal_parse(stmt_text(st, 0), &v[*n].day) != DF_OK)
			continue;
		v[*n].dirty = (int)stmt_i64(st, 1);
		v[*n].working = (int)stmt_i64(st, 2);
		(*n)++;
	}
	stmt_done(st);
	if (rc != DF_OK) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return DF_OK;
}

/* notice_postings - mark the closed days reached by postings created or
 * ended since the job last looked, and remember how far it looked (never
 * closer to now than CHANGE_SETTLE_MS, so a write still committing is
 * looked at again). */
static int notice_postings(struct db *db)
{
	struct stmt *st = NULL;
	int64_t seen = 0, latest = 0, now = clock_now_ms();
	cal_day first = 0;
	char v[24];
	int rc = org_seen(db, &seen);

	if (rc == DF_OK)
		rc = people_postings_changed_since(db, seen, &first, &latest);
	if (rc == DF_ENOTFOUND)
		return DF_OK;
	if (rc != DF_OK)
		return rc;
	if (latest > now - CHANGE_SETTLE_MS)
		latest = now - CHANGE_SETTLE_MS;
	if (latest <= seen)
		return DF_OK; /* only changes still settling: the next run takes them */
	snprintf(v, sizeof v, "%lld", (long long)latest);
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = att_days_touched(db, first, cal_day_of_instant(now));
	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO att_meta (name, value) VALUES ('org_seen_ms', ?1)"
				    " ON CONFLICT (name) DO UPDATE SET value = excluded.value", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, v, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	return att_finish(db, rc);
}

/* day_version - the version of day's att_closed row, creating it (marked)
 * when missing, so that every touch from now on bumps it. */
static int day_version(struct db *db, const char *d, int64_t *version)
{
	struct stmt *st = NULL;
	int rc = db_begin(db);

	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO att_closed (day, version, dirty, working, closed_at)"
				    " VALUES (?1, 0, 1, 0, 0) ON CONFLICT (day) DO NOTHING", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT version FROM att_closed WHERE day = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		rc = stmt_step(st);
		if (rc == STMT_ROW) {
			*version = stmt_i64(st, 0);
			rc = DF_OK;
		} else if (rc == DF_OK) {
			rc = DF_EINTERNAL;
		}
		stmt_done(st);
	}
	return att_finish(db, rc);
}

/* keep_cells - replace day's totals by cells, if its version is still
 * version (*kept 1), inside one transaction. */
static int keep_cells(struct db *db, const char *d, int64_t version, int working, const struct att_cell *c, size_t n,
		      int *kept)
{
	static const char put[] = "INSERT INTO att_totals (day, unit_id, department_id, held, began, expected, present,"
				  " late, absent, on_leave, on_tour) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	struct stmt *st = NULL;
	int64_t now_version = -1;
	int rc = db_begin(db);

	*kept = 0;
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT version FROM att_closed WHERE day = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		rc = stmt_step(st);
		if (rc == STMT_ROW) {
			now_version = stmt_i64(st, 0);
			rc = DF_OK;
		}
		stmt_done(st);
	}
	if (rc == DF_OK && now_version != version) {
		db_rollback(db); /* touched while we tallied: it stays marked for the next run */
		return DF_OK;
	}
	if (rc != DF_OK)
		return att_finish(db, rc);
	rc = db_prepare(db, "DELETE FROM att_totals WHERE day = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		const struct att_tally *t = &c[i].t;

		rc = db_prepare(db, put, &st);
		if (rc != DF_OK)
			break;
		stmt_bind_text(st, 1, d, -1);
		stmt_bind_i64(st, 2, c[i].unit);
		stmt_bind_i64(st, 3, c[i].department);
		stmt_bind_i64(st, 4, t->officers);
		stmt_bind_i64(st, 5, c[i].began);
		stmt_bind_i64(st, 6, t->expected);
		stmt_bind_i64(st, 7, t->present);
		stmt_bind_i64(st, 8, t->late);
		stmt_bind_i64(st, 9, t->absent);
		stmt_bind_i64(st, 10, t->leave);
		stmt_bind_i64(st, 11, t->tour);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE att_closed SET dirty = 0, working = ?2, closed_at = ?3 WHERE day = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		stmt_bind_i64(st, 2, working);
		stmt_bind_i64(st, 3, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	rc = att_finish(db, rc);
	*kept = rc == DF_OK;
	return rc;
}

/* close_day - keep day's totals (or leave it marked when touched meanwhile). */
static int close_day(struct db *db, cal_day day, int working, int *kept)
{
	struct authz_area everywhere = { 1, 0, 0 };
	struct att_cell *c = NULL;
	size_t n = 0;
	int64_t version = 0;
	char d[11];
	int rc;

	cal_format(day, d);
	rc = day_version(db, d, &version);
	if (rc == DF_OK)
		rc = att_tally_cells(db, day, day, day, 0, &everywhere, 1, &c, &n);
	if (rc == DF_OK)
		rc = keep_cells(db, d, version, working, c, n, kept);
	free(c);
	return rc;
}

int close_job(struct app *app, struct db *db)
{
	struct calendar cal;
	struct att_closed_day *closed = NULL;
	size_t nclosed = 0, k;
	cal_day since = 0, yesterday = cal_day_of_instant(clock_now_ms()) - 1, changed = 0;
	int rc = att_counting_since(db, &since), done = 0;

	(void)app;
	if (rc == DF_ENOTFOUND || (rc == DF_OK && since > yesterday))
		return DF_OK; /* nothing counted yet */
	calendar_init(&cal);
	if (rc == DF_OK)
		rc = notice_postings(db);
	if (rc == DF_OK)
		rc = system_calendar(db, &cal);
	if (rc == DF_OK)
		rc = att_closed_between(db, since, yesterday, &closed, &nclosed, &changed);
	/* newest first: the days a report is most likely to be asked about */
	k = nclosed;
	for (cal_day d = yesterday; rc == DF_OK && d >= since && done < CLOSE_PER_RUN; d--) {
		int working = calendar_is_working_day(&cal, d), kept = 0;

		while (k > 0 && closed[k - 1].day > d)
			k--;
		if (k > 0 && closed[k - 1].day == d && !closed[k - 1].dirty && closed[k - 1].working == working &&
		    d < changed)
			continue;
		rc = close_day(db, d, working, &kept);
		done++;
	}
	free(closed);
	calendar_release(&cal);
	return rc;
}
