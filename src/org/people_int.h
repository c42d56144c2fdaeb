/*
 * people_int.h - internal to the people module (people.c, api_people.c,
 * vacancy.c, demo.c): the records of posts, people and postings, their
 * readers and audited writers, and two small in-memory views the list and
 * report endpoints build once per request so that they never ask the
 * store once per row: the org tree as of a day (struct unitmap) and the
 * departments (struct depts).  Other modules use people.h only.
 *
 * Days are 'YYYY-MM-DD' text, as stored.  valid_to is exclusive (the first
 * day something no longer holds; "" = open), as in the org tree, so the
 * as-of predicate is everywhere
 *     valid_from <= D AND (valid_to IS NULL OR valid_to > D).
 */
#ifndef DF_ORG_PEOPLE_INT_H
#define DF_ORG_PEOPLE_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/calendar.h"
#include "../core/result.h"
#include "authz.h"
#include "tree.h"

struct db;
struct request;
struct stmt;

#define POST_DESIGNATION_MAX 120  /* bytes of a post's designation */
#define PERSON_NAME_MAX 120       /* bytes of a person's name */
#define PERSON_PHONE_MAX 20       /* bytes of a phone number */
#define PERSON_CNIC_LEN 15        /* "NNNNN-NNNNNNN-N" */
#define POSTING_ORDER_MAX 120     /* bytes of a posting's order reference */
#define DEPTS_MAX 128             /* departments held in a struct depts */

/* The SQL text of the as-of predicate on table alias t and day parameter p. */
#define PEOPLE_ASOF(t, p) t ".valid_from <= " p " AND (" t ".valid_to IS NULL OR " t ".valid_to > " p ")"

/* One sanctioned post (a row of posts). */
struct post {
	int64_t id;
	char designation[POST_DESIGNATION_MAX + 1]; /* "Deputy Commissioner" */
	int bps;                       /* Basic Pay Scale 1..22 */
	int64_t department;            /* org_departments.id */
	int64_t unit;                  /* the org unit the post sits in */
	char role[AUTHZ_ROLE_MAX + 1]; /* a role of the authz table */
	char valid_from[11];           /* sanctioned from */
	char valid_to[11];             /* abolished from; "" = open */
	int64_t created_at;            /* epoch ms */
};

/* One person (a row of people). cnic and phone are personal data. */
struct person {
	int64_t id;
	char name[PERSON_NAME_MAX + 1];
	char gender[8];                /* "male", "female" or "other" */
	char cnic[PERSON_CNIC_LEN + 1]; /* "" = not recorded */
	char phone[PERSON_PHONE_MAX + 1]; /* "" = not recorded */
	int generated;                 /* 1 for demo data */
	int64_t created_at;
};

/* One posting: a person holds a post over [valid_from, valid_to). */
struct posting {
	int64_t id;
	int64_t person;
	int64_t post;
	char valid_from[11];
	char valid_to[11];             /* "" = open */
	char order_ref[POSTING_ORDER_MAX + 1]; /* the notification's number */
	int64_t created_at;
};

/* Whether a writer appends its audit leaf (the demo loader audits in bulk). */
enum { PEOPLE_AUDIT = 1, PEOPLE_NO_AUDIT = 0 };

/* The columns of a post, bare and on alias p, in the order post_read_row reads. */
#define POST_COLS "id, designation, bps, department_id, unit_id, role, valid_from, valid_to, created_at"
#define POST_COLS_P "p.id, p.designation, p.bps, p.department_id, p.unit_id, p.role, p.valid_from," \
		    " p.valid_to, p.created_at"

/* post_read_row - read a post selected with POST_COLS from column col on. */
void post_read_row(struct stmt *st, int col, struct post *out);

/* The columns of a posting on alias pg, in the order posting_read_row reads. */
#define POSTING_COLS_PG "pg.id, pg.person_id, pg.post_id, pg.valid_from, pg.valid_to, pg.order_ref, pg.created_at"

/* posting_read_row - read a posting selected with POSTING_COLS_PG from column col on. */
void posting_read_row(struct stmt *st, int col, struct posting *out);

/* post_get / person_get / posting_get - read one row; DF_ENOTFOUND if none. */
int post_get(struct db *db, int64_t id, struct post *out) DF_WUR;
int person_get(struct db *db, int64_t id, struct person *out) DF_WUR;
int posting_get(struct db *db, int64_t id, struct posting *out) DF_WUR;

/* post_insert - store p (p->id = id_next() and p->created_at are set here)
 * inside the caller's transaction, with a "people.post.create" leaf by
 * actor when audit is PEOPLE_AUDIT.  The caller has validated the fields. */
int post_insert(struct db *db, struct post *p, int64_t actor, int audit) DF_WUR;
/* person_insert - likewise for a person ("people.person.create"; the leaf's
 * record carries no name, CNIC or phone).  DF_ECONFLICT if the CNIC is
 * already recorded for someone else. */
