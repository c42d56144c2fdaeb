/*
 * report.c - attendance reports: daily and monthly figures by person,
 * office, department, district or division, as of the org tree of the
 * period's last day, as JSON, CSV or XLSX; and the monthly compliance
 * ranking of districts and departments.
 *
 *   GET /api/v1/reports/attendance?month=YYYY-MM | day=D | from=D&to=D
 *       &by=person|office|department|district|division&unit=&department=
 *       &format=json|csv|xlsx
 *   GET /api/v1/reports/attendance/ranking?month=YYYY-MM&by=district|department
 *
 * The figures, for every posting held on a working day of the period (one
 * person-day "expected"; days before attendance was first counted, and
 * days after today, expect nothing): present (a verified check-in that day, or one
 * accepted on review: att_days), of which late; else leave or tour (an
 * approved absence covering the day); else absent.  rate = present /
 * (expected - leave - tour), null when nobody was expected.  A person who
 * holds two posts counts at both.
 *
 * One tally (tally_posting) serves every grouping and both routes.  For a
 * run of days it reads the postings once (people_holders_asof), the
 * presences once (att_days, present rows only) and the approved absences
 * once, then walks each posting's days in memory.  by=person tallies its
 * whole period so (its rows are postings).  The other groupings and the
 * ranking work on cells, one per (unit, department): closed days come from
 * their kept totals (att_totals, close.c) and only the other days are
 * tallied live (period_cells); the cells are then placed in the tree of the
 * period's last day and grouped (cell_groups).  A province month is so a
 * few thousand rows, not the ~5.5 million person-days of 250,000 officers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/sheet.h"
#include "core/store.h"
#include "core/system.h"
#include "org/authz.h"
#include "org/people.h"
#include "org/tree.h"

#define SPAN_MAX 92           /* days of one report */
#define HOLDERS_MAX 400000    /* postings of one report */
#define PERSON_ROWS_MAX 5000  /* rows of a by=person report */

enum by { BY_PERSON, BY_OFFICE, BY_DEPARTMENT, BY_DISTRICT, BY_DIVISION };
static const char *const by_names[] = { "person", "office", "department", "district", "division" };

/* One row of a report: a group key and its figures. */
struct group {
	int64_t key;                 /* person/posting, unit or department id; 0 = "Province" */
	const struct holder *h;      /* by=person: the posting */
	struct att_tally t;
	char name[128];
};

/* A presence: person present on day (late or not), from att_days. */
struct presence {
	int64_t person;
	cal_day day;
	int late;
};

static int cmp_presence(const void *a, const void *b)
{
	const struct presence *x = a, *y = b;

	if (x->person != y->person)
		return (x->person > y->person) - (x->person < y->person);
	return (x->day > y->day) - (x->day < y->day);
}

/* load_presences - the present person-days of [from, to], sorted. */
static int load_presences(struct db *db, cal_day from, cal_day to, struct presence **out, size_t *n)
{
	struct stmt *st = NULL;
	struct presence *v = NULL;
	size_t cap = 0;
	char d0[11], d1[11];
	int rc = db_prepare(db, "SELECT person_id, day, late FROM att_days WHERE day >= ?1 AND day <= ?2 AND status = 3",
			    &st);

	*out = NULL;
	*n = 0;
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
		v[*n].person = stmt_i64(st, 0);
		if (cal_parse(stmt_text(st, 1), &v[*n].day) != DF_OK)
			continue;
		v[*n].late = (int)stmt_i64(st, 2);
		(*n)++;
	}
	stmt_done(st);
	if (rc != DF_OK) {
		free(v);
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(v, *n, sizeof *v, cmp_presence);
	*out = v;
	return DF_OK;
}

/* The inputs of a tally, read once. */
struct period {
	cal_day from, to;
	cal_day first, last;   /* the days that expect presence: counting had begun, not after today */
	struct calendar cal;
	struct holder *h;
	size_t nh;
	struct presence *pres;
	size_t npres;
	struct att_absence *away;
	size_t naway;
};

static void period_release(struct period *p)
{
	calendar_release(&p->cal);
	free(p->h);
	free(p->pres);
	free(p->away);
	memset(p, 0, sizeof *p);
}

