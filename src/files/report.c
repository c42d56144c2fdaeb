/*
 * report.c - pendency of files as of any day, by post, office or
 * department, in ageing buckets; and the activity of a month: files
 * opened, received, sent on and closed, and the average disposal time of
 * a stage (docs/FILES.md, "Reports").
 *
 *   GET /api/v1/reports/files/pendency?as_of=YYYY-MM-DD&by=post|office|department
 *       &format=json|csv|xlsx
 *   GET /api/v1/reports/files/activity?month=YYYY-MM&by=...&format=...
 *
 * A stage is disposed of when the post that must act sends the file on or
 * closes it; its disposal time is the file's age with that post then.
 * Workload per officer is the activity by post; the slowest offices are
 * the activity by office ordered by average disposal time.
 *
 * A file is pending on a day with the post that must act on it: the post
 * it was sent to (in transit or received), or the one that opened, pulled
 * back or reopened it.  Its age is the working days from the day it came
 * to that post up to the day asked, less the working days it was parked
 * (a parked file is not pending; unparking resumes the count), exactly as
 * the file's own due day moves (moves.c, unpark_shift).  A closed file
 * is not pending.
 *
 * Without as_of the report is of now, read from the files themselves:
 * every move keeps a file's post, status and the day its stage counts from
 * (moves.c), grouped by post in the files_pending index's order, so it
 * reads no movement and sorts nothing (current_all).  With as_of (today included) the figures
 * are a replay of the movements up to the end of that day, file by file,
 * so any past day is answered as it stood, with the org tree of that day;
 * the two agree for today (tests/api/files.test.js).  The replay reads
 * every movement up to that day: docs/PERFORMANCE.md has what each costs.  Rows are limited to the caller's files.read reach: a post is
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

/* What the replay says of a post: one event each. */
enum ev {
	EV_PENDING,   /* a file pending with it at the end (value: its age) */
	EV_PARKED,    /* a file parked with it at the end */
	EV_CREATED,   /* opened a file in the window */
	EV_RECEIVED,  /* received one */
	EV_SENT,      /* sent one on */
	EV_CLOSED,    /* closed one */
	EV_DISPOSED,  /* ended a stage, by sending on or closing (value: its age then) */
};

struct event {
	int64_t post;
	enum ev kind;
	long value;
	long n;       /* how many alike (the current state counts files in groups) */
};

/* The events of a replay, growing. */
struct events {
	struct event *v;
	size_t n, cap;
};
/* The replay of one file, movement by movement. */
struct replay {
	int64_t file;
	int64_t post;
	cal_day since;      /* the day its stage counts from */
	cal_day parked_on;  /* 0: not parked */
	int closed;
};

static int grow(void **v, size_t *cap, size_t n, size_t size);

/* emit - one event into e. */
static int emit(struct events *e, int64_t post, enum ev kind, long value)
{
	if (!post)
		return DF_OK;
	if (grow((void **)&e->v, &e->cap, e->n, sizeof *e->v) != DF_OK)
		return DF_ENOMEM;
	e->v[e->n++] = (struct event){ post, kind, value, 1 };
	return DF_OK;
}

/* replay_step - one movement (action, from and to posts, day) applied to
 * r; with counted, its activity events into e. */
