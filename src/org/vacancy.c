/*
 * vacancy.c - the vacancy report: sanctioned, filled and vacant posts as
 * of a day, grouped by district, division or department.
 *
 * Cost does not grow with queries per post: one grouped query counts the
 * posts alive on the day per (unit, department), with a filled flag from
 * an indexed EXISTS on postings; the tree as of the day is read once
 * (unitmap_load) and every unit is mapped to its district or division in
 * memory.  So ~10k posts cost one pass over the posts index and a few
 * hundred in-memory walks.
 *
 * Grouping follows the tree of the asked day, so a 2025 report has a
 * Quetta row and an August 2026 one has Quetta East and Quetta West.
 * Posts that sit above the asked level (the provincial secretariat; and
 * the divisional offices in a by=district report) form the "Province"
 * group; posts whose unit is not in that day's tree (a unit abolished
 * while its posts were left open) form an "Outside the tree" group, so
 * totals always equal the sum of the rows.
 */
#include <stdlib.h>
#include <string.h>
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/store.h"
#include "people_int.h"

/* Group keys for the two special groups (never a real id: ids are > 0). */
#define GROUP_PROVINCE 0
#define GROUP_OUTSIDE (-1)

struct group {
	int64_t key;       /* unit or department id, or a GROUP_* */
	int64_t sanctioned;
	int64_t filled;
};

struct groups {
	struct group *g;
	size_t n, cap;
};

/* group_add - add counts to the group of key. */
static int group_add(struct groups *gs, int64_t key, int64_t sanctioned, int64_t filled)
{
	for (size_t i = 0; i < gs->n; i++) {
		if (gs->g[i].key == key) {
			gs->g[i].sanctioned += sanctioned;
			gs->g[i].filled += filled;
			return DF_OK;
		}
	}
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 64;
		struct group *ng = realloc(gs->g, cap * sizeof *ng);

		if (!ng)
			return DF_ENOMEM;
		gs->g = ng;
		gs->cap = cap;
	}
	gs->g[gs->n++] = (struct group){ key, sanctioned, filled };
	return DF_OK;
}

/* A row ready to sort: its name and its JSON. */
struct row {
	const char *name;
	int rank;          /* 0 named groups, 1 Province, 2 outside the tree */
	json_t *obj;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->name, y->name);
}

