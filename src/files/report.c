/*
 * report.c - pendency of files as of any day, by post, office or
 * department, in ageing buckets (docs/FILES.md, "Reports").
 *
 *   GET /api/v1/reports/files/pendency?as_of=YYYY-MM-DD&by=post|office|department
 *       &format=json|csv|xlsx
 *
 * A file is pending on a day with the post that must act on it: the post
 * it was sent to (in transit or received), or the one that opened, pulled
 * back or reopened it.  Its age is the working days from the day it came
 * to that post up to the day asked, less the working days it was parked
 * (a parked file is not pending; unparking resumes the count), exactly as
 * the file's own due day moves (api_files.c, unpark_shift).  A closed file
 * is not pending.
 *
 * The figures are a replay of the movements up to the end of the day
 * asked, file by file, so any past day is answered as it stood, with the
 * org tree of that day.  The replay reads every movement up to that day;
 * docs/PERFORMANCE.md has what that costs and what would make the
 * province report fast at scale (day snapshots, as attendance closes its
 * days).  Rows are limited to the caller's files.read reach: a post is
 * counted where it sits (its unit and department that day).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/sheet.h"
#include "core/store.h"
#include "core/system.h"
#include "files_int.h"
#include "org/tree.h"

/* What the replay leaves of one file at the end of the day asked. */
struct pending {
	int64_t post;       /* the post that must act (0: none) */
	long age;           /* working days pending */
	int parked;         /* parked that day (not pending) */
};

/* The replay of one file, movement by movement. */
struct replay {
	int64_t file;
	int64_t post;
	cal_day since;      /* the day its stage counts from */
	cal_day parked_on;  /* 0: not parked */
	int closed;
};

/* replay_step - one movement (action, to_post, day) applied to r. */
static void replay_step(struct replay *r, const struct calendar *cal, const char *action, int64_t to_post,
			cal_day day)
{
	if (!strcmp(action, "create") || !strcmp(action, "send") || !strcmp(action, "pull_back") ||
	    !strcmp(action, "reopen")) {
		r->post = to_post;
		r->since = day;
		r->parked_on = 0;
		r->closed = 0;
	} else if (!strcmp(action, "receive")) {
		r->post = to_post; /* the same post it was sent to: its stage goes on */
	} else if (!strcmp(action, "park")) {
		r->parked_on = day;
	} else if (!strcmp(action, "unpark") && r->parked_on) {
		cal_day since = r->since;

		if (files_due_day(cal, r->since, (int)files_pending_days(cal, r->parked_on, day), &since) == DF_OK)
			r->since = since;
		r->parked_on = 0;
	} else if (!strcmp(action, "close")) {
		r->closed = 1;
	}
}

/* grow - room for one more in *v of *cap items of size. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t cap2;

	if (n < *cap)
		return DF_OK;
	cap2 = *cap ? *cap * 2 : 1024;
	p = realloc(*v, cap2 * size);
	if (!p)
		return DF_ENOMEM;
	*v = p;
	*cap = cap2;
	return DF_OK;
}

/* keep - the standing of replayed file r at the end of day into v (a
 * closed file, or one with no post, is not kept). */
static int keep(const struct replay *r, const struct calendar *cal, cal_day day, struct pending **v, size_t *cap,
		size_t *n)
{
	if (r->closed || !r->post)
		return DF_OK;
	if (grow((void **)v, cap, *n, sizeof **v) != DF_OK)
		return DF_ENOMEM;
	(*v)[*n].post = r->post;
	(*v)[*n].parked = r->parked_on != 0;
	(*v)[*n].age = r->parked_on ? 0 : files_pending_days(cal, r->since, day);
	(*n)++;
	return DF_OK;
}

/* replay_all - every file's standing at the end of day, of the files that
 * had a movement by then, into *out (malloc'd), *n of them. */
static int replay_all(struct db *db, const struct calendar *cal, cal_day day, struct pending **out, size_t *n)
{
	struct stmt *st = NULL;
	struct pending *v = NULL;
	struct replay cur = { 0 };
	size_t cap = 0;
	int have = 0;
	int rc = db_prepare(db, "SELECT file_id, action, to_post, at_ms FROM file_movements WHERE at_ms < ?1"
				" ORDER BY file_id, seq", &st);

	*out = NULL;
	*n = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, cal_start_ms(day + 1));
	for (;;) {
		int row = (rc = stmt_step(st)) == STMT_ROW;
		int64_t file = row ? stmt_i64(st, 0) : 0;

		if (rc != STMT_ROW && rc != DF_OK)
			break; /* a store error */
		if (have && (!row || file != cur.file)) {
			rc = keep(&cur, cal, day, &v, &cap, n);
			have = 0;
			if (rc != DF_OK)
				break;
		}
		if (!row)
			break;
		if (!have) {
			memset(&cur, 0, sizeof cur);
			cur.file = file;
			have = 1;
		}
		replay_step(&cur, cal, stmt_text(st, 1), stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2),
			    cal_day_of_instant(stmt_i64(st, 3)));
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

