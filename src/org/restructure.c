/*
 * restructure.c - applying a restructuring (a change set with an effective
 * date) to the org tree, and the version writers it and the reference load
 * share.  One change set is validated and written item by item inside the
 * caller's transaction; any error leaves a sentence in err and the caller
 * rolls everything back.  See org_apply_change in tree.h for the actions.
 *
 * Besides names and parents, a change moves territory: a district carved
 * out of another, a district moved to another division.  The polygons we
 * hold describe the territory of their day, so every unit whose territory
 * changed gets "no polygon known" from the effective day (a geometry row
 * with NULL) instead of keeping a boundary that is no longer true.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/audit.h"
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/id.h"
#include "../core/store.h"
#include "restructure.h"

#define MERGE_SOURCES_MAX 20   /* units merged by one item */
#define ENDED_MAX 1024         /* units ended by one change set */
#define FLOWS_MAX 2048         /* territory moves in one change set */
#define NOTE_MAX 500
#define TITLE_MAX 200

/* Territory that left unit a (as of the day before) for unit b (as of the day). */
struct flow {
	int64_t a, b;
};

/* The state of one change set being applied. */
struct chg {
	struct db *db;
	int64_t actor;           /* users.id, 0 = the system */
	int64_t id;              /* org_changes.id */
	char day[11];            /* the effective day */
	char eve[11];            /* the day before */
	int item;                /* index of the item being applied */
	int seq;                 /* next org_change_items.seq */
	char *err;               /* where the sentence goes */
	size_t errlen;
	int64_t ended[ENDED_MAX];   /* units this set ended */
	int ended_by_split[ENDED_MAX]; /* 1 if ended[i] was a split source */
	size_t nended;
	struct flow flows[FLOWS_MAX];
	size_t nflows;
};

/* What one item row records. */
struct item_rec {
	const char *action;
	enum unit_kind kind;
	int64_t unit;            /* the unit acted on (the new one for create/split/merge) */
	const char *unit_name;
	int64_t from;            /* 0 = none */
	const char *from_name;
	int64_t to;              /* 0 = none */
	const char *to_name;
	const char *note;
};