static json_t *counts_json(json_t *o, int64_t sanctioned, int64_t filled)
{
	if (o && (json_object_set_new(o, "sanctioned", json_integer(sanctioned)) ||
		  json_object_set_new(o, "filled", json_integer(filled)) ||
		  json_object_set_new(o, "vacant", json_integer(sanctioned - filled)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* row_of - the JSON row of group g and its sort name. */
static int row_of(const struct group *g, int by_dept, const char *kind, const struct unitmap *m,
		  const struct depts *d, struct row *out)
{
	json_t *o;

	out->rank = 0;
	if (g->key == GROUP_PROVINCE) {
		out->name = "Province";
		out->rank = 1;
		o = json_pack("{s:n, s:s, s:s}", "id", "name", "Province", "kind", "province");
	} else if (g->key == GROUP_OUTSIDE) {
		out->name = "Outside the tree";
		out->rank = 2;
		o = json_pack("{s:n, s:s, s:n}", "id", "name", "Outside the tree", "kind");
	} else if (by_dept) {
		const struct dept *dp = depts_get(d, g->key);

		out->name = dp ? dp->name : "";
		o = json_pack("{s:o, s:s, s:s, s:s}", "id", json_id(g->key), "code", dp ? dp->code : "", "name",
			      out->name, "kind", "department");
	} else {
		const struct unit_node *u = unitmap_get(m, g->key);

		out->name = u ? u->name : "";
		o = json_pack("{s:o, s:s, s:s}", "id", json_id(g->key), "name", out->name, "kind", kind);
	}
	out->obj = counts_json(o, g->sanctioned, g->filled);
	return out->obj ? DF_OK : DF_ENOMEM;
}

/* count_posts - the grouped counts of the posts alive on day. */
static int count_posts(struct db *db, const char *day, int64_t department, int by_dept, enum unit_kind kind,
		       const struct unitmap *m, struct groups *gs)
{
	static const char sql[] =
		"SELECT p.unit_id, p.department_id, COUNT(*),"
		" SUM(CASE WHEN EXISTS (SELECT 1 FROM postings pg WHERE pg.post_id = p.id AND "
		PEOPLE_ASOF("pg", "?1") ") THEN 1 ELSE 0 END)"
		" FROM posts p WHERE " PEOPLE_ASOF("p", "?1") " AND (CAST(?2 AS BIGINT) = 0 OR p.department_id = ?2)"
		" GROUP BY p.unit_id, p.department_id";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_i64(st, 2, department);
	for (;;) {
		int64_t unit, key;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		unit = stmt_i64(st, 0);
		if (by_dept)
			key = stmt_i64(st, 1);
		else if (!unitmap_get(m, unit))
			key = GROUP_OUTSIDE;
		else
			key = unitmap_ancestor(m, unit, kind); /* 0 (Province) when above the level */
		rc = group_add(gs, key, stmt_i64(st, 2), stmt_i64(st, 3));
		if (rc != DF_OK)
			break;
	}
	stmt_done(st);
	return rc;
}

int vacancy_report(struct db *db, cal_day day, const char *by, int64_t department, json_t **out)
{
	struct unitmap m = { 0 };
	struct depts *d = NULL;
	struct groups gs = { 0 };
	struct row *rows = NULL;
	json_t *o = NULL, *arr = NULL;
	int64_t ts = 0, tf = 0;
	enum unit_kind kind = UNIT_DISTRICT;
	int by_dept = 0;
	char dayt[11];
	int rc;

	*out = NULL;
	if (strcmp(by, "district") == 0)
		kind = UNIT_DISTRICT;
	else if (strcmp(by, "division") == 0)
		kind = UNIT_DIVISION;
	else if (strcmp(by, "department") == 0)
		by_dept = 1;
	else
		return DF_EINVAL;
	cal_format(day, dayt);
	d = calloc(1, sizeof *d);
	if (!d)
		return DF_ENOMEM;
	rc = depts_load(db, d);
	if (rc == DF_OK)
		rc = unitmap_load(db, day, &m);
	if (rc == DF_OK)
		rc = count_posts(db, dayt, department, by_dept, kind, &m, &gs);
	if (rc != DF_OK)
		goto out;
	rows = calloc(gs.n ? gs.n : 1, sizeof *rows);
	arr = json_array();
	if (!rows || !arr) {
		rc = DF_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < gs.n; i++) {
		rc = row_of(&gs.g[i], by_dept, by, &m, d, &rows[i]);
		if (rc != DF_OK)
			goto out;
		ts += gs.g[i].sanctioned;
		tf += gs.g[i].filled;
	}
	qsort(rows, gs.n, sizeof *rows, cmp_row);
	for (size_t i = 0; i < gs.n; i++) {
		rc = json_array_append(arr, rows[i].obj) ? DF_ENOMEM : DF_OK;
		if (rc != DF_OK)
			goto out;
	}
	o = json_pack("{s:s, s:s, s:o, s:O, s:o}", "as_of", dayt, "by", by, "department",
		      department ? depts_ref_json(d, department) : json_null(), "rows", arr, "totals",
		      counts_json(json_object(), ts, tf));
	if (!o) {
		rc = DF_ENOMEM;
		goto out;
	}
	*out = o;
out:
	for (size_t i = 0; rows && i < gs.n; i++)
		json_decref(rows[i].obj);
	free(rows);
	free(gs.g);
	json_decref(arr);
	unitmap_release(&m);
	free(d);
	return rc;
}

/* GET /api/v1/reports/vacancies?as_of=YYYY-MM-DD&by=district|division|department&department=CODE
 * - public: counts only, no names. */
int vacancy_get(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	const char *as_of = req_query(r, "as_of"), *by = req_query(r, "by"), *code = req_query(r, "department");
	cal_day day = cal_day_of_instant(clock_now_ms());
	int64_t dept = 0;
	json_t *out = NULL;
	int rc;

	if (as_of && cal_parse(as_of, &day) != DF_OK) {
		status = req_problem(r, 400, "as_of must be a date YYYY-MM-DD");
		goto out;
	}
	if (!by)
		by = "district";
	if (strcmp(by, "district") != 0 && strcmp(by, "division") != 0 && strcmp(by, "department") != 0) {
		status = req_problem(r, 400, "by must be district, division or department");
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK && code) {
		rc = strlen(code) > 24 ? DF_ENOTFOUND : org_department_find(db, code, &dept);
		if (rc == DF_ENOTFOUND) {
			status = req_problem(r, 400, "department must be a department code such as EDU");
			goto out;
		}
	}
	if (rc == DF_OK)
		rc = vacancy_report(db, day, by, dept, &out);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}
