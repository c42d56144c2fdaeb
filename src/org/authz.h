/*
 * authz.h - "may this principal do this to this object": authority from
 * postings (role x jurisdiction x department).
 *
 * A person's current postings give grants: the role of the post, the post's
 * org unit (its subtree, as of today, is the jurisdiction) and its
 * department.  Province-wide roles (Chief Minister, Chief Secretary,
 * Delivery Unit) reach every unit; an administrative secretary reaches every
 * unit for their department; a commissioner their division, a deputy
 * commissioner their district, an assistant commissioner their tehsil, for
 * all departments; field officers and clerks their own unit and department.
 * System administrators (users.is_admin) hold the admin actions.
 *
 * The role table (role -> actions, role -> reach) is in authz.c and in
 * docs/AUTHZ.md.  Bearer-token principals are further limited to the
 * token's scopes ("org.*" covers "org.read", "*" covers everything).
 */
#ifndef DF_ORG_AUTHZ_H
#define DF_ORG_AUTHZ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/result.h"

struct request;

/* The longest role name, and the most grants (current postings) one person
 * is given; postings beyond that are ignored (a person holds one post and
 * perhaps an additional charge or two). */
#define AUTHZ_ROLE_MAX 32
#define AUTHZ_MAX_GRANTS 16

/* authz_authorize - the dispatcher's check (app->authorize): DF_OK if some
 * grant of r's principal allows action anywhere, else DF_EDENIED. */
int authz_authorize(struct request *r, const char *action) DF_WUR;
/* authz_object - may r's principal do action to an object that lies in
 * unit (0 = province-wide object) and department (0 = any)?  DF_OK;
 * DF_ENOTFOUND (with a 404 problem recorded) when the object lies outside
 * every jurisdiction of the principal, so its existence is not revealed;
 * DF_EDENIED (403) when the object is visible but the role may not do it. */
int authz_object(struct request *r, const char *action, int64_t unit, int64_t department) DF_WUR;

/* authz_decide - authz_object without recording a problem on r: DF_OK,
 * DF_ENOTFOUND (outside every jurisdiction), DF_EDENIED (reached, but no
 * reaching grant allows action), or a store error.  For callers that weigh
 * several objects (a person's several postings) before answering. */
int authz_decide(struct request *r, const char *action, int64_t unit, int64_t department) DF_WUR;

/* authz_assign - authz_object for creating or filling a post of `role` in
 * unit/department, plus the rule that nobody hands out more authority than
 * they hold: some grant that reaches the object and allows action must
 * also reach at least as widely as role does (province > department-wide;
 * subtree of all departments > subtree of one department) and hold every
 * action role holds.  Administrators may assign any role.  DF_EINVAL (422
 * naming "role") for an unknown role; DF_EDENIED (403) when the role is
 * beyond the caller; otherwise as authz_object. */
int authz_assign(struct request *r, const char *action, const char *role, int64_t unit,
		 int64_t department) DF_WUR;

/* authz_role_rank - where role stands in the line of command, for "the
 * post above": field roles (field_officer, clerk, head_teacher,
 * me_officer) 0, assistant_commissioner 1, deputy_commissioner 2,
 * commissioner 3, secretary 4, delivery_unit 4, chief_secretary 5,
 * chief_minister 6; -1 for an unknown role. */
int authz_role_rank(const char *role);

/* authz_role_known - 1 if role is a role of the table (post.role), else 0. */
int authz_role_known(const char *role);

/* One place where a principal may do an action (see authz_reach). */
struct authz_area {
	int all_units;       /* 1: every unit (then unit is 0) */
	int64_t unit;        /* else: this unit's subtree, as of today */
	int64_t department;  /* only this department; 0 = every department */
};

/* authz_reach - where r's principal may do action: up to max areas into
 * out, *n how many there are (0: nowhere).  For list endpoints, which
 * filter rows in bulk instead of asking authz_object per row. */
int authz_reach(struct request *r, const char *action, struct authz_area *out, size_t max,
		size_t *n) DF_WUR;

/* authz_actions_json - a new JSON array of the action names r's principal
 * holds somewhere (for the web app's role-aware home). */
int authz_actions_json(struct request *r, json_t **out) DF_WUR;

#endif