static int fail(struct chg *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct chg *c, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (c->item >= 0)
		n = snprintf(c->err, c->errlen, "items[%d]: ", c->item);
	if (n < 0 || (size_t)n >= c->errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return DF_EINVAL;
}

/* ------------------------------------------------------ version changes */

/* ver_change - from c->day on, unit is called name and lies in parent. */
static int ver_change(struct chg *c, int64_t unit, const char *name, int64_t parent)
{
	static const char upd[] = "UPDATE org_unit_versions SET name = ?2, parent_id = ?3, change_id = ?4 WHERE id = ?1";
	static const char close_sql[] = "UPDATE org_unit_versions SET valid_to = ?2 WHERE id = ?1";
	struct unit_ver v;
	struct stmt *st = NULL;
	int64_t vid;
	int rc = org_ver_live(c->db, unit, c->day, &v);

	if (rc == DF_ENOTFOUND)
		return fail(c, "the unit does not exist on %s", c->day);
	if (rc != DF_OK)
		return rc;
	if (v.valid_to[0])
		return fail(c, "%s is already changed again on %s; apply change sets in date order", v.name,
			    v.valid_to);
	if (strcmp(v.valid_from, c->day) == 0) {
		vid = v.id;
		rc = db_prepare(c->db, upd, &st);
		if (rc != DF_OK)
			return rc;
		stmt_bind_i64(st, 1, v.id);
		stmt_bind_text(st, 2, name, -1);
		stmt_bind_i64(st, 3, parent);
		stmt_bind_i64(st, 4, c->id);
		rc = stmt_step(st);
		stmt_done(st);
	} else {
		vid = id_next();
		rc = db_prepare(c->db, close_sql, &st);
		if (rc != DF_OK)
			return rc;
		stmt_bind_i64(st, 1, v.id);
		stmt_bind_text(st, 2, c->day, -1);
		rc = stmt_step(st);
		stmt_done(st);
		if (rc == DF_OK)
			rc = org_version_insert(c->db, vid, unit, name, v.kind, parent, c->day, c->id);
	}
	if (rc == DF_OK)
		rc = org_audit_unit(c->db, "org.unit.version", unit, vid, NULL, name, v.kind, parent, c->day, NULL, c->id,
				c->actor);
	return rc;
}

/* ver_end - unit ends on c->day (its current version is closed). */
static int ver_end(struct chg *c, int64_t unit, int by_split)
{
	struct unit_ver v;
	struct stmt *st = NULL;
	int rc = org_ver_live(c->db, unit, c->day, &v);

	if (rc == DF_ENOTFOUND)
		return fail(c, "the unit does not exist on %s", c->day);
	if (rc != DF_OK)
		return rc;
	if (v.valid_to[0])
		return fail(c, "%s is already changed again on %s; apply change sets in date order", v.name,
			    v.valid_to);
	if (strcmp(v.valid_from, c->day) == 0)
		return fail(c, "%s begins on %s and cannot also end that day", v.name, c->day);
	if (c->nended == ENDED_MAX)
		return fail(c, "a change set may end at most %d units", ENDED_MAX);
	rc = db_prepare(c->db, "UPDATE org_unit_versions SET valid_to = ?2 WHERE id = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, v.id);
	stmt_bind_text(st, 2, c->day, -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = org_audit_unit(c->db, "org.unit.end", unit, v.id, NULL, v.name, v.kind, v.parent_id, v.valid_from,
				c->day, c->id, c->actor);
	if (rc == DF_OK) {
		c->ended[c->nended] = unit;
		c->ended_by_split[c->nended] = by_split;
		c->nended++;
	}
	return rc;
}

static int add_flow(struct chg *c, int64_t a, int64_t b)
{
	if (c->nflows == FLOWS_MAX)
		return fail(c, "a change set may move territory at most %d times", FLOWS_MAX);
	c->flows[c->nflows].a = a;
	c->flows[c->nflows].b = b;
	c->nflows++;
	return DF_OK;
}

/* name_then - the name of unit on day, else on alt; "" if neither. */
static void name_then(struct chg *c, int64_t unit, const char *day, const char *alt, char *out, size_t cap)
{
	struct unit_ver v;

	out[0] = '\0';
	if (org_ver_live(c->db, unit, day, &v) == DF_OK || org_ver_live(c->db, unit, alt, &v) == DF_OK)
		snprintf(out, cap, "%s", v.name);
}

/* item_row - record one item; names not given (a default parent) are
 * filled in: from as it was the day before, to as it is on the day. */
static int item_row(struct chg *c, int part, const struct item_rec *it)
{
	static const char sql[] = "INSERT INTO org_change_items (change_id, seq, part, action, kind, unit_id,"
				  " unit_name, from_unit, from_name, to_unit, to_name, note)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct stmt *st = NULL;
	char from_name[ORG_NAME_MAX + 1] = "", to_name[ORG_NAME_MAX + 1] = "";
	int rc;

	if (it->from && !it->from_name)
		name_then(c, it->from, c->eve, c->day, from_name, sizeof from_name);
	if (it->to && !it->to_name)
		name_then(c, it->to, c->day, c->eve, to_name, sizeof to_name);
	rc = db_prepare(c->db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, c->id);
	stmt_bind_i64(st, 2, c->seq);
	stmt_bind_i64(st, 3, part);
	stmt_bind_text(st, 4, it->action, -1);
	stmt_bind_text(st, 5, unit_kind_name(it->kind), -1);
	stmt_bind_i64(st, 6, it->unit);
	stmt_bind_text(st, 7, it->unit_name, -1);
	stmt_bind_id(st, 8, it->from);
	stmt_bind_text(st, 9, it->from_name ? it->from_name : (from_name[0] ? from_name : NULL), -1);
	stmt_bind_id(st, 10, it->to);
	stmt_bind_text(st, 11, it->to_name ? it->to_name : (to_name[0] ? to_name : NULL), -1);
	stmt_bind_text(st, 12, it->note, -1);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

/* ------------------------------------------------------ name resolution */

/* find_unit - the unit of kind named name on the effective day. */
static int find_unit(struct chg *c, enum unit_kind kind, const char *name, int64_t *id)
{
	int rc = org_find_live(c->db, kind, name, c->day, 0, id);

	if (rc == DF_ENOTFOUND)
		return fail(c, "no %s named '%s' exists on %s", unit_kind_name(kind), name, c->day);
	if (rc == DF_ECONFLICT)
		return fail(c, "several units of kind %s are named '%s' on %s", unit_kind_name(kind), name, c->day);
	return rc;
}

/* find_split_source - a split's source: alive, or ended by an earlier split of this set. */
static int find_split_source(struct chg *c, enum unit_kind kind, const char *name, int64_t *id)
{
	static const char sql[] = "SELECT unit_id FROM org_unit_versions WHERE kind = ?1 AND LOWER(name) = LOWER(?2)"
				  " AND valid_to = ?3";
	struct stmt *st = NULL;
	int rc = org_find_live(c->db, kind, name, c->day, 0, id);

	if (rc != DF_ENOTFOUND)
		return rc == DF_OK ? DF_OK : find_unit(c, kind, name, id);
	rc = db_prepare(c->db, sql, &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, unit_kind_name(kind), -1);
	stmt_bind_text(st, 2, name, -1);
	stmt_bind_text(st, 3, c->day, -1);
	for (;;) {
		int64_t u;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		u = stmt_i64(st, 0);
		for (size_t i = 0; i < c->nended; i++) {
			if (c->ended[i] == u && c->ended_by_split[i]) {
				*id = u;
				stmt_done(st);
				return DF_OK;
			}
		}
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	return fail(c, "no %s named '%s' exists on %s", unit_kind_name(kind), name, c->day);
}

/* find_parent - the unit named name that a unit of kind child may lie in
 * (of kind to_kind when given). */
static int find_parent(struct chg *c, enum unit_kind child, const char *name, const char *to_kind, int64_t *id)
{
	int hits = 0, rc;

	if (to_kind) {
		int k = unit_kind_parse(to_kind);

		if (k < 0)
			return fail(c, "to_kind '%s' is not a kind of unit", to_kind);
		if (!org_parent_kind_ok(child, (enum unit_kind)k))
			return fail(c, "a %s cannot lie in a %s", unit_kind_name(child), to_kind);
		return find_unit(c, (enum unit_kind)k, name, id);
	}
	for (int k = UNIT_PROVINCE; k < UNIT_OFFICE; k++) {
		int64_t u = 0;

		if (!org_parent_kind_ok(child, (enum unit_kind)k))
			continue;
		rc = org_find_live(c->db, (enum unit_kind)k, name, c->day, 0, &u);
		if (rc == DF_ENOTFOUND)
			continue;
		if (rc == DF_ECONFLICT)
			hits += 2;
		else if (rc != DF_OK)
			return rc;
		else
			hits++;
		*id = u;
	}
	if (hits == 0)
		return fail(c, "no unit named '%s' that a %s can lie in exists on %s", name, unit_kind_name(child),
			    c->day);
	if (hits > 1)
		return fail(c, "several units are named '%s' on %s; say which with to_kind", name, c->day);
	return DF_OK;
}

/* name_free - the new name is not taken on the day (by another unit of its
 * kind; offices only under the same parent). */
static int name_free(struct chg *c, enum unit_kind kind, const char *name, int64_t parent, int64_t self)
{
	int64_t other = 0;
	int rc;

	if (!org_name_ok(name))
		return fail(c, "'%s' is not a usable name (1 to %d bytes, no control characters or outer spaces)", name,
			    ORG_NAME_MAX);
	rc = org_find_live(c->db, kind, name, c->day, kind == UNIT_OFFICE ? parent : 0, &other);
	if (rc == DF_ENOTFOUND || (rc == DF_OK && other == self))
		return DF_OK;
	if (rc == DF_OK || rc == DF_ECONFLICT)
		return fail(c, "a %s named '%s' already exists on %s", unit_kind_name(kind), name, c->day);
	return rc;
}

/* parent_of - the parent of unit on the day (or, if it ended today, the day before). */
static int parent_of(struct chg *c, int64_t unit, int64_t *parent)
{
	struct unit_ver v;
	int rc = org_ver_live(c->db, unit, c->day, &v);

	if (rc == DF_ENOTFOUND)
		rc = org_ver_live(c->db, unit, c->eve, &v);
	if (rc == DF_OK)
		*parent = v.parent_id;
	return rc;
}

/* check_parent - parent is of a kind that a kind unit may lie in. */
static int check_parent(struct chg *c, enum unit_kind kind, int64_t parent)
{
	struct unit_ver pv;
	int rc;

	if (!parent)
		return fail(c, "a %s needs a parent (to)", unit_kind_name(kind));
	rc = org_ver_live(c->db, parent, c->day, &pv);
	if (rc == DF_ENOTFOUND)
		return fail(c, "the parent does not exist on %s", c->day);
	if (rc != DF_OK)
		return rc;
	if (!org_parent_kind_ok(kind, pv.kind))
		return fail(c, "a %s cannot lie in the %s %s", unit_kind_name(kind), unit_kind_name(pv.kind), pv.name);
	return DF_OK;
}

/* ------------------------------------------------------ the actions */

/* One item as given. */
struct item_in {
	const char *action;
	enum unit_kind kind;
	const char *unit;      /* the unit's name (the new name for rename) */
	json_t *from_list;     /* from as a list (merge), or NULL */
	const char *from;      /* from as one name, or NULL */
	const char *to;        /* NULL = not given */
	const char *to_kind;   /* NULL = not given */
	const char *note;      /* NULL = none */
};

static int do_create(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "create", in->kind, 0, in->unit, 0, in->from, 0, in->to, in->note };
	int64_t src = 0, parent = 0, id = 0;
	int rc = DF_OK;

	if (in->from)
		rc = find_unit(c, in->kind, in->from, &src);
	if (rc == DF_OK && in->to)
		rc = find_parent(c, in->kind, in->to, in->to_kind, &parent);
	else if (rc == DF_OK && src)
		rc = parent_of(c, src, &parent);
	if (rc == DF_OK)
		rc = check_parent(c, in->kind, parent);
	if (rc == DF_OK)
		rc = name_free(c, in->kind, in->unit, parent, 0);
	if (rc == DF_OK)
		rc = org_unit_create(c->db, in->kind, in->unit, parent, c->day, c->id, c->actor, &id);
	if (rc == DF_OK && src)
		rc = add_flow(c, src, id);
	if (rc != DF_OK)
		return rc;
	rec.unit = id;
	rec.from = src;
	rec.to = parent;
	return item_row(c, 0, &rec);
}

static int do_split(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "split", in->kind, 0, in->unit, 0, in->from, 0, in->to, in->note };
	struct unit_ver v;
	int64_t src = 0, parent = 0, id = 0;
	int rc;

	if (!in->from)
		return fail(c, "a split needs from: the unit that ends");
	rc = find_split_source(c, in->kind, in->from, &src);
	if (rc == DF_OK && in->to)
		rc = find_parent(c, in->kind, in->to, in->to_kind, &parent);
	else if (rc == DF_OK)
		rc = parent_of(c, src, &parent);
	if (rc != DF_OK)
		return rc;
	rc = org_ver_live(c->db, src, c->day, &v);
	if (rc == DF_OK)
		rc = ver_end(c, src, 1);
	else if (rc == DF_ENOTFOUND)
		rc = DF_OK;
	if (rc == DF_OK)
		rc = check_parent(c, in->kind, parent);
	if (rc == DF_OK)
		rc = name_free(c, in->kind, in->unit, parent, 0);
	if (rc == DF_OK)
		rc = org_unit_create(c->db, in->kind, in->unit, parent, c->day, c->id, c->actor, &id);
	if (rc == DF_OK)
		rc = add_flow(c, src, id);
	if (rc != DF_OK)
		return rc;
	rec.unit = id;
	rec.from = src;
	rec.to = parent;
	return item_row(c, 0, &rec);
}

static int do_merge(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "merge", in->kind, 0, in->unit, 0, NULL, 0, in->to, in->note };
	int64_t src[MERGE_SOURCES_MAX];
	int64_t parent = 0, id = 0;
	size_t n = json_array_size(in->from_list);
	int rc = DF_OK;

	if (!in->from_list || n < 2 || n > MERGE_SOURCES_MAX)
		return fail(c, "a merge needs from: a list of 2 to %d units that end", MERGE_SOURCES_MAX);
	for (size_t i = 0; i < n && rc == DF_OK; i++) {
		const char *name = json_string_value(json_array_get(in->from_list, i));

		if (!name || strlen(name) > ORG_NAME_MAX)
			return fail(c, "from[%zu] must be the name of a unit", i);
		rc = find_unit(c, in->kind, name, &src[i]);
		for (size_t j = 0; j < i && rc == DF_OK; j++)
			if (src[j] == src[i])
				return fail(c, "'%s' is named twice in from", name);
	}
	if (rc == DF_OK && in->to)
		rc = find_parent(c, in->kind, in->to, in->to_kind, &parent);
	else if (rc == DF_OK)
		rc = parent_of(c, src[0], &parent);
	for (size_t i = 0; i < n && rc == DF_OK; i++)
		rc = ver_end(c, src[i], 0);
	if (rc == DF_OK)
		rc = check_parent(c, in->kind, parent);
	if (rc == DF_OK)
		rc = name_free(c, in->kind, in->unit, parent, 0);
	if (rc == DF_OK)
		rc = org_unit_create(c->db, in->kind, in->unit, parent, c->day, c->id, c->actor, &id);
	for (size_t i = 0; i < n && rc == DF_OK; i++) {
		rec.unit = id;
		rec.from = src[i];
		rec.from_name = json_string_value(json_array_get(in->from_list, i));
		rec.to = parent;
		rc = add_flow(c, src[i], id);
		if (rc == DF_OK)
			rc = item_row(c, (int)i, &rec);
	}
	return rc;
}

/* names_match - ASCII case-insensitive equality. */
static int names_match(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static int do_move(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "move", in->kind, 0, in->unit, 0, in->from, 0, in->to, in->note };
	struct unit_ver v, pnow, pbefore;
	int64_t id = 0, parent = 0;
	int rc;

	if (!in->to)
		return fail(c, "a move needs to: the new parent");
	rc = find_unit(c, in->kind, in->unit, &id);
	if (rc == DF_OK)
		rc = org_ver_live(c->db, id, c->day, &v);
	if (rc != DF_OK)
		return rc;
	if (in->from) {
		int okname = 0;

		if (v.parent_id && org_ver_live(c->db, v.parent_id, c->day, &pnow) == DF_OK)
			okname |= names_match(pnow.name, in->from);
		if (v.parent_id && org_ver_live(c->db, v.parent_id, c->eve, &pbefore) == DF_OK)
			okname |= names_match(pbefore.name, in->from);
		if (!okname)
			return fail(c, "%s does not lie in '%s' on %s", v.name, in->from, c->day);
	}
	rc = find_parent(c, in->kind, in->to, in->to_kind, &parent);
	if (rc == DF_OK && parent == v.parent_id)
		return fail(c, "%s already lies in '%s'", v.name, in->to);
	if (rc == DF_OK)
		rc = check_parent(c, in->kind, parent);
	if (rc == DF_OK)
		rc = ver_change(c, id, v.name, parent);
	if (rc == DF_OK)
		rc = add_flow(c, id, id);
	if (rc != DF_OK)
		return rc;
	rec.unit = id;
	rec.from = v.parent_id;
	rec.to = parent;
	return item_row(c, 0, &rec);
}

static int do_rename(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "rename", in->kind, 0, in->unit, 0, in->from, 0, NULL, in->note };
	struct unit_ver v;
	int64_t id = 0;
	int rc;

	if (!in->from)
		return fail(c, "a rename needs from: the old name");
	if (in->to)
		return fail(c, "a rename takes no to; use a move");
	rc = find_unit(c, in->kind, in->from, &id);
	if (rc == DF_OK)
		rc = org_ver_live(c->db, id, c->day, &v);
	if (rc != DF_OK)
		return rc;
	if (strcmp(v.name, in->unit) == 0)
		return fail(c, "%s is already called so", v.name);
	rc = name_free(c, in->kind, in->unit, v.parent_id, id);
	if (rc == DF_OK)
		rc = ver_change(c, id, in->unit, v.parent_id);
	if (rc != DF_OK)
		return rc;
	rec.unit = id;
	return item_row(c, 0, &rec);
}

static int do_abolish(struct chg *c, const struct item_in *in)
{
	struct item_rec rec = { "abolish", in->kind, 0, in->unit, 0, NULL, 0, NULL, in->note };
	int64_t id = 0;
	int rc;

	if (in->from || in->to)
		return fail(c, "an abolish takes neither from nor to; move the children first");
	rc = find_unit(c, in->kind, in->unit, &id);
	if (rc == DF_OK)
		rc = ver_end(c, id, 0);
	if (rc != DF_OK)
		return rc;
	rec.unit = id;
	return item_row(c, 0, &rec);
}

/* opt_str - an optional string member: NULL when absent, null or "". */
static int opt_str(struct chg *c, json_t *obj, const char *key, size_t max, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return DF_OK;
	if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v))
		return fail(c, "%s must be text of at most %zu bytes", key, max);
	if (json_string_length(v) > 0)
		*out = json_string_value(v);
	return DF_OK;
}

