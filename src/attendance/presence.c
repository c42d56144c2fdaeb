/*
 * presence.c - "presence now": for a unit (or everything the caller
 * reaches) on a day, who holds a post there and how their day stands:
 * verified, doubtful or rejected (the best verdict among the day's
 * check-ins, after supervisors' reviews: verified beats doubtful beats
 * rejected), or absent (none).
 * The web app polls it for the live presence page.
 *
 *   GET /api/v1/presence?unit=ID&day=YYYY-MM-DD&status=S&limit=N
 *   -> {"day", "unit": {"id","name","kind"} | null,
 *       "counts": {"on_duty","verified","doubtful","rejected","absent",
 *                  "leave","tour","late"},
 *       "items": [{"person":{"id","name"}, "post":{"id","designation",
 *                  "unit":{"id","name"}}, "status", "late", "last": check-in|null}],
 *       "more": bool,
 *       "positions": [{"person_id","name","lat","lon","at_ms","verdict"}]}
 *
 * Items come doubtful first (they need a supervisor), then rejected,
 * absent and verified, each by name; only those of `status` when given;
 * at most `limit` (default 200, at most 1000).  counts are always of
 * everyone in scope.  positions holds the last verified fix of each person
 * in scope (its "verdict" is the check-in's status after any review).
 * Needs attendance.read; rows are limited to the caller's reach (a
 * secretary sees their department only).  Someone with no verified
 * check-in on a day of approved leave or a tour is "leave" or "tour"
 * instead of absent; "late" (an item flag, and a count) is a presence
 * after the post's start + grace, from the person's day (att_days).
 */
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "attendance.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/store.h"
#include "org/authz.h"
#include "org/people.h"
#include "org/tree.h"

#define HOLDERS_MAX 50000
#define LIMIT_DEFAULT 200
#define LIMIT_MAX 1000

enum status { ST_DOUBTFUL, ST_REJECTED, ST_ABSENT, ST_LEAVE, ST_TOUR, ST_VERIFIED, ST_COUNT };
static const char *const status_names[ST_COUNT] = { "doubtful", "rejected", "absent", "leave", "tour", "verified" };

/* One person in scope and how their day stands. */
struct row {
	const struct holder *h;
	enum status status;
	int64_t last_id;       /* the day's latest check-in, 0 = none */
	int64_t verified_id;   /* the day's latest verified check-in */
	int late;              /* the first presence was late */
};

static int cmp_person(const void *a, const void *b)
{
	int64_t x = ((const struct row *)a)->h->pg.person, y = ((const struct row *)b)->h->pg.person;

	return (x > y) - (x < y);
}

static int cmp_show(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->status != y->status)
		return (int)x->status - (int)y->status;
	return strcmp(x->h->name, y->h->name);
}

static struct row *find(struct row *rows, size_t n, int64_t person)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[mid].h->pg.person == person)
			return &rows[mid];
		if (rows[mid].h->pg.person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* mark - how each person's day stands, from their day (att_days, day.c):
 * its status after reviews, its latest check-in and latest presence, and
 * whether that presence was late. */
static int mark(struct db *db, const char *day, struct row *rows, size_t n)
{
	static const enum status of_status[] = { ST_ABSENT, ST_REJECTED, ST_DOUBTFUL, ST_VERIFIED };
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT person_id, status, last_id, verified_id, late FROM att_days WHERE day = ?1",
			    &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		struct row *w = find(rows, n, stmt_i64(st, 0));
		int64_t status = stmt_i64(st, 1);

		if (!w || status < ATT_DAY_REJECTED || status > ATT_DAY_PRESENT)
			continue;
		w->status = of_status[status];
		w->last_id = stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2);
		w->verified_id = stmt_isnull(st, 3) ? 0 : stmt_i64(st, 3);
		w->late = status == ATT_DAY_PRESENT && stmt_i64(st, 4);
	}
	stmt_done(st);
	return rc;
}

/* excuse - absent rows on approved leave or tour that day. */
static int excuse(struct db *db, cal_day day, struct row *rows, size_t n)
{
	struct att_absence *away = NULL;
	size_t naway = 0;
	int rc = att_absences_between(db, day, day, &away, &naway);

	for (size_t i = 0; rc == DF_OK && i < naway; i++) {
		struct row *w = find(rows, n, away[i].person);

		if (w && (w->status == ST_ABSENT || w->status == ST_REJECTED))
			w->status = away[i].kind == ATT_TOUR ? ST_TOUR : ST_LEAVE;
	}
	free(away);
	return rc;
}

/* item_json - one row of the list, its last check-in as read (last,
 * not taken; NULL for none). */
static json_t *item_json(const struct row *w, json_t *last)
{
	return json_pack("{s:{s:o, s:s}, s:{s:o, s:s, s:{s:o, s:s}}, s:s, s:b, s:O}", "person", "id",
			 json_id(w->h->pg.person), "name", w->h->name, "post", "id", json_id(w->h->pg.post),
			 "designation", w->h->pg.designation, "unit", "id", json_id(w->h->pg.unit), "name",
			 w->h->unit_name, "status", status_names[w->status], "late", w->late, "last",
			 last ? last : json_null());
}

/* checkin - check-in id as JSON, NULL for 0 or when it cannot be read. */
static json_t *checkin(struct db *db, int64_t id)
{
	json_t *c = NULL;

	if (id && att_checkin_json(db, id, &c) != DF_OK)
		c = NULL;
	return c;
}

