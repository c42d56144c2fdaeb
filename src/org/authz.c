/*
 * authz.c - authority from postings: the role table, the grants of a
 * principal (loaded once per request and cached on r->who), and the
 * decisions "may P do A anywhere" (the dispatcher) and "may P do A to an
 * object in unit U of department D" (handlers).
 *
 * The role table.  Actions across, roles down; reach says which objects a
 * grant touches: the unit of the post is the root of its jurisdiction, as
 * of today.
 *
 *   role                    reach                       actions
 *   ----------------------  --------------------------  ---------------------------------
 *   chief_minister          province, all departments   org.read posts.read reports.read
 *                                                       audit.read
 *   chief_secretary         province, all departments   org.read posts.read reports.read
 *                                                       people.read people.write posts.write
 *                                                       postings.write audit.read
 *   delivery_unit           province, all departments   org.read posts.read reports.read
 *                                                       people.read audit.read
 *   secretary               every unit, own department  org.read posts.read reports.read
 *                                                       people.read people.write posts.write
 *                                                       postings.write
 *   commissioner            own unit's subtree (the     as secretary
 *                           division), all departments
 *   deputy_commissioner     subtree (district), all     as secretary
 *   assistant_commissioner  subtree (tehsil), all       org.read posts.read reports.read
 *                                                       people.read
 *   clerk                   subtree, own department     org.read posts.read reports.read
 *                                                       people.read
 *   field_officer           subtree, own department     org.read posts.read reports.read
 *   head_teacher            subtree, own department     org.read posts.read reports.read
 *   me_officer              subtree, own department     org.read posts.read reports.read
 *
 * Besides: attendance.read for every role but clerks and the field roles,
 * attendance.manage for the chief secretary and "as secretary"; files.read
 * for every role, files.write for every role but the chief minister and
 * the delivery unit (docs/AUTHZ.md has the whole table).
 *
 * org.restructure and users.admin belong to no role: only administrators
 * (users.is_admin, who hold every action everywhere) have them, and so has
 * every action this table does not know yet.  A bearer-token principal is
 * also limited to its token's scopes.
 *
 * Objects: unit 0 is a province-wide object (reached only by province-wide
 * roles and secretaries); department 0 is an object of no department
 * (reached whatever the grant's department).  Outside every reach the
 * answer is 404, so existence is not revealed; reached but not allowed, 403.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/app.h"
#include "../core/calendar.h"
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/log.h"
#include "../core/store.h"
#include "authz.h"
#include "tree.h"

/* The actions a role can hold, one bit each. */
enum action_bit {
	A_ORG_READ = 1u << 0,
	A_ORG_RESTRUCTURE = 1u << 1,
	A_PEOPLE_READ = 1u << 2,
	A_PEOPLE_WRITE = 1u << 3,
	A_POSTS_READ = 1u << 4,
	A_POSTS_WRITE = 1u << 5,
	A_POSTINGS_WRITE = 1u << 6,
	A_REPORTS_READ = 1u << 7,
	A_AUDIT_READ = 1u << 8,
	A_USERS_ADMIN = 1u << 9,
	A_ATT_READ = 1u << 10,
	A_ATT_MANAGE = 1u << 11,
	A_FILES_READ = 1u << 12,
	A_FILES_WRITE = 1u << 13,
};

static const struct {
	const char *name;
	unsigned bit;
} actions[] = {
	{ "org.read", A_ORG_READ },
	{ "org.restructure", A_ORG_RESTRUCTURE },
	{ "people.read", A_PEOPLE_READ },
	{ "people.write", A_PEOPLE_WRITE },
	{ "posts.read", A_POSTS_READ },
	{ "posts.write", A_POSTS_WRITE },
	{ "postings.write", A_POSTINGS_WRITE },
	{ "reports.read", A_REPORTS_READ },
	{ "audit.read", A_AUDIT_READ },
	{ "users.admin", A_USERS_ADMIN },
	{ "attendance.read", A_ATT_READ },
	{ "attendance.manage", A_ATT_MANAGE },
	{ "files.read", A_FILES_READ },
	{ "files.write", A_FILES_WRITE },
};

/* How far a grant reaches, widest first. */
enum reach {
	REACH_PROVINCE,     /* every unit, every department */
	REACH_DEPARTMENT,   /* every unit, the post's department */
	REACH_SUBTREE,      /* the post's unit's subtree, every department */
	REACH_SUBTREE_DEPT, /* the post's unit's subtree, the post's department */
};