static int parse_item(struct chg *c, json_t *item, struct item_in *in)
{
	static const char *const keys[] = { "action", "kind", "unit", "from", "to", "to_kind", "note" };
	const char *kind = NULL, *key;
	json_t *val, *from;
	int k, rc;

	memset(in, 0, sizeof *in);
	if (!json_is_object(item))
		return fail(c, "an item must be an object");
	json_object_foreach(item, key, val) {
		size_t i = 0;

		while (i < COUNT_OF(keys) && strcmp(keys[i], key) != 0)
			i++;
		if (i == COUNT_OF(keys))
			return fail(c, "unknown member '%.40s'", key);
	}
	rc = opt_str(c, item, "action", 16, &in->action);
	if (rc == DF_OK)
		rc = opt_str(c, item, "kind", 16, &kind);
	if (rc == DF_OK)
		rc = opt_str(c, item, "unit", ORG_NAME_MAX, &in->unit);
	if (rc == DF_OK)
		rc = opt_str(c, item, "to", ORG_NAME_MAX, &in->to);
	if (rc == DF_OK)
		rc = opt_str(c, item, "to_kind", 16, &in->to_kind);
	if (rc == DF_OK)
		rc = opt_str(c, item, "note", NOTE_MAX, &in->note);
	if (rc != DF_OK)
		return rc;
	if (!in->action)
		return fail(c, "action is required");
	k = unit_kind_parse(kind);
	if (k < 0)
		return fail(c, "kind must be division, district, tehsil or office");
	if (k == UNIT_PROVINCE)
		return fail(c, "the province is not restructured by a change set");
	in->kind = (enum unit_kind)k;
	if (!in->unit)
		return fail(c, "unit is required");
	from = json_object_get(item, "from");
	if (json_is_array(from))
		in->from_list = from;
	else
		rc = opt_str(c, item, "from", ORG_NAME_MAX, &in->from);
	return rc;
}

