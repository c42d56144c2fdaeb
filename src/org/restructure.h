/*
 * restructure.h - internal to the org tree (tree.c, restructure.c, load.c,
 * api_tree.c): the unit version record, the as-of lookups they share and
 * the version writers that every change (API or reference load) goes
 * through.  Other modules use tree.h only.
 *
 * Days are passed here as 'YYYY-MM-DD' text, the form they are stored in;
 * the as-of predicate is everywhere
 *     valid_from <= D AND (valid_to IS NULL OR valid_to > D).
 */
#ifndef DF_ORG_RESTRUCTURE_H
#define DF_ORG_RESTRUCTURE_H

#include <jansson.h>
#include <stdint.h>
#include "../core/result.h"
#include "tree.h"

struct db;

/* The SQL text of the as-of predicate on version alias v and day ?1. */
#define ORG_ASOF(v, p) v ".valid_from <= " p " AND (" v ".valid_to IS NULL OR " v ".valid_to > " p ")"

/* One row of org_unit_versions. */
struct unit_ver {
	int64_t id;                    /* the version's id */
	int64_t unit_id;               /* org_units.id */
	char name[ORG_NAME_MAX + 1];   /* the unit's name in this version */
	enum unit_kind kind;           /* its kind */
	int64_t parent_id;             /* parent unit, 0 for the province */
	char valid_from[11];           /* first day, inclusive */
	char valid_to[11];             /* end day, exclusive; "" = open */
	int64_t change_id;             /* the change set that made it, 0 = reference load */
};

/* org_ver_live - the version of unit that holds on day; DF_ENOTFOUND if none. */
int org_ver_live(struct db *db, int64_t unit, const char *day, struct unit_ver *out) DF_WUR;
/* org_find_live - the unit of kind named name (ASCII case-insensitive) on
 * day, under parent if parent != 0.  DF_ENOTFOUND none, DF_ECONFLICT several. */
int org_find_live(struct db *db, enum unit_kind kind, const char *name, const char *day, int64_t parent,
		  int64_t *id) DF_WUR;
/* org_parent_kind_ok - 1 if a unit of kind child may lie in one of kind parent. */
int org_parent_kind_ok(enum unit_kind child, enum unit_kind parent);
/* org_name_ok - 1 if s is a usable unit name: 1..ORG_NAME_MAX bytes, no
 * control characters, no leading or trailing space. */
int org_name_ok(const char *s);

/* org_unit_create - a new unit (org_units row with a code made from kind
 * and name) and its first version from day under parent (0 = none); the
 * code is made unique with a numeric suffix.  Audited as org.unit.create
 * by actor. */
int org_unit_create(struct db *db, enum unit_kind kind, const char *name, int64_t parent, const char *day,
		    int64_t change_id, int64_t actor, int64_t *id) DF_WUR;
/* org_unit_create_coded - as org_unit_create with a given code (reference load). */
int org_unit_create_coded(struct db *db, const char *code, enum unit_kind kind, const char *name,
			  int64_t parent, const char *day, int64_t change_id, int64_t actor, int64_t *id) DF_WUR;
/* org_version_insert - a version row vid of unit, open from day. */
int org_version_insert(struct db *db, int64_t vid, int64_t unit, const char *name, enum unit_kind kind,
		       int64_t parent, const char *day, int64_t change_id) DF_WUR;
/* org_audit_unit - audit one unit version write (event org.unit.create,
 * org.unit.version or org.unit.end); code, from, to may be NULL. */
int org_audit_unit(struct db *db, const char *event, int64_t unit, int64_t version, const char *code,
		   const char *name, enum unit_kind kind, int64_t parent, const char *from, const char *to,
		   int64_t change_id, int64_t actor) DF_WUR;
/* org_geometry_set - the unit's geometry (GeoJSON text, NULL = none known)
 * from day on.  Audited as org.geometry.set. */
int org_geometry_set(struct db *db, int64_t unit, const char *day, const char *geojson, int64_t actor) DF_WUR;

#endif
