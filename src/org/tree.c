/*
 * tree.c - questions asked of the effective-dated org tree "as of" a day:
 * which version of a unit holds, what kind it is, whether it lies in
 * another's subtree, which unit has a given name, the whole tree as JSON
 * and one unit with its history; and, last, the low-level writers (a new
 * unit, a version row, a polygon) that restructure.c and load.c build on.
 * See tree.h for the model.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../core/audit.h"
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/id.h"
#include "../core/store.h"
#include "restructure.h"

/* Most units in one as-of tree (the province has a few thousand offices at most). */
#define TREE_NODES_MAX 200000

static const char *const kind_names[] = { "province", "division", "district", "tehsil", "office" };

const char *unit_kind_name(enum unit_kind k)
{
	if ((int)k < 0 || (size_t)k >= COUNT_OF(kind_names))
		return "unknown";
	return kind_names[k];
}

int unit_kind_parse(const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < COUNT_OF(kind_names); i++)
		if (strcmp(s, kind_names[i]) == 0)
			return (int)i;
	return -1;
}

int org_parent_kind_ok(enum unit_kind child, enum unit_kind parent)
{
	if (child == UNIT_PROVINCE)
		return 0;
	if (child == UNIT_OFFICE)
		return parent != UNIT_OFFICE;
	return (int)parent == (int)child - 1;
}

