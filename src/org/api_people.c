/*
 * api_people.c - the HTTP face of the people module (`people_module`):
 * posts, postings, people, the caller's own profile (/me) and the public
 * vacancy report, with the module's schema.
 *
 * Every handler has the one-exit shape of http.h.  The dispatcher has
 * already checked that the caller's role allows the route's action
 * somewhere; each handler then checks the object with authz_object (404
 * outside the caller's jurisdiction, 403 for a missing action) or, for
 * lists, filters rows by the caller's reach (authz_reach) against the tree
 * as of today read once.  Writes run in one transaction with their audit
 * leaf.  Shapes are in docs/API.md; in short:
 *
 *   post     {"id","designation","bps","role","department":{"id","code","name"},
 *             "unit":{"id","name","kind"},"valid_from","valid_to",
 *             "holder":{"posting_id","person":{"id","name"},"valid_from","valid_to"}|null}
 *   posting  {"id","person":{"id","name"},"post_id","valid_from","valid_to","order_ref"}
 *   person   {"id","name","gender","generated","cnic"?,"phone"?,"postings":[...]}
 *
 * The people and /me handlers are in api_person.c, the report's in vacancy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/calendar.h"
#include "../core/http.h"
#include "../core/store.h"
#include "authz.h"
#include "people.h"
#include "people_int.h"

#define BODY_MAX 4096
#define LIST_DEFAULT 100
#define LIST_MAX 500

/* ------------------------------------------------------------- helpers */

/* parse_pos_id - a positive decimal int64, nothing else. */
static int parse_pos_id(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return DF_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return DF_EINVAL;
	*out = v;
	return DF_OK;
}

/* query_day - query argument name as a day (absent: today); 400 if bad. */
static int query_day(struct request *r, const char *name, cal_day *out)
{
	const char *s = req_query(r, name);

	*out = people_today();
	if (!s)
		return DF_OK;
	if (cal_parse(s, out) != DF_OK) {
		req_problem(r, 400, "%s must be a date YYYY-MM-DD", name);
		return DF_EINVAL;
	}
	return DF_OK;
}

/* query_dept - query argument "department" as a code or an id (absent: 0). */
static int query_dept(struct request *r, const struct depts *d, int64_t *out)
{
	const char *s = req_query(r, "department");
	const struct dept *dp = NULL;
	int64_t id = 0;

	*out = 0;
	if (!s)
		return DF_OK;
	dp = depts_find(d, s);
	if (!dp && parse_pos_id(s, &id) == DF_OK)
		dp = depts_get(d, id);
	if (!dp) {
		req_problem(r, 400, "department must be a department code such as EDU");
		return DF_EINVAL;
	}
	*out = dp->id;
	return DF_OK;
}

/* post_view_day - the day a post is best shown on: today while it lives,
 * else its last day (abolished) or its first (not yet sanctioned). */
static cal_day post_view_day(const struct post *p)
{
	cal_day t = people_today(), from = t, to = t;

	if (cal_parse(p->valid_from, &from) == DF_OK && t < from)
		return from;
	if (p->valid_to[0] && cal_parse(p->valid_to, &to) == DF_OK && t >= to)
		return to - 1;
	return t;
}

/* ------------------------------------------------------------- GET /posts */

/* visible - may the areas see post p (jurisdiction as of today in tm)? */
static int visible(const struct authz_area *a, size_t n, const struct unitmap *tm, const struct post *p)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].department && a[i].department != p->department)
			continue;
		if (a[i].all_units || unitmap_within(tm, p->unit, a[i].unit))
			return 1;
	}
	return 0;
}

struct list_args {
	cal_day day;        /* as_of */
	int64_t department; /* 0 = all */
	int64_t unit;       /* 0 = all; else that unit's subtree as of day */
	int vacant;         /* 1: only posts nobody holds on day */
	int64_t after;      /* keyset: ids above this */
	int64_t limit;      /* 1..LIST_MAX */
};