/* period_frame - the days of [from, to] that expect presence and the
 * working calendar, into a zeroed p (the rest of p stays empty). */
static int period_frame(struct db *db, cal_day from, cal_day to, struct period *p)
{
	cal_day today = cal_day_of_instant(clock_now_ms()), since = today + 1;
	int rc;

	memset(p, 0, sizeof *p);
	p->from = from;
	p->to = to;
	calendar_init(&p->cal);
	rc = att_counting_since(db, &since);
	if (rc == DF_ENOTFOUND)
		rc = DF_OK; /* nothing counted yet: nothing expected */
	p->first = since > from ? since : from;
	p->last = today < to ? today : to;
	if (rc == DF_OK)
		rc = system_calendar(db, &p->cal);
	return rc;
}

/* period_load - everything a tally of [from, to] needs: the postings under
 * unit within areas as the tree stood on asof (department: only that one,
 * 0 = all). */
static int period_load(struct db *db, cal_day from, cal_day to, cal_day asof, int64_t unit, int64_t department,
		       const struct authz_area *areas, size_t nareas, struct period *p)
{
	int rc = period_frame(db, from, to, p);

	if (rc == DF_OK)
		rc = people_holders_asof(db, from, to, asof, unit, areas, nareas, HOLDERS_MAX, &p->h, &p->nh);
	if (rc == DF_OK && department) {
		size_t k = 0;

		for (size_t i = 0; i < p->nh; i++)
			if (p->h[i].pg.department == department)
				p->h[k++] = p->h[i];
		p->nh = k;
	}
	if (rc == DF_OK)
		rc = load_presences(db, from, to, &p->pres, &p->npres);
	if (rc == DF_OK)
		rc = att_absences_between(db, from, to, &p->away, &p->naway);
	return rc;
}

