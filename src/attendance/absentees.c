/*
 * absentees.c - the absence job and the list it keeps (att_alerts).
 *
 * Job `attendance.absence` (every attendance.absence_s): for every person
 * holding a post today, the working days since their last presence (a
 * verified check-in, or one accepted on review), counted up to yesterday
 * and never before the day counting began (att_counting_since: nobody is
 * absent for the days before daftar took attendance) nor before their
 * posting began, less the working days
 * excused by approved leave or tours.  At the role's alert threshold
 * (attendance.absence_days, default 3) an alert, at the action threshold
 * (default 15) an action: each once per absence spell (the spell is named
 * by its first missed day), to the supervisor's inbox (the post above,
 * people_supervisor), to the outbox when attendance.alert_webhook is set,
 * and into the audit log.  A spell ends when the person is present again
 * (or no longer posted): its alerts are resolved and leave the list.
 * Days are looked back at most LOOKBACK_DAYS calendar days.
 *
 *   GET /api/v1/absentees?unit=&level=alert|action&limit=  the open spells
 *   of the people the caller reaches, most days first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "core/app.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/http.h"
#include "core/id.h"
#include "core/inbox.h"
#include "core/log.h"
#include "core/outbox.h"
#include "core/store.h"
#include "core/system.h"
#include "org/authz.h"
#include "org/people.h"

#define LOOKBACK_DAYS 200
#define HOLDERS_MAX 1000000
#define BATCH 200
#define LIST_DEFAULT 200
#define LIST_MAX 1000

int absence_job_interval(const struct app *app)
{
	return app->cfg.att_absence_s;
}

/* ------------------------------------------------------------ helpers */

struct last_seen {
	int64_t person;
	cal_day day;
};

static int cmp_seen(const void *a, const void *b)
{
	int64_t x = ((const struct last_seen *)a)->person, y = ((const struct last_seen *)b)->person;

	return (x > y) - (x < y);
}