static int replay_step(struct replay *r, const struct calendar *cal, const char *action, int64_t from_post,
		       int64_t to_post, cal_day day, int counted, struct events *e)
{
	int rc = DF_OK;

	if (counted && (!strcmp(action, "send") || !strcmp(action, "close")) && r->post && !r->parked_on) {
		/* the post that had to act disposes of its stage */
		rc = emit(e, r->post, EV_DISPOSED, files_pending_days(cal, r->since, day));
		if (rc == DF_OK)
			rc = emit(e, from_post, !strcmp(action, "send") ? EV_SENT : EV_CLOSED, 0);
	} else if (counted && !strcmp(action, "create")) {
		rc = emit(e, to_post, EV_CREATED, 0);
	} else if (counted && !strcmp(action, "receive")) {
		rc = emit(e, to_post, EV_RECEIVED, 0);
	}
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
	return rc;
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

/* keep - the standing of replayed file r at the end of day as an event (a
 * closed file, or one with no post, has none). */
static int keep(const struct replay *r, const struct calendar *cal, cal_day day, struct events *e)
{
	if (r->closed || !r->post)
		return DF_OK;
	if (r->parked_on)
		return emit(e, r->post, EV_PARKED, 0);
	return emit(e, r->post, EV_PENDING, files_pending_days(cal, r->since, day));
}

/* replay_all - replay every movement up to the end of day to: the
 * activity of the movements from day from on (from > to: none), and with
 * pending, each file's standing at the end of to, as events into e. */
static int replay_all(struct db *db, const struct calendar *cal, cal_day from, cal_day to, int pending,
		      struct events *e)
{
	struct stmt *st = NULL;
	struct replay cur = { 0 };
	int have = 0;
	int rc = db_prepare(db, "SELECT file_id, action, from_post, to_post, at_ms FROM file_movements WHERE at_ms < ?1"
				" ORDER BY file_id, seq", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, cal_start_ms(to + 1));
	for (;;) {
		int row = (rc = stmt_step(st)) == STMT_ROW;
		int64_t file = row ? stmt_i64(st, 0) : 0;
		cal_day day;

		if (rc != STMT_ROW && rc != DF_OK)
			break; /* a store error */
		if (have && (!row || file != cur.file)) {
			rc = pending ? keep(&cur, cal, to, e) : DF_OK;
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
		day = cal_day_of_instant(stmt_i64(st, 4));
		rc = replay_step(&cur, cal, stmt_text(st, 1), stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2),
				 stmt_isnull(st, 3) ? 0 : stmt_i64(st, 3), day, day >= from, e);
		if (rc != DF_OK)
			break;
	}
	stmt_done(st);
	return rc;
}

/* Bucket bounds: the oldest age in working days of each bucket but the last. */
static const int bucket_top[FILES_AGE_COUNT - 1] = { 3, 7, 15, 30 };

/* since_for_age - the earliest day a stage may have begun and be at most
 * age working days old today (an age is the working days in (since,
 * today], so it only grows as since goes back). */
static cal_day since_for_age(const struct calendar *cal, cal_day today, int age)
{
	cal_day d = today;

	while (files_pending_days(cal, d - 1, today) <= age && today - d < 3660)
		d--;
	return d;
}

/* current_group - one query's groups (a post, its files, how many of them
 * in each bucket but the last, its oldest stage day) as events. */
static int current_group(struct db *db, const struct calendar *cal, cal_day today, const char *sql, enum ev kind,
			 const char days[FILES_AGE_COUNT - 1][11], struct events *e)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	for (int i = 0; kind == EV_PENDING && i < FILES_AGE_COUNT - 1; i++)
		stmt_bind_text(st, 1 + i, days[i], -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		int64_t post = stmt_i64(st, 0), all = stmt_i64(st, 1), below = 0;
		static const long lowest[FILES_AGE_COUNT] = { 0, 4, 8, 16, 31 };
		cal_day oldest = today;

		rc = DF_OK;
		if (kind == EV_PARKED) {
			rc = emit(e, post, EV_PARKED, 0);
			if (rc == DF_OK)
				e->v[e->n - 1].n = (long)all;
			if (rc != DF_OK)
				break;
			continue;
		}
		/* columns 2..5: how many are at most 3, 7, 15, 30 days old */
		for (int b = 0; rc == DF_OK && b < FILES_AGE_COUNT; b++) {
			int64_t upto = b < FILES_AGE_COUNT - 1 ? stmt_i64(st, 2 + b) : all;

			if (upto - below > 0) {
				rc = emit(e, post, EV_PENDING, lowest[b]);
				if (rc == DF_OK)
					e->v[e->n - 1].n = (long)(upto - below);
			}
			below = upto;
		}
		/* the oldest, exactly: counted in no bucket (n 0) */
		if (rc == DF_OK && !stmt_isnull(st, 6) && cal_parse(stmt_text(st, 6), &oldest) == DF_OK) {
			rc = emit(e, post, EV_PENDING, files_pending_days(cal, oldest, today));
			if (rc == DF_OK)
				e->v[e->n - 1].n = 0;
		}
		if (rc != DF_OK)
			break;
	}
	stmt_done(st);
	return rc == STMT_ROW ? DF_OK : rc;
}