int org_name_ok(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n == 0 || n > ORG_NAME_MAX || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* copy_text - copy column text (NULL = "") into a fixed field. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

#define VER_COLS "v.id, v.unit_id, v.name, v.kind, v.parent_id, v.valid_from, v.valid_to, v.change_id"

/* read_ver - fill *out from a row selected with VER_COLS at column 0. */
static void read_ver(struct stmt *st, struct unit_ver *out)
{
	int kind = unit_kind_parse(stmt_text(st, 3));

	out->id = stmt_i64(st, 0);
	out->unit_id = stmt_i64(st, 1);
	copy_text(out->name, sizeof out->name, stmt_text(st, 2));
	out->kind = kind < 0 ? UNIT_OFFICE : (enum unit_kind)kind;
	out->parent_id = stmt_isnull(st, 4) ? 0 : stmt_i64(st, 4);
	copy_text(out->valid_from, sizeof out->valid_from, stmt_text(st, 5));
	copy_text(out->valid_to, sizeof out->valid_to, stmt_text(st, 6));
	out->change_id = stmt_isnull(st, 7) ? 0 : stmt_i64(st, 7);
}

int org_ver_live(struct db *db, int64_t unit, const char *day, struct unit_ver *out)
{
	static const char sql[] = "SELECT " VER_COLS " FROM org_unit_versions v"
				  " WHERE v.unit_id = ?2 AND " ORG_ASOF("v", "?1");
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_i64(st, 2, unit);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		read_ver(st, out);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int org_find_live(struct db *db, enum unit_kind kind, const char *name, const char *day, int64_t parent,
		  int64_t *id)
{
	static const char any_sql[] = "SELECT v.unit_id FROM org_unit_versions v"
				      " WHERE v.kind = ?2 AND LOWER(v.name) = LOWER(?3) AND " ORG_ASOF("v", "?1")
				      " LIMIT 2";
	static const char under_sql[] = "SELECT v.unit_id FROM org_unit_versions v"
					" WHERE v.kind = ?2 AND LOWER(v.name) = LOWER(?3) AND v.parent_id = ?4"
					" AND " ORG_ASOF("v", "?1") " LIMIT 2";
	struct stmt *st = NULL;
	int found = 0;
	int rc = db_prepare(db, parent ? under_sql : any_sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_text(st, 2, unit_kind_name(kind), -1);
	stmt_bind_text(st, 3, name, -1);
	if (parent)
		stmt_bind_i64(st, 4, parent);
	for (;;) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (found == 0)
			*id = stmt_i64(st, 0);
		found++;
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	if (found == 0)
		return DF_ENOTFOUND;
	return found > 1 ? DF_ECONFLICT : DF_OK;
}

int org_unit_kind(struct db *db, int64_t unit, cal_day day, enum unit_kind *kind)
{
	struct unit_ver v;
	char d[11];
	int rc;

	cal_format(day, d);
	rc = org_ver_live(db, unit, d, &v);
	if (rc == DF_OK)
		*kind = v.kind;
	return rc;
}

int org_unit_name(struct db *db, int64_t unit, cal_day day, char *out, size_t outlen)
{
	struct unit_ver v;
	char d[11];
	int rc;

	cal_format(day, d);
	rc = org_ver_live(db, unit, d, &v);
	if (rc == DF_OK)
		snprintf(out, outlen, "%s", v.name);
	return rc;
}

int org_unit_geometry(struct db *db, int64_t unit, cal_day day, char **out)
{
	static const char sql[] = "SELECT geojson FROM org_unit_geometry WHERE unit_id = ?1 AND valid_from <= ?2"
				  " ORDER BY valid_from DESC LIMIT 1";
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, sql, &st);

	*out = NULL;
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, unit);
	stmt_bind_text(st, 2, d, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW && stmt_text(st, 0)) {
		*out = strdup(stmt_text(st, 0));
		rc = *out ? DF_OK : DF_ENOMEM;
	} else if (rc == STMT_ROW || rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int org_unit_parent(struct db *db, int64_t unit, cal_day day, int64_t *parent)
{
	struct unit_ver v;
	char d[11];
	int rc;

	cal_format(day, d);
	rc = org_ver_live(db, unit, d, &v);
	if (rc == DF_OK)
		*parent = v.parent_id;
	return rc;
}

int org_unit_find(struct db *db, enum unit_kind kind, const char *name, cal_day day, int64_t *id)
{
	char d[11];

	if (!name || unit_kind_parse(unit_kind_name(kind)) < 0)
		return DF_EINVAL;
	cal_format(day, d);
	return org_find_live(db, kind, name, d, 0, id);
}

/* walk_up - follow parents from unit as of day, at most ORG_MAX_DEPTH
 * steps, calling visit for every unit on the way (the unit itself first);
 * visit returns 1 to stop there with *hit = that unit.  *hit stays 0 when
 * the walk ends (no parent, or a unit that does not exist that day). */
static int walk_up(struct db *db, int64_t unit, cal_day day, int (*visit)(const struct unit_ver *v, void *ctx),
		   void *ctx, int64_t *hit)
{
	struct unit_ver v;
	char d[11];
	int64_t cur = unit;
	int rc;

	*hit = 0;
	cal_format(day, d);
	for (int depth = 0; depth <= ORG_MAX_DEPTH && cur; depth++) {
		rc = org_ver_live(db, cur, d, &v);
		if (rc == DF_ENOTFOUND)
			return DF_OK;
		if (rc != DF_OK)
			return rc;
		if (visit(&v, ctx)) {
			*hit = cur;
			return DF_OK;
		}
		cur = v.parent_id;
	}
	return DF_OK;
}

static int visit_is_id(const struct unit_ver *v, void *ctx)
{
	return v->unit_id == *(const int64_t *)ctx;
}

static int visit_is_kind(const struct unit_ver *v, void *ctx)
{
	return v->kind == *(const enum unit_kind *)ctx;
}

int org_unit_within(struct db *db, int64_t unit, int64_t ancestor, cal_day day, int *yes)
{
	int64_t hit = 0;
	int rc;

	*yes = 0;
	if (unit <= 0 || ancestor <= 0)
		return DF_OK;
	rc = walk_up(db, unit, day, visit_is_id, &ancestor, &hit);
	if (rc == DF_OK)
		*yes = hit != 0;
	return rc;
}

int org_unit_ancestor(struct db *db, int64_t unit, enum unit_kind kind, cal_day day, int64_t *out)
{
	int64_t hit = 0;
	int rc = walk_up(db, unit, day, visit_is_kind, &kind, &hit);

	if (rc != DF_OK)
		return rc;
	if (!hit)
		return DF_ENOTFOUND;
	*out = hit;
	return DF_OK;
}

int org_units_list(struct db *db, enum unit_kind kind, cal_day day, int64_t *ids, size_t max, size_t *n)
{
	static const char sql[] = "SELECT v.unit_id FROM org_unit_versions v"
				  " WHERE v.kind = ?2 AND " ORG_ASOF("v", "?1") " ORDER BY v.name, v.unit_id";
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, sql, &st);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_text(st, 1, d, -1);
	stmt_bind_text(st, 2, unit_kind_name(kind), -1);
	for (;;) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (*n < max)
			ids[*n] = stmt_i64(st, 0);
		(*n)++;
	}
	stmt_done(st);
	return rc;
}

int org_department_find(struct db *db, const char *code, int64_t *id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT id FROM org_departments WHERE code = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, code, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*id = stmt_i64(st, 0);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int org_department_name(struct db *db, int64_t id, char *out, size_t len)
{
	return db_query_text(db, "SELECT name FROM org_departments WHERE id = ?1", 1, &id, out, len);
}

/* ---------------------------------------------------------- the whole tree */

struct tnode {
	int64_t id;        /* unit id */
	int64_t parent;    /* parent unit id, 0 = none */
	enum unit_kind kind;
	json_t *obj;       /* {"id","name","kind","children"} (owned) */
};

struct tnodes {
	struct tnode *v;   /* in name order */
	size_t n, cap;
	struct tkey *by_id; /* (id, index into v), sorted by id */
};

struct tkey {
	int64_t id;        /* unit id */
	size_t at;         /* its index in tnodes.v */
};

static int cmp_key(const void *a, const void *b)
{
	int64_t x = ((const struct tkey *)a)->id, y = ((const struct tkey *)b)->id;

	return (x > y) - (x < y);
}

/* node_of - the index of unit id in t, or -1. */
static long node_of(const struct tnodes *t, int64_t id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t x = t->by_id[mid].id;

		if (x == id)
			return (long)t->by_id[mid].at;
		if (x < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void tnodes_release(struct tnodes *t)
{
	for (size_t i = 0; i < t->n; i++)
		json_decref(t->v[i].obj);
	free(t->v);
	free(t->by_id);
	memset(t, 0, sizeof *t);
}

/* tnodes_load - every unit alive on day, in name order, each with its JSON. */
static int tnodes_load(struct db *db, const char *day, struct tnodes *t)
{
	static const char sql[] = "SELECT v.unit_id, v.name, v.kind, v.parent_id FROM org_unit_versions v"
				  " WHERE " ORG_ASOF("v", "?1") " ORDER BY v.name, v.unit_id";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	for (;;) {
		struct tnode *nd;
		int kind;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 64;
			struct tnode *nv;

			if (cap > TREE_NODES_MAX) {
				rc = DF_ETOOBIG;
				break;
			}
			nv = realloc(t->v, cap * sizeof *nv);
			if (!nv) {
				rc = DF_ENOMEM;
				break;
			}
			t->v = nv;
			t->cap = cap;
		}
		nd = &t->v[t->n];
		kind = unit_kind_parse(stmt_text(st, 2));
		nd->id = stmt_i64(st, 0);
		nd->parent = stmt_isnull(st, 3) ? 0 : stmt_i64(st, 3);
		nd->kind = kind < 0 ? UNIT_OFFICE : (enum unit_kind)kind;
		nd->obj = json_pack("{s:o, s:s, s:s, s:[]}", "id", json_id(nd->id), "name", stmt_text(st, 1),
				    "kind", unit_kind_name(nd->kind), "children");
		if (!nd->obj) {
			rc = DF_ENOMEM;
			break;
		}
		t->n++;
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	t->by_id = malloc((t->n ? t->n : 1) * sizeof *t->by_id);
	if (!t->by_id)
		return DF_ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		t->by_id[i].id = t->v[i].id;
		t->by_id[i].at = i;
	}
	qsort(t->by_id, t->n, sizeof *t->by_id, cmp_key);
	return DF_OK;
}

/* reachable - 1 if node i hangs from a parentless province within the depth cap. */
static int reachable(const struct tnodes *t, size_t i)
{
	long cur = (long)i;

	for (int depth = 0; depth <= ORG_MAX_DEPTH; depth++) {
		const struct tnode *nd = &t->v[cur];

		if (nd->parent == 0)
			return nd->kind == UNIT_PROVINCE;
		cur = node_of(t, nd->parent);
		if (cur < 0)
			return 0;
	}
	return 0;
}

/* tree_build - the tree as of day, read from the store (org_tree_json). */
static int tree_build(struct db *db, cal_day day, json_t **tree, json_t **counts)
{
	struct tnodes t = { 0 };
	json_t *root = NULL, *cnt = NULL;
	char d[11];
	int rc;

	*tree = NULL;
	*counts = NULL;
	cal_format(day, d);
	rc = tnodes_load(db, d, &t);
	if (rc != DF_OK)
		goto out;
	cnt = json_object();
	if (!cnt) {
		rc = DF_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t.n; i++) {
		struct tnode *nd = &t.v[i];
		json_t *c;
		long p;

		if (!reachable(&t, i))
			continue;
		c = json_object_get(cnt, unit_kind_name(nd->kind));
		if (json_object_set_new(cnt, unit_kind_name(nd->kind), json_integer(c ? json_integer_value(c) + 1 : 1))) {
			rc = DF_ENOMEM;
			goto out;
		}
		if (nd->parent == 0) {
			if (!root)
				root = json_incref(nd->obj);
			continue;
		}
		p = node_of(&t, nd->parent);
		if (json_array_append(json_object_get(t.v[p].obj, "children"), nd->obj)) {
			rc = DF_ENOMEM;
			goto out;
		}
	}
	*tree = root ? root : json_null();
	root = NULL;
	*counts = cnt;
	cnt = NULL;
out:
	json_decref(root);
	json_decref(cnt);
	tnodes_release(&t);
	return rc;
}

/* ---------------------------------------------------------- one unit */

/* unit_life - the first day and the end of a unit's life ("" = open/none). */
static int unit_life(struct db *db, int64_t unit, char from[11], char to[11])
{
	static const char sql[] = "SELECT MIN(valid_from), MAX(valid_to),"
				  " SUM(CASE WHEN valid_to IS NULL THEN 1 ELSE 0 END)"
				  " FROM org_unit_versions WHERE unit_id = ?1";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	from[0] = to[0] = '\0';
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		copy_text(from, 11, stmt_text(st, 0));
		if (stmt_i64(st, 2) == 0)
			copy_text(to, 11, stmt_text(st, 1));
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* unit_history - every version of unit, oldest first, with its parent's name then. */
static int unit_history(struct db *db, int64_t unit, json_t *arr)
{
	static const char sql[] = "SELECT " VER_COLS ", p.name FROM org_unit_versions v"
				  " LEFT JOIN org_unit_versions p ON p.unit_id = v.parent_id"
				  " AND p.valid_from <= v.valid_from AND (p.valid_to IS NULL OR p.valid_to > v.valid_from)"
				  " WHERE v.unit_id = ?1 ORDER BY v.valid_from";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	for (;;) {
		struct unit_ver v;
		const char *pname;
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		read_ver(st, &v);
		pname = stmt_text(st, 8);
		o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "name", v.name, "kind", unit_kind_name(v.kind),
			      "parent_id", v.parent_id ? json_id(v.parent_id) : json_null(),
			      "parent_name", pname ? json_string(pname) : json_null(), "valid_from", v.valid_from,
			      "valid_to", v.valid_to[0] ? json_string(v.valid_to) : json_null(),
			      "change_id", v.change_id ? json_id(v.change_id) : json_null());
		if (!o || json_array_append_new(arr, o)) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	return rc;
}

/* unit_children - the units directly under unit on day, by name. */
static int unit_children(struct db *db, int64_t unit, const char *day, json_t *arr)
{
	static const char sql[] = "SELECT v.unit_id, v.name, v.kind FROM org_unit_versions v"
				  " WHERE v.parent_id = ?2 AND " ORG_ASOF("v", "?1") " ORDER BY v.name, v.unit_id";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_i64(st, 2, unit);
	for (;;) {
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		o = json_pack("{s:o, s:s, s:s}", "id", json_id(stmt_i64(st, 0)), "name", stmt_text(st, 1), "kind",
			      stmt_text(st, 2));
		if (!o || json_array_append_new(arr, o)) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	return rc;
}

/* unit_geometry_from - the day the unit's polygon as of day starts ("" = none). */
static int unit_geometry_from(struct db *db, int64_t unit, const char *day, char from[11])
{
	static const char sql[] = "SELECT g.valid_from, CASE WHEN g.geojson IS NULL THEN 1 ELSE 0 END"
				  " FROM org_unit_geometry g"
				  " WHERE g.unit_id = ?2 AND g.valid_from <= ?1 ORDER BY g.valid_from DESC LIMIT 1";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	from[0] = '\0';
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_i64(st, 2, unit);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		if (stmt_i64(st, 1) == 0)
			copy_text(from, 11, stmt_text(st, 0));
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

int org_unit_geometry_from(struct db *db, int64_t unit, cal_day day, char from[11])
{
	char d[11];

	cal_format(day, d);
	return unit_geometry_from(db, unit, d, from);
}

/* unit_code - org_units.code of unit into code. */
static int unit_code(struct db *db, int64_t unit, char *code, size_t cap)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT code FROM org_units WHERE id = ?1", &st);

	code[0] = '\0';
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		copy_text(code, cap, stmt_text(st, 0));
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int org_unit_json(struct db *db, int64_t unit, cal_day day, json_t **out, char life_from[11], char life_to[11])
{
	struct unit_ver v, pv;
	json_t *o = NULL, *parent = NULL, *children = NULL, *history = NULL;
	char d[11], code[64], gfrom[11], lf[11], lt[11];
	int rc;

	*out = NULL;
	cal_format(day, d);
	rc = org_ver_live(db, unit, d, &v);
	if (rc == DF_ENOTFOUND) {
		int lrc = unit_life(db, unit, lf, lt);

		if (lrc != DF_OK)
			rc = lrc;
		if (life_from)
			memcpy(life_from, lf, sizeof lf);
		if (life_to)
			memcpy(life_to, lt, sizeof lt);
	}
	if (rc != DF_OK)
		goto out;
	rc = unit_code(db, unit, code, sizeof code);
	if (rc == DF_OK)
		rc = unit_geometry_from(db, unit, d, gfrom);
	if (rc != DF_OK)
		goto out;
	if (v.parent_id) {
		rc = org_ver_live(db, v.parent_id, d, &pv);
		if (rc == DF_OK)
			parent = json_pack("{s:o, s:s, s:s}", "id", json_id(pv.unit_id), "name", pv.name, "kind",
					   unit_kind_name(pv.kind));
		else if (rc != DF_ENOTFOUND)
			goto out;
	}
	children = json_array();
	history = json_array();
	if (!children || !history) {
		rc = DF_ENOMEM;
		goto out;
	}
	rc = unit_children(db, unit, d, children);
	if (rc == DF_OK)
		rc = unit_history(db, unit, history);
	if (rc != DF_OK)
		goto out;
	o = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:O, s:O}", "as_of", d, "id",
		      json_id(unit), "code", code, "name", v.name, "kind", unit_kind_name(v.kind), "valid_from",
		      v.valid_from, "valid_to", v.valid_to[0] ? json_string(v.valid_to) : json_null(), "geometry_from",
		      gfrom[0] ? json_string(gfrom) : json_null(), "has_geometry", gfrom[0] != '\0', "parent",
		      parent ? parent : json_null(), "children", children, "history", history);
	parent = NULL;
	if (!o) {
		rc = DF_ENOMEM;
		goto out;
	}
	*out = o;
	rc = DF_OK;
out:
	json_decref(parent);
	json_decref(children);
	json_decref(history);
	return rc;
}

/* ---------------------------------------------------------- writers */

int org_audit_unit(struct db *db, const char *event, int64_t unit, int64_t version, const char *code,
		      const char *name, enum unit_kind kind, int64_t parent, const char *from, const char *to,
		      int64_t change_id, int64_t actor)
{
	json_t *rec = json_pack("{s:o, s:o, s:s?, s:s?, s:s, s:o, s:s?, s:s?, s:o}", "unit_id", json_id(unit),
				"version_id", json_id(version), "code", code, "name", name, "kind",
				unit_kind_name(kind), "parent_id", parent ? json_id(parent) : json_null(),
				"valid_from", from, "valid_to", to, "change_id",
				change_id ? json_id(change_id) : json_null());
	int rc;

	if (!rec)
		return DF_ENOMEM;
	rc = audit_append_json(db, event, "org_unit", unit, actor, rec);
	json_decref(rec);
	return rc;
}

int org_version_insert(struct db *db, int64_t vid, int64_t unit, const char *name, enum unit_kind kind,
			  int64_t parent, const char *day, int64_t change_id)
{
	static const char sql[] = "INSERT INTO org_unit_versions"
				  " (id, unit_id, name, kind, parent_id, valid_from, valid_to, change_id)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, vid);
	stmt_bind_i64(st, 2, unit);
	stmt_bind_text(st, 3, name, -1);
	stmt_bind_text(st, 4, unit_kind_name(kind), -1);
	stmt_bind_id(st, 5, parent);
	stmt_bind_text(st, 6, day, -1);
	stmt_bind_id(st, 7, change_id);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int org_unit_create_coded(struct db *db, const char *code, enum unit_kind kind, const char *name, int64_t parent,
			  const char *day, int64_t change_id, int64_t actor, int64_t *id)
{
	struct stmt *st = NULL;
	int64_t uid = id_next(), vid = id_next();
	int rc = db_prepare(db, "INSERT INTO org_units (id, code, created_at) VALUES (?1, ?2, ?3)", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, uid);
	stmt_bind_text(st, 2, code, -1);
	stmt_bind_i64(st, 3, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = org_version_insert(db, vid, uid, name, kind, parent, day, change_id);
	if (rc == DF_OK)
		rc = org_audit_unit(db, "org.unit.create", uid, vid, code, name, kind, parent, day, NULL, change_id, actor);
	if (rc == DF_OK)
		*id = uid;
	return rc;
}

/* code_exists - *taken = 1 if org_units already has code. */
static int code_exists(struct db *db, const char *code, int *taken)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT 1 FROM org_units WHERE code = ?1", &st);

	*taken = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, code, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*taken = 1;
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

int org_unit_create(struct db *db, enum unit_kind kind, const char *name, int64_t parent, const char *day,
		    int64_t change_id, int64_t actor, int64_t *id)
{
	static const char *const prefix[] = { "prov", "div", "dst", "teh", "off" };
	char slug[64], code[80];
	size_t n = 0;

	if ((int)kind < 0 || (size_t)kind >= COUNT_OF(prefix) || !name)
		return DF_EINVAL;
	for (const char *p = name; *p && n < 48; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			slug[n++] = ch;
		else if (n > 0 && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	while (n > 0 && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	snprintf(code, sizeof code, "%s-%s", prefix[kind], n ? slug : "unit");
	for (int i = 2;; i++) {
		int taken = 0;
		int rc = code_exists(db, code, &taken);

		if (rc != DF_OK)
			return rc;
		if (!taken)
			break;
		if (i > 99)
			snprintf(code, sizeof code, "%s-%lld", prefix[kind], (long long)id_next());
		else
			snprintf(code, sizeof code, "%s-%s-%d", prefix[kind], n ? slug : "unit", i);
	}
	return org_unit_create_coded(db, code, kind, name, parent, day, change_id, actor, id);
}

int org_geometry_set(struct db *db, int64_t unit, const char *day, const char *geojson, int64_t actor)
{
	static const char sql[] = "INSERT INTO org_unit_geometry (unit_id, valid_from, geojson) VALUES (?1, ?2, ?3)";
	struct stmt *st = NULL;
	json_t *rec = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	stmt_bind_text(st, 2, day, -1);
	stmt_bind_text(st, 3, geojson, -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	rec = json_pack("{s:o, s:s, s:s?}", "unit_id", json_id(unit), "valid_from", day, "geojson", geojson);
	if (!rec)
		return DF_ENOMEM;
	rc = audit_append_json(db, "org.geometry.set", "org_unit", unit, actor, rec);
	json_decref(rec);
	return rc;
}

/*
 * The tree of a day changes only when a unit version is written or a change
 * set applied, and every report asks for it, so the last few trees are kept
 * in memory.  An entry is valid while the store's generation (the number
 * of unit versions and of change sets, read in one cheap query) is the one
 * it was built at: rows of either are only ever added, versions are changed
 * in place only by a change set, so a write by this or any other instance
 * on the same database invalidates it.  (Not the highest version id: ids
 * from instances whose clocks differ need not grow in commit order.)
 * Callers get deep copies they may modify.
 */
#define TREE_CACHE 8

struct tree_entry {
	cal_day day;
	int64_t gen_version, gen_changes; /* the generation it was built at */
	unsigned long used;               /* for least-recently-used replacement */
	json_t *tree, *counts;            /* NULL: an empty slot */
};

static struct tree_entry tree_cache[TREE_CACHE];
static unsigned long tree_clock;
static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;

static int tree_generation(struct db *db, int64_t *version, int64_t *changes)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT (SELECT COUNT(*) FROM org_unit_versions),"
				" (SELECT COUNT(*) FROM org_changes)", &st);

	if (rc != DF_OK)
		return rc;
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*version = stmt_i64(st, 0);
		*changes = stmt_i64(st, 1);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_EINTERNAL;
	}
	stmt_done(st);
	return rc;
}

/* tree_cached - deep copies of a valid entry; 1 if found. Lock held. */
static int tree_cached(cal_day day, int64_t gv, int64_t gc, json_t **tree, json_t **counts)
{
	for (int i = 0; i < TREE_CACHE; i++) {
		struct tree_entry *e = &tree_cache[i];

		if (!e->tree || e->day != day || e->gen_version != gv || e->gen_changes != gc)
			continue;
		*tree = json_deep_copy(e->tree);
		*counts = json_deep_copy(e->counts);
		e->used = ++tree_clock;
		return *tree && *counts;
	}
	return 0;
}

/* tree_keep - store copies of a freshly built tree. Lock held. */
static void tree_keep(cal_day day, int64_t gv, int64_t gc, json_t *tree, json_t *counts)
{
	struct tree_entry *victim = &tree_cache[0];

	for (int i = 1; i < TREE_CACHE; i++)
		if (!tree_cache[i].tree || tree_cache[i].used < victim->used)
			victim = &tree_cache[i];
	json_decref(victim->tree);
	json_decref(victim->counts);
	victim->day = day;
	victim->gen_version = gv;
	victim->gen_changes = gc;
	victim->used = ++tree_clock;
	victim->tree = json_deep_copy(tree);
	victim->counts = json_deep_copy(counts);
	if (!victim->tree || !victim->counts) {
		json_decref(victim->tree);
		json_decref(victim->counts);
		victim->tree = victim->counts = NULL;
	}
}

int org_tree_json(struct db *db, cal_day day, json_t **tree, json_t **counts)
{
	int64_t gv = 0, gc = 0;
	int rc, hit;

	*tree = NULL;
	*counts = NULL;
	rc = tree_generation(db, &gv, &gc);
	if (rc != DF_OK)
		return rc;
	pthread_mutex_lock(&tree_lock);
	hit = tree_cached(day, gv, gc, tree, counts);
	pthread_mutex_unlock(&tree_lock);
	if (hit)
		return DF_OK;
	json_decref(*tree);
	json_decref(*counts);
	*tree = *counts = NULL;
	rc = tree_build(db, day, tree, counts);
	if (rc != DF_OK)
		return rc;
	pthread_mutex_lock(&tree_lock);
	tree_keep(day, gv, gc, *tree, *counts);
	pthread_mutex_unlock(&tree_lock);
	return DF_OK;
}