/* One row of the report: a post, an office or a department. */
struct row {
	int64_t post, unit, department;   /* the key's parts (0: not in this grouping) */
	int64_t pending, parked, oldest;
	int64_t bucket[FILES_AGE_COUNT];
	char designation[121];
};

enum by { BY_POST, BY_OFFICE, BY_DEPARTMENT };

static int cmp_pending_post(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	return (x->post > y->post) - (x->post < y->post);
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->pending != y->pending)
		return x->pending < y->pending ? 1 : -1; /* most pending first */
	if (x->department != y->department)
		return (x->department > y->department) - (x->department < y->department);
	if (x->unit != y->unit)
		return (x->unit > y->unit) - (x->unit < y->unit);
	return (x->post > y->post) - (x->post < y->post);
}

/* row_add - count pending item p (of a post in unit/department) into rows,
 * by the grouping; rows found by a linear search of the last row (p are
 * sorted by post) or of all rows for offices and departments. */
static int row_add(struct row **rows, size_t *n, size_t *cap, enum by by, const struct pending *p,
		   const struct posting_ref *post)
{
	int64_t unit = by == BY_DEPARTMENT ? 0 : post->unit;
	int64_t pid = by == BY_POST ? p->post : 0;
	struct row *w = NULL;

	for (size_t i = *n; i-- > 0;) {
		struct row *x = &(*rows)[i];

		if (x->post == pid && x->unit == unit && x->department == post->department) {
			w = x;
			break;
		}
		if (by == BY_POST)
			break; /* sorted by post: only the last row can be it */
	}
	if (!w) {
		if (grow((void **)rows, cap, *n, sizeof **rows) != DF_OK)
			return DF_ENOMEM;
		w = &(*rows)[(*n)++];
		memset(w, 0, sizeof *w);
		w->post = pid;
		w->unit = unit;
		w->department = post->department;
		if (by == BY_POST)
			snprintf(w->designation, sizeof w->designation, "%s", post->designation);
	}
	if (p->parked) {
		w->parked++;
	} else {
		w->pending++;
		w->bucket[files_age_bucket(p->age)]++;
		if (p->age > w->oldest)
			w->oldest = p->age;
	}
	return DF_OK;
}

/* names - the unit's name that day and the department's code. */
static void names(struct db *db, const struct row *w, cal_day day, char *unit, size_t ulen, char *dept, size_t dlen)
{
	const int64_t p[] = { w->department };

	unit[0] = dept[0] = '\0';
	if (w->unit && org_unit_name(db, w->unit, day, unit, ulen) != DF_OK)
		unit[0] = '\0';
	if (db_query_text(db, "SELECT code FROM org_departments WHERE id = ?1", 1, p, dept, dlen) != DF_OK)
		dept[0] = '\0';
}

static int reply_json(struct request *r, struct db *db, const char *as_of, cal_day day, enum by by,
		      const struct row *rows, size_t n, const struct row *total)
{
	static const char *const by_names[] = { "post", "office", "department" };
	json_t *items = json_array(), *out;

	for (size_t i = 0; items && i < n; i++) {
		const struct row *w = &rows[i];
		char unit[128], dept[32];
		json_t *buckets = json_object(), *o;

		names(db, w, day, unit, sizeof unit, dept, sizeof dept);
		for (int b = 0; buckets && b < FILES_AGE_COUNT; b++)
			json_object_set_new(buckets, files_age_name((enum files_age)b), json_integer(w->bucket[b]));
		o = json_pack("{s:o, s:o, s:o, s:s, s:s, s:s?, s:I, s:I, s:I, s:o}", "post_id",
			      w->post ? json_id(w->post) : json_null(), "unit_id", w->unit ? json_id(w->unit) : json_null(),
			      "department_id", json_id(w->department), "unit", unit, "department", dept, "designation",
			      by == BY_POST ? w->designation : NULL, "pending", (json_int_t)w->pending, "parked",
			      (json_int_t)w->parked, "oldest_days", (json_int_t)w->oldest, "buckets",
			      buckets ? buckets : json_null());
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			return req_fail(r, DF_ENOMEM);
		}
	}
	{
		json_t *tb = json_object();

		for (int b = 0; tb && b < FILES_AGE_COUNT; b++)
			json_object_set_new(tb, files_age_name((enum files_age)b), json_integer(total->bucket[b]));
		out = json_pack("{s:s, s:s, s:o, s:{s:I, s:I, s:I, s:o}}", "as_of", as_of, "by", by_names[by], "rows",
				items ? items : json_null(), "totals", "pending", (json_int_t)total->pending, "parked",
				(json_int_t)total->parked, "oldest_days", (json_int_t)total->oldest, "buckets",
				tb ? tb : json_null());
	}
	return req_reply_take(r, 200, &out);
}

static int reply_sheet(struct request *r, struct db *db, const char *format, const char *as_of, cal_day day,
		       enum by by, const struct row *rows, size_t n)
{
	struct sheet s;
	char base[64];
	int rc, status;