/* Every role reads files in its reach and moves the files its post holds;
 * all but the Chief Minister and the Delivery Unit open files and diarise
 * receipts (FILES). */
#define READ_ALL (A_ORG_READ | A_POSTS_READ | A_REPORTS_READ | A_FILES_READ)
#define FILES (A_FILES_READ | A_FILES_WRITE)
#define MANAGE (READ_ALL | A_PEOPLE_READ | A_PEOPLE_WRITE | A_POSTS_WRITE | A_POSTINGS_WRITE | A_ATT_READ | \
		A_ATT_MANAGE | FILES)

static const struct role_def {
	const char *name;   /* posts.role */
	enum reach reach;   /* see above */
	unsigned actions;   /* enum action_bit */
	int rank;           /* the line of command (authz_role_rank) */
} roles[] = {
	{ "chief_minister", REACH_PROVINCE, READ_ALL | A_AUDIT_READ | A_ATT_READ, 6 },
	{ "chief_secretary", REACH_PROVINCE, MANAGE | A_AUDIT_READ, 5 },
	{ "delivery_unit", REACH_PROVINCE, READ_ALL | A_PEOPLE_READ | A_AUDIT_READ | A_ATT_READ, 4 },
	{ "secretary", REACH_DEPARTMENT, MANAGE, 4 },
	{ "commissioner", REACH_SUBTREE, MANAGE, 3 },
	{ "deputy_commissioner", REACH_SUBTREE, MANAGE, 2 },
	{ "assistant_commissioner", REACH_SUBTREE, READ_ALL | A_PEOPLE_READ | A_ATT_READ | FILES, 1 },
	{ "clerk", REACH_SUBTREE_DEPT, READ_ALL | A_PEOPLE_READ | FILES, 0 },
	{ "field_officer", REACH_SUBTREE_DEPT, READ_ALL | FILES, 0 },
	{ "head_teacher", REACH_SUBTREE_DEPT, READ_ALL | FILES, 0 },
	{ "me_officer", REACH_SUBTREE_DEPT, READ_ALL | FILES, 0 },
};

/* One grant: a current posting of the principal's person. */
struct grant {
	const struct role_def *role;
	int64_t unit;        /* the post's org unit */
	int64_t department;  /* the post's department */
};

/* What is cached on r->who.grants for the life of the request. */
struct grants {
	cal_day today;                       /* the day the jurisdictions are taken on */
	size_t n;                            /* grants in use */
	struct grant g[AUTHZ_MAX_GRANTS];
};

static unsigned action_bit_of(const char *action)
{
	for (size_t i = 0; i < COUNT_OF(actions); i++)
		if (strcmp(actions[i].name, action) == 0)
			return actions[i].bit;
	return 0; /* unknown to the table: administrators only */
}

static const struct role_def *role_of(const char *name)
{
	for (size_t i = 0; name && i < COUNT_OF(roles); i++)
		if (strcmp(roles[i].name, name) == 0)
			return &roles[i];
	return NULL;
}

int authz_role_rank(const char *role)
{
	const struct role_def *d = role_of(role);

	return d ? d->rank : -1;
}

int authz_role_known(const char *role)
{
	return role_of(role) != NULL;
}

/* scope_allows - does a space-separated scope list cover action?  "*"
 * covers all, "org.*" covers "org.read", otherwise names match exactly. */