static int apply_item(struct chg *c, json_t *item)
{
	struct item_in in;
	int rc = parse_item(c, item, &in);

	if (rc != DF_OK)
		return rc;
	if (in.from_list && strcmp(in.action, "merge") != 0)
		return fail(c, "from may be a list only for a merge");
	if (strcmp(in.action, "create") == 0)
		return do_create(c, &in);
	if (strcmp(in.action, "split") == 0)
		return do_split(c, &in);
	if (strcmp(in.action, "merge") == 0)
		return do_merge(c, &in);
	if (strcmp(in.action, "move") == 0)
		return do_move(c, &in);
	if (strcmp(in.action, "rename") == 0)
		return do_rename(c, &in);
	if (strcmp(in.action, "abolish") == 0)
		return do_abolish(c, &in);
	return fail(c, "action '%s' is not one of create, split, merge, move, rename, abolish", in.action);
}

/* ------------------------------------------------------ after the items */

/* check_ended - nothing may still lie in a unit that this set ended. */
static int check_ended(struct chg *c)
{
	static const char sql[] = "SELECT v.name FROM org_unit_versions v WHERE v.parent_id = ?1"
				  " AND (v.valid_to IS NULL OR v.valid_to > ?2) ORDER BY v.valid_from, v.name LIMIT 1";
	int rc = DF_OK;

	for (size_t i = 0; i < c->nended && rc == DF_OK; i++) {
		struct stmt *st = NULL;
		struct unit_ver v;
		char child[ORG_NAME_MAX + 1] = "";

		rc = db_prepare(c->db, sql, &st);
		if (rc != DF_OK)
			return rc;
		stmt_bind_i64(st, 1, c->ended[i]);
		stmt_bind_text(st, 2, c->day, -1);
		rc = stmt_step(st);
		if (rc == STMT_ROW)
			snprintf(child, sizeof child, "%s", stmt_text(st, 0));
		stmt_done(st);
		if (rc == STMT_ROW) {
			rc = org_ver_live(c->db, c->ended[i], c->eve, &v);
			if (rc != DF_OK)
				return rc;
			return fail(c, "%s ends on %s but %s still lies in it; move it in the same change set", v.name,
				    c->day, child);
		}
	}
	return rc;
}

