/*
 * people.c - posts, people and postings: reading and writing the rows
 * (each write audited in the caller's transaction), the rules a posting
 * obeys (inside its post's life, never two holders of one post on one
 * day), input checks for personal data, and the two in-memory views the
 * list and report endpoints build once per request: the org tree as of a
 * day and the departments.  See people_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/audit.h"
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/id.h"
#include "../core/store.h"
#include "people.h"
#include "people_int.h"

/* copy - column text (NULL = "") into a fixed field. */
static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* bind_opt - bind s, with "" (or NULL) as SQL NULL. */
static void bind_opt(struct stmt *st, int idx, const char *s)
{
	stmt_bind_text(st, idx, s && *s ? s : NULL, -1);
}

/* ------------------------------------------------------------- readers */

void post_read_row(struct stmt *st, int col, struct post *p)
{
	p->id = stmt_i64(st, col);
	copy(p->designation, sizeof p->designation, stmt_text(st, col + 1));
	p->bps = (int)stmt_i64(st, col + 2);
	p->department = stmt_i64(st, col + 3);
	p->unit = stmt_i64(st, col + 4);
	copy(p->role, sizeof p->role, stmt_text(st, col + 5));
	copy(p->valid_from, sizeof p->valid_from, stmt_text(st, col + 6));
	copy(p->valid_to, sizeof p->valid_to, stmt_text(st, col + 7));
	p->created_at = stmt_i64(st, col + 8);
}

/* get_one - run sql with ?1 = id and read the row with fill. */
static int get_one(struct db *db, const char *sql, int64_t id, void (*fill)(struct stmt *, int, void *), void *out)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		fill(st, 0, out);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

static void fill_post(struct stmt *st, int col, void *out)
{
	post_read_row(st, col, out);
}

static void fill_person(struct stmt *st, int col, void *out)
{
	struct person *p = out;

	p->id = stmt_i64(st, col);
	copy(p->name, sizeof p->name, stmt_text(st, col + 1));
	copy(p->gender, sizeof p->gender, stmt_text(st, col + 2));
	copy(p->cnic, sizeof p->cnic, stmt_text(st, col + 3));
	copy(p->phone, sizeof p->phone, stmt_text(st, col + 4));
	p->generated = (int)stmt_i64(st, col + 5);
	p->created_at = stmt_i64(st, col + 6);
}

static void fill_posting(struct stmt *st, int col, void *out)
{
	posting_read_row(st, col, out);
}

void posting_read_row(struct stmt *st, int col, struct posting *pg)
{
	pg->id = stmt_i64(st, col);
	pg->person = stmt_i64(st, col + 1);
	pg->post = stmt_i64(st, col + 2);
	copy(pg->valid_from, sizeof pg->valid_from, stmt_text(st, col + 3));
	copy(pg->valid_to, sizeof pg->valid_to, stmt_text(st, col + 4));
	copy(pg->order_ref, sizeof pg->order_ref, stmt_text(st, col + 5));
	pg->created_at = stmt_i64(st, col + 6);
}

int post_get(struct db *db, int64_t id, struct post *out)
{
	return get_one(db, "SELECT " POST_COLS " FROM posts WHERE id = ?1", id, fill_post, out);
}

int person_get(struct db *db, int64_t id, struct person *out)
{
	return get_one(db, "SELECT id, name, gender, cnic, phone, generated, created_at FROM people WHERE id = ?1", id,
		       fill_person, out);
}

int posting_get(struct db *db, int64_t id, struct posting *out)
{
	return get_one(db, "SELECT " POSTING_COLS_PG " FROM postings pg WHERE pg.id = ?1", id, fill_posting, out);
}

#define POSTING_REF_SQL "SELECT pg.id, pg.person_id, pg.post_id, p.unit_id, p.department_id, p.role," \
			" p.designation FROM postings pg JOIN posts p ON p.id = pg.post_id"

/* posting_refs - run st (bound, selecting POSTING_REF_SQL's columns) into
 * out, up to max; *n how many. */
