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

/* One posting held on a day, with the names a list shows. */
struct holder {
	struct posting_ref pg;
	char name[121];        /* the person's name */
	char unit_name[121];   /* the post's unit, as of the day */
};

struct authz_area;

/* people_holders - the postings held on day whose post lies under unit
 * (0: anywhere) and inside one of the n areas (authz_reach), ordered by
 * the person's name: a malloc'd array in *out (the caller frees it), *count
 * how many.  DF_ETOOBIG past max postings (the caller narrows the unit). */
int people_holders(struct db *db, cal_day day, int64_t unit, const struct authz_area *areas, size_t n,
		   size_t max, struct holder **out, size_t *count) DF_WUR;

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