/* parents - the chain of parents of unit (not unit itself) as of day. */
static int parents(struct db *db, int64_t unit, const char *day, int64_t ids[ORG_MAX_DEPTH], int *n)
{
	struct unit_ver v;
	int64_t cur = unit;
	int rc;

	*n = 0;
	while (*n < ORG_MAX_DEPTH) {
		rc = org_ver_live(db, cur, day, &v);
		if (rc == DF_ENOTFOUND || (rc == DF_OK && !v.parent_id))
			return DF_OK;
		if (rc != DF_OK)
			return rc;
		cur = v.parent_id;
		ids[(*n)++] = cur;
	}
	return DF_OK;
}

static int in_list(int64_t x, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == x)
			return 1;
	return 0;
}

/* mark_stale - unit's polygon (if it had one) no longer holds from the day. */
static int mark_stale(struct chg *c, int64_t unit)
{
	static const char sql[] = "SELECT g.valid_from, CASE WHEN g.geojson IS NULL THEN 1 ELSE 0 END"
				  " FROM org_unit_geometry g"
				  " WHERE g.unit_id = ?1 AND g.valid_from <= ?2 ORDER BY g.valid_from DESC LIMIT 1";
	struct unit_ver v;
	struct stmt *st = NULL;
	int stale = 0;
	int rc = org_ver_live(c->db, unit, c->day, &v);

	if (rc == DF_ENOTFOUND)
		return DF_OK;
	if (rc == DF_OK)
		rc = db_prepare(c->db, sql, &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, unit);
	stmt_bind_text(st, 2, c->day, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		stale = strcmp(stmt_text(st, 0), c->day) != 0 && stmt_i64(st, 1) == 0;
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc == DF_OK && stale)
		rc = org_geometry_set(c->db, unit, c->day, NULL, c->actor);
	return rc;
}