static int list_args(struct request *r, const struct depts *d, struct list_args *a)
{
	const char *s;

	memset(a, 0, sizeof *a);
	a->limit = LIST_DEFAULT;
	if (query_day(r, "as_of", &a->day) != DF_OK || query_dept(r, d, &a->department) != DF_OK)
		return DF_EINVAL;
	s = req_query(r, "unit");
	if (s && parse_pos_id(s, &a->unit) != DF_OK) {
		req_problem(r, 400, "unit must be a unit id");
		return DF_EINVAL;
	}
	s = req_query(r, "after");
	if (s && parse_pos_id(s, &a->after) != DF_OK) {
		req_problem(r, 400, "after must be a post id");
		return DF_EINVAL;
	}
	s = req_query(r, "limit");
	if (s && (parse_pos_id(s, &a->limit) != DF_OK || a->limit > LIST_MAX)) {
		req_problem(r, 400, "limit must be from 1 to %d", LIST_MAX);
		return DF_EINVAL;
	}
	s = req_query(r, "vacant");
	if (s && strcmp(s, "1") != 0 && strcmp(s, "true") != 0 && strcmp(s, "0") != 0 && strcmp(s, "false") != 0) {
		req_problem(r, 400, "vacant must be 1 or 0");
		return DF_EINVAL;
	}
	a->vacant = s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
	return DF_OK;
}

/* holder_json - the holder columns of a list row, or JSON null. */
static json_t *holder_json(struct stmt *st, int col)
{
	if (stmt_isnull(st, col))
		return json_null();
	return json_pack("{s:o, s:{s:o, s:s?}, s:s, s:o}", "posting_id", json_id(stmt_i64(st, col)), "person", "id",
			 json_id(stmt_i64(st, col + 1)), "name", stmt_text(st, col + 2), "valid_from",
			 stmt_text(st, col + 3),
			 "valid_to", stmt_isnull(st, col + 4) ? json_null() : json_string(stmt_text(st, col + 4)));
}

/* list_posts - fill items with up to a->limit visible posts; *next gets the
 * last id when more follow. */
static int list_posts(struct db *db, const struct list_args *a, const struct authz_area *areas, size_t nareas,
		      const struct unitmap *tm, const struct unitmap *dm, const struct depts *d, json_t *items,
		      int64_t *next)
{
	static const char sql[] =
		"SELECT " POST_COLS_P ", pg.id, pg.person_id, pe.name, pg.valid_from, pg.valid_to"
		" FROM posts p LEFT JOIN postings pg ON pg.post_id = p.id AND " PEOPLE_ASOF("pg", "?1")
		" LEFT JOIN people pe ON pe.id = pg.person_id"
		" WHERE " PEOPLE_ASOF("p", "?1") " AND p.id > ?2 AND (CAST(?3 AS BIGINT) = 0 OR p.department_id = ?3)"
		" AND (CAST(?4 AS BIGINT) = 0 OR pg.id IS NULL) ORDER BY p.id";
	struct stmt *st = NULL;
	char day[11];
	int64_t n = 0, last = 0;
	int rc = db_prepare(db, sql, &st);

	*next = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(a->day, day);
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_i64(st, 2, a->after);
	stmt_bind_i64(st, 3, a->department);
	stmt_bind_i64(st, 4, a->vacant);
	for (;;) {
		struct post p;
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		post_read_row(st, 0, &p);
		if (!visible(areas, nareas, tm, &p) || (a->unit && !unitmap_within(dm, p.unit, a->unit)))
			continue;
		if (n == a->limit) {
			*next = last;
			break;
		}
		o = post_json(&p, dm, d);
		if (o && json_object_set_new(o, "holder", holder_json(st, 9)) != 0) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(items, o) != 0) {
			rc = DF_ENOMEM;
			break;
		}
		n++;
		last = p.id;
	}
	stmt_done(st);
	return rc == STMT_ROW ? DF_OK : rc;
}