/* load_last_seen - each person's last day present since `since`. */
static int load_last_seen(struct db *db, cal_day since, struct last_seen **out, size_t *n)
{
	struct stmt *st = NULL;
	struct last_seen *v = NULL;
	size_t cap = 0;
	char d[11];
	int rc = db_prepare(db, "SELECT person_id, MAX(day) FROM att_days WHERE day >= ?1 AND status = 3"
				" GROUP BY person_id ORDER BY person_id", &st);

	*out = NULL;
	*n = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(since, d);
	stmt_bind_text(st, 1, d, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		cal_day day;

		if (cal_parse(stmt_text(st, 1), &day) != DF_OK)
			continue;
		void *grown = att_grow(v, &cap, *n, sizeof *v);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		v = grown;
		v[*n].person = stmt_i64(st, 0);
		v[*n].day = day;
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

static const struct last_seen *seen_of(const struct last_seen *v, size_t n, int64_t person)
{
	struct last_seen key = { person, 0 };

	return n ? bsearch(&key, v, n, sizeof *v, cmp_seen) : NULL;
}

int att_counting_since(struct db *db, cal_day *since)
{
	char m[16] = "", f[16] = "";
	cal_day meta = 0, first = 0;
	int have_meta, have_first;
	int rc = db_query_text(db, "SELECT value FROM att_meta WHERE name = 'counting_since'", 0, NULL, m, sizeof m);

	if (rc == DF_OK || rc == DF_ENOTFOUND)
		rc = db_query_text(db, "SELECT MIN(day) FROM att_days", 0, NULL, f, sizeof f);
	if (rc != DF_OK)
		return rc;
	have_meta = cal_parse(m, &meta) == DF_OK;
	have_first = cal_parse(f, &first) == DF_OK; /* "" when there are no days */
	if (!have_meta && !have_first)
		return DF_ENOTFOUND;
	*since = !have_meta || (have_first && first < meta) ? first : meta;
	return DF_OK;
}

/* counting_since - att_counting_since, begun today on the first run
 * (*fresh = 1 then). */
static int counting_since(struct db *db, cal_day today, cal_day *since, int *fresh)
{
	struct stmt *st = NULL;
	char d[11];
	int rc = att_counting_since(db, since);

	*fresh = 0;
	if (rc != DF_ENOTFOUND)
		return rc;
	cal_format(today, d);
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO att_meta (name, value) VALUES ('counting_since', ?1)"
				    " ON CONFLICT (name) DO NOTHING", &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, d, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	rc = att_finish(db, rc);
	*since = today;
	*fresh = 1;
	return rc;
}

/* One open alert, as the job reads them at its start. */
struct open_alert {
	int64_t id;
	int64_t person;
	int action;      /* 1: level "action" */
	cal_day since;
	int days;
};

static int cmp_open(const void *a, const void *b)
{
	int64_t x = ((const struct open_alert *)a)->person, y = ((const struct open_alert *)b)->person;

	return (x > y) - (x < y);
}

static int load_open(struct db *db, struct open_alert **out, size_t *n)
{
	struct stmt *st = NULL;
	struct open_alert *v = NULL;
	size_t cap = 0;
	int rc = db_prepare(db, "SELECT id, person_id, level, since_day, days FROM att_alerts WHERE resolved_at IS NULL"
				" ORDER BY person_id", &st);

	*out = NULL;
	*n = 0;
	if (rc != DF_OK)
		return rc;
	while ((rc = stmt_step(st)) == STMT_ROW) {
		void *grown = att_grow(v, &cap, *n, sizeof *v);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		v = grown;
		v[*n].id = stmt_i64(st, 0);
		v[*n].person = stmt_i64(st, 1);
		v[*n].action = strcmp(stmt_text(st, 2), "action") == 0;
		if (cal_parse(stmt_text(st, 3), &v[*n].since) != DF_OK)
			v[*n].since = 0;
		v[*n].days = (int)stmt_i64(st, 4);
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

static int exec2(struct db *db, const char *sql, int64_t a, int64_t b)
{
	const int64_t p[] = { a, b };

	return db_exec_i64(db, sql, 2, p);
}

/* ------------------------------------------------------------ the job */

/* One person's absence spell as the job finds it. */
struct spell {
	const struct holder *h;
	cal_day since;   /* the first missed working day */
	int days;        /* working days missed, excused ones not counted */
	int alert_at, action_at;
};

/* notify - a new alert of level for spell s: the supervisor's inbox, the
 * outbox, the audit leaf.  alert_id is the new row. */
static int notify(struct app *app, struct db *db, const struct spell *s, const char *level, int64_t alert_id,
		  cal_day today)
{
	struct holder sup;
	char since[11], text[600];
	json_t *data = NULL, *rec = NULL, *msg = NULL;
	int have_sup, rc = people_supervisor(db, &s->h->pg, today, &sup);

	if (rc != DF_OK && rc != DF_ENOTFOUND)
		return rc;
	have_sup = rc == DF_OK;
	rc = DF_OK; /* nobody above (a Chief Minister): audited all the same */
	cal_format(s->since, since);
	if (have_sup) {
		rc = exec2(db, "UPDATE att_alerts SET supervisor_posting = ?2 WHERE id = ?1", alert_id, sup.pg.id);
		if (rc == DF_OK)
			rc = exec2(db, "UPDATE att_alerts SET supervisor_person = ?2 WHERE id = ?1", alert_id, sup.pg.person);
		if (rc != DF_OK)
			return rc;
		data = json_pack("{s:o, s:s, s:s, s:s, s:i, s:s, s:s}", "person_id", json_id(s->h->pg.person), "name",
				 s->h->name, "designation", s->h->pg.designation, "unit", s->h->unit_name, "days", s->days,
				 "since", since, "level", level);
		snprintf(text, sizeof text, "%.120s (%.120s, %.120s) has had no verified presence for %d working days"
			 " since %s%s.", s->h->name, s->h->pg.designation, s->h->unit_name, s->days, since,
			 strcmp(level, "action") == 0 ? ": action is due" : "");
		rc = data ? inbox_post(db, sup.pg.person, "attendance.absence", data, text, "/absentees", NULL)
			  : DF_ENOMEM;
		if (rc == DF_OK && app->cfg.att_alert_webhook[0]) {
			char key[64];

			msg = json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:s}", "type", "attendance.absence", "level", level,
					"alert_id", json_id(alert_id), "person_id", json_id(s->h->pg.person),
					"supervisor_person_id", json_id(sup.pg.person), "days", s->days, "since", since);
			snprintf(key, sizeof key, "attendance.absence.%lld", (long long)alert_id);
			rc = msg ? outbox_enqueue(db, "webhook", app->cfg.att_alert_webhook, msg, key, NULL) : DF_ENOMEM;
			if (rc == DF_ECONFLICT)
				rc = DF_OK;
		}
	}
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:s, s:s, s:i, s:o}", "person_id", json_id(s->h->pg.person), "level", level,
				"since", since, "days", s->days, "supervisor_person_id",
				have_sup ? json_id(sup.pg.person) : json_null());
		rc = rec ? audit_append_json(db, "attendance.absence.alert", "absence_alert", alert_id, 0, rec) : DF_ENOMEM;
	}
	json_decref(data);
	json_decref(msg);
	json_decref(rec);
	return rc;
}

