/*
 * system.c - the core's own module: /healthz, /metrics, the test clock, the
 * working calendar's holidays and the tables of the scheduler and outbox
 * (whose logic lives in jobs.c and outbox.c).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "audit.h"
#include "calendar.h"
#include "clock.h"
#include "http.h"
#include "idempotency.h"
#include "jobs.h"
#include "log.h"
#include "outbox.h"
#include "store.h"
#include "system.h"

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE holidays ("
	     " day TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, created_at BIGINT NOT NULL);"
	     "CREATE TABLE job_leases ("
	     " name TEXT PRIMARY KEY, owner TEXT, lease_until BIGINT NOT NULL, last_run_at BIGINT NOT NULL,"
	     " last_ok_at BIGINT, last_error TEXT, runs BIGINT NOT NULL, failures BIGINT NOT NULL);"
	     "CREATE TABLE outbox ("
	     " id BIGINT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, payload TEXT NOT NULL,"
	     " idem_key TEXT UNIQUE, status TEXT NOT NULL, attempts INT NOT NULL, next_at BIGINT NOT NULL,"
	     " claimed_by TEXT, claim_until BIGINT, last_error TEXT, created_at BIGINT NOT NULL, done_at BIGINT);"
	     "CREATE INDEX outbox_due ON outbox (status, next_at);" },
	{ 2, "CREATE TABLE idempotency_keys ("
	     " user_id BIGINT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL,"
	     " status BIGINT, body TEXT, created_at BIGINT NOT NULL, PRIMARY KEY (user_id, idem_key));"
	     "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);" },
};

static const char *const events[] = { "system.holidays.load", NULL };

/* GET /healthz - liveness and readiness: the store answers. */
static int get_healthz(struct request *r)
{
	int status = 503;
	struct db *db = NULL;
	int64_t one = 0;
	char now[32];
	json_t *out = NULL;
	int rc;

	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_query_i64(db, "SELECT 1", 0, NULL, &one);
	clock_format_ms(clock_now_ms(), now);
	out = json_pack("{s:s, s:s, s:s, s:i, s:b, s:I, s:s, s:I}",
			"status", rc == DF_OK ? "ok" : "store unavailable",
			"version", DAFTAR_VERSION, "store", store_backend(r->app->store), "node_id", r->app->cfg.node_id,
			"test_clock", clock_is_test(), "now_ms", (json_int_t)clock_now_ms(), "now", now,
			"uptime_s", (json_int_t)((clock_now_ms() - r->app->started_ms) / 1000));
	if (!out)
		goto out;
	status = req_reply(r, rc == DF_OK ? 200 : 503, out);
	out = NULL;
out:
	json_decref(out);
	return status;
}

/* GET /metrics - Prometheus text format. */
static int get_metrics(struct request *r)
{
	int status = 500;
	struct buf b;
	char *text = NULL;
	size_t len = 0;
	int rc;

	buf_init(&b, 4 << 20);
	rc = http_metrics_text(r->app, &b);
	if (rc == DF_OK)
		rc = buf_addf(&b, "# HELP daftar_store_busy_seconds_total Time spent in the store.\n"
				  "# TYPE daftar_store_busy_seconds_total counter\n"
				  "daftar_store_busy_seconds_total %.6f\n"
				  "# HELP daftar_start_time_seconds When this process started.\n"
				  "# TYPE daftar_start_time_seconds gauge\n"
				  "daftar_start_time_seconds %lld\n",
			      (double)store_busy_ns(r->app->store) / 1e9, (long long)(r->app->started_ms / 1000));
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	text = buf_detach(&b, &len);
	if (!text)
		goto out;
	status = req_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
	text = NULL;
out:
	buf_release(&b);
	free(text);
	return status;
}

static json_t *clock_json(void)
{
	char now[32];

	clock_format_ms(clock_now_ms(), now);
	return json_pack("{s:s, s:I, s:b}", "now", now, "now_ms", (json_int_t)clock_now_ms(), "test_clock", clock_is_test());
}

/* GET /api/v1/test/clock */
static int get_clock(struct request *r)
{
	json_t *out = clock_json();

	if (!out)
		return req_fail(r, DF_ENOMEM);
	return req_reply(r, 200, out);
}

/* parse_instant - "2026-11-23T07:00:00Z" (seconds, optional .mmm) or a
 * calendar day "2026-11-23" (00:00 Asia/Karachi). */