/* GET /api/v1/posts?unit=&department=&vacant=1&as_of=&limit=&after= */
static int get_posts(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct depts *d = NULL;
	struct unitmap tm = { 0 }, dm = { 0 };
	struct authz_area areas[AUTHZ_MAX_GRANTS + 1];
	struct list_args a;
	size_t nareas = 0;
	json_t *items = NULL, *out = NULL;
	int64_t next = 0;
	char day[11];
	int rc;

	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = depts_alloc(db, &d);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (list_args(r, d, &a) != DF_OK) {
		status = req_fail(r, DF_EINVAL);
		goto out;
	}
	rc = authz_reach(r, "posts.read", areas, COUNT_OF(areas), &nareas);
	if (rc == DF_OK && nareas > COUNT_OF(areas))
		nareas = COUNT_OF(areas);
	if (rc == DF_OK)
		rc = unitmap_load(db, people_today(), &tm);
	if (rc == DF_OK)
		rc = a.day == tm.day ? DF_OK : unitmap_load(db, a.day, &dm);
	items = json_array();
	if (rc == DF_OK && !items)
		rc = DF_ENOMEM;
	if (rc == DF_OK)
		rc = list_posts(db, &a, areas, nareas, &tm, a.day == tm.day ? &tm : &dm, d, items, &next);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	cal_format(a.day, day);
	out = json_pack("{s:s, s:O, s:o}", "as_of", day, "items", items, "next", next ? json_id(next) : json_null());
	status = req_reply_take(r, 200, &out);
out:
	json_decref(items);
	json_decref(out);
	unitmap_release(&tm);
	unitmap_release(&dm);
	free(d);
	return status;
}

/* ------------------------------------------------------------- GET /posts/{id} */

/* post_history - the postings of a post, newest first (the latest 200);
 * *holder gets the one holding on day (a new reference) or JSON null. */
static int post_history(struct db *db, int64_t post, cal_day day, json_t *arr, json_t **holder)
{
	static const char sql[] = "SELECT " POSTING_COLS_PG ", pe.name FROM postings pg"
				  " JOIN people pe ON pe.id = pg.person_id"
				  " WHERE pg.post_id = ?1 ORDER BY pg.valid_from DESC LIMIT 200";
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, sql, &st);

	*holder = json_null();
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, post);
	for (;;) {
		struct posting pg;
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		posting_read_row(st, 0, &pg);
		o = posting_json(&pg, stmt_text(st, 7));
		if (!o || json_array_append_new(arr, o)) {
			rc = DF_ENOMEM;
			break;
		}
		if (strcmp(pg.valid_from, d) <= 0 && (!pg.valid_to[0] || strcmp(pg.valid_to, d) > 0)) {
			json_decref(*holder);
			*holder = json_incref(o);
		}
	}
	stmt_done(st);
	return rc;
}

/* GET /api/v1/posts/{id} */
static int get_post(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct depts *d = NULL;
	struct post p;
	json_t *out = NULL, *hist = NULL, *holder = NULL, *unit = NULL;
	cal_day day;
	int64_t id = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK) {
		status = req_fail(r, DF_ENOTFOUND);
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = post_get(db, id, &p);
	if (rc == DF_OK)
		rc = authz_object(r, "posts.read", p.unit, p.department);
	if (rc == DF_OK)
		rc = depts_alloc(db, &d);
	hist = json_array();
	if (rc == DF_OK && !hist)
		rc = DF_ENOMEM;
	day = rc == DF_OK ? post_view_day(&p) : 0;
	if (rc == DF_OK)
		rc = post_history(db, id, day, hist, &holder);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	unit = unit_ref_on(db, p.unit, day);
	out = post_json(&p, &(struct unitmap){ 0 }, d);
	if (!out || !unit || json_object_set(out, "unit", unit) || json_object_set(out, "holder", holder) ||
	    json_object_set(out, "history", hist))
		goto out;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	json_decref(hist);
	json_decref(holder);
	json_decref(unit);
	free(d);
	return status;
}