/* raise - make sure spell s has its open alert of level (new: notify; the
 * same spell: keep its days current). */
static int raise_level(struct app *app, struct db *db, const struct spell *s, const char *level,
		       const struct open_alert *open, size_t nopen, cal_day today)
{
	static const char ins[] = "INSERT INTO att_alerts (id, person_id, posting_id, level, since_day, days, as_of,"
				  " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
				  " ON CONFLICT (person_id, level, since_day) DO NOTHING RETURNING id";
	struct stmt *st = NULL;
	int action = strcmp(level, "action") == 0;
	char since[11], d[11];
	int64_t id;
	int rc;

	for (size_t i = 0; i < nopen; i++) {
		if (open[i].person != s->h->pg.person || open[i].action != action || open[i].since != s->since)
			continue;
		if (open[i].days == s->days)
			return DF_OK;
		rc = exec2(db, "UPDATE att_alerts SET days = ?2 WHERE id = ?1", open[i].id, s->days);
		return rc == DF_OK ? exec2(db, "UPDATE att_alerts SET updated_at = ?2 WHERE id = ?1", open[i].id,
					   clock_now_ms())
				   : rc;
	}
	cal_format(s->since, since);
	cal_format(today, d);
	rc = db_prepare(db, ins, &st);
	if (rc != DF_OK)
		return rc;
	id = id_next();
	stmt_bind_i64(st, 1, id);
	stmt_bind_i64(st, 2, s->h->pg.person);
	stmt_bind_i64(st, 3, s->h->pg.id);
	stmt_bind_text(st, 4, level, -1);
	stmt_bind_text(st, 5, since, -1);
	stmt_bind_i64(st, 6, s->days);
	stmt_bind_text(st, 7, d, -1);
	stmt_bind_i64(st, 8, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		return DF_OK; /* resolved earlier and back in the same spell: kept as it was */
	if (rc != STMT_ROW)
		return rc;
	return notify(app, db, s, level, id, today);
}

/* settle - bring one person's alerts in line with their spell (s->days 0:
 * none).  Open alerts of another spell, or of a level no longer reached,
 * are resolved. */
static int settle(struct app *app, struct db *db, const struct spell *s, int64_t person,
		  const struct open_alert *open, size_t nopen, cal_day today)
{
	int rc = DF_OK, alert = s && s->days >= s->alert_at, action = s && s->days >= s->action_at;

	for (size_t i = 0; rc == DF_OK && i < nopen; i++) {
		int keep = open[i].person == person && s && open[i].since == s->since && (open[i].action ? action : alert);

		if (open[i].person == person && !keep)
			rc = exec2(db, "UPDATE att_alerts SET resolved_at = ?2 WHERE id = ?1", open[i].id, clock_now_ms());
	}
	if (rc == DF_OK && alert)
		rc = raise_level(app, db, s, "alert", open, nopen, today);
	if (rc == DF_OK && action)
		rc = raise_level(app, db, s, "action", open, nopen, today);
	return rc;
}

static int cmp_holder_person(const void *a, const void *b)
{
	int64_t x = ((const struct holder *)a)->pg.person, y = ((const struct holder *)b)->pg.person;

	return (x > y) - (x < y);
}

/* open_range - the open alerts of person: [*lo, *hi) in the sorted list. */
static void open_range(const struct open_alert *open, size_t n, int64_t person, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (open[mid].person < person)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < n && open[a].person == person)
		a++;
	*hi = a;
}