/* current_all - each post's open and parked files now, from the files
 * themselves: every move keeps a file's post, status and the day its
 * stage counts from exactly as replay_step computes them.  Grouped by post
 * in the files_pending index's own order (in transit by the target, held
 * by the holder), the buckets as counts of stage days on or after the day
 * each bucket's age reaches back to: no sort, one row per post. */
static int current_all(struct db *db, const struct calendar *cal, cal_day today, struct events *e)
{
#define BUCKETS(c) "SUM(CASE WHEN stage_since >= ?1 THEN 1 ELSE 0 END), SUM(CASE WHEN stage_since >= ?2 THEN 1" \
		   " ELSE 0 END), SUM(CASE WHEN stage_since >= ?3 THEN 1 ELSE 0 END), SUM(CASE WHEN stage_since >= ?4" \
		   " THEN 1 ELSE 0 END), MIN(stage_since)"
	static const char transit[] = "SELECT to_post, COUNT(*), " BUCKETS() " FROM files"
				      " WHERE status = 'open' AND to_post IS NOT NULL GROUP BY to_post";
	static const char held[] = "SELECT holder_post, COUNT(*), " BUCKETS() " FROM files"
				   " WHERE status = 'open' AND to_post IS NULL GROUP BY holder_post";
	static const char parked[] = "SELECT COALESCE(to_post, holder_post), COUNT(*) FROM files WHERE status = 'parked'"
				     " GROUP BY COALESCE(to_post, holder_post)";
#undef BUCKETS
	char days[FILES_AGE_COUNT - 1][11];
	int rc;

	for (int i = 0; i < FILES_AGE_COUNT - 1; i++)
		cal_format(since_for_age(cal, today, bucket_top[i]), days[i]);
	rc = current_group(db, cal, today, transit, EV_PENDING, (const char (*)[11])days, e);
	if (rc == DF_OK)
		rc = current_group(db, cal, today, held, EV_PENDING, (const char (*)[11])days, e);
	if (rc == DF_OK)
		rc = current_group(db, cal, today, parked, EV_PARKED, (const char (*)[11])days, e);
	return rc;
}

/* One row of a report: a post, an office or a department. */
struct row {
	int64_t post, unit, department;   /* the key's parts (0: not in this grouping) */
	int64_t pending, parked, oldest;
	int64_t bucket[FILES_AGE_COUNT];
	int64_t created, received, sent, closed, disposed, disposed_days;
	char designation[121];
};

enum by { BY_POST, BY_OFFICE, BY_DEPARTMENT };

static int cmp_event_post(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	return (x->post > y->post) - (x->post < y->post);
}

/* avg_disposal - a row's average disposal time in days (-1: none). */
static double avg_disposal(const struct row *w)
{
	return w->disposed ? (double)w->disposed_days / (double)w->disposed : -1.0;
}

static int cmp_key(const struct row *x, const struct row *y)
{
	if (x->department != y->department)
		return (x->department > y->department) - (x->department < y->department);
	if (x->unit != y->unit)
		return (x->unit > y->unit) - (x->unit < y->unit);
	return (x->post > y->post) - (x->post < y->post);
}

/* cmp_pending - most pending first; cmp_slowest - the longest average
 * disposal first, then the most disposed of. */
static int cmp_pending(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->pending != y->pending)
		return x->pending < y->pending ? 1 : -1;
	return cmp_key(x, y);
}

static int cmp_slowest(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double ax = avg_disposal(x), ay = avg_disposal(y);

	if (ax != ay)
		return ax < ay ? 1 : -1;
	if (x->disposed != y->disposed)
		return x->disposed < y->disposed ? 1 : -1;
	return cmp_key(x, y);
}

/* count - event e into row w. */
static void count(struct row *w, const struct event *e)
{
	switch (e->kind) {
	case EV_PENDING:
		w->pending += e->n;
		w->bucket[files_age_bucket(e->value)] += e->n;
		if (e->value > w->oldest)
			w->oldest = e->value;
		break;
	case EV_PARKED: w->parked += e->n; break;
	case EV_CREATED: w->created += e->n; break;
	case EV_RECEIVED: w->received += e->n; break;
	case EV_SENT: w->sent += e->n; break;
	case EV_CLOSED: w->closed += e->n; break;
	case EV_DISPOSED:
		w->disposed += e->n;
		w->disposed_days += e->value * e->n;
		break;
	}
}

/* row_add - count event e (of a post in unit/department) into rows, by the
 * grouping; rows found by a linear search of the last row (events are
 * sorted by post) or of all rows for offices and departments. */