/* ------------------------------------------------------------- POST /posts */

/* body_dept - "department" (a code) or "department_id" of body; 422 if neither names one. */
static int body_dept(struct request *r, const struct depts *d, int64_t *out)
{
	const char *code = NULL;
	int64_t id = 0;
	const struct dept *dp = NULL;

	if (jreq_str(r, r->body_json, "department", 24, 0, &code) != DF_OK ||
	    jreq_int(r, r->body_json, "department_id", 1, INT64_MAX, 0, &id) != DF_OK)
		return DF_EINVAL;
	dp = code ? depts_find(d, code) : id ? depts_get(d, id) : NULL;
	if (!dp) {
		req_problem_field(r, 422, code || !id ? "department" : "department_id",
				  "department must be a department code such as EDU (or department_id its id)");
		return DF_EINVAL;
	}
	*out = dp->id;
	return DF_OK;
}

/* post_from_body - read and check a new post; 422 naming the field. */
static int post_from_body(struct request *r, struct db *db, const struct depts *d, struct post *p)
{
	const char *designation = NULL, *role = NULL;
	int64_t bps = 0, unit = 0;
	cal_day from = people_today();
	enum unit_kind kind;
	int rc;

	memset(p, 0, sizeof *p);
	if (jreq_str(r, r->body_json, "designation", POST_DESIGNATION_MAX, 1, &designation) != DF_OK ||
	    jreq_int(r, r->body_json, "bps", 1, 22, 1, &bps) != DF_OK ||
	    jreq_str(r, r->body_json, "role", AUTHZ_ROLE_MAX, 1, &role) != DF_OK ||
	    jreq_int(r, r->body_json, "unit_id", 1, INT64_MAX, 1, &unit) != DF_OK ||
	    jreq_date(r, r->body_json, "valid_from", 0, &from) != DF_OK || body_dept(r, d, &p->department) != DF_OK)
		return DF_EINVAL;
	if (!authz_role_known(role)) {
		req_problem_field(r, 422, "role", "role must be one of the roles of the role table");
		return DF_EINVAL;
	}
	rc = org_unit_kind(db, unit, from, &kind);
	if (rc == DF_ENOTFOUND) {
		req_problem_field(r, 422, "unit_id", "there is no such unit on valid_from");
		return DF_EINVAL;
	}
	if (rc != DF_OK)
		return rc;
	snprintf(p->designation, sizeof p->designation, "%s", designation);
	snprintf(p->role, sizeof p->role, "%s", role);
	p->bps = (int)bps;
	p->unit = unit;
	cal_format(from, p->valid_from);
	return DF_OK;
}

/* POST /api/v1/posts {designation, bps, role, unit_id, department|department_id, valid_from?} */
static int post_posts(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct depts *d = NULL;
	struct unitmap none = { 0 };
	struct post p;
	json_t *out = NULL;
	char loc[64];
	int rc;

	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = depts_alloc(db, &d);
	if (rc == DF_OK)
		rc = post_from_body(r, db, d, &p);
	if (rc == DF_OK)
		rc = authz_assign(r, "posts.write", p.role, p.unit, p.department);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = post_insert(db, &p, r->who.user_id, PEOPLE_AUDIT);
	rc = people_finish_tx(db, rc);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = post_json(&p, &none, d);
	if (!out || json_object_set_new(out, "unit", unit_ref_on(db, p.unit, post_view_day(&p))) ||
	    json_object_set_new(out, "holder", json_null()))
		goto out;
	snprintf(loc, sizeof loc, "/api/v1/posts/%lld", (long long)p.id);
	if (req_add_header(r, "Location", loc) != DF_OK)
		goto out;
	status = req_reply_take(r, 201, &out);
out:
	json_decref(out);
	free(d);
	return status;
}