/* tally_posting - the figures of one posting over the period. */
static void tally_posting(const struct period *p, const struct holder *h, struct att_tally *t)
{
	struct presence key = { h->pg.person, h->from, 0 };
	const struct presence *at;
	size_t lo = 0, hi = p->npres;

	/* the first presence of the person on or after h->from */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_presence(&p->pres[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	at = lo < p->npres ? &p->pres[lo] : NULL;
	t->officers++;
	for (cal_day d = h->from; d <= h->to; d++) {
		const struct att_absence *a;

		while (at && at->person == h->pg.person && at->day < d)
			at = at + 1 < p->pres + p->npres ? at + 1 : NULL;
		if (d < p->first || d > p->last || !calendar_is_working_day(&p->cal, d))
			continue;
		t->expected++;
		if (at && at->person == h->pg.person && at->day == d) {
			t->present++;
			t->late += at->late;
			continue;
		}
		a = att_absence_find(p->away, p->naway, h->pg.person, d);
		if (a && a->kind == ATT_TOUR)
			t->tour++;
		else if (a)
			t->leave++;
		else
			t->absent++;
	}
}

void att_tally_add(struct att_tally *to, const struct att_tally *t)
{
	to->officers += t->officers;
	to->expected += t->expected;
	to->present += t->present;
	to->late += t->late;
	to->absent += t->absent;
	to->leave += t->leave;
	to->tour += t->tour;
}

static int64_t key_of(const struct holder *h, enum by by)
{
	switch (by) {
	case BY_PERSON:
		return h->pg.id;
	case BY_OFFICE:
		return h->pg.unit;
	case BY_DEPARTMENT:
		return h->pg.department;
	case BY_DISTRICT:
		return h->district;
	case BY_DIVISION:
		return h->division;
	}
	return 0;
}

static int cmp_group_key(const void *a, const void *b)
{
	int64_t x = ((const struct group *)a)->key, y = ((const struct group *)b)->key;

	return (x > y) - (x < y);
}

static int cmp_group_name(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c;

	if ((x->key == 0) != (y->key == 0))
		return x->key == 0 ? 1 : -1; /* "Province" last */
	c = strcmp(x->name, y->name);
	return c ? c : (x->key > y->key) - (x->key < y->key);
}

/* groups_finish - merge the rows of g (a key each; by=person rows stay one
 * per posting) that share a key, name those not named yet (as the tree
 * stood on asof), and sort them by name; *n becomes the rows left. */
static int groups_finish(struct db *db, struct group *g, size_t *n, enum by by, cal_day asof)
{
	size_t ng = *n;

	if (by != BY_PERSON && ng) {
		size_t k = 0;

		qsort(g, ng, sizeof *g, cmp_group_key);
		for (size_t i = 0; i < ng; i++) {
			if (k > 0 && g[k - 1].key == g[i].key) {
				att_tally_add(&g[k - 1].t, &g[i].t);
				continue;
			}
			g[k++] = g[i];
		}
		ng = k;
	}
	for (size_t i = 0; i < ng; i++) {
		int rc = DF_OK;

		if (by == BY_PERSON || by == BY_OFFICE)
			continue; /* named when made */
		if (g[i].key == 0)
			snprintf(g[i].name, sizeof g[i].name, "Province");
		else if (by == BY_DEPARTMENT)
			rc = org_department_name(db, g[i].key, g[i].name, sizeof g[i].name);
		else
			rc = org_unit_name(db, g[i].key, asof, g[i].name, sizeof g[i].name);
		if (rc != DF_OK && rc != DF_ENOTFOUND)
			return rc;
	}
	if (ng)
		qsort(g, ng, sizeof *g, cmp_group_name);
	*n = ng;
	return DF_OK;
}

/* tally_groups - the rows of a live period (every day tallied from the
 * person-days) grouped by `by` (a malloc'd array in *out), sorted by name,
 * and the totals.  by=person reads this way: its rows are postings. */
static int tally_groups(struct db *db, const struct period *p, enum by by, struct group **out, size_t *n,
			struct att_tally *total)
{
	struct group *g = calloc(p->nh ? p->nh : 1, sizeof *g);
	size_t ng = 0;
	int rc;

	*out = NULL;
	*n = 0;
	memset(total, 0, sizeof *total);
	if (!g)
		return DF_ENOMEM;
	for (size_t i = 0; i < p->nh; i++) {
		g[ng].key = key_of(&p->h[i], by);
		g[ng].h = &p->h[i];
		snprintf(g[ng].name, sizeof g[ng].name, "%s", by == BY_PERSON ? p->h[i].name : p->h[i].unit_name);
		tally_posting(p, &p->h[i], &g[ng].t);
		att_tally_add(total, &g[ng].t);
		ng++;
	}
	rc = groups_finish(db, g, &ng, by, p->to);
	if (rc != DF_OK) {
		free(g);
		return rc;
	}
	*out = g;
	*n = ng;
	return DF_OK;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct att_cell *x = a, *y = b;

	if (x->unit != y->unit)
		return (x->unit > y->unit) - (x->unit < y->unit);
	return (x->department > y->department) - (x->department < y->department);
}

/* cells_merge - sort the n cells and add up those of one (unit,
 * department); *n becomes the cells left. */
static void cells_merge(struct att_cell *c, size_t *n)
{
	size_t k = 0;

	if (!*n)
		return;
	qsort(c, *n, sizeof *c, cmp_cell);
	for (size_t i = 0; i < *n; i++) {
		if (k > 0 && cmp_cell(&c[k - 1], &c[i]) == 0) {
			att_tally_add(&c[k - 1].t, &c[i].t);
			c[k - 1].began += c[i].began;
			continue;
		}
		c[k++] = c[i];
	}
	*n = k;
}

int att_tally_cells(struct db *db, cal_day a, cal_day b, cal_day asof, int64_t unit, const struct authz_area *areas,
		    size_t n, struct att_cell **out, size_t *count)
{
	struct period p;
	struct att_cell *c = NULL;
	int rc = period_load(db, a, b, asof, unit, 0, areas, n, &p);

	*out = NULL;
	*count = 0;
	if (rc == DF_OK) {
		c = calloc(p.nh ? p.nh : 1, sizeof *c);
		if (!c)
			rc = DF_ENOMEM;
	}
	for (size_t i = 0; rc == DF_OK && i < p.nh; i++) {
		c[i].unit = p.h[i].pg.unit;
		c[i].department = p.h[i].pg.department;
		tally_posting(&p, &p.h[i], &c[i].t);
		c[i].began = p.h[i].began >= a;
	}
	if (rc == DF_OK) {
		*count = p.nh;
		cells_merge(c, count);
		*out = c;
	} else {
		free(c);
	}
	period_release(&p);
	return rc;
}

/* cells_kept - add to *c the kept totals of the closed days [a, b] of a
 * period that begins on first (a posting counts where it is first held). */
static int cells_kept(struct db *db, cal_day a, cal_day b, cal_day first, struct att_cell **c, size_t *n,
		      size_t *cap)
{
	static const char sql[] = "SELECT unit_id, department_id, SUM(CASE WHEN day = ?3 THEN held ELSE began END),"
				  " SUM(expected), SUM(present), SUM(late), SUM(absent), SUM(on_leave), SUM(on_tour)"
				  " FROM att_totals WHERE day >= ?1 AND day <= ?2 GROUP BY unit_id, department_id";
	struct stmt *st = NULL;
	char d0[11], d1[11], f[11];
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	cal_format(a, d0);
	cal_format(b, d1);
	cal_format(first, f);
	stmt_bind_text(st, 1, d0, -1);
	stmt_bind_text(st, 2, d1, -1);
	stmt_bind_text(st, 3, f, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		struct att_cell *x;
		void *grown = att_grow(*c, cap, *n, sizeof **c);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		*c = grown;
		x = &(*c)[(*n)++];
		memset(x, 0, sizeof *x);
		x->unit = stmt_i64(st, 0);
		x->department = stmt_i64(st, 1);
		x->t.officers = stmt_i64(st, 2);
		x->t.expected = stmt_i64(st, 3);
		x->t.present = stmt_i64(st, 4);
		x->t.late = stmt_i64(st, 5);
		x->t.absent = stmt_i64(st, 6);
		x->t.leave = stmt_i64(st, 7);
		x->t.tour = stmt_i64(st, 8);
	}
	stmt_done(st);
	return rc;
}

/* cells_live - add to *c the live tally of the open days [a, b] of a
 * period that begins on first, under unit and areas as of asof. */
static int cells_live(struct db *db, cal_day a, cal_day b, cal_day first, cal_day asof, int64_t unit,
		      const struct authz_area *areas, size_t nareas, struct att_cell **c, size_t *n, size_t *cap)
{
	struct att_cell *live = NULL;
	size_t nlive = 0;
	int rc = att_tally_cells(db, a, b, asof, unit, areas, nareas, &live, &nlive);

	for (size_t i = 0; rc == DF_OK && i < nlive; i++) {
		void *grown = att_grow(*c, cap, *n, sizeof **c);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		*c = grown;
		(*c)[*n] = live[i];
		if (a != first)
			(*c)[*n].t.officers = live[i].began; /* those held on a - 1 are counted there */
		(*n)++;
	}
	free(live);
	return rc;
}

/* period_cells - the cells of [from, to] under unit and areas: closed days
 * from their kept totals, the others (today, days not closed yet or
 * touched since) live, each run of days at once. */
static int period_cells(struct db *db, cal_day from, cal_day to, int64_t unit, const struct authz_area *areas,
			size_t nareas, const struct calendar *cal, struct att_cell **out, size_t *n)
{
	struct att_closed_day *closed = NULL;
	struct att_cell *c = NULL;
	size_t nclosed = 0, cap = 0, k = 0;
	cal_day changed = to + 1, a = from;
	int rc = att_closed_between(db, from, to, &closed, &nclosed, &changed);

	*out = NULL;
	*n = 0;
	while (rc == DF_OK && a <= to) {
		/* the run of days from a that are all kept, or all not */
		int kept_a = -1;
		cal_day b = a;

		for (cal_day d = a; d <= to; d++) {
			int kept;

			while (k < nclosed && closed[k].day < d)
				k++;
			kept = k < nclosed && closed[k].day == d && !closed[k].dirty && d < changed &&
			       closed[k].working == calendar_is_working_day(cal, d);
			if (kept_a < 0)
				kept_a = kept;
			else if (kept != kept_a)
				break;
			b = d;
		}
		if (kept_a)
			rc = cells_kept(db, a, b, from, &c, n, &cap);
		else
			rc = cells_live(db, a, b, from, to, unit, areas, nareas, &c, n, &cap);
		a = b + 1;
	}
	free(closed);
	if (rc != DF_OK) {
		free(c);
		*n = 0;
		return rc;
	}
	cells_merge(c, n);
	*out = c;
	return DF_OK;
}

/* cell_groups - the rows of [from, to] grouped by `by` (not person) from
 * period_cells, placed in the tree of `to` and kept to unit, department
 * (0: all) and the areas; sorted by name, with the totals. */
static int cell_groups(struct db *db, cal_day from, cal_day to, enum by by, int64_t unit, int64_t department,
		       const struct authz_area *areas, size_t nareas, const struct calendar *cal, struct group **out,
		       size_t *n, struct att_tally *total)
{
	struct people_scope *scope = NULL;
	struct att_cell *c = NULL;
	struct group *g = NULL;
	size_t nc = 0, ng = 0;
	int rc = people_scope_open(db, to, unit, areas, nareas, &scope);

	*out = NULL;
	*n = 0;
	memset(total, 0, sizeof *total);
	if (rc == DF_OK)
		rc = period_cells(db, from, to, unit, areas, nareas, cal, &c, &nc);
	if (rc == DF_OK) {
		g = calloc(nc ? nc : 1, sizeof *g);
		if (!g)
			rc = DF_ENOMEM;
	}
	for (size_t i = 0; rc == DF_OK && i < nc; i++) {
		struct unit_place at;

		if ((department && c[i].department != department) ||
		    !people_scope_place(scope, c[i].unit, c[i].department, &at))
			continue;
		g[ng].key = by == BY_OFFICE ? c[i].unit : by == BY_DEPARTMENT ? c[i].department
			  : by == BY_DISTRICT ? at.district : at.division;
		if (by == BY_OFFICE)
			snprintf(g[ng].name, sizeof g[ng].name, "%s", at.name);
		g[ng].t = c[i].t;
		att_tally_add(total, &c[i].t);
		ng++;
	}
	if (rc == DF_OK)
		rc = groups_finish(db, g, &ng, by, to);
	people_scope_close(scope);
	free(c);
	if (rc != DF_OK) {
		free(g);
		return rc;
	}
	*out = g;
	*n = ng;
	return DF_OK;
}

/* ------------------------------------------------------------ output */

static double rate_of(const struct att_tally *t, int *has)
{
	int64_t base = t->expected - t->leave - t->tour;

	*has = base > 0;
	return base > 0 ? (double)t->present / (double)base : 0;
}

static json_t *tally_json(const struct att_tally *t)
{
	int has;
	double rate = rate_of(t, &has);

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "officers", (json_int_t)t->officers, "expected",
			 (json_int_t)t->expected, "present", (json_int_t)t->present, "late", (json_int_t)t->late,
			 "absent", (json_int_t)t->absent, "leave", (json_int_t)t->leave, "tour", (json_int_t)t->tour,
			 "rate", has ? json_real(rate) : json_null());
}

static json_t *group_json(const struct group *g, enum by by)
{
	json_t *o = tally_json(&g->t);

	if (!o)
		return NULL;
	if (by == BY_PERSON) {
		json_object_set_new(o, "key", json_pack("{s:o, s:s}", "id", json_id(g->h->pg.person), "name", g->name));
		json_object_set_new(o, "post", json_pack("{s:o, s:s}", "id", json_id(g->h->pg.post), "designation",
							 g->h->pg.designation));
		json_object_set_new(o, "unit", json_pack("{s:o, s:s}", "id", json_id(g->h->pg.unit), "name",
							 g->h->unit_name));
	} else {
		json_object_set_new(o, "key", json_pack("{s:o, s:s}", "id", json_id(g->key), "name", g->name));
	}
	return o;
}

/* sheet_of - the rows as a sheet; rank (may be NULL) puts a rank first. */
static int sheet_of(struct sheet *s, const struct group *g, size_t n, enum by by, const struct att_tally *total,
		    const int *rank)
{
	static const char *const figs[] = { "officers", "expected", "present", "late", "absent", "leave", "tour" };
	int rc = DF_OK;
	unsigned c0;

	if (rank)
		rc = sheet_add_column(s, "rank", SHEET_INT);
	if (rc == DF_OK)
		rc = sheet_add_column(s, by_names[by], SHEET_TEXT);
	if (rc == DF_OK && by == BY_PERSON) {
		rc = sheet_add_column(s, "post", SHEET_TEXT);
		if (rc == DF_OK)
			rc = sheet_add_column(s, "office", SHEET_TEXT);
	}
	c0 = s->ncols;
	for (size_t i = 0; rc == DF_OK && i < sizeof figs / sizeof figs[0]; i++)
		rc = sheet_add_column(s, figs[i], SHEET_INT);
	if (rc == DF_OK)
		rc = sheet_add_column(s, "rate", SHEET_RATE);
	for (size_t i = 0; rc == DF_OK && i < n + (total ? 1 : 0); i++) {
		/* the rows, then the totals (a ranking has none) */
		const struct att_tally *t = i < n ? &g[i].t : total;
		int64_t v[] = { t->officers, t->expected, t->present, t->late, t->absent, t->leave, t->tour };
		unsigned c = 0;
		int has;
		double rate = rate_of(t, &has);

		rc = sheet_add_row(s);
		if (rc == DF_OK && rank)
			rc = sheet_set_int(s, c++, rank[i]);
		if (rc == DF_OK)
			rc = sheet_set_text(s, c++, i < n ? g[i].name : "Total");
		if (rc == DF_OK && by == BY_PERSON) {
			rc = sheet_set_text(s, c++, i < n ? g[i].h->pg.designation : "");
			if (rc == DF_OK)
				rc = sheet_set_text(s, c++, i < n ? g[i].h->unit_name : "");
		}
		for (size_t k = 0; rc == DF_OK && k < sizeof v / sizeof v[0]; k++)
			rc = sheet_set_int(s, c0 + (unsigned)k, v[k]);
		if (rc == DF_OK)
			rc = has ? sheet_set_num(s, c0 + 7, rate) : sheet_set_null(s, c0 + 7);
	}
	return rc;
}

/* ------------------------------------------------------------ routes */

/* read_period - ?month= | ?day= | ?from=&to= into [*from, *to]. */
static int read_period(struct request *r, cal_day *from, cal_day *to)
{
	const char *month = req_query(r, "month"), *day = req_query(r, "day");
	const char *fs = req_query(r, "from"), *ts = req_query(r, "to");
	char first[11];

	if (month) {
		int y, m;

		snprintf(first, sizeof first, "%.7s-01", month);
		if (strlen(month) != 7 || cal_parse(first, from) != DF_OK)
			return req_problem_field(r, 400, "month", "month is YYYY-MM"), DF_EINVAL;
		cal_to_ymd(*from, &y, &m, NULL);
		*to = *from + cal_days_in_month(y, m) - 1;
		return DF_OK;
	}
	if (day) {
		if (cal_parse(day, from) != DF_OK)
			return req_problem_field(r, 400, "day", "day is YYYY-MM-DD"), DF_EINVAL;
		*to = *from;
		return DF_OK;
	}
	if (!fs || !ts) {
		/* default: this month so far */
		int y, m;

		*to = cal_day_of_instant(clock_now_ms());
		cal_to_ymd(*to, &y, &m, NULL);
		*from = cal_from_ymd(y, m, 1);
		if (fs || ts)
			return req_problem_field(r, 400, fs ? "to" : "from", "give both from and to"), DF_EINVAL;
		return DF_OK;
	}
	if (cal_parse(fs, from) != DF_OK)
		return req_problem_field(r, 400, "from", "from is YYYY-MM-DD"), DF_EINVAL;
	if (cal_parse(ts, to) != DF_OK)
		return req_problem_field(r, 400, "to", "to is YYYY-MM-DD"), DF_EINVAL;
	if (*to < *from)
		return req_problem_field(r, 400, "to", "to must not be before from"), DF_EINVAL;
	if (*to - *from >= SPAN_MAX)
		return req_problem_field(r, 400, "to", "a report covers at most %d days", SPAN_MAX), DF_EINVAL;
	return DF_OK;
}

static int read_by(struct request *r, int ranking, enum by *by)
{
	const char *s = req_query(r, "by");

	*by = ranking || !s ? BY_DISTRICT : BY_PERSON;
	if (!s)
		return DF_OK;
	for (int i = ranking ? BY_DEPARTMENT : BY_PERSON; i <= BY_DIVISION; i++) {
		if (strcmp(s, by_names[i]) == 0 && !(ranking && i == BY_DIVISION)) {
			*by = (enum by)i;
			return DF_OK;
		}
	}
	req_problem_field(r, 400, "by", ranking ? "by is district or department"
						: "by is person, office, department, district or division");
	return DF_EINVAL;
}

int report_get(struct request *r)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct period p;
	struct group *g = NULL;
	struct att_tally total;
	struct sheet s;
	struct db *db = NULL;
	size_t nareas = 0, ng = 0;
	int64_t unit = 0, department = 0;
	cal_day from = 0, to = 0;
	enum by by;
	const char *format;
	char d0[11], d1[11], c0[11], c1[11], base[80];
	json_t *rows = NULL, *out = NULL;
	long working, counted;
	int rc, status;

	memset(&p, 0, sizeof p);
	calendar_init(&p.cal);
	if (read_period(r, &from, &to) != DF_OK || read_by(r, 0, &by) != DF_OK)
		return r->problem_status;
	format = sheet_format_query(r);
	if (!format)
		return r->problem_status;
	if (req_query_id(r, "unit", &unit) != DF_OK || req_query_id(r, "department", &department) != DF_OK)
		return r->problem_status;
	if (unit && authz_object(r, "attendance.read", unit, 0) != DF_OK)
		return r->problem_status ? r->problem_status : 403;
	rc = authz_reach(r, "attendance.read", areas, AUTHZ_MAX_GRANTS, &nareas);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK && by == BY_PERSON)
		rc = period_load(db, from, to, to, unit, department, areas, nareas, &p);
	else if (rc == DF_OK)
		rc = period_frame(db, from, to, &p);
	if (rc == DF_OK && by != BY_PERSON)
		rc = cell_groups(db, from, to, by, unit, department, areas, nareas, &p.cal, &g, &ng, &total);
	if (rc == DF_ETOOBIG || (rc == DF_OK && by == BY_PERSON && p.nh > PERSON_ROWS_MAX)) {
		period_release(&p);
		free(g);
		return req_problem_field(r, 422, "unit", "too many postings for this report (by=person: %d); choose a"
					 " smaller unit", by == BY_PERSON ? PERSON_ROWS_MAX : HOLDERS_MAX);
	}
	if (rc == DF_OK && by == BY_PERSON)
		rc = tally_groups(db, &p, by, &g, &ng, &total);
	if (rc != DF_OK) {
		period_release(&p);
		free(g);
		return req_fail(r, rc);
	}
	cal_format(from, d0);
	cal_format(to, d1);
	if (strcmp(format, "json") != 0) {
		snprintf(base, sizeof base, "attendance-%s-%s-%s", d0, d1, by_names[by]);
		sheet_init(&s, "Attendance");
		rc = sheet_of(&s, g, ng, by, &total, NULL);
		status = rc == DF_OK ? sheet_reply(r, &s, format, base) : req_fail(r, rc);
		sheet_release(&s);
		period_release(&p);
		free(g);
		return status;
	}
	working = calendar_working_days_between(&p.cal, from - 1, to);
	counted = p.last >= p.first ? calendar_working_days_between(&p.cal, p.first - 1, p.last) : 0;
	cal_format(p.first, c0);
	cal_format(p.last, c1);
	rows = json_array();
	for (size_t i = 0; rows && i < ng; i++)
		json_array_append_new(rows, group_json(&g[i], by));
	out = json_pack("{s:s, s:s, s:s, s:s, s:I, s:{s:s, s:s, s:I}, s:o, s:o}", "from", d0, "to", d1, "by",
			by_names[by], "as_of", d1, "working_days", (json_int_t)working, "counted", "from", c0, "to",
			c1, "working_days", (json_int_t)counted, "rows", rows ? rows : json_array(), "totals",
			tally_json(&total));
	period_release(&p);
	free(g);
	return req_reply_take(r, 200, &out);
}