static int scope_allows(const char *scopes, const char *action)
{
	const char *p = scopes;
	size_t alen = strlen(action);

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 1 && p[0] == '*')
			return 1;
		if (len == alen && strncmp(p, action, len) == 0)
			return 1;
		if (len >= 2 && p[len - 1] == '*' && p[len - 2] == '.' && len - 1 <= alen &&
		    strncmp(p, action, len - 1) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* token_allows - 1 unless r is a token principal whose scopes miss action. */
static int token_allows(const struct request *r, const char *action)
{
	return r->who.kind != PRINCIPAL_TOKEN || scope_allows(r->who.scopes, action);
}

static void grants_free(void *p)
{
	free(p);
}

/* load_grants - the principal's current postings as grants, cached on r. */
static int load_grants(struct request *r, struct db *db, struct grants **out)
{
	static const char sql[] =
		"SELECT p.role, p.unit_id, p.department_id FROM postings pg JOIN posts p ON p.id = pg.post_id"
		" WHERE pg.person_id = ?1"
		" AND pg.valid_from <= ?2 AND (pg.valid_to IS NULL OR pg.valid_to > ?2)"
		" AND p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2)"
		" ORDER BY pg.id";
	struct grants *gs = r->who.grants;
	struct stmt *st = NULL;
	char day[11];
	int rc;

	*out = NULL;
	if (gs) {
		*out = gs;
		return DF_OK;
	}
	gs = calloc(1, sizeof *gs);
	if (!gs)
		return DF_ENOMEM;
	gs->today = cal_day_of_instant(clock_now_ms());
	rc = DF_OK;
	if (r->who.person_id > 0) {
		cal_format(gs->today, day);
		rc = db_prepare(db, sql, &st);
		if (rc != DF_OK)
			goto out;
		stmt_bind_i64(st, 1, r->who.person_id);
		stmt_bind_text(st, 2, day, -1);
		for (;;) {
			const struct role_def *role;

			rc = stmt_step(st);
			if (rc != STMT_ROW)
				break;
			role = role_of(stmt_text(st, 0));
			if (!role || gs->n == AUTHZ_MAX_GRANTS)
				continue;
			gs->g[gs->n].role = role;
			gs->g[gs->n].unit = stmt_i64(st, 1);
			gs->g[gs->n].department = stmt_i64(st, 2);
			gs->n++;
		}
		stmt_done(st);
		if (rc != DF_OK)
			goto out;
	}
	r->who.grants = gs;
	r->who.grants_free = grants_free;
	*out = gs;
	gs = NULL;
out:
	free(gs);
	return rc;
}

/* grants_of - the request's store connection and cached grants. */
static int grants_of(struct request *r, struct db **db, struct grants **gs)
{
	int rc = req_db(r, db);

	if (rc == DF_OK)
		rc = load_grants(r, *db, gs);
	if (rc != DF_OK)
		log_error("msg=\"cannot load grants\" rid=%s rc=%d", r->id, rc);
	return rc;
}

int authz_authorize(struct request *r, const char *action)
{
	struct grants *gs = NULL;
	struct db *db = NULL;
	unsigned bit = action_bit_of(action);
	int rc;

	if (!token_allows(r, action))
		return DF_EDENIED;
	if (r->who.is_admin)
		return DF_OK;
	if (!bit || r->who.person_id <= 0)
		return DF_EDENIED;
	rc = grants_of(r, &db, &gs);
	if (rc != DF_OK) {
		req_problem(r, 500, "cannot read your postings (request %s)", r->id);
		return rc;
	}
	for (size_t i = 0; i < gs->n; i++)
		if (gs->g[i].role->actions & bit)
			return DF_OK;
	return DF_EDENIED;
}

/* reaches - does grant g reach an object in unit/department? */
static int reaches(struct db *db, const struct grant *g, cal_day today, int64_t unit, int64_t department,
		   int *yes)
{
	enum reach reach = g->role->reach;

	*yes = 0;
	if ((reach == REACH_DEPARTMENT || reach == REACH_SUBTREE_DEPT) && department != 0 &&
	    department != g->department)
		return DF_OK;
	if (reach == REACH_PROVINCE || reach == REACH_DEPARTMENT) {
		*yes = 1;
		return DF_OK;
	}
	if (unit == 0)
		return DF_OK;
	return org_unit_within(db, unit, g->unit, today, yes);
}

/* authz_decide - (authz.h) weigh every grant: one that reaches the object
 * and holds the action allows it; reached by some but allowed by none is a
 * denial; reached by none, not found. */
int authz_decide(struct request *r, const char *action, int64_t unit, int64_t department)
{
	struct grants *gs = NULL;
	struct db *db = NULL;
	unsigned bit = action_bit_of(action);
	int reached = 0, allowed = 0, rc;

	if (r->who.is_admin)
		return token_allows(r, action) ? DF_OK : DF_EDENIED;
	rc = grants_of(r, &db, &gs);
	if (rc != DF_OK)
		return rc;
	for (size_t i = 0; i < gs->n; i++) {
		const struct grant *g = &gs->g[i];
		int yes = 0;

		rc = reaches(db, g, gs->today, unit, department, &yes);
		if (rc != DF_OK)
			return rc;
		if (!yes)
			continue;
		reached = 1;
		if (g->role->actions & bit)
			allowed = 1;
	}
	if (allowed && token_allows(r, action))
		return DF_OK;
	return reached ? DF_EDENIED : DF_ENOTFOUND;
}

/* problem - record the 404/403 problem for a decision. */
static int problem(struct request *r, int rc, const char *action)
{
	if (rc == DF_ENOTFOUND)
		req_problem(r, 404, "no such object");
	else if (rc == DF_EDENIED)
		req_problem(r, 403, "your posting does not allow %s here", action);
	return rc;
}

int authz_object(struct request *r, const char *action, int64_t unit, int64_t department)
{
	return problem(r, authz_decide(r, action, unit, department), action);
}

/* covers - may a grant of role `have` hand out a post of role `want`? */
static int covers(const struct role_def *have, const struct role_def *want)
{
	int reach_ok;

	if (want->actions & ~have->actions)
		return 0;
	switch (have->reach) {
	case REACH_PROVINCE:
		reach_ok = 1;
		break;
	case REACH_DEPARTMENT:
		reach_ok = want->reach == REACH_DEPARTMENT || want->reach == REACH_SUBTREE_DEPT;
		break;
	case REACH_SUBTREE:
		reach_ok = want->reach == REACH_SUBTREE || want->reach == REACH_SUBTREE_DEPT;
		break;
	default:
		reach_ok = want->reach == REACH_SUBTREE_DEPT;
		break;
	}
	return reach_ok;
}

int authz_assign(struct request *r, const char *action, const char *role, int64_t unit, int64_t department)
{
	const struct role_def *want = role_of(role);
	struct grants *gs = NULL;
	struct db *db = NULL;
	int rc;

	if (!want) {
		req_problem_field(r, 422, "role", "role must be one of the roles of the role table");
		return DF_EINVAL;
	}
	rc = authz_decide(r, action, unit, department);
	if (rc != DF_OK || r->who.is_admin)
		return problem(r, rc, action);
	rc = grants_of(r, &db, &gs);
	if (rc != DF_OK)
		return rc;
	/* any reaching, allowing grant that covers the role will do */
	for (size_t i = 0; i < gs->n; i++) {
		const struct grant *g = &gs->g[i];
		int yes = 0;

		if (!(g->role->actions & action_bit_of(action)) || !covers(g->role, want))
			continue;
		rc = reaches(db, g, gs->today, unit, department, &yes);
		if (rc != DF_OK)
			return rc;
		if (yes)
			return DF_OK;
	}
	req_problem(r, 403, "your posting may not create or fill a post with the role %s", role);
	return DF_EDENIED;
}

int authz_reach(struct request *r, const char *action, struct authz_area *out, size_t max, size_t *n)
{
	struct grants *gs = NULL;
	struct db *db = NULL;
	unsigned bit = action_bit_of(action);
	int rc;

	*n = 0;
	if (!token_allows(r, action))
		return DF_OK;
	if (r->who.is_admin) {
		if (max > 0)
			out[0] = (struct authz_area){ .all_units = 1 };
		*n = 1;
		return DF_OK;
	}
	rc = grants_of(r, &db, &gs);
	if (rc != DF_OK)
		return rc;
	for (size_t i = 0; i < gs->n; i++) {
		const struct grant *g = &gs->g[i];
		struct authz_area a = { 0 };

		if (!(g->role->actions & bit))
			continue;
		a.all_units = g->role->reach == REACH_PROVINCE || g->role->reach == REACH_DEPARTMENT;
		a.unit = a.all_units ? 0 : g->unit;
		a.department = g->role->reach == REACH_DEPARTMENT || g->role->reach == REACH_SUBTREE_DEPT
				       ? g->department : 0;
		if (*n < max)
			out[*n] = a;
		(*n)++;
	}
	return DF_OK;
}

int authz_actions_json(struct request *r, json_t **out)
{
	json_t *a = json_array();
	int rc = DF_OK;

	*out = NULL;
	if (!a)
		return DF_ENOMEM;
	for (size_t i = 0; i < COUNT_OF(actions); i++) {
		rc = authz_authorize(r, actions[i].name);
		if (rc == DF_EDENIED) {
			rc = DF_OK;
			continue;
		}
		if (rc != DF_OK)
			break;
		if (json_array_append_new(a, json_string(actions[i].name)) != 0) {
			rc = DF_ENOMEM;
			break;
		}
	}
	if (rc != DF_OK) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return DF_OK;
}