/* ------------------------------------------------------------- postings */

/* person_reached - may the caller post this person?  A person who holds
 * posts today must be reached, with postings.write, at one of them: else a
 * grant could post anyone in the province to a post of its own and so
 * learn who exists and read their CNIC.  A person holding no post today
 * may be posted by any grant that may write the post.  DF_OK or
 * DF_ENOTFOUND (not reached, or reached without the action). */
static int person_reached(struct request *r, struct db *db, int64_t person)
{
	static const char sql[] =
		"SELECT p.unit_id, p.department_id FROM postings pg JOIN posts p ON p.id = pg.post_id"
		" WHERE pg.person_id = ?1 AND pg.valid_from <= ?2 AND (pg.valid_to IS NULL OR pg.valid_to > ?2)";
	struct stmt *st = NULL;
	char ds[11];
	int rc = db_prepare(db, sql, &st), held = 0, ok = 0;

	if (rc != DF_OK)
		return rc;
	cal_format(people_today(), ds);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, ds, -1);
	for (;;) {
		int d;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		held = 1;
		d = authz_decide(r, "postings.write", stmt_i64(st, 0), stmt_isnull(st, 1) ? 0 : stmt_i64(st, 1));
		if (d == DF_OK)
			ok = 1;
		else if (d != DF_EDENIED && d != DF_ENOTFOUND) {
			rc = d;
			break;
		}
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	return !held || ok ? DF_OK : DF_ENOTFOUND;
}