/* stale_geometry - every unit whose territory changed loses its polygon. */
static int stale_geometry(struct chg *c)
{
	int rc = DF_OK;

	for (size_t i = 0; i < c->nflows && rc == DF_OK; i++) {
		int64_t before[ORG_MAX_DEPTH], after[ORG_MAX_DEPTH];
		int nb = 0, na = 0;

		rc = parents(c->db, c->flows[i].a, c->eve, before, &nb);
		if (rc == DF_OK)
			rc = parents(c->db, c->flows[i].b, c->day, after, &na);
		if (rc == DF_OK && c->flows[i].a != c->flows[i].b)
			rc = mark_stale(c, c->flows[i].a);
		for (int j = 0; j < nb && rc == DF_OK; j++)
			if (!in_list(before[j], after, na))
				rc = mark_stale(c, before[j]);
		for (int j = 0; j < na && rc == DF_OK; j++)
			if (!in_list(after[j], before, nb))
				rc = mark_stale(c, after[j]);
	}
	return rc;
}

/* parse_head - effective, title, reference and items of the change set. */
static int parse_head(struct chg *c, json_t *change, const char **title, const char **reference, json_t **items)
{
	static const char *const keys[] = { "effective", "title", "reference", "items" };
	const char *eff = NULL, *key;
	json_t *val;
	cal_day d;
	int rc;

	if (!json_is_object(change))
		return fail(c, "a change set must be a JSON object");
	json_object_foreach(change, key, val) {
		size_t i = 0;

		while (i < COUNT_OF(keys) && strcmp(keys[i], key) != 0)
			i++;
		if (i == COUNT_OF(keys))
			return fail(c, "unknown member '%.40s'", key);
	}
	rc = opt_str(c, change, "effective", 10, &eff);
	if (rc == DF_OK)
		rc = opt_str(c, change, "title", TITLE_MAX, title);
	if (rc == DF_OK)
		rc = opt_str(c, change, "reference", TITLE_MAX, reference);
	if (rc != DF_OK)
		return rc;
	if (!eff || cal_parse(eff, &d) != DF_OK)
		return fail(c, "effective must be a date YYYY-MM-DD");
	if (!*title)
		return fail(c, "title is required");
	*items = json_object_get(change, "items");
	if (!json_is_array(*items) || json_array_size(*items) < 1 || json_array_size(*items) > ORG_CHANGE_ITEMS_MAX)
		return fail(c, "items must be a list of 1 to %d changes", ORG_CHANGE_ITEMS_MAX);
	cal_format(d, c->day);
	cal_format(d - 1, c->eve);
	return DF_OK;
}