static int parse_instant(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, n = 0;
	char day[11];
	cal_day cd;

	if (strlen(s) == 10) {
		if (cal_parse(s, &cd) != DF_OK)
			return DF_EINVAL;
		*out = cal_start_ms(cd);
		return DF_OK;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return DF_EINVAL;
	if (s[n] == '.') {
		int k = 0;

		if (sscanf(s + n + 1, "%3d%n", &ms, &k) != 1 || k != 3)
			return DF_EINVAL;
		n += 4;
	}
	if (strcmp(s + n, "Z") != 0 || h > 23 || mi > 59 || sec > 59)
		return DF_EINVAL;
	snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
	if (cal_parse(day, &cd) != DF_OK)
		return DF_EINVAL;
	*out = (int64_t)cd * 86400000 + ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + ms;
	return DF_OK;
}

/* POST /api/v1/test/clock {"now": instant} or {"advance_s": N} */
static int post_clock(struct request *r)
{
	int status = 500;
	const char *now = NULL;
	int64_t adv = 0, t = 0;
	json_t *out = NULL;
	int rc;

	if (!clock_is_test()) {
		status = req_problem(r, 403, "the test clock is off; it can only be enabled at start (serve --test-clock)");
		goto out;
	}
	if (jreq_str(r, r->body_json, "now", 40, 0, &now) != DF_OK ||
	    jreq_int(r, r->body_json, "advance_s", 0, 10LL * 366 * 86400, 0, &adv) != DF_OK) {
		status = req_fail(r, DF_EINVAL);
		goto out;
	}
	if (!now && !adv) {
		status = req_problem(r, 422, "give now (an instant) or advance_s (seconds)");
		goto out;
	}
	if (now && parse_instant(now, &t) != DF_OK) {
		status = req_problem_field(r, 422, "now", "now must be YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD");
		goto out;
	}
	rc = now ? clock_set_ms(t) : clock_advance_ms(adv * 1000);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	log_warn("msg=\"test clock moved\" now_ms=%lld", (long long)clock_now_ms());
	out = clock_json();
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

int system_calendar(struct db *db, struct calendar *out)
{
	struct stmt *st = NULL;
	int rc;

	calendar_init(out);
	rc = db_prepare(db, "SELECT day, name, scope FROM holidays ORDER BY day", &st);
	if (rc != DF_OK)
		return rc;
	for (;;) {
		cal_day d;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (cal_parse(stmt_text(st, 0), &d) != DF_OK) {
			rc = DF_EINTERNAL;
			break;
		}
		rc = calendar_add_holiday(out, d, stmt_text(st, 1), stmt_text(st, 2));
		if (rc != DF_OK)
			break;
	}
	stmt_done(st);
	if (rc != DF_OK)
		calendar_release(out);
	return rc;
}

int system_is_working_day(struct db *db, cal_day day, int *yes)
{
	struct stmt *st = NULL;
	char d[11];
	int rc;

	*yes = 0;
	if ((CAL_WEEKEND_DEFAULT >> cal_weekday(day)) & 1u)
		return DF_OK;
	rc = db_prepare(db, "SELECT 1 FROM holidays WHERE day = ?1", &st);
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_text(st, 1, d, -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		*yes = 1;
	return rc == STMT_ROW ? DF_OK : rc;
}

/* year_arg - ?year=YYYY, default this year in Karachi. */
static int year_arg(struct request *r, int *year)
{
	const char *s = req_query(r, "year");
	char *end = NULL;
	int y, m, d;

	cal_to_ymd(cal_day_of_instant(clock_now_ms()), &y, &m, &d);
	*year = y;
	if (!s)
		return DF_OK;
	y = (int)strtol(s, &end, 10);
	if (*end || end == s || y < CAL_YEAR_MIN || y > CAL_YEAR_MAX) {
		req_problem_field(r, 400, "year", "year must be a year from %d to %d", CAL_YEAR_MIN, CAL_YEAR_MAX);
		return DF_EINVAL;
	}
	*year = y;
	return DF_OK;
}

/* GET /api/v1/calendar/holidays?year=2026 */
static int get_holidays(struct request *r)
{
	int status = 500;
	struct calendar cal;
	struct db *db = NULL;
	json_t *list = NULL, *out = NULL;
	int year, rc;

	calendar_init(&cal);
	rc = year_arg(r, &year);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = system_calendar(db, &cal);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	list = json_array();
	for (size_t i = 0; list && i < cal.n; i++) {
		char day[11];
		int y, m, d;

		cal_to_ymd(cal.holidays[i].day, &y, &m, &d);
		if (y != year)
			continue;
		cal_format(cal.holidays[i].day, day);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "date", day,
						      "name", cal.holidays[i].name, "scope", cal.holidays[i].scope));
	}
	out = json_pack("{s:i, s:s, s:o}", "year", year, "weekend", "Saturday, Sunday", "holidays", list);
	list = NULL;
	status = req_reply_take(r, 200, &out);
out:
	calendar_release(&cal);
	json_decref(list);
	json_decref(out);
	return status;
}

static int day_arg(struct request *r, const char *name, cal_day *out)
{
	const char *s = req_query(r, name);

	if (!s || cal_parse(s, out) != DF_OK) {
		req_problem_field(r, 400, name, "%s must be a date YYYY-MM-DD", name);
		return DF_EINVAL;
	}
	return DF_OK;
}

/* GET /api/v1/calendar/working-days?from=D&to=D  or  ?from=D&add=N */
static int get_working_days(struct request *r)
{
	int status = 500;
	struct calendar cal;
	struct db *db = NULL;
	json_t *out = NULL;
	const char *add = req_query(r, "add");
	cal_day from, to;
	char a[11], b[11];
	int rc;

	calendar_init(&cal);
	rc = day_arg(r, "from", &from);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = system_calendar(db, &cal);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	cal_format(from, a);
	if (add) {
		char *end = NULL;
		long n = strtol(add, &end, 10);

		if (*end || end == add || n < -2000 || n > 2000) {
			status = req_problem_field(r, 400, "add", "add must be a whole number of working days from -2000 to 2000");
			goto out;
		}
		if (calendar_add_working_days(&cal, from, (int)n, &to) != DF_OK) {
			status = req_problem_field(r, 422, "add", "too far to count");
			goto out;
		}
		cal_format(to, b);
		out = json_pack("{s:s, s:i, s:s}", "from", a, "add", (int)n, "date", b);
	} else {
		if (day_arg(r, "to", &to) != DF_OK) {
			status = req_fail(r, DF_EINVAL);
			goto out;
		}
		cal_format(to, b);
		out = json_pack("{s:s, s:s, s:I}", "from", a, "to", b, "working_days",
				(json_int_t)calendar_working_days_between(&cal, from, to));
	}
	status = req_reply_take(r, 200, &out);
out:
	calendar_release(&cal);
	json_decref(out);
	return status;
}

/* insert_year - replace the stored holidays of one year with those in cal. */
static int store_holidays(struct db *db, const struct calendar *cal)
{
	struct stmt *del = NULL, *ins = NULL;
	int rc = DF_OK;

	rc = db_prepare(db, "DELETE FROM holidays WHERE day >= ?1 AND day <= ?2", &del);
	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO holidays (day, name, scope, created_at) VALUES (?1, ?2, ?3, ?4)", &ins);
	for (size_t i = 0; rc == DF_OK && i < cal->n; i++) {
		int y, m, d;
		char lo[11], hi[11], day[11];

		cal_to_ymd(cal->holidays[i].day, &y, &m, &d);
		if (i == 0 || cal->holidays[i - 1].day < cal_from_ymd(y, 1, 1)) {
			cal_format(cal_from_ymd(y, 1, 1), lo);
			cal_format(cal_from_ymd(y, 12, 31), hi);
			stmt_bind_text(del, 1, lo, -1);
			stmt_bind_text(del, 2, hi, -1);
			rc = stmt_step(del);
			stmt_done(del);
			if (rc != DF_OK)
				break;
		}
		cal_format(cal->holidays[i].day, day);
		stmt_bind_text(ins, 1, day, -1);
		stmt_bind_text(ins, 2, cal->holidays[i].name, -1);
		stmt_bind_text(ins, 3, cal->holidays[i].scope, -1);
		stmt_bind_i64(ins, 4, clock_now_ms());
		rc = stmt_step(ins);
		stmt_done(ins);
	}
	return rc;
}

int system_load_holidays(struct app *app, struct db *db, const char *data_dir)
{
	char dir[600], path[900];
	struct calendar cal;
	struct dirent *e;
	DIR *d = NULL;
	json_t *rec = NULL;
	int rc = DF_OK, bad = 0;

	(void)app;
	calendar_init(&cal);
	snprintf(dir, sizeof dir, "%s/holidays", data_dir);
	d = opendir(dir);
	if (!d)
		return DF_EIO;
	while (rc == DF_OK && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		rc = calendar_load_csv(&cal, path, &bad);
		if (rc != DF_OK)
			log_error("msg=\"bad holiday file\" path=\"%s\" line=%d", path, bad);
	}
	closedir(d);
	if (rc != DF_OK)
		goto out;
	rc = db_begin(db);
	if (rc != DF_OK)
		goto out;
	rc = store_holidays(db, &cal);
	rec = json_pack("{s:I}", "holidays", (json_int_t)cal.n);
	if (rc == DF_OK)
		rc = rec ? audit_append_json(db, "system.holidays.load", "calendar", 1, 0, rec) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = db_commit(db);
out:
	db_rollback(db);
	json_decref(rec);
	calendar_release(&cal);
	return rc;
}

static const struct route routes[] = {
	{ "GET", "/healthz", get_healthz, PERM_PUBLIC, 0, 0 },
	{ "GET", "/metrics", get_metrics, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/test/clock", get_clock, PERM_PUBLIC, 0, 0 },
	{ "POST", "/api/v1/test/clock", post_clock, PERM_PUBLIC, 1024, ROUTE_JSON | ROUTE_NO_CSRF },
	{ "GET", "/api/v1/calendar/holidays", get_holidays, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/calendar/working-days", get_working_days, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/system/jobs", jobs_api_list, "system.read", 0, 0 },
	{ "GET", "/api/v1/system/outbox", outbox_api_list, "system.read", 0, 0 },
	{ "POST", "/api/v1/system/outbox/{id}/retry", outbox_api_retry, "system.write", 0, 0 },
};

static const struct job_def jobs[] = {
	{ "outbox.deliver", 5, outbox_deliver_job, NULL },
	{ "idempotency.prune", 3600, idem_prune, NULL },
};

const struct module system_module = {
	.name = "system",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = jobs,
	.njobs = COUNT_OF(jobs),
	.audit_events = events,
};