/* POST /api/v1/postings {person_id, post_id, valid_from, valid_to?, order_ref} */
static int post_postings(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct posting pg;
	struct person pe;
	struct post p;
	const char *order = NULL;
	int64_t person = 0, post = 0;
	cal_day from = 0, to = 0;
	char err[160];
	json_t *out = NULL;
	int rc;

	memset(&pg, 0, sizeof pg);
	if (jreq_int(r, r->body_json, "person_id", 1, INT64_MAX, 1, &person) != DF_OK ||
	    jreq_int(r, r->body_json, "post_id", 1, INT64_MAX, 1, &post) != DF_OK ||
	    jreq_date(r, r->body_json, "valid_from", 1, &from) != DF_OK ||
	    jreq_date(r, r->body_json, "valid_to", 0, &to) != DF_OK ||
	    jreq_str(r, r->body_json, "order_ref", POSTING_ORDER_MAX, 1, &order) != DF_OK) {
		status = req_fail(r, DF_EINVAL);
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = post_get(db, post, &p);
	if (rc == DF_ENOTFOUND)
		req_problem(r, 404, "no such object"); /* as for a post outside the caller's reach */
	if (rc == DF_OK)
		rc = authz_assign(r, "postings.write", p.role, p.unit, p.department);
	if (rc == DF_OK) {
		rc = person_get(db, person, &pe);
		if (rc == DF_OK)
			rc = person_reached(r, db, person);
		if (rc == DF_ENOTFOUND) { /* as for a person who does not exist */
			req_problem_field(r, 422, "person_id", "there is no such person");
			rc = DF_EINVAL;
		}
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	pg.person = person;
	pg.post = post;
	cal_format(from, pg.valid_from);
	if (to)
		cal_format(to, pg.valid_to);
	snprintf(pg.order_ref, sizeof pg.order_ref, "%s", order);
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = posting_insert(db, &pg, &p, r->who.user_id, PEOPLE_AUDIT, err, sizeof err);
	rc = people_finish_tx(db, rc);
	if (rc == DF_EINVAL || rc == DF_ECONFLICT) {
		status = rc == DF_EINVAL ? req_problem_field(r, 422, to ? "valid_to" : "valid_from", "%s", err)
					 : req_problem(r, 409, "%s", err);
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = posting_json(&pg, pe.name);
	status = req_reply_take(r, 201, &out);
out:
	json_decref(out);
	return status;
}

/* POST /api/v1/postings/{id}/end {valid_to} - the first day it no longer holds. */
static int post_posting_end(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct posting pg;
	struct person pe;
	struct post p;
	int64_t id = 0;
	cal_day to = 0;
	char tos[11];
	json_t *out = NULL;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK) {
		status = req_fail(r, DF_ENOTFOUND);
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = posting_get(db, id, &pg);
	if (rc == DF_OK)
		rc = post_get(db, pg.post, &p);
	if (rc == DF_OK)
		rc = authz_object(r, "postings.write", p.unit, p.department);
	if (rc == DF_OK && jreq_date(r, r->body_json, "valid_to", 1, &to) != DF_OK)
		rc = DF_EINVAL;
	if (rc == DF_OK)
		rc = person_get(db, pg.person, &pe);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	cal_format(to, tos);
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = posting_end(db, &pg, tos, r->who.user_id);
	rc = people_finish_tx(db, rc);
	if (rc == DF_ECONFLICT) {
		status = req_problem(r, 409, "the posting has ended already");
		goto out;
	}
	if (rc == DF_EINVAL) {
		status = req_problem_field(r, 422, "valid_to", "valid_to must be after the posting's valid_from");
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = posting_json(&pg, pe.name);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* ------------------------------------------------------------- the module */

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE posts ("
	     " id BIGINT PRIMARY KEY, designation TEXT NOT NULL, bps INT NOT NULL CHECK (bps BETWEEN 1 AND 22),"
	     " department_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, role TEXT NOT NULL,"
	     " valid_from TEXT NOT NULL, valid_to TEXT, created_at BIGINT NOT NULL,"
	     " CHECK (valid_to IS NULL OR valid_to > valid_from));"
	     "CREATE INDEX posts_asof ON posts (valid_from, valid_to);"
	     "CREATE INDEX posts_unit ON posts (unit_id, valid_from);"
	     "CREATE INDEX posts_department ON posts (department_id, valid_from);"
	     "CREATE TABLE people ("
	     " id BIGINT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL, cnic TEXT UNIQUE, phone TEXT,"
	     " generated INT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);"
	     "CREATE INDEX people_generated ON people (generated);"
	     "CREATE TABLE postings ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL REFERENCES people (id),"
	     " post_id BIGINT NOT NULL REFERENCES posts (id), valid_from TEXT NOT NULL, valid_to TEXT,"
	     " order_ref TEXT, created_at BIGINT NOT NULL,"
	     " CHECK (valid_to IS NULL OR valid_to > valid_from));"
	     "CREATE INDEX postings_post ON postings (post_id, valid_from);"
	     "CREATE INDEX postings_person ON postings (person_id, valid_from);" },
	/* when a posting was last written (created or ended), so that those who
	 * keep totals per day (attendance) find which days a change reaches */
	{ 2, "ALTER TABLE postings ADD COLUMN changed_at BIGINT;"
	     "UPDATE postings SET changed_at = created_at;"
	     "CREATE INDEX postings_changed ON postings (changed_at);" },
};

static const char *const events[] = {
	"people.post.create", "people.person.create", "people.posting.create", "people.posting.end",
	"people.demo.load", NULL,
};

static const struct route routes[] = {
	{ "GET", "/api/v1/posts", get_posts, "posts.read", 0, 0 },
	{ "POST", "/api/v1/posts", post_posts, "posts.write", BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/posts/{id}", get_post, "posts.read", 0, 0 },
	{ "POST", "/api/v1/postings", post_postings, "postings.write", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/postings/{id}/end", post_posting_end, "postings.write", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/people", person_post_h, "people.write", BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/people/{id}", person_get_h, "people.read", 0, 0 },
	{ "GET", "/api/v1/me", me_get_h, PERM_USER, 0, 0 },
	{ "GET", "/api/v1/reports/vacancies", vacancy_get, PERM_PUBLIC, 0, 0 },
};

const struct module people_module = {
	.name = "people",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.audit_events = events,
};