int person_insert(struct db *db, struct person *p, int64_t actor, int audit) DF_WUR;
/* posting_insert - post a person (pg->person) to post (pg->post, read
 * into *post by the caller) from pg->valid_from, until pg->valid_to ("" =
 * open).  A posting never outlasts its post: an open or later valid_to is
 * cut to the post's end.  DF_EINVAL (with a sentence in err) when the
 * posting does not begin inside the post's life or ends before it begins;
 * DF_ECONFLICT when the post is held by someone on any of those days. */
int posting_insert(struct db *db, struct posting *pg, const struct post *post, int64_t actor, int audit,
		   char *err, size_t errlen) DF_WUR;
/* posting_end - end an open posting: it no longer holds from valid_to.
 * DF_ECONFLICT if it has ended already, DF_EINVAL if valid_to is not after
 * its valid_from.  Audited as "people.posting.end". */
int posting_end(struct db *db, struct posting *pg, const char *valid_to, int64_t actor) DF_WUR;

/* cnic_ok - 1 if s is "NNNNN-NNNNNNN-N". phone_ok - 1 if s is 7..20 of
 * digits, spaces and dashes with an optional leading '+'. gender_ok - 1 for
 * "male", "female", "other". */
int cnic_ok(const char *s);
int phone_ok(const char *s);
int gender_ok(const char *s);

/* One unit of the tree as of a day. */
struct unit_node {
	int64_t id;
	int64_t parent;                /* 0 for the province */
	enum unit_kind kind;
	char name[ORG_NAME_MAX + 1];
};

/* The whole org tree as of one day, sorted by unit id. */
struct unitmap {
	cal_day day;
	size_t n;
	struct unit_node *u;
};

/* unitmap_load - every unit alive on day (org_tree_json), into m. */
int unitmap_load(struct db *db, cal_day day, struct unitmap *m) DF_WUR;
/* unitmap_release - free m (a zeroed m is fine). */
void unitmap_release(struct unitmap *m);
/* unitmap_get - the unit, or NULL if it is not in the tree that day. */
const struct unit_node *unitmap_get(const struct unitmap *m, int64_t id);
/* unitmap_ancestor - the unit of kind at or above unit, 0 if none. */
int64_t unitmap_ancestor(const struct unitmap *m, int64_t unit, enum unit_kind kind);
/* unitmap_within - 1 if unit is ancestor or lies in its subtree. */
int unitmap_within(const struct unitmap *m, int64_t unit, int64_t ancestor);
/* unitmap_ref_json - {"id","name","kind"} of unit (name and kind null when
 * the unit is not in the map). */
json_t *unitmap_ref_json(const struct unitmap *m, int64_t unit);

/* One department. */
struct dept {
	int64_t id;
	char code[24];                 /* "EDU" */
	char name[ORG_NAME_MAX + 1];   /* "Education" */
};

/* Every department, in code order. */
struct depts {
	size_t n;
	struct dept d[DEPTS_MAX];
};

/* depts_load - read the departments of the org tree module. */
int depts_load(struct db *db, struct depts *out) DF_WUR;
/* depts_get - by id; depts_find - by code (exact); NULL if none. */
const struct dept *depts_get(const struct depts *l, int64_t id);
const struct dept *depts_find(const struct depts *l, const char *code);
/* depts_ref_json - {"id","code","name"} of department id. */
json_t *depts_ref_json(const struct depts *l, int64_t id);

/* post_json - a post as the API shows it (without holder or history). */
json_t *post_json(const struct post *p, const struct unitmap *m, const struct depts *d);
/* posting_json - {"id","person":{"id","name"},"valid_from","valid_to","order_ref"}. */
json_t *posting_json(const struct posting *pg, const char *person_name);

/* people_today - today in Asia/Karachi (the test clock included): the day
 * jurisdictions and "current" postings are taken on. */
cal_day people_today(void);
/* people_finish_tx - commit when rc is DF_OK; on any failure roll back.
 * Returns the final result (db may be NULL when taking it failed). */
int people_finish_tx(struct db *db, int rc) DF_WUR;
/* depts_alloc - depts_load into a new heap struct (free() it). */
int depts_alloc(struct db *db, struct depts **out) DF_WUR;
/* unit_ref_on - {"id","name","kind"} of unit as of day, asked of the tree
 * (name and kind null when it does not exist that day). */
json_t *unit_ref_on(struct db *db, int64_t unit, cal_day day);

/* Handlers of api_person.c, listed in api_people.c's route table. */
int person_get_h(struct request *r);   /* GET /api/v1/people/{id} */
int person_post_h(struct request *r);  /* POST /api/v1/people */
int me_get_h(struct request *r);       /* GET /api/v1/me */

/* vacancy_get - GET /api/v1/reports/vacancies (the route handler). */
int vacancy_get(struct request *r);

/* vacancy_report - the vacancy report (see api_people.c for the shape) as
 * of day, grouped by "district", "division" or "department", for one
 * department or all (department 0).  DF_EINVAL for an unknown grouping. */
int vacancy_report(struct db *db, cal_day day, const char *by, int64_t department, json_t **out) DF_WUR;

#endif
