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
 */
#ifndef DF_ORG_TREE_H
#define DF_ORG_TREE_H

#include <stdint.h>
#include <stdio.h>
#include "../core/calendar.h"
#include "../core/module.h"
#include "../core/result.h"

struct app;
struct db;

extern const struct module org_module;

enum unit_kind { UNIT_PROVINCE = 0, UNIT_DIVISION, UNIT_DISTRICT, UNIT_TEHSIL, UNIT_OFFICE };

/* unit_kind_name - "province", "division", ... ; unit_kind_parse the reverse (-1 if unknown). */
const char *unit_kind_name(enum unit_kind k);
int unit_kind_parse(const char *s);

/* org_unit_within - *yes = 1 if unit is ancestor or lies in ancestor's
 * subtree on day (walking parents as of that day). A unit that does not
 * exist on day is within nothing (*yes = 0). */
int org_unit_within(struct db *db, int64_t unit, int64_t ancestor, cal_day day, int *yes) DF_WUR;
/* org_unit_kind - the kind of a unit on day; DF_ENOTFOUND if it does not exist then. */
int org_unit_kind(struct db *db, int64_t unit, cal_day day, enum unit_kind *kind) DF_WUR;
/* org_unit_find - the id of the unit of that kind and name (case-insensitive) on day. */
int org_unit_find(struct db *db, enum unit_kind kind, const char *name, cal_day day, int64_t *id) DF_WUR;
/* org_unit_ancestor - the ancestor of unit of the given kind on day (the unit
 * itself if it is of that kind); DF_ENOTFOUND if none. */
int org_unit_ancestor(struct db *db, int64_t unit, enum unit_kind kind, cal_day day, int64_t *out) DF_WUR;
/* org_department_find - department id by its short code ("EDU", "HEALTH", ...). */
int org_department_find(struct db *db, const char *code, int64_t *id) DF_WUR;
/* org_load_reference - load Balochistan's province, 8 divisions and 34
 * districts of the 2023 census (with polygons), the 2022 creations and the
 * 2026 restructuring from data_dir (data/ in the repository), and the main
 * departments. Idempotent: a second call changes nothing. Audited. */
int org_load_reference(struct app *app, struct db *db, const char *data_dir) DF_WUR;

#endif
