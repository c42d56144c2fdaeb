/*
 * review.c - the queue of check-ins waiting for a supervisor's review: the
 * doubtful check-ins nobody has accepted or rejected yet, of postings that
 * lie within the caller's attendance.manage reach, never the caller's own
 * (nobody reviews their own: POST /api/v1/checkins/{id}/review answers 403).
 *
 *   GET /api/v1/checkins/pending?unit=ID&day=YYYY-MM-DD&limit=N&before=ID
 *   -> {"items": [check-in (att_checkin_json) + "person": {"id","name"},
 *                 "post": {"id","designation"} | null,
 *                 "unit": {"id","name"} | null],
 *       "count": every pending check-in in reach under the filters (not
 *                only this page, and regardless of before),
 *       "more": bool, "next_before": the id to send as before | null}
 *
 * Order: newest first by id.  Ids are time-ordered by the moment daftar
 * stored the check-in (core/id.c), so this is the order in which they
 * arrived: a check-in kept offline for a day is listed when it arrived,
 * with its own at_ms.  before=ID is a cursor (the last id of a page): the
 * next page holds the smaller ids, so a review made between two pages
 * neither repeats nor skips an item.  limit is 1..200 (50).
 *
 * Reach is decided in SQL, so that no more than a page of rows is ever
 * held: each area of authz_reach (intersected with ?unit= when given) is a
 * seed (unit, department; unit 0 = every unit, department 0 = every
 * department), and a recursive query walks the org tree of today (as
 * authz does) down from the seeds.  A check-in is in reach when its
 * posting's unit is in a seed's subtree and its department matches the
 * seed's.  A check-in made while its person held no post (no unit) is in
 * reach of province-wide roles only.  The SQL text depends only on how
 * many seeds there are (padded to 1, 4 or 16) and whether one is of every
 * unit, so the statement cache holds few variants.
 *
 * The partial index att_checkins_pending (unit_id, id) over the doubtful,
 * unreviewed rows (attendance migration 4) keeps every query, the
 * province-wide count included, to the rows that wait.
 */
#include <stdio.h>
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

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200
#define SEEDS_MAX AUTHZ_MAX_GRANTS
#define SQL_MAX 4096

/* The shared parameters: ?1 today, ?2 the caller's person (0: none),
 * ?3 the day ('' for every day); the seeds follow from ?4, two each; the
 * page's cursor and limit after the seeds. */
#define SEED_PARAM0 4

/* A place the caller may review in: unit's subtree as of today (0: every
 * unit; -1: nothing, padding), department (0: every department). */
struct seed {
	int64_t unit;
	int64_t dept;
};

/* One row of a page, read before the JSON is built. */
struct pending {
	int64_t id, person, posting, unit;
	char day[11];
};

/* ------------------------------------------------------------- reach */

/* seed_add - add (unit, dept) to seeds unless it is there already. */
static void seed_add(struct seed *seeds, size_t *n, int64_t unit, int64_t dept)
{
	for (size_t i = 0; i < *n; i++)
		if (seeds[i].unit == unit && seeds[i].dept == dept)
			return;
	if (*n < SEEDS_MAX)
		seeds[(*n)++] = (struct seed){ unit, dept };
}

/* make_seeds - the seeds of r's attendance.manage reach, narrowed to the
 * subtree of unit when unit is not 0 (an area above it gives unit itself;
 * an area inside it stays as it is; others drop out).  *n may be 0:
 * nothing is reached.  Everywhere (unit 0, every department) is one seed. */
static int make_seeds(struct request *r, struct db *db, int64_t unit, cal_day today, struct seed *seeds, size_t *n)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	size_t nareas = 0;
	int rc = authz_reach(r, "attendance.manage", areas, AUTHZ_MAX_GRANTS, &nareas);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	if (nareas > AUTHZ_MAX_GRANTS)
		nareas = AUTHZ_MAX_GRANTS;
	for (size_t i = 0; i < nareas; i++) {
		const struct authz_area *a = &areas[i];
		int64_t root = a->all_units ? 0 : a->unit;
		int in_area = 1, in_unit = 0;

		if (unit && root) /* the unit asked for lies in the area ... */
			rc = org_unit_within(db, unit, root, today, &in_area);
		if (rc == DF_OK && unit && root && !in_area) /* ... or the area in it */
			rc = org_unit_within(db, root, unit, today, &in_unit);
		if (rc != DF_OK)
			return rc;
		if (!unit)
			seed_add(seeds, n, root, a->department);
		else if (in_area)
			seed_add(seeds, n, unit, a->department);
		else if (in_unit)
			seed_add(seeds, n, root, a->department);
	}
	for (size_t i = 0; i < *n; i++) {
		if (seeds[i].unit == 0 && seeds[i].dept == 0) {
			seeds[0] = seeds[i];
			*n = 1;
			break;
		}
	}
	return DF_OK;
}