static int insert_change(struct chg *c, const char *title, const char *reference)
{
	static const char sql[] = "INSERT INTO org_changes (id, effective, title, reference, created_by, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct stmt *st = NULL;
	int rc = db_prepare(c->db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, c->id);
	stmt_bind_text(st, 2, c->day, -1);
	stmt_bind_text(st, 3, title, -1);
	stmt_bind_text(st, 4, reference, -1);
	stmt_bind_i64(st, 5, c->actor);
	stmt_bind_i64(st, 6, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int org_apply_change(struct app *app, struct db *db, json_t *change, int64_t actor, int64_t *change_id, char *err,
		     size_t errlen)
{
	struct chg *c = NULL;
	const char *title = NULL, *reference = NULL;
	json_t *items = NULL, *rec = NULL;
	char scratch[8];
	int rc;

	(void)app;
	if (!err || errlen == 0) {
		err = scratch;
		errlen = sizeof scratch;
	}
	err[0] = '\0';
	if (!db_in_tx(db))
		return DF_EINTERNAL;
	c = calloc(1, sizeof *c);
	if (!c)
		return DF_ENOMEM;
	c->db = db;
	c->actor = actor;
	c->err = err;
	c->errlen = errlen;
	c->item = -1;
	c->id = id_next();
	rc = parse_head(c, change, &title, &reference, &items);
	if (rc == DF_OK)
		rc = insert_change(c, title, reference);
	for (size_t i = 0; i < json_array_size(items) && rc == DF_OK; i++) {
		c->item = (int)i;
		c->seq = (int)i + 1;
		rc = apply_item(c, json_array_get(items, i));
	}
	c->item = -1;
	if (rc == DF_OK)
		rc = check_ended(c);
	if (rc == DF_OK)
		rc = stale_geometry(c);
	if (rc != DF_OK)
		goto out;
	rec = json_pack("{s:o, s:s, s:s, s:s?, s:O}", "id", json_id(c->id), "effective", c->day, "title", title,
			"reference", reference, "items", items);
	rc = rec ? audit_append_json(db, "org.change.apply", "org_change", c->id, actor, rec) : DF_ENOMEM;
	if (rc == DF_OK && change_id)
		*change_id = c->id;
out:
	if (rc != DF_OK && rc != DF_EINVAL && !err[0])
		snprintf(err, errlen, "the change set could not be stored: %s", df_strerror(rc));
	json_decref(rec);
	free(c);
	return rc;
}