int absence_job(struct app *app, struct db *db)
{
	struct authz_area everywhere = { 1, 0, 0 };
	struct calendar cal;
	struct holder *h = NULL;
	struct last_seen *seen = NULL;
	struct open_alert *open = NULL;
	struct att_absence *away = NULL;
	size_t nh = 0, nseen = 0, nopen = 0, naway = 0, done = 0;
	cal_day today = cal_day_of_instant(clock_now_ms()), yesterday = today - 1, since = today, floor;
	int fresh = 0, in_tx = 0, rc;

	calendar_init(&cal);
	rc = counting_since(db, today, &since, &fresh);
	if (rc != DF_OK || fresh)
		return rc;
	floor = since - 1 > yesterday - LOOKBACK_DAYS ? since - 1 : yesterday - LOOKBACK_DAYS;
	rc = system_calendar(db, &cal);
	if (rc == DF_OK)
		rc = people_holders(db, today, 0, &everywhere, 1, HOLDERS_MAX, &h, &nh);
	if (rc == DF_OK)
		rc = load_last_seen(db, floor + 1, &seen, &nseen);
	if (rc == DF_OK)
		rc = load_open(db, &open, &nopen);
	if (rc == DF_OK && yesterday > floor)
		rc = att_absences_between(db, floor + 1, yesterday, &away, &naway);
	if (rc != DF_OK)
		goto out;
	if (nh)
		qsort(h, nh, sizeof *h, cmp_holder_person);
	if (nopen)
		qsort(open, nopen, sizeof *open, cmp_open);
	for (size_t i = 0; rc == DF_OK && i < nh; i++) {
		const struct holder *x = &h[i];
		const struct last_seen *ls;
		struct spell s = { x, 0, 0, 0, 0 };
		size_t lo, hi;
		cal_day base = floor;

		if (i > 0 && h[i - 1].pg.person == x->pg.person)
			continue; /* a second post of the same person: judged once */
		ls = seen_of(seen, nseen, x->pg.person);
		if (ls && ls->day > base)
			base = ls->day;
		if (x->began - 1 > base)
			base = x->began - 1;
		if (yesterday > base) {
			cal_day first = base;

			s.days = (int)att_days_missed(&cal, base, yesterday, away, naway, x->pg.person);
			if (calendar_add_working_days(&cal, base, 1, &first) == DF_OK)
				s.since = first;
		}
		if (config_role_days(app->cfg.att_absence_days, x->pg.role, &s.alert_at, &s.action_at) != DF_OK)
			s.alert_at = s.action_at = 1 << 30; /* no rule for the role: never alerted */
		open_range(open, nopen, x->pg.person, &lo, &hi);
		if (s.days < s.alert_at && lo == hi)
			continue; /* nothing to write */
		if (!in_tx) {
			rc = db_begin(db);
			in_tx = rc == DF_OK;
		}
		if (rc == DF_OK)
			rc = settle(app, db, s.days >= s.alert_at ? &s : NULL, x->pg.person, open + lo, hi - lo, today);
		if (rc == DF_OK && in_tx && ++done % BATCH == 0) {
			rc = db_commit(db);
			in_tx = 0;
		}
	}
	/* people no longer posted: their spells end */
	for (size_t i = 0; rc == DF_OK && i < nopen; i++) {
		struct holder key;

		key.pg.person = open[i].person;
		if (nh && bsearch(&key, h, nh, sizeof *h, cmp_holder_person))
			continue;
		if (!in_tx) {
			rc = db_begin(db);
			in_tx = rc == DF_OK;
		}
		if (rc == DF_OK)
			rc = exec2(db, "UPDATE att_alerts SET resolved_at = ?2 WHERE id = ?1", open[i].id, clock_now_ms());
	}
	if (in_tx) {
		rc = att_finish(db, rc);
		in_tx = 0;
	}
out:
	if (in_tx)
		db_rollback(db);
	calendar_release(&cal);
	free(h);
	free(seen);
	free(open);
	free(away);
	return rc;
}