static int posting_refs(struct stmt *st, struct posting_ref *out, size_t max, size_t *n)
{
	int rc;

	*n = 0;
	for (;;) {
		struct posting_ref *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (*n >= max)
			continue;
		o = &out[*n];
		o->id = stmt_i64(st, 0);
		o->person = stmt_i64(st, 1);
		o->post = stmt_i64(st, 2);
		o->unit = stmt_i64(st, 3);
		o->department = stmt_i64(st, 4);
		snprintf(o->role, sizeof o->role, "%s", stmt_text(st, 5) ? stmt_text(st, 5) : "");
		snprintf(o->designation, sizeof o->designation, "%s", stmt_text(st, 6) ? stmt_text(st, 6) : "");
		(*n)++;
	}
	stmt_done(st);
	return rc;
}

/* refs_asof - posting_refs of sql (POSTING_REF_SQL with ?1 = id and ?2 =
 * the day). */
static int refs_asof(struct db *db, const char *sql, int64_t id, cal_day day, struct posting_ref *out, size_t max,
		     size_t *n)
{
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, sql, &st);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, id);
	stmt_bind_text(st, 2, d, -1);
	return posting_refs(st, out, max, n);
}

int people_postings_on(struct db *db, int64_t person, cal_day day, struct posting_ref *out, size_t max,
		       size_t *n)
{
	static const char sql[] = POSTING_REF_SQL " WHERE pg.person_id = ?1 AND " PEOPLE_ASOF("pg", "?2")
				  " ORDER BY pg.valid_from, pg.id";

	return refs_asof(db, sql, person, day, out, max, n);
}

int people_post_holders(struct db *db, int64_t post, cal_day day, struct posting_ref *out, size_t max, size_t *n)
{
	static const char sql[] = POSTING_REF_SQL " WHERE pg.post_id = ?1 AND " PEOPLE_ASOF("pg", "?2")
				  " ORDER BY pg.valid_from, pg.id";

	return refs_asof(db, sql, post, day, out, max, n);
}

int people_posting_ref(struct db *db, int64_t id, struct posting_ref *out)
{
	struct stmt *st = NULL;
	size_t n = 0;
	int rc = db_prepare(db, POSTING_REF_SQL " WHERE pg.id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = posting_refs(st, out, 1, &n);
	if (rc == DF_OK && n == 0)
		rc = DF_ENOTFOUND;
	return rc;
}

/* in_areas - whether a post in unit of department lies inside some area. */
static int in_areas(const struct unitmap *m, int64_t unit, int64_t dept, const struct authz_area *areas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (areas[i].department && areas[i].department != dept)
			continue;
		if (areas[i].all_units || unitmap_within(m, unit, areas[i].unit))
			return 1;
	}
	return 0;
}

int people_holders(struct db *db, cal_day day, int64_t unit, const struct authz_area *areas, size_t n,
		   size_t max, struct holder **out, size_t *count)
{
	return people_holders_between(db, day, day, unit, areas, n, max, out, count);
}

/* held_day - the stored day text s as a cal_day; dflt when s is NULL/"". */
static cal_day held_day(const char *s, cal_day dflt)
{
	cal_day d;

	return s && *s && cal_parse(s, &d) == DF_OK ? d : dflt;
}

int people_holders_between(struct db *db, cal_day from, cal_day to, int64_t unit, const struct authz_area *areas,
			   size_t n, size_t max, struct holder **out, size_t *count)
{
	return people_holders_asof(db, from, to, to, unit, areas, n, max, out, count);
}

