/*
 * tree.h - the effective-dated org tree: units (province, division,
 * district, tehsil, office), their versions over time, departments, and
 * restructurings applied as one change set with an effective date.
 *
 * A unit keeps its id for life; what changes over time (name, parent,
 * existence) lives in versions with valid_from (inclusive) and valid_to
 * (exclusive, NULL = open), as 'YYYY-MM-DD' days in Asia/Karachi.  Every
 * question is asked "as of" a day, so last year's reports keep last year's
 * tree.  Module: `org_module` (routes under /api/v1/org).
 *
 * The kinds nest strictly: a division lies in the province, a district in a
 * division, a tehsil in a district; an office lies in any unit but an
 * office.  So a parent chain is at most ORG_MAX_DEPTH long and never loops.
 */
#ifndef DF_ORG_TREE_H
#define DF_ORG_TREE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../core/calendar.h"
#include "../core/module.h"
#include "../core/result.h"

struct app;
struct db;

extern const struct module org_module;

enum unit_kind { UNIT_PROVINCE = 0, UNIT_DIVISION, UNIT_DISTRICT, UNIT_TEHSIL, UNIT_OFFICE };

/* Longest unit name in bytes (UTF-8). */
#define ORG_NAME_MAX 120
/* Longest parent chain walked (province -> ... -> office is 5). */
#define ORG_MAX_DEPTH 8
/* Most items in one change set. */
#define ORG_CHANGE_ITEMS_MAX 500

/* unit_kind_name - "province", "division", ... ; unit_kind_parse the reverse (-1 if unknown). */
const char *unit_kind_name(enum unit_kind k);
int unit_kind_parse(const char *s);

/* org_unit_within - *yes = 1 if unit is ancestor or lies in ancestor's
 * subtree on day (walking parents as of that day). A unit that does not
 * exist on day is within nothing (*yes = 0). */
int org_unit_within(struct db *db, int64_t unit, int64_t ancestor, cal_day day, int *yes) DF_WUR;
/* org_unit_kind - the kind of a unit on day; DF_ENOTFOUND if it does not exist then. */
int org_unit_kind(struct db *db, int64_t unit, cal_day day, enum unit_kind *kind) DF_WUR;
/* org_unit_find - the id of the unit of that kind and name (case-insensitive,
 * ASCII folding) on day.  DF_ENOTFOUND if none; DF_ECONFLICT if several
 * match (only offices may share a name, under different parents). */
int org_unit_find(struct db *db, enum unit_kind kind, const char *name, cal_day day, int64_t *id) DF_WUR;
/* org_unit_ancestor - the ancestor of unit of the given kind on day (the unit
 * itself if it is of that kind); DF_ENOTFOUND if none. */
int org_unit_ancestor(struct db *db, int64_t unit, enum unit_kind kind, cal_day day, int64_t *out) DF_WUR;
/* org_unit_name - the unit's name on day into out (truncated to outlen);
 * DF_ENOTFOUND if it does not exist then. */
int org_unit_name(struct db *db, int64_t unit, cal_day day, char *out, size_t outlen) DF_WUR;
/* org_unit_geometry - the GeoJSON geometry text of unit's boundary as of
 * day (a malloc'd string in *out, the caller frees it); DF_ENOTFOUND when
 * the unit has no boundary on that day. */
int org_unit_geometry(struct db *db, int64_t unit, cal_day day, char **out) DF_WUR;
/* org_unit_geometry_from - the valid_from ("YYYY-MM-DD") of the boundary
 * org_unit_geometry answers for day, without reading it; "" when there is
 * none.  Rows of org_unit_geometry are only ever added, never changed, so
 * (unit, valid_from) names one boundary for good: a key to cache it by. */
int org_unit_geometry_from(struct db *db, int64_t unit, cal_day day, char from[11]) DF_WUR;
/* org_unit_parent - the unit's parent on day (*parent = 0 for the province);
 * DF_ENOTFOUND if the unit does not exist then. */
int org_unit_parent(struct db *db, int64_t unit, cal_day day, int64_t *parent) DF_WUR;
/* org_units_list - the ids of the units of kind that exist on day, ordered
 * by name, into ids[0..max); *n gets how many there are in all (so *n > max
 * means the list was cut). */