/* position_json - the last verified fix of a person, for the map, from
 * that check-in c (not taken). */
static json_t *position_json(const struct row *w, json_t *c)
{
	return json_pack("{s:o, s:s, s:O, s:O, s:O, s:O}", "person_id", json_id(w->h->pg.person), "name",
			 w->h->name, "lat", json_object_get(c, "lat"), "lon", json_object_get(c, "lon"), "at_ms",
			 json_object_get(c, "at_ms"), "verdict", json_object_get(c, "status"));
}

/* build - the answer for the rows (sorted for showing). */
static json_t *build(struct db *db, const char *day, json_t *unit, const struct row *rows, size_t n, size_t limit,
		     int only, const size_t counts[ST_COUNT])
{
	json_t *items = json_array(), *positions = json_array();
	size_t shown = 0, listed = 0, late = 0;

	for (size_t i = 0; i < n; i++)
		late += rows[i].late;

	for (size_t i = 0; items && positions && i < n; i++) {
		const struct row *w = &rows[i];
		int wanted = only < 0 || w->status == (enum status)only;
		int show = wanted && shown < limit;
		json_t *last = show ? checkin(db, w->last_id) : NULL, *ver = NULL;

		listed += wanted;
		if (show && json_array_append_new(items, item_json(w, last)) == 0)
			shown++;
		if (w->verified_id) {
			/* read once: the last check-in of the day is often the verified one */
			ver = last && w->verified_id == w->last_id ? json_incref(last) : checkin(db, w->verified_id);
			if (ver)
				json_array_append_new(positions, position_json(w, ver));
		}
		json_decref(ver);
		json_decref(last);
	}
	return json_pack("{s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:b, s:o}", "day", day, "unit",
			 unit ? unit : json_null(), "counts", "on_duty", (json_int_t)n, "verified",
			 (json_int_t)counts[ST_VERIFIED], "doubtful", (json_int_t)counts[ST_DOUBTFUL], "rejected",
			 (json_int_t)counts[ST_REJECTED], "absent", (json_int_t)counts[ST_ABSENT], "leave",
			 (json_int_t)counts[ST_LEAVE], "tour", (json_int_t)counts[ST_TOUR], "late", (json_int_t)late,
			 "items", items, "more", listed > shown, "positions", positions);
}

int presence_get(struct request *r)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct holder *h = NULL;
	struct row *rows = NULL;
	struct db *db = NULL;
	size_t nareas = 0, n = 0, counts[ST_COUNT] = { 0 };
	int64_t unit = 0, limit = LIMIT_DEFAULT;
	cal_day day = cal_day_of_instant(clock_now_ms());
	const char *ds = req_query(r, "day");
	const char *ss = req_query(r, "status");
	int only = -1;
	char d[11], name[128];
	json_t *unit_json = NULL, *out = NULL;
	enum unit_kind kind;
	int rc, status;

	if (req_query_id(r, "unit", &unit) != DF_OK)
		return r->problem_status;
	if (ds && cal_parse(ds, &day) != DF_OK)
		return req_problem_field(r, 400, "day", "day must be a date YYYY-MM-DD");
	if (req_query_int(r, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &limit) != DF_OK)
		return r->problem_status;
	for (int i = 0; ss && i < ST_COUNT; i++)
		if (strcmp(ss, status_names[i]) == 0)
			only = i;
	if (ss && only < 0)
		return req_problem_field(r, 400, "status",
					 "status must be verified, doubtful, rejected, absent, leave or tour");
	if (unit && authz_object(r, "attendance.read", unit, 0) != DF_OK)
		return r->problem_status ? r->problem_status : req_fail(r, DF_EDENIED);
	rc = authz_reach(r, "attendance.read", areas, AUTHZ_MAX_GRANTS, &nareas);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = people_holders(db, day, unit, areas, nareas, HOLDERS_MAX, &h, &n);
	if (rc == DF_ETOOBIG)
		return req_problem_field(r, 422, "unit", "more than %d people are posted there; choose a smaller unit",
					 HOLDERS_MAX);
	if (rc != DF_OK)
		return req_fail(r, rc);
	rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		free(h);
		return req_fail(r, DF_ENOMEM);
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].h = &h[i];
		rows[i].status = ST_ABSENT;
	}
	qsort(rows, n, sizeof *rows, cmp_person);
	cal_format(day, d);
	rc = mark(db, d, rows, n);
	if (rc == DF_OK)
		rc = excuse(db, day, rows, n);
	if (rc == DF_OK) {
		for (size_t i = 0; i < n; i++)
			counts[rows[i].status]++;
		qsort(rows, n, sizeof *rows, cmp_show);
		if (unit && org_unit_name(db, unit, day, name, sizeof name) == DF_OK &&
		    org_unit_kind(db, unit, day, &kind) == DF_OK)
			unit_json = json_pack("{s:o, s:s, s:s}", "id", json_id(unit), "name", name, "kind",
					      unit_kind_name(kind));
		out = build(db, d, unit_json, rows, n, (size_t)limit, only, counts);
		status = req_reply_take(r, 200, &out);
	} else {
		status = req_fail(r, rc);
	}
	free(rows);
	free(h);
	return status;
}
