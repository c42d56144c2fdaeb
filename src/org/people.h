/*
 * people.h - departments' sanctioned posts, the people who hold them and
 * their postings over time, and the vacancy report.  Also the demo data
 * generator.  Module: `people_module` (routes under /api/v1/people,
 * /api/v1/posts, /api/v1/postings, /api/v1/reports/vacancies).
 */
#ifndef DF_ORG_PEOPLE_H
#define DF_ORG_PEOPLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../core/calendar.h"
#include "../core/module.h"
#include "../core/result.h"

struct app;
struct db;
struct request;

/* A posting as other modules see it: who holds which post, where. */
struct posting_ref {
	int64_t id;            /* postings.id */
	int64_t person;        /* people.id */
	int64_t post;          /* posts.id */
	int64_t unit;          /* the post's org unit */
	int64_t department;    /* the post's department */
	char role[33];         /* the post's role (authz.h) */
	char designation[121]; /* "Deputy Commissioner" */
};

/* people_postings_on - the postings person holds on day, oldest first: up
 * to max into out, *n how many were written. */
int people_postings_on(struct db *db, int64_t person, cal_day day, struct posting_ref *out, size_t max,
		       size_t *n) DF_WUR;

extern const struct module people_module;

/* org_demo - create the demo province on an initialised database: posts of
 * the main departments at provincial, divisional and district level, a few
 * thousand generated people posted to them (labelled as generated), and one
 * login per role, whose usernames and passwords are printed to out. */
int org_demo(struct app *app, struct db *db, FILE *out) DF_WUR;

/* One posting held on a day (or over a period), with the names a list
 * shows and where its unit stands in the tree of that day. */
struct holder {
	struct posting_ref pg;
	char name[121];        /* the person's name */
	char unit_name[121];   /* the post's unit, as of the day */
	cal_day from, to;      /* the days of the period it was held (inclusive) */
	cal_day began;         /* the posting's own first day */
	int64_t district;      /* the unit's district that day, 0 if above one */
	int64_t division;      /* the unit's division that day, 0 if above one */
};

struct authz_area;

/* people_holders - the postings held on day whose post lies under unit
 * (0: anywhere) and inside one of the n areas (authz_reach), ordered by
 * the person's name: a malloc'd array in *out (the caller frees it), *count
 * how many.  DF_ETOOBIG past max postings (the caller narrows the unit). */
int people_holders(struct db *db, cal_day day, int64_t unit, const struct authz_area *areas, size_t n,
		   size_t max, struct holder **out, size_t *count) DF_WUR;

/* people_holders_between - people_holders for the postings held on any day
 * of [from, to], each with the days it was held inside that period; the
 * tree (unit filter, names, district and division) is the tree of `to`,
 * so a report of a period is grouped as the org stood at its end. */
int people_holders_between(struct db *db, cal_day from, cal_day to, int64_t unit, const struct authz_area *areas,
			   size_t n, size_t max, struct holder **out, size_t *count) DF_WUR;

/* people_holders_asof - people_holders_between with the tree (unit filter,
 * names, district and division) of day asof instead of `to`: a report's
 * parts share the tree of the report's last day. */
int people_holders_asof(struct db *db, cal_day from, cal_day to, cal_day asof, int64_t unit,
			const struct authz_area *areas, size_t n, size_t max, struct holder **out,
			size_t *count) DF_WUR;

/* Where a unit stands in a scope's tree. */
struct unit_place {
	const char *name;      /* the unit's name that day ("" if it did not exist); valid while the scope is */
	int64_t district;      /* 0 above a district */
	int64_t division;      /* 0 above a division */
};

/* A scope: the org tree of one day narrowed to a unit (0: the province)
 * and the areas of authz_reach, held in memory so that a report places
 * thousands of (unit, department) cells without asking the store. */
struct people_scope;

/* people_scope_open - the scope of day, unit and the n areas (copied). */
int people_scope_open(struct db *db, cal_day day, int64_t unit, const struct authz_area *areas, size_t n,
		      struct people_scope **out) DF_WUR;
/* people_scope_place - 1 and *out when a post in unit of department lies in
 * the scope, else 0. */
int people_scope_place(const struct people_scope *s, int64_t unit, int64_t department, struct unit_place *out);
/* people_scope_close - free s; NULL is fine. */
void people_scope_close(struct people_scope *s);

/* people_postings_changed_since - of the postings created or ended after
 * since_ms: the first day whose holders they changed (a new posting's
 * valid_from, an ended one's valid_to) in *first and the latest write in *latest_ms; DF_ENOTFOUND if
 * none was. */
int people_postings_changed_since(struct db *db, int64_t since_ms, cal_day *first, int64_t *latest_ms) DF_WUR;

/* people_post_holders - the postings of post held on day (a post has one
 * holder, or two for a day of handing over), oldest first: up to max into
 * out, *n how many were written. */
int people_post_holders(struct db *db, int64_t post, cal_day day, struct posting_ref *out, size_t max,
			size_t *n) DF_WUR;

/* people_post_ref - post id as other modules see it: its unit, department,
 * role and designation in *out (out->id, ->person are 0).  DF_ENOTFOUND if
 * there is no such post. */
int people_post_ref(struct db *db, int64_t post, struct posting_ref *out) DF_WUR;

/* people_supervisor - the posting "above" pg on day: going up the org tree
 * from pg's unit (its own unit first), the first posting held that day in
 * a post of a higher rank (authz_role_rank; a secretary only for their own
 * department); several at one unit: the lowest of the higher ranks, then
 * the oldest posting.  DF_ENOTFOUND when nobody is above (the Chief
 * Minister; or every post above is vacant). */
int people_supervisor(struct db *db, const struct posting_ref *pg, cal_day day, struct holder *out) DF_WUR;

/* people_person_name - the name of person into out (len bytes);
 * DF_ENOTFOUND if there is no such person. */
int people_person_name(struct db *db, int64_t person, char *out, size_t len) DF_WUR;

/* people_posting_ref - one posting by id (whenever it held); DF_ENOTFOUND
 * if there is none. */
int people_posting_ref(struct db *db, int64_t id, struct posting_ref *out) DF_WUR;

/* people_decide - may r's principal do action to person, judged by the
 * posts the person holds today (any of them allowing it suffices; none:
 * a province-wide object)?  DF_OK, DF_ENOTFOUND (reaches none of them),
 * DF_EDENIED (reached, not allowed) or a store error; no problem is
 * recorded on r.  A person acting on themselves is not special here. */
int people_decide(struct request *r, int64_t person, const char *action) DF_WUR;

#endif