int people_holders_asof(struct db *db, cal_day from, cal_day to, cal_day asof, int64_t unit,
			const struct authz_area *areas, size_t n, size_t max, struct holder **out, size_t *count)
{
	/* held on some day of [from, to]: began by `to`, not ended by `from` */
	static const char sql[] = "SELECT pg.id, pg.person_id, pg.post_id, p.unit_id, p.department_id, p.role,"
				  " p.designation, pe.name, pg.valid_from, pg.valid_to FROM postings pg"
				  " JOIN posts p ON p.id = pg.post_id JOIN people pe ON pe.id = pg.person_id"
				  " WHERE pg.valid_from <= ?2 AND (pg.valid_to IS NULL OR pg.valid_to > ?1)"
				  " ORDER BY pe.name, pg.id";
	struct unitmap m;
	struct stmt *st = NULL;
	struct holder *h = NULL;
	size_t cap = 0;
	char d0[11], d1[11];
	int rc = unitmap_load(db, asof, &m);

	*out = NULL;
	*count = 0;
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		goto out;
	cal_format(from, d0);
	cal_format(to, d1);
	stmt_bind_text(st, 1, d0, -1);
	stmt_bind_text(st, 2, d1, -1);
	for (;;) {
		struct holder *o;
		const struct unit_node *u;
		int64_t pu, pd;
		cal_day vf, vt;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		pu = stmt_i64(st, 3);
		pd = stmt_i64(st, 4);
		if ((unit && !unitmap_within(&m, pu, unit)) || !in_areas(&m, pu, pd, areas, n))
			continue;
		if (*count >= max) {
			rc = DF_ETOOBIG;
			break;
		}
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct holder *nh = realloc(h, ncap * sizeof *nh);

			if (!nh) {
				rc = DF_ENOMEM;
				break;
			}
			h = nh;
			cap = ncap;
		}
		o = &h[(*count)++];
		memset(o, 0, sizeof *o);
		o->pg.id = stmt_i64(st, 0);
		o->pg.person = stmt_i64(st, 1);
		o->pg.post = stmt_i64(st, 2);
		o->pg.unit = pu;
		o->pg.department = pd;
		snprintf(o->pg.role, sizeof o->pg.role, "%s", stmt_text(st, 5) ? stmt_text(st, 5) : "");
		snprintf(o->pg.designation, sizeof o->pg.designation, "%s", stmt_text(st, 6) ? stmt_text(st, 6) : "");
		snprintf(o->name, sizeof o->name, "%s", stmt_text(st, 7) ? stmt_text(st, 7) : "");
		u = unitmap_get(&m, pu);
		snprintf(o->unit_name, sizeof o->unit_name, "%s", u ? u->name : "");
		vf = held_day(stmt_text(st, 8), from);
		vt = held_day(stmt_text(st, 9), to + 1); /* valid_to is the first day not held */
		o->began = vf;
		o->from = vf > from ? vf : from;
		o->to = vt - 1 < to ? vt - 1 : to;
		o->district = unitmap_ancestor(&m, pu, UNIT_DISTRICT);
		o->division = unitmap_ancestor(&m, pu, UNIT_DIVISION);
	}
	stmt_done(st);
out:
	unitmap_release(&m);
	if (rc != DF_OK) {
		free(h);
		*count = 0;
		return rc;
	}
	*out = h;
	return DF_OK;
}

/* The org tree of a day narrowed to a unit and areas (people.h). */
struct people_scope {
	struct unitmap m;
	int64_t unit;
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	size_t n;
};

int people_scope_open(struct db *db, cal_day day, int64_t unit, const struct authz_area *areas, size_t n,
		      struct people_scope **out)
{
	struct people_scope *s = calloc(1, sizeof *s);
	int rc;

	*out = NULL;
	if (!s)
		return DF_ENOMEM;
	if (n > AUTHZ_MAX_GRANTS)
		n = AUTHZ_MAX_GRANTS;
	s->unit = unit;
	s->n = n;
	if (n)
		memcpy(s->areas, areas, n * sizeof *areas);
	rc = unitmap_load(db, day, &s->m);
	if (rc != DF_OK) {
		people_scope_close(s);
		return rc;
	}
	*out = s;
	return DF_OK;
}

int people_scope_place(const struct people_scope *s, int64_t unit, int64_t department, struct unit_place *out)
{
	const struct unit_node *u;

	if ((s->unit && !unitmap_within(&s->m, unit, s->unit)) || !in_areas(&s->m, unit, department, s->areas, s->n))
		return 0;
	u = unitmap_get(&s->m, unit);
	out->name = u ? u->name : "";
	out->district = unitmap_ancestor(&s->m, unit, UNIT_DISTRICT);
	out->division = unitmap_ancestor(&s->m, unit, UNIT_DIVISION);
	return 1;
}