static int row_add(struct row **rows, size_t *n, size_t *cap, enum by by, const struct event *e,
		   const struct posting_ref *post)
{
	int64_t unit = by == BY_DEPARTMENT ? 0 : post->unit;
	int64_t pid = by == BY_POST ? e->post : 0;
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
	count(w, e);
	return DF_OK;
}

/* tally - the events of a replay into rows by the grouping, only those of
 * posts inside the caller's reach on day; total gets them all. */
static int tally(struct request *r, struct db *db, cal_day day, struct events *e, enum by by, struct row **rows,
		 size_t *nrows, struct row *total)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct people_scope *scope = NULL;
	size_t cap = 0, nareas = 0;
	int rc = authz_reach(r, "files.read", areas, AUTHZ_MAX_GRANTS, &nareas);

	memset(total, 0, sizeof *total);
	if (rc == DF_OK)
		rc = people_scope_open(db, day, 0, areas, nareas, &scope);
	if (rc == DF_OK && e->n > 1)
		qsort(e->v, e->n, sizeof *e->v, cmp_event_post);
	for (size_t i = 0; rc == DF_OK && i < e->n;) {
		struct posting_ref post;
		struct unit_place place;
		size_t j = i;

		/* one post's events at a time: its place is looked up once */
		while (j < e->n && e->v[j].post == e->v[i].post)
			j++;
		rc = people_post_ref(db, e->v[i].post, &post);
		if (rc == DF_ENOTFOUND) {
			rc = DF_OK;
		} else if (rc == DF_OK && people_scope_place(scope, post.unit, post.department, &place)) {
			for (size_t k = i; rc == DF_OK && k < j; k++) {
				rc = row_add(rows, nrows, &cap, by, &e->v[k], &post);
				count(total, &e->v[k]);
			}
		}
		i = j;
	}
	people_scope_close(scope);
	return rc;
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

static const char *const by_names[] = { "post", "office", "department" };

/* key_json - a row's key (post, unit, department, their names) as a new
 * object, to which each report adds its figures. */
static json_t *key_json(struct db *db, const struct row *w, cal_day day, enum by by)
{
	char unit[128], dept[32];

	names(db, w, day, unit, sizeof unit, dept, sizeof dept);
	return json_pack("{s:o, s:o, s:o, s:s, s:s, s:s?}", "post_id", w->post ? json_id(w->post) : json_null(),
			 "unit_id", w->unit ? json_id(w->unit) : json_null(), "department_id",
			 w->department ? json_id(w->department) : json_null(), "unit", unit, "department", dept,
			 "designation", by == BY_POST ? w->designation : NULL);
}