/* ------------------------------------------------------------ the list */

int absentees_get(struct request *r)
{
	static const char sql[] = "SELECT person_id, level, since_day, days, supervisor_posting, supervisor_person,"
				  " created_at, as_of FROM att_alerts WHERE resolved_at IS NULL"
				  " ORDER BY days DESC, person_id, CASE WHEN level = 'action' THEN 0 ELSE 1 END";
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct holder *h = NULL;
	struct db *db = NULL;
	struct stmt *st = NULL;
	const char *level = req_query(r, "level");
	int64_t unit = 0, limit = LIST_DEFAULT, last_person = 0;
	size_t nareas = 0, nh = 0, shown = 0;
	json_t *items = NULL, *out = NULL;
	cal_day today = cal_day_of_instant(clock_now_ms());
	char d[11];
	int rc;

	if (req_query_id(r, "unit", &unit) != DF_OK)
		return r->problem_status;
	if (level && strcmp(level, "alert") != 0 && strcmp(level, "action") != 0)
		return req_problem_field(r, 400, "level", "level is alert or action");
	if (req_query_int(r, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit) != DF_OK)
		return r->problem_status;
	if (unit && authz_object(r, "attendance.read", unit, 0) != DF_OK)
		return r->problem_status ? r->problem_status : 403;
	rc = authz_reach(r, "attendance.read", areas, AUTHZ_MAX_GRANTS, &nareas);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = people_holders(db, today, unit, areas, nareas, HOLDERS_MAX, &h, &nh);
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (nh)
		qsort(h, nh, sizeof *h, cmp_holder_person);
	rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		/* action before alert: one row per person, at their higher level,
		 * which is the level ?level= filters on */
		items = json_array();
		while (items && shown < (size_t)limit && (rc = stmt_step(st)) == STMT_ROW) {
			struct holder key, *x, sup;
			json_t *supj = json_null();

			key.pg.person = stmt_i64(st, 0);
			x = nh ? bsearch(&key, h, nh, sizeof *h, cmp_holder_person) : NULL;
			if (!x || key.pg.person == last_person)
				continue;
			last_person = key.pg.person;
			if (level && strcmp(level, stmt_text(st, 1)) != 0)
				continue;
			if (!stmt_isnull(st, 4) && people_posting_ref(db, stmt_i64(st, 4), &sup.pg) == DF_OK &&
			    people_person_name(db, sup.pg.person, sup.name, sizeof sup.name) == DF_OK)
				supj = json_pack("{s:o, s:s, s:s}", "person_id", json_id(sup.pg.person), "name", sup.name,
						 "designation", sup.pg.designation);
			json_array_append_new(items, json_pack("{s:{s:o, s:s}, s:{s:o, s:s}, s:{s:o, s:s}, s:s, s:I,"
							       " s:s, s:o, s:I}",
							       "person", "id", json_id(x->pg.person), "name", x->name,
							       "post", "id", json_id(x->pg.post), "designation",
							       x->pg.designation, "unit", "id", json_id(x->pg.unit), "name",
							       x->unit_name, "since", stmt_text(st, 2), "days_missed",
							       (json_int_t)stmt_i64(st, 3), "level", stmt_text(st, 1),
							       "supervisor", supj ? supj : json_null(), "alerted_at",
							       (json_int_t)stmt_i64(st, 6)));
			shown++;
		}
		if (rc == STMT_ROW)
			rc = DF_OK;
		stmt_done(st);
		if (!items)
			rc = DF_ENOMEM;
	}
	free(h);
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	cal_format(today - 1, d);
	out = json_pack("{s:s, s:o}", "as_of", d, "items", items);
	return req_reply_take(r, 200, &out);
}