void people_scope_close(struct people_scope *s)
{
	if (!s)
		return;
	unitmap_release(&s->m);
	free(s);
}

int people_postings_changed_since(struct db *db, int64_t since_ms, cal_day *first, int64_t *latest_ms)
{
	/* a new posting changes its days from valid_from; an ended one (valid_to
	 * was open until then) those from valid_to */
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT MIN(CASE WHEN created_at > ?1 THEN valid_from ELSE valid_to END),"
			    " MAX(changed_at) FROM postings WHERE changed_at > ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, since_ms);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		rc = stmt_isnull(st, 0) || cal_parse(stmt_text(st, 0), first) != DF_OK ? DF_ENOTFOUND : DF_OK;
		if (rc == DF_OK)
			*latest_ms = stmt_i64(st, 1);
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int people_post_ref(struct db *db, int64_t post, struct posting_ref *out)
{
	struct post p;
	int rc = post_get(db, post, &p);

	if (rc != DF_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->post = p.id;
	out->unit = p.unit;
	out->department = p.department;
	snprintf(out->role, sizeof out->role, "%s", p.role);
	snprintf(out->designation, sizeof out->designation, "%s", p.designation);
	return DF_OK;
}

int people_person_name(struct db *db, int64_t person, char *out, size_t len)
{
	return db_query_text(db, "SELECT name FROM people WHERE id = ?1", 1, &person, out, len);
}

/* heads_at - the best supervisor of pg among the postings held on day at
 * posts of unit: rank above pg's, a secretary only of pg's department,
 * the lowest such rank, then the oldest posting.  *found 0 if none. */
static int heads_at(struct db *db, int64_t unit, const struct posting_ref *pg, int my_rank, const char *d,
		    struct holder *best, int *found)
{
	static const char sql[] = "SELECT pg.id, pg.person_id, pg.post_id, p.unit_id, p.department_id, p.role,"
				  " p.designation, pe.name FROM postings pg JOIN posts p ON p.id = pg.post_id"
				  " JOIN people pe ON pe.id = pg.person_id WHERE p.unit_id = ?1 AND "
				  PEOPLE_ASOF("pg", "?2") " AND p.role <> 'field_officer' AND p.role <> 'clerk'"
				  " ORDER BY pg.valid_from, pg.id";
	struct stmt *st = NULL;
	int best_rank = 1000, rc = db_prepare(db, sql, &st);

	*found = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	stmt_bind_text(st, 2, d, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		const char *role = stmt_text(st, 5) ? stmt_text(st, 5) : "";
		int rank = authz_role_rank(role);

		if (rank <= my_rank || rank >= best_rank || stmt_i64(st, 1) == pg->person)
			continue;
		if (strcmp(role, "secretary") == 0 && stmt_i64(st, 4) != pg->department)
			continue;
		if (strcmp(role, "delivery_unit") == 0)
			continue; /* monitors, does not command */
		best_rank = rank;
		memset(best, 0, sizeof *best);
		best->pg.id = stmt_i64(st, 0);
		best->pg.person = stmt_i64(st, 1);
		best->pg.post = stmt_i64(st, 2);
		best->pg.unit = stmt_i64(st, 3);
		best->pg.department = stmt_i64(st, 4);
		snprintf(best->pg.role, sizeof best->pg.role, "%s", role);
		snprintf(best->pg.designation, sizeof best->pg.designation, "%s",
			 stmt_text(st, 6) ? stmt_text(st, 6) : "");
		snprintf(best->name, sizeof best->name, "%s", stmt_text(st, 7) ? stmt_text(st, 7) : "");
		*found = 1;
	}
	stmt_done(st);
	return rc;
}

int people_supervisor(struct db *db, const struct posting_ref *pg, cal_day day, struct holder *out)
{
	int my_rank = authz_role_rank(pg->role), found = 0;
	int64_t unit = pg->unit;
	char d[11];
	int rc = DF_OK;

	cal_format(day, d);
	/* a province is at most a handful of levels deep; 16 bounds a cycle */
	for (int depth = 0; unit && depth < 16; depth++) {
		int64_t parent = 0;

		rc = heads_at(db, unit, pg, my_rank, d, out, &found);
		if (rc != DF_OK || found)
			break;
		rc = org_unit_parent(db, unit, day, &parent);
		if (rc == DF_ENOTFOUND) {
			rc = DF_OK;
			break;
		}
		if (rc != DF_OK)
			break;
		unit = parent;
	}
	if (rc != DF_OK)
		return rc;
	if (!found)
		return DF_ENOTFOUND;
	out->from = out->to = day;
	return DF_OK;
}

/* ------------------------------------------------------------- writers */

/* audit_rec - append a leaf for record (taking it) if audit is on. */
static int audit_rec(struct db *db, int audit, const char *event, const char *type, int64_t id, int64_t actor,
		     json_t *rec)
{
	int rc;

	if (!audit) {
		json_decref(rec);
		return DF_OK;
	}
	rc = rec ? audit_append_json(db, event, type, id, actor, rec) : DF_ENOMEM;
	json_decref(rec);
	return rc;
}

int post_insert(struct db *db, struct post *p, int64_t actor, int audit)
{
	static const char sql[] = "INSERT INTO posts (" POST_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	p->id = id_next();
	p->created_at = clock_now_ms();
	stmt_bind_i64(st, 1, p->id);
	stmt_bind_text(st, 2, p->designation, -1);
	stmt_bind_i64(st, 3, p->bps);
	stmt_bind_i64(st, 4, p->department);
	stmt_bind_i64(st, 5, p->unit);
	stmt_bind_text(st, 6, p->role, -1);
	stmt_bind_text(st, 7, p->valid_from, -1);
	bind_opt(st, 8, p->valid_to);
	stmt_bind_i64(st, 9, p->created_at);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	return audit_rec(db, audit, "people.post.create", "post", p->id, actor,
			 json_pack("{s:o, s:s, s:i, s:o, s:o, s:s, s:s, s:s?}", "id", json_id(p->id), "designation",
				   p->designation, "bps", p->bps, "department_id", json_id(p->department), "unit_id",
				   json_id(p->unit), "role", p->role, "valid_from", p->valid_from, "valid_to",
				   p->valid_to[0] ? p->valid_to : NULL));
}

int person_insert(struct db *db, struct person *p, int64_t actor, int audit)
{
	static const char sql[] = "INSERT INTO people (id, name, gender, cnic, phone, generated, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	p->id = id_next();
	p->created_at = clock_now_ms();
	stmt_bind_i64(st, 1, p->id);
	stmt_bind_text(st, 2, p->name, -1);
	stmt_bind_text(st, 3, p->gender, -1);
	bind_opt(st, 4, p->cnic);
	bind_opt(st, 5, p->phone);
	stmt_bind_i64(st, 6, p->generated);
	stmt_bind_i64(st, 7, p->created_at);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	/* personal data (name, CNIC, phone) stays out of the record */
	return audit_rec(db, audit, "people.person.create", "person", p->id, actor,
			 json_pack("{s:o, s:b, s:b, s:b}", "id", json_id(p->id), "generated", p->generated,
				   "has_cnic", p->cnic[0] != '\0', "has_phone", p->phone[0] != '\0'));
}

/* post_taken - is the post held by anyone on some day of [from, to)? */
static int post_taken(struct db *db, int64_t post, const char *from, const char *to, int *taken)
{
	static const char open_sql[] = "SELECT id FROM postings WHERE post_id = ?1"
				       " AND (valid_to IS NULL OR valid_to > ?2) LIMIT 1";
	static const char closed_sql[] = "SELECT id FROM postings WHERE post_id = ?1"
					 " AND (valid_to IS NULL OR valid_to > ?2) AND valid_from < ?3 LIMIT 1";
	struct stmt *st = NULL;
	int rc = db_prepare(db, to[0] ? closed_sql : open_sql, &st);

	*taken = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, post);
	stmt_bind_text(st, 2, from, -1);
	if (to[0])
		stmt_bind_text(st, 3, to, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*taken = 1;
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

int posting_insert(struct db *db, struct posting *pg, const struct post *post, int64_t actor, int audit,
		   char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO postings (id, person_id, post_id, valid_from, valid_to, order_ref, created_at,"
				  " changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";
	struct stmt *st = NULL;
	int taken = 0;
	int rc;

	err[0] = '\0';
	if (strcmp(pg->valid_from, post->valid_from) < 0 ||
	    (post->valid_to[0] && strcmp(pg->valid_from, post->valid_to) >= 0)) {
		snprintf(err, errlen, "the post exists from %s%s%s only", post->valid_from,
			 post->valid_to[0] ? " until before " : "", post->valid_to);
		return DF_EINVAL;
	}
	if (post->valid_to[0] && (!pg->valid_to[0] || strcmp(pg->valid_to, post->valid_to) > 0))
		memcpy(pg->valid_to, post->valid_to, sizeof pg->valid_to);
	if (pg->valid_to[0] && strcmp(pg->valid_to, pg->valid_from) <= 0) {
		snprintf(err, errlen, "valid_to must be after valid_from");
		return DF_EINVAL;
	}
	rc = post_taken(db, post->id, pg->valid_from, pg->valid_to, &taken);
	if (rc != DF_OK)
		return rc;
	if (taken) {
		snprintf(err, errlen, "the post is held by someone on some of those days");
		return DF_ECONFLICT;
	}
	rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	pg->id = id_next();
	pg->created_at = clock_now_ms();
	stmt_bind_i64(st, 1, pg->id);
	stmt_bind_i64(st, 2, pg->person);
	stmt_bind_i64(st, 3, pg->post);
	stmt_bind_text(st, 4, pg->valid_from, -1);
	bind_opt(st, 5, pg->valid_to);
	bind_opt(st, 6, pg->order_ref);
	stmt_bind_i64(st, 7, pg->created_at);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	return audit_rec(db, audit, "people.posting.create", "posting", pg->id, actor,
			 json_pack("{s:o, s:o, s:o, s:s, s:s?, s:s?}", "id", json_id(pg->id), "person_id",
				   json_id(pg->person), "post_id", json_id(pg->post), "valid_from", pg->valid_from,
				   "valid_to", pg->valid_to[0] ? pg->valid_to : NULL, "order_ref",
				   pg->order_ref[0] ? pg->order_ref : NULL));
}

int posting_end(struct db *db, struct posting *pg, const char *valid_to, int64_t actor)
{
	struct stmt *st = NULL;
	int rc;

	if (pg->valid_to[0])
		return DF_ECONFLICT;
	if (strcmp(valid_to, pg->valid_from) <= 0)
		return DF_EINVAL;
	rc = db_prepare(db, "UPDATE postings SET valid_to = ?2, changed_at = ?3 WHERE id = ?1 AND valid_to IS NULL", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, pg->id);
	stmt_bind_text(st, 2, valid_to, -1);
	stmt_bind_i64(st, 3, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	copy(pg->valid_to, sizeof pg->valid_to, valid_to);
	return audit_rec(db, PEOPLE_AUDIT, "people.posting.end", "posting", pg->id, actor,
			 json_pack("{s:o, s:s}", "id", json_id(pg->id), "valid_to", pg->valid_to));
}

/* ------------------------------------------------------------- checks */

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int cnic_ok(const char *s)
{
	return s && strlen(s) == PERSON_CNIC_LEN && all_digits(s, 5) && s[5] == '-' && all_digits(s + 6, 7) &&
	       s[13] == '-' && all_digits(s + 14, 1);
}

int phone_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, digits = 0;

	if (n < 7 || n > PERSON_PHONE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!(s[i] == ' ' || s[i] == '-' || (s[i] == '+' && i == 0)))
			return 0;
	}
	return digits >= 7;
}

int gender_ok(const char *s)
{
	return s && (strcmp(s, "male") == 0 || strcmp(s, "female") == 0 || strcmp(s, "other") == 0);
}

/* ------------------------------------------------------------- the tree as of a day */

static int cmp_node(const void *a, const void *b)
{
	int64_t x = ((const struct unit_node *)a)->id, y = ((const struct unit_node *)b)->id;

	return (x > y) - (x < y);
}

/* count_nodes - units in a tree JSON (bounded by depth). */
static size_t count_nodes(json_t *node, int depth)
{
	json_t *kids = json_object_get(node, "children");
	size_t n = 1, i;
	json_t *k;

	if (depth > ORG_MAX_DEPTH)
		return n;
	json_array_foreach(kids, i, k)
		n += count_nodes(k, depth + 1);
	return n;
}

/* collect - flatten a tree JSON into m->u (room was counted). */
static int collect(struct unitmap *m, json_t *node, int64_t parent, int depth)
{
	struct unit_node *u;
	json_t *kids, *k;
	int64_t id = 0;
	int kind;
	size_t i;

	if (depth > ORG_MAX_DEPTH)
		return DF_OK;
	if (json_parse_id(json_object_get(node, "id"), &id) != DF_OK)
		return DF_EINTERNAL;
	kind = unit_kind_parse(json_string_value(json_object_get(node, "kind")));
	u = &m->u[m->n++];
	u->id = id;
	u->parent = parent;
	u->kind = kind < 0 ? UNIT_OFFICE : (enum unit_kind)kind;
	copy(u->name, sizeof u->name, json_string_value(json_object_get(node, "name")));
	kids = json_object_get(node, "children");
	json_array_foreach(kids, i, k) {
		int rc = collect(m, k, id, depth + 1);

		if (rc != DF_OK)
			return rc;
	}
	return DF_OK;
}

int unitmap_load(struct db *db, cal_day day, struct unitmap *m)
{
	json_t *tree = NULL, *counts = NULL;
	int rc;

	memset(m, 0, sizeof *m);
	m->day = day;
	rc = org_tree_json(db, day, &tree, &counts);
	if (rc != DF_OK)
		goto out;
	if (!json_is_object(tree))
		goto out; /* no province that day: an empty map */
	m->u = calloc(count_nodes(tree, 0), sizeof *m->u);
	if (!m->u) {
		rc = DF_ENOMEM;
		goto out;
	}
	rc = collect(m, tree, 0, 0);
	if (rc == DF_OK)
		qsort(m->u, m->n, sizeof *m->u, cmp_node);
out:
	json_decref(tree);
	json_decref(counts);
	if (rc != DF_OK)
		unitmap_release(m);
	return rc;
}

void unitmap_release(struct unitmap *m)
{
	free(m->u);
	m->u = NULL;
	m->n = 0;
}

const struct unit_node *unitmap_get(const struct unitmap *m, int64_t id)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->u[mid].id == id)
			return &m->u[mid];
		if (m->u[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int64_t unitmap_ancestor(const struct unitmap *m, int64_t unit, enum unit_kind kind)
{
	const struct unit_node *u = unitmap_get(m, unit);

	for (int depth = 0; u && depth <= ORG_MAX_DEPTH; depth++) {
		if (u->kind == kind)
			return u->id;
		u = u->parent ? unitmap_get(m, u->parent) : NULL;
	}
	return 0;
}

int unitmap_within(const struct unitmap *m, int64_t unit, int64_t ancestor)
{
	const struct unit_node *u = unitmap_get(m, unit);

	for (int depth = 0; u && depth <= ORG_MAX_DEPTH; depth++) {
		if (u->id == ancestor)
			return 1;
		u = u->parent ? unitmap_get(m, u->parent) : NULL;
	}
	return 0;
}

json_t *unitmap_ref_json(const struct unitmap *m, int64_t unit)
{
	const struct unit_node *u = unitmap_get(m, unit);

	return json_pack("{s:o, s:o, s:o}", "id", json_id(unit), "name", u ? json_string(u->name) : json_null(),
			 "kind", u ? json_string(unit_kind_name(u->kind)) : json_null());
}

/* ------------------------------------------------------------- departments */

int depts_load(struct db *db, struct depts *out)
{
	/* the org tree module's table: tree.h has no reader of names by id yet */
	static const char sql[] = "SELECT id, code, name FROM org_departments ORDER BY code";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	out->n = 0;
	if (rc != DF_OK)
		return rc;
	for (;;) {
		struct dept *d;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (out->n == DEPTS_MAX) {
			rc = DF_ETOOBIG;
			break;
		}
		d = &out->d[out->n++];
		d->id = stmt_i64(st, 0);
		copy(d->code, sizeof d->code, stmt_text(st, 1));
		copy(d->name, sizeof d->name, stmt_text(st, 2));
	}
	stmt_done(st);
	return rc;
}

const struct dept *depts_get(const struct depts *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->d[i].id == id)
			return &l->d[i];
	return NULL;
}

const struct dept *depts_find(const struct depts *l, const char *code)
{
	for (size_t i = 0; code && i < l->n; i++)
		if (strcmp(l->d[i].code, code) == 0)
			return &l->d[i];
	return NULL;
}

json_t *depts_ref_json(const struct depts *l, int64_t id)
{
	const struct dept *d = depts_get(l, id);

	return json_pack("{s:o, s:o, s:o}", "id", json_id(id), "code", d ? json_string(d->code) : json_null(), "name",
			 d ? json_string(d->name) : json_null());
}

/* ------------------------------------------------------------- small shared helpers */

cal_day people_today(void)
{
	return cal_day_of_instant(clock_now_ms());
}

int people_finish_tx(struct db *db, int rc)
{
	if (!db)
		return rc == DF_OK ? DF_EINTERNAL : rc;
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK)
		db_rollback(db);
	return rc;
}

int depts_alloc(struct db *db, struct depts **out)
{
	struct depts *d = calloc(1, sizeof *d);
	int rc;

	*out = NULL;
	if (!d)
		return DF_ENOMEM;
	rc = depts_load(db, d);
	if (rc != DF_OK) {
		free(d);
		return rc;
	}
	*out = d;
	return DF_OK;
}

json_t *unit_ref_on(struct db *db, int64_t unit, cal_day day)
{
	char name[ORG_NAME_MAX + 1];
	enum unit_kind kind = UNIT_OFFICE;
	int known = org_unit_name(db, unit, day, name, sizeof name) == DF_OK &&
		    org_unit_kind(db, unit, day, &kind) == DF_OK;

	return json_pack("{s:o, s:o, s:o}", "id", json_id(unit), "name", known ? json_string(name) : json_null(),
			 "kind", known ? json_string(unit_kind_name(kind)) : json_null());
}

/* ------------------------------------------------------------- JSON */

json_t *post_json(const struct post *p, const struct unitmap *m, const struct depts *d)
{
	return json_pack("{s:o, s:s, s:i, s:s, s:o, s:o, s:s, s:o}", "id", json_id(p->id), "designation",
			 p->designation, "bps", p->bps, "role", p->role, "department", depts_ref_json(d, p->department),
			 "unit", unitmap_ref_json(m, p->unit), "valid_from", p->valid_from, "valid_to",
			 p->valid_to[0] ? json_string(p->valid_to) : json_null());
}

json_t *posting_json(const struct posting *pg, const char *person_name)
{
	return json_pack("{s:o, s:{s:o, s:s?}, s:o, s:s, s:o, s:o}", "id", json_id(pg->id), "person", "id",
			 json_id(pg->person), "name", person_name, "post_id", json_id(pg->post), "valid_from",
			 pg->valid_from, "valid_to", pg->valid_to[0] ? json_string(pg->valid_to) : json_null(),
			 "order_ref", pg->order_ref[0] ? json_string(pg->order_ref) : json_null());
}