int org_units_list(struct db *db, enum unit_kind kind, cal_day day, int64_t *ids, size_t max, size_t *n) DF_WUR;
/* org_department_find - department id by its short code ("EDU", "HEALTH", ...). */
int org_department_find(struct db *db, const char *code, int64_t *id) DF_WUR;
/* org_department_name - the name of department id into out (len bytes);
 * DF_ENOTFOUND if there is none. */
int org_department_name(struct db *db, int64_t id, char *out, size_t len) DF_WUR;

/* org_tree_json - the tree as of day: {"id","name","kind","children":[...]}
 * nested from the province, children sorted by name, into *tree (JSON null
 * if no province exists that day), and the number of units of each kind
 * into *counts ({"province":1,"division":8,...}). */
int org_tree_json(struct db *db, cal_day day, json_t **tree, json_t **counts) DF_WUR;
/* org_unit_json - one unit as of day: its version (id, code, name, kind,
 * valid_from, valid_to), "parent" ({id,name,kind} or null), "children"
 * (sorted by name), "has_geometry" and "history" (every version, oldest
 * first, with parent ids and names).  DF_ENOTFOUND if the unit does not
 * exist on day; then the first day of its life and its end day are written
 * to life_from/life_to as 'YYYY-MM-DD' ("" when it never existed or is
 * still open); both may be NULL. */
int org_unit_json(struct db *db, int64_t unit, cal_day day, json_t **out, char life_from[11], char life_to[11]) DF_WUR;

/* org_apply_change - apply one restructuring inside the caller's open
 * transaction (DF_EINTERNAL if none is open).  change is
 *   {"effective":"YYYY-MM-DD","title":"..","reference":"..",
 *    "items":[{"action":"create|split|merge|move|rename|abolish",
 *              "kind":"district","unit":"Name","from":"Name"|["A","B"],
 *              "to":"Name","to_kind":"district","note":".."}]}
 * Items run in order and names are resolved as of the effective date, so
 * a unit made by an earlier item is visible to later ones:
 *   create  - `unit` begins under `to` (default: the parent of `from`);
 *             `from` (same kind, optional) is the unit it is carved out of.
 *   split   - `from` ends and `unit` begins under `to` (default: from's
 *             parent); one item per successor, all naming the same `from`.
 *   merge   - every unit of `from` (a list) ends and `unit` begins under
 *             `to` (default: the first source's parent).
 *   move    - `unit` leaves its parent (`from`, if given, must name it) for `to`.
 *   rename  - the unit called `from` is called `unit` from that day.
 *   abolish - `unit` ends.
 * `to_kind` picks the parent's kind when a name fits several (offices).
 * Each change closes the unit's current version (valid_to = effective) and
 * opens a new one; a version that itself began that day is updated in
 * place.  Polygons of units whose territory changed stop at the effective
 * day.  Everything is checked: unknown action or kind, names not found or
 * already taken, a parent of the wrong kind, a unit whose current version
 * is already closed by a later change, and (after all items) a unit that
 * ended while something still lies under it.  Any error is DF_EINVAL with
 * a sentence naming the item in err; the caller then rolls back.  The
 * change set and every version are audited; *change_id gets the new id.
 * History may be entered backwards: a unit placed (from an earlier day) in
 * a parent that a later change set already ends is accepted, as the rule
 * is checked on the effective day; a change set dated at that end must
 * then move it, or from that day it lies in no subtree. */
int org_apply_change(struct app *app, struct db *db, json_t *change, int64_t actor, int64_t *change_id,
		     char *err, size_t errlen) DF_WUR;
/* org_change_json - one stored change set with its items, as the API shows
 * it: {"id","effective","title","reference","created_by","created_at",
 * "items":[{"seq","action","kind","unit":{"id","name"},"from":..,"to":..,"note"}]}. */
int org_change_json(struct db *db, int64_t change_id, json_t **out) DF_WUR;

/* org_load_reference - load Balochistan's province, 8 divisions and 34
 * districts of the 2023 census (with polygons), the 2022 creations and the
 * 2026 restructuring from data_dir (data/ in the repository), and the main
 * departments. Idempotent: a second call changes nothing. Audited.  Runs in
 * one transaction (its own, or the caller's if one is open). */
int org_load_reference(struct app *app, struct db *db, const char *data_dir) DF_WUR;

#endif