	sheet_init(&s, "Pendency");
	rc = sheet_add_column(&s, "Department", SHEET_TEXT);
	if (rc == DF_OK && by != BY_DEPARTMENT)
		rc = sheet_add_column(&s, "Unit", SHEET_TEXT);
	if (rc == DF_OK && by == BY_POST)
		rc = sheet_add_column(&s, "Post", SHEET_TEXT);
	if (rc == DF_OK)
		rc = sheet_add_column(&s, "Pending", SHEET_INT);
	for (int b = 0; rc == DF_OK && b < FILES_AGE_COUNT; b++) {
		char name[32];

		snprintf(name, sizeof name, "%s days", files_age_name((enum files_age)b));
		rc = sheet_add_column(&s, name, SHEET_INT);
	}
	if (rc == DF_OK)
		rc = sheet_add_column(&s, "Oldest (days)", SHEET_INT);
	if (rc == DF_OK)
		rc = sheet_add_column(&s, "Parked", SHEET_INT);
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		const struct row *w = &rows[i];
		char unit[128], dept[32];
		unsigned c = 0;

		names(db, w, day, unit, sizeof unit, dept, sizeof dept);
		rc = sheet_add_row(&s);
		if (rc == DF_OK)
			rc = sheet_set_text(&s, c++, dept);
		if (rc == DF_OK && by != BY_DEPARTMENT)
			rc = sheet_set_text(&s, c++, unit);
		if (rc == DF_OK && by == BY_POST)
			rc = sheet_set_text(&s, c++, w->designation);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->pending);
		for (int b = 0; rc == DF_OK && b < FILES_AGE_COUNT; b++)
			rc = sheet_set_int(&s, c++, w->bucket[b]);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->oldest);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->parked);
	}
	if (rc != DF_OK) {
		sheet_release(&s);
		return req_fail(r, rc);
	}
	snprintf(base, sizeof base, "file-pendency-%s-%s", as_of,
		 by == BY_POST ? "post" : by == BY_OFFICE ? "office" : "department");
	status = sheet_reply(r, &s, format, base);
	sheet_release(&s);
	return status;
}

int files_pendency_get(struct request *r)
{
	static const char *const bys[] = { "post", "office", "department", NULL };
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct people_scope *scope = NULL;
	struct pending *p = NULL;
	struct row *rows = NULL, total;
	struct calendar cal;
	struct db *db = NULL;
	const char *as = req_query(r, "as_of"), *bs = req_query(r, "by"), *format = sheet_format_query(r);
	cal_day today = cal_day_of_instant(clock_now_ms()), day = today;
	size_t n = 0, nrows = 0, cap = 0, nareas = 0;
	char as_of[11];
	int by = BY_OFFICE, rc, status;

	if (!format)
		return r->problem_status;
	if (as && (cal_parse(as, &day) != DF_OK || day > today))
		return req_problem_field(r, 400, "as_of", "as_of is a day YYYY-MM-DD, not after today");
	if (bs) {
		for (by = 0; bys[by] && strcmp(bys[by], bs) != 0; by++)
			;
		if (!bys[by])
			return req_problem_field(r, 400, "by", "by is post, office or department");
	}
	cal_format(day, as_of);
	memset(&total, 0, sizeof total);
	calendar_init(&cal);
	rc = authz_reach(r, "files.read", areas, AUTHZ_MAX_GRANTS, &nareas);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = system_calendar(db, &cal);
	if (rc == DF_OK)
		rc = people_scope_open(db, day, 0, areas, nareas, &scope);
	if (rc == DF_OK)
		rc = replay_all(db, &cal, day, &p, &n);
	if (rc == DF_OK && n > 1)
		qsort(p, n, sizeof *p, cmp_pending_post);
	for (size_t i = 0; rc == DF_OK && i < n;) {
		struct posting_ref post;
		struct unit_place place;
		size_t j = i;

		/* one post's files at a time: its place is looked up once */
		while (j < n && p[j].post == p[i].post)
			j++;
		rc = people_post_ref(db, p[i].post, &post);
		if (rc == DF_ENOTFOUND) {
			rc = DF_OK;
		} else if (rc == DF_OK && people_scope_place(scope, post.unit, post.department, &place)) {
			for (size_t k = i; rc == DF_OK && k < j; k++) {
				rc = row_add(&rows, &nrows, &cap, (enum by)by, &p[k], &post);
				if (p[k].parked) {
					total.parked++;
				} else {
					total.pending++;
					total.bucket[files_age_bucket(p[k].age)]++;
					if (p[k].age > total.oldest)
						total.oldest = p[k].age;
				}
			}
		}
		i = j;
	}
	people_scope_close(scope);
	calendar_release(&cal);
	free(p);
	if (rc != DF_OK) {
		free(rows);
		return req_fail(r, rc);
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof *rows, cmp_row);
	if (strcmp(format, "json") == 0)
		status = reply_json(r, db, as_of, day, (enum by)by, rows, nrows, &total);
	else
		status = reply_sheet(r, db, format, as_of, day, (enum by)by, rows, nrows);
	free(rows);
	return status;
}