/* with_key - key_json of w with figures (taken) added; NULL when out of memory. */
static json_t *with_key(struct db *db, const struct row *w, cal_day day, enum by by, json_t *figures)
{
	json_t *o = figures ? key_json(db, w, day, by) : NULL;

	if (o && json_object_update(o, figures) != 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(figures);
	return o;
}

/* key_columns - the key's columns of a download: department, and the unit
 * and the post when the grouping has them. */
static int key_columns(struct sheet *s, enum by by)
{
	int rc = sheet_add_column(s, "Department", SHEET_TEXT);

	if (rc == DF_OK && by != BY_DEPARTMENT)
		rc = sheet_add_column(s, "Unit", SHEET_TEXT);
	if (rc == DF_OK && by == BY_POST)
		rc = sheet_add_column(s, "Post", SHEET_TEXT);
	return rc;
}

/* key_row - a new row of the download, its key cells filled; *c gets the
 * next column. */
static int key_row(struct sheet *s, struct db *db, const struct row *w, cal_day day, enum by by, unsigned *c)
{
	char unit[128], dept[32];
	int rc = sheet_add_row(s);

	*c = 0;
	names(db, w, day, unit, sizeof unit, dept, sizeof dept);
	if (rc == DF_OK)
		rc = sheet_set_text(s, (*c)++, dept);
	if (rc == DF_OK && by != BY_DEPARTMENT)
		rc = sheet_set_text(s, (*c)++, unit);
	if (rc == DF_OK && by == BY_POST)
		rc = sheet_set_text(s, (*c)++, w->designation);
	return rc;
}

/* sheet_finish - answer the download named file-<what>-<when>-<by>. */
static int sheet_finish(struct request *r, struct sheet *s, int rc, const char *format, const char *what,
			const char *when, enum by by)
{
	char base[64];
	int status;

	if (rc != DF_OK) {
		sheet_release(s);
		return req_fail(r, rc);
	}
	snprintf(base, sizeof base, "file-%s-%s-%s", what, when, by_names[by]);
	status = sheet_reply(r, s, format, base);
	sheet_release(s);
	return status;
}

static int reply_json(struct request *r, struct db *db, const char *as_of, cal_day day, enum by by,
		      const struct row *rows, size_t n, const struct row *total)
{
	json_t *items = json_array(), *out;

	for (size_t i = 0; items && i < n; i++) {
		const struct row *w = &rows[i];
		json_t *buckets = json_object(), *o;

		for (int b = 0; buckets && b < FILES_AGE_COUNT; b++)
			json_object_set_new(buckets, files_age_name((enum files_age)b), json_integer(w->bucket[b]));
		o = with_key(db, w, day, by,
			     json_pack("{s:I, s:I, s:I, s:o}", "pending", (json_int_t)w->pending, "parked",
				       (json_int_t)w->parked, "oldest_days", (json_int_t)w->oldest, "buckets",
				       buckets ? buckets : json_null()));
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
	int rc;

	sheet_init(&s, "Pendency");
	rc = key_columns(&s, by);
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
		unsigned c = 0;

		rc = key_row(&s, db, w, day, by, &c);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->pending);
		for (int b = 0; rc == DF_OK && b < FILES_AGE_COUNT; b++)
			rc = sheet_set_int(&s, c++, w->bucket[b]);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->oldest);
		if (rc == DF_OK)
			rc = sheet_set_int(&s, c++, w->parked);
	}
	return sheet_finish(r, &s, rc, format, "pendency", as_of, by);
}

/* report_args - ?by= and ?format= (the common arguments); 0 or the
 * problem's status. */
static int report_args(struct request *r, int *by, const char **format)
{
	static const char *const bys[] = { "post", "office", "department", NULL };
	const char *bs = req_query(r, "by");

	*format = sheet_format_query(r);
	if (!*format)
		return r->problem_status;
	*by = BY_OFFICE;
	if (bs) {
		for (*by = 0; bys[*by] && strcmp(bys[*by], bs) != 0; (*by)++)
			;
		if (!bys[*by])
			return req_problem_field(r, 400, "by", "by is post, office or department");
	}
	return 0;
}

/* run - replay [from, to] (and the standing at to with pending; with
 * pending 2, the standing now from the files themselves instead) and tally
 * it; rows sorted by cmp. */
static int run(struct request *r, cal_day from, cal_day to, int pending, enum by by,
	       int (*cmp)(const void *, const void *), struct db **db, struct row **rows, size_t *nrows,
	       struct row *total)
{
	struct events e = { 0 };
	struct calendar cal;
	int rc = req_db(r, db);

	calendar_init(&cal);
	if (rc == DF_OK)
		rc = system_calendar(*db, &cal);
	if (rc == DF_OK && pending == 2)
		rc = current_all(*db, &cal, to, &e);
	else if (rc == DF_OK)
		rc = replay_all(*db, &cal, from, to, pending, &e);
	if (rc == DF_OK)
		rc = tally(r, *db, to, &e, by, rows, nrows, total);
	calendar_release(&cal);
	free(e.v);
	if (rc == DF_OK && *nrows > 1)
		qsort(*rows, *nrows, sizeof **rows, cmp);
	return rc;
}

int files_pendency_get(struct request *r)
{
	struct row *rows = NULL, total;
	struct db *db = NULL;
	const char *as = req_query(r, "as_of"), *format = NULL;
	cal_day today = cal_day_of_instant(clock_now_ms()), day = today;
	size_t nrows = 0;
	char as_of[11];
	int by = BY_OFFICE, rc, status = report_args(r, &by, &format);

	if (status)
		return status;
	if (as && (cal_parse(as, &day) != DF_OK || day > today))
		return req_problem_field(r, 400, "as_of", "as_of is a day YYYY-MM-DD, not after today");
	cal_format(day, as_of);
	/* now: the files as they stand; a day asked for: the movements replayed */
	rc = run(r, day + 1, day, as ? 1 : 2, (enum by)by, cmp_pending, &db, &rows, &nrows, &total);
	if (rc != DF_OK) {
		free(rows);
		return req_fail(r, rc);
	}
	if (strcmp(format, "json") == 0)
		status = reply_json(r, db, as_of, day, (enum by)by, rows, nrows, &total);
	else
		status = reply_sheet(r, db, format, as_of, day, (enum by)by, rows, nrows);
	free(rows);
	return status;
}

