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
 */
#ifndef DF_ORG_AUTHZ_H
#define DF_ORG_AUTHZ_H

#include <stdint.h>
#include "../core/result.h"

struct request;

/* authz_authorize - the dispatcher's check (app->authorize): DF_OK if some
 * grant of r's principal allows action anywhere, else DF_EDENIED. */
int authz_authorize(struct request *r, const char *action) DF_WUR;
/* authz_object - may r's principal do action to an object that lies in
 * unit (0 = province-wide object) and department (0 = any)?  DF_OK;
 * DF_ENOTFOUND (with a 404 problem recorded) when the object lies outside
 * every jurisdiction of the principal, so its existence is not revealed;
 * DF_EDENIED (403) when the object is visible but the role may not do it. */
int authz_object(struct request *r, const char *action, int64_t unit, int64_t department) DF_WUR;

#endif