/* padded - the number of seeds the SQL is written for: 1, 4 or 16. */
static size_t padded(size_t n)
{
	return n <= 1 ? 1 : n <= 4 ? 4 : SEEDS_MAX;
}

/* everywhere - 1 if some seed is of every unit. */
static int everywhere(const struct seed *seeds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seeds[i].unit == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- SQL */

/* Alive on ?1 (today): a version of the org tree. */
#define ASOF(v) v ".valid_from <= ?1 AND (" v ".valid_to IS NULL OR " v ".valid_to > ?1)"

/* build_sql - the query for nseeds seeds into out: the count of every
 * pending check-in in reach (page 0), or a page of them newest first (page
 * 1: ?(4 + 2 nseeds) the cursor, ?(5 + 2 nseeds) the limit).  all_units:
 * some seed is of every unit (unit 0), so the check-ins cannot be found
 * from the units (a check-in of no unit, or of a unit gone from today's
 * tree, is then in reach too).  DF_ETOOBIG if it does not fit (it always
 * does: SQL_MAX holds 16 seeds). */
static int build_sql(char *out, size_t len, size_t nseeds, int all_units, int page)
{
	size_t at = 0;
	int w;

#define PUT(...)                                                                     \
	do {                                                                         \
		w = snprintf(out + at, len - at, __VA_ARGS__);                       \
		if (w < 0 || (size_t)w >= len - at)                                  \
			return DF_ETOOBIG;                                           \
		at += (size_t)w;                                                     \
	} while (0)

	PUT("WITH RECURSIVE seed(id, dept) AS (");
	for (size_t i = 0; i < nseeds; i++)
		PUT("%sSELECT CAST(?%zu AS BIGINT), CAST(?%zu AS BIGINT)", i ? " UNION ALL " : "",
		    SEED_PARAM0 + 2 * i, SEED_PARAM0 + 2 * i + 1);
	PUT("), reach(id, dept) AS (SELECT s.id, s.dept FROM seed s WHERE s.id > 0 AND EXISTS"
	    " (SELECT 1 FROM org_unit_versions v WHERE v.unit_id = s.id AND " ASOF("v") ")"
	    " UNION SELECT v.unit_id, p.dept FROM org_unit_versions v JOIN reach p ON v.parent_id = p.id"
	    " WHERE " ASOF("v") ")");
	PUT(" SELECT %s FROM att_checkins c WHERE c.verdict = 'doubtful' AND c.review IS NULL"
	    " AND c.person_id <> CAST(?2 AS BIGINT) AND (?3 = '' OR c.day = ?3) AND ",
	    page ? "c.id, c.person_id, c.posting_id, c.unit_id, c.day" : "COUNT(*)");
	if (all_units)
		PUT("(EXISTS (SELECT 1 FROM reach a WHERE a.id = c.unit_id"
		    " AND (a.dept = 0 OR a.dept = c.department_id))"
		    " OR EXISTS (SELECT 1 FROM seed e WHERE e.id = 0 AND (e.dept = 0 OR e.dept = c.department_id)))");
	else /* the IN lets the engine start from the units' check-ins (an index on unit_id) */
		PUT("c.unit_id IN (SELECT id FROM reach) AND EXISTS (SELECT 1 FROM reach a WHERE a.id = c.unit_id"
		    " AND (a.dept = 0 OR a.dept = c.department_id))");
	if (page)
		PUT(" AND c.id < CAST(?%zu AS BIGINT) ORDER BY c.id DESC LIMIT CAST(?%zu AS BIGINT)",
		    SEED_PARAM0 + 2 * nseeds, SEED_PARAM0 + 2 * nseeds + 1);
#undef PUT
	return DF_OK;
}

/* bind_common - the parameters both queries share: today, the caller,
 * the day, and the seeds (padded with nothing-seeds up to nseeds). */
static void bind_common(struct stmt *st, const char *today, int64_t me, const char *day, const struct seed *seeds,
			size_t n, size_t nseeds)
{
	stmt_bind_text(st, 1, today, -1);
	stmt_bind_i64(st, 2, me);
	stmt_bind_text(st, 3, day, -1);
	for (size_t i = 0; i < nseeds; i++) {
		stmt_bind_i64(st, (int)(SEED_PARAM0 + 2 * i), i < n ? seeds[i].unit : -1);
		stmt_bind_i64(st, (int)(SEED_PARAM0 + 2 * i + 1), i < n ? seeds[i].dept : -1);
	}
}

/* count_pending - how many pending check-ins the seeds reach. */
static int count_pending(struct db *db, const char *today, int64_t me, const char *day, const struct seed *seeds,
			 size_t n, int64_t *count)
{
	char sql[SQL_MAX];
	struct stmt *st = NULL;
	size_t nseeds = padded(n);
	int rc = build_sql(sql, sizeof sql, nseeds, everywhere(seeds, n), 0);

	*count = 0;
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	bind_common(st, today, me, day, seeds, n, nseeds);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*count = stmt_i64(st, 0);
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* read_page - up to limit pending check-ins below the cursor, newest
 * first, into rows (room for limit); *n how many. */
static int read_page(struct db *db, const char *today, int64_t me, const char *day, const struct seed *seeds,
		     size_t n, int64_t before, int64_t limit, struct pending *rows, size_t *nrows)
{
	char sql[SQL_MAX];
	struct stmt *st = NULL;
	size_t nseeds = padded(n);
	int rc = build_sql(sql, sizeof sql, nseeds, everywhere(seeds, n), 1);

	*nrows = 0;
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	bind_common(st, today, me, day, seeds, n, nseeds);
	stmt_bind_i64(st, (int)(SEED_PARAM0 + 2 * nseeds), before);
	stmt_bind_i64(st, (int)(SEED_PARAM0 + 2 * nseeds + 1), limit);
	while (*nrows < (size_t)limit && (rc = stmt_step(st)) == STMT_ROW) {
		struct pending *p = &rows[(*nrows)++];
		const char *d = stmt_text(st, 4);

		p->id = stmt_i64(st, 0);
		p->person = stmt_i64(st, 1);
		p->posting = stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2);
		p->unit = stmt_isnull(st, 3) ? 0 : stmt_i64(st, 3);
		snprintf(p->day, sizeof p->day, "%s", d ? d : "");
	}
	stmt_done(st);
	return rc == STMT_ROW ? DF_OK : rc;
}

/* ------------------------------------------------------------- items */

/* person_json - {"id","name"} of person ("" when the name cannot be read). */
static int person_json(struct db *db, int64_t person, json_t **out)
{
	char name[128] = "";
	int rc = people_person_name(db, person, name, sizeof name);

	if (rc != DF_OK && rc != DF_ENOTFOUND)
		return rc;
	if (rc != DF_OK)
		name[0] = '\0';
	*out = json_pack("{s:o, s:s}", "id", json_id(person), "name", name);
	return *out ? DF_OK : DF_ENOMEM;
}

/* post_json - {"id","designation"} of the posting's post; null without one. */
static int post_json(struct db *db, int64_t posting, json_t **out)
{
	struct posting_ref pg;
	int rc = posting ? people_posting_ref(db, posting, &pg) : DF_ENOTFOUND;

	if (rc == DF_ENOTFOUND) {
		*out = json_null();
		return DF_OK;
	}
	if (rc != DF_OK)
		return rc;
	*out = json_pack("{s:o, s:s}", "id", json_id(pg.post), "designation", pg.designation);
	return *out ? DF_OK : DF_ENOMEM;
}

/* unit_json - {"id","name"} of unit, named as on the check-in's day (or
 * today, if it did not exist then); null without a unit. */
static int unit_json(struct db *db, int64_t unit, const char *day, cal_day today, json_t **out)
{
	char name[ORG_NAME_MAX + 8] = "";
	cal_day d = today;
	int rc;

	if (!unit) {
		*out = json_null();
		return DF_OK;
	}
	if (cal_parse(day, &d) != DF_OK)
		d = today;
	rc = org_unit_name(db, unit, d, name, sizeof name);
	if (rc == DF_ENOTFOUND && d != today)
		rc = org_unit_name(db, unit, today, name, sizeof name);
	if (rc == DF_ENOTFOUND) {
		name[0] = '\0'; /* not in the tree either day: shown without a name */
		rc = DF_OK;
	}
	if (rc != DF_OK)
		return rc;
	*out = json_pack("{s:o, s:s}", "id", json_id(unit), "name", name);
	return *out ? DF_OK : DF_ENOMEM;
}

/* An item's parts, kept to be shared by later rows of the same person,
 * posting or unit (a page often holds several check-ins of one person). */
struct parts {
	json_t *person, *post, *unit;
};

/* item_json - row i of the page as an item; the parts of rows before it
 * are reused when they are about the same person, posting or unit. */
static int item_json(struct db *db, const struct pending *rows, struct parts *parts, size_t i, cal_day today,
		     json_t **out)
{
	const struct pending *p = &rows[i];
	struct parts *mine = &parts[i];
	json_t *c = NULL;
	int rc = att_checkin_json(db, p->id, &c);

	*out = NULL;
	for (size_t k = 0; k < i; k++) {
		if (!mine->person && rows[k].person == p->person)
			mine->person = json_incref(parts[k].person);
		if (!mine->post && rows[k].posting == p->posting)
			mine->post = json_incref(parts[k].post);
		if (!mine->unit && rows[k].unit == p->unit && strcmp(rows[k].day, p->day) == 0)
			mine->unit = json_incref(parts[k].unit);
	}
	if (rc == DF_OK && !mine->person)
		rc = person_json(db, p->person, &mine->person);
	if (rc == DF_OK && !mine->post)
		rc = post_json(db, p->posting, &mine->post);
	if (rc == DF_OK && !mine->unit)
		rc = unit_json(db, p->unit, p->day, today, &mine->unit);
	if (rc == DF_OK && (json_object_set(c, "person", mine->person) || json_object_set(c, "post", mine->post) ||
			    json_object_set(c, "unit", mine->unit)))
		rc = DF_ENOMEM;
	if (rc != DF_OK) {
		json_decref(c);
		return rc;
	}
	*out = c;
	return DF_OK;
}

/* build - the answer for the rows of a page (at most limit of the
 * limit + 1 read: one more says there is more). */
static int build(struct db *db, const struct pending *rows, size_t n, size_t limit, int64_t count, cal_day today,
		 json_t **out)
{
	struct parts *parts = calloc(n ? n : 1, sizeof *parts);
	json_t *items = json_array();
	size_t shown = n > limit ? limit : n;
	int rc = parts && items ? DF_OK : DF_ENOMEM;

	*out = NULL;
	for (size_t i = 0; rc == DF_OK && i < shown; i++) {
		json_t *it = NULL;

		rc = item_json(db, rows, parts, i, today, &it);
		if (rc == DF_OK && json_array_append_new(items, it))
			rc = DF_ENOMEM;
	}
	for (size_t i = 0; parts && i < shown; i++) {
		json_decref(parts[i].person);
		json_decref(parts[i].post);
		json_decref(parts[i].unit);
	}
	free(parts);
	if (rc == DF_OK) {
		*out = json_pack("{s:o, s:I, s:b, s:o}", "items", items, "count", (json_int_t)count, "more", n > limit,
				 "next_before", n > limit && shown ? json_id(rows[shown - 1].id) : json_null());
		items = NULL;
		rc = *out ? DF_OK : DF_ENOMEM;
	}
	json_decref(items);
	return rc;
}

/* ------------------------------------------------------------ handler */

/* review_queue_get - GET /api/v1/checkins/pending (att_int.h): the inputs
 * checked (400 naming the field), ?unit= within the reach (404 outside it,
 * or when no such unit exists today), then the count and one page (limit +
 * 1 rows read: the one more says there is more). */
int review_queue_get(struct request *r)
{
	struct seed seeds[SEEDS_MAX];
	struct pending *rows = NULL;
	struct db *db = NULL;
	const char *ds = req_query(r, "day");
	cal_day today = cal_day_of_instant(clock_now_ms()), day = 0;
	int64_t unit = 0, limit = LIMIT_DEFAULT, before = 0, count = 0;
	size_t nseeds = 0, nrows = 0;
	char t[11], d[11] = "", name[ORG_NAME_MAX + 8];
	json_t *out = NULL;
	int rc;

	if (req_query_id(r, "unit", &unit) != DF_OK)
		return r->problem_status;
	if (ds && cal_parse(ds, &day) != DF_OK)
		return req_problem_field(r, 400, "day", "day must be a date YYYY-MM-DD");
	if (req_query_int(r, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &limit) != DF_OK ||
	    req_query_id(r, "before", &before) != DF_OK)
		return r->problem_status;
	rc = unit ? authz_object(r, "attendance.manage", unit, 0) : DF_OK; /* 404 outside the reach */
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK && unit) {
		rc = org_unit_name(db, unit, today, name, sizeof name);
		if (rc == DF_ENOTFOUND)
			return req_problem_field(r, 404, "unit", "no such unit today");
	}
	if (rc == DF_OK)
		rc = make_seeds(r, db, unit, today, seeds, &nseeds);
	if (rc != DF_OK)
		return req_fail(r, rc);
	cal_format(today, t);
	if (ds)
		cal_format(day, d);
	rows = calloc((size_t)limit + 1, sizeof *rows);
	if (!rows)
		return req_fail(r, DF_ENOMEM);
	if (nseeds) {
		rc = count_pending(db, t, r->who.person_id, d, seeds, nseeds, &count);
		if (rc == DF_OK)
			rc = read_page(db, t, r->who.person_id, d, seeds, nseeds, before ? before : INT64_MAX,
				       limit + 1, rows, &nrows);
	}
	if (rc == DF_OK)
		rc = build(db, rows, nrows, (size_t)limit, count, today, &out);
	free(rows);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}