/* ---- the activity of a month ------------------------------------------- */

static json_t *activity_json(struct db *db, const struct row *w, cal_day day, enum by by)
{
	double avg = avg_disposal(w);

	return with_key(db, w, day, by,
			json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "created", (json_int_t)w->created, "received",
				  (json_int_t)w->received, "sent", (json_int_t)w->sent, "closed", (json_int_t)w->closed,
				  "disposed", (json_int_t)w->disposed, "avg_disposal_days",
				  avg < 0 ? json_null() : json_real(avg)));
}

static int activity_sheet(struct request *r, struct db *db, const char *format, const char *month, cal_day day,
			  enum by by, const struct row *rows, size_t n)
{
	static const char *const cols[] = { "Opened", "Received", "Sent on", "Closed", "Stages disposed of" };
	struct sheet s;
	int rc;

	sheet_init(&s, "Activity");
	rc = key_columns(&s, by);
	for (size_t c = 0; rc == DF_OK && c < sizeof cols / sizeof cols[0]; c++)
		rc = sheet_add_column(&s, cols[c], SHEET_INT);
	if (rc == DF_OK)
		rc = sheet_add_column(&s, "Average disposal (working days)", SHEET_NUM);
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		const struct row *w = &rows[i];
		const int64_t v[] = { w->created, w->received, w->sent, w->closed, w->disposed };
		unsigned c = 0;

		rc = key_row(&s, db, w, day, by, &c);
		for (size_t k = 0; rc == DF_OK && k < sizeof v / sizeof v[0]; k++)
			rc = sheet_set_int(&s, c++, v[k]);
		if (rc == DF_OK && w->disposed)
			rc = sheet_set_num(&s, c, avg_disposal(w));
	}
	return sheet_finish(r, &s, rc, format, "activity", month, by);
}

int files_activity_get(struct request *r)
{
	struct row *rows = NULL, total;
	struct db *db = NULL;
	const char *ms = req_query(r, "month"), *format = NULL;
	cal_day today = cal_day_of_instant(clock_now_ms()), first, last;
	size_t nrows = 0;
	char month[8];
	int y, m, d, by = BY_OFFICE, used = 0, rc, status = report_args(r, &by, &format);
	json_t *items = NULL, *out = NULL;

	if (status)
		return status;
	cal_to_ymd(today, &y, &m, &d);
	if (ms && (sscanf(ms, "%4d-%2d%n", &y, &m, &used) != 2 || (size_t)used != strlen(ms) || used != 7 || m < 1 ||
		   m > 12 || y < 1900))
		return req_problem_field(r, 400, "month", "month is YYYY-MM");
	first = cal_from_ymd(y, m, 1);
	if (first > today)
		return req_problem_field(r, 400, "month", "month is not after this month");
	last = cal_from_ymd(y, m, cal_days_in_month(y, m));
	if (last > today)
		last = today; /* this month: up to today */
	snprintf(month, sizeof month, "%04d-%02d", y, m);
	rc = run(r, first, last, 0, (enum by)by, cmp_slowest, &db, &rows, &nrows, &total);
	if (rc != DF_OK) {
		free(rows);
		return req_fail(r, rc);
	}
	if (strcmp(format, "json") != 0) {
		status = activity_sheet(r, db, format, month, last, (enum by)by, rows, nrows);
		free(rows);
		return status;
	}
	items = json_array();
	for (size_t i = 0; items && i < nrows; i++)
		if (json_array_append_new(items, activity_json(db, &rows[i], last, (enum by)by))) {
			json_decref(items);
			items = NULL;
		}
	free(rows);
	out = items ? json_pack("{s:s, s:s, s:o, s:o}", "month", month, "by", by_names[by], "rows", items, "totals",
				activity_json(db, &total, last, BY_DEPARTMENT))
		    : NULL;
	return req_reply_take(r, 200, &out);
}