int ranking_get(struct request *r)
{
	/* a league table is of the whole province, whoever reads it: its rows
	 * are aggregates, and a district is measured against the others */
	struct authz_area everywhere = { 1, 0, 0 };
	struct period p;
	struct group *g = NULL;
	struct att_tally total;
	struct db *db = NULL;
	size_t ng = 0;
	int *rank = NULL;
	cal_day from = 0, to = 0;
	enum by by;
	const char *format, *month = req_query(r, "month");
	char base[80], m[8], first[11];
	json_t *items = NULL, *out = NULL;
	int rc, status;

	memset(&p, 0, sizeof p);
	calendar_init(&p.cal);
	if (!month) {
		int y, mo;

		cal_to_ymd(cal_day_of_instant(clock_now_ms()), &y, &mo, NULL);
		from = cal_from_ymd(y, mo, 1);
		to = from + cal_days_in_month(y, mo) - 1;
	} else if (read_period(r, &from, &to) != DF_OK) {
		return r->problem_status;
	}
	if (read_by(r, 1, &by) != DF_OK)
		return r->problem_status;
	format = sheet_format_query(r);
	if (!format)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = period_frame(db, from, to, &p);
	if (rc == DF_OK)
		rc = cell_groups(db, from, to, by, 0, 0, &everywhere, 1, &p.cal, &g, &ng, &total);
	if (rc == DF_OK) {
		/* drop "Province" (posts above every district); order by rate */
		size_t k = 0;

		for (size_t i = 0; i < ng; i++)
			if (g[i].key != 0)
				g[k++] = g[i];
		ng = k;
		for (size_t i = 1; i < ng; i++) {
			/* insertion sort: a few dozen rows; best rate first, no rate last, then by name */
			struct group x = g[i];
			int hx;
			double rx = rate_of(&x.t, &hx);
			size_t j = i;

			while (j > 0) {
				int hy;
				double ry = rate_of(&g[j - 1].t, &hy);

				if (hy > hx || (hy && hx && ry > rx) || (hy == hx && (!hx || ry == rx) &&
									  strcmp(g[j - 1].name, x.name) <= 0))
					break;
				g[j] = g[j - 1];
				j--;
			}
			g[j] = x;
		}
		rank = calloc(ng ? ng : 1, sizeof *rank);
		if (!rank)
			rc = DF_ENOMEM;
		for (size_t i = 0; rank && i < ng; i++) {
			int hx, hy;
			double rx = rate_of(&g[i].t, &hx), ry = i ? rate_of(&g[i - 1].t, &hy) : 0;

			/* equal rates share a rank (1, 2, 2, 4) */
			rank[i] = i > 0 && hx == hy && (!hx || rx == ry) ? rank[i - 1] : (int)i + 1;
		}
	}
	if (rc != DF_OK) {
		period_release(&p);
		free(g);
		free(rank);
		return req_fail(r, rc);
	}
	cal_format(from, first);
	snprintf(m, sizeof m, "%.7s", first);
	if (strcmp(format, "json") != 0) {
		struct sheet s;

		snprintf(base, sizeof base, "attendance-ranking-%s-%s", m, by_names[by]);
		sheet_init(&s, "Ranking");
		rc = sheet_of(&s, g, ng, by, NULL, rank);
		status = rc == DF_OK ? sheet_reply(r, &s, format, base) : req_fail(r, rc);
		sheet_release(&s);
	} else {
		items = json_array();
		for (size_t i = 0; items && i < ng; i++) {
			json_t *o = group_json(&g[i], by);

			if (o)
				json_object_set_new(o, "rank", json_integer(rank[i]));
			json_array_append_new(items, o);
		}
		out = json_pack("{s:s, s:s, s:o}", "month", m, "by", by_names[by], "items", items ? items : json_array());
		status = req_reply_take(r, 200, &out);
	}
	period_release(&p);
	free(g);
	free(rank);
	return status;
}
