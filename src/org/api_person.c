/*
 * api_person.c - the people routes of `people_module` (the table is in
 * api_people.c): one person with their postings, a new person, and /me,
 * the caller's own profile with the actions they hold (for the web app's
 * role-aware home).
 *
 * A person is judged by where they hold posts today: visible if one of
 * those posts is in the caller's jurisdiction for the action; a person
 * with no current posting is a province-wide object (only province-wide
 * roles and secretaries reach them).  CNIC and phone are personal data:
 * they are shown only to a caller who may also write that person
 * (people.write there), and never enter an audit record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/app.h"
#include "../core/calendar.h"
#include "../core/http.h"
#include "../core/store.h"
#include "authz.h"
#include "people.h"
#include "people_int.h"

/* ------------------------------------------------------------- people */

#define PERSON_POSTINGS_MAX 200

/* person_postings - every posting of a person (newest first) as JSON with
 * its post, and the (unit, department) of those holding on day. */
static int person_postings(struct db *db, int64_t person, cal_day day, const struct depts *d, json_t *arr,
			   struct authz_area *cur, size_t max, size_t *ncur)
{
	static const char sql[] =
		"SELECT " POSTING_COLS_PG ", " POST_COLS_P " FROM postings pg JOIN posts p ON p.id = pg.post_id WHERE pg.person_id = ?1"
		" ORDER BY pg.valid_from DESC LIMIT ?2";
	struct stmt *st = NULL;
	char ds[11];
	int rc = db_prepare(db, sql, &st);

	*ncur = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(day, ds);
	stmt_bind_i64(st, 1, person);
	stmt_bind_i64(st, 2, PERSON_POSTINGS_MAX);
	for (;;) {
		struct posting pg;
		struct post p;
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		posting_read_row(st, 0, &pg);
		post_read_row(st, 7, &p);
		o = json_pack("{s:o, s:s, s:o, s:o, s:o}", "id", json_id(pg.id), "valid_from", pg.valid_from, "valid_to",
			      pg.valid_to[0] ? json_string(pg.valid_to) : json_null(), "order_ref",
			      pg.order_ref[0] ? json_string(pg.order_ref) : json_null(), "post",
			      json_pack("{s:o, s:s, s:i, s:s, s:o, s:o}", "id", json_id(p.id), "designation",
					p.designation, "bps", p.bps, "role", p.role, "department",
					depts_ref_json(d, p.department), "unit_id", json_id(p.unit)));
		if (!o || json_array_append_new(arr, o)) {
			rc = DF_ENOMEM;
			break;
		}
		if (strcmp(pg.valid_from, ds) <= 0 && (!pg.valid_to[0] || strcmp(pg.valid_to, ds) > 0) &&
		    *ncur < max) {
			cur[*ncur].unit = p.unit;
			cur[*ncur].department = p.department;
			(*ncur)++;
		}
	}
	stmt_done(st);
	return rc;
}

/* person_decide - action on a person, judged by where they hold posts
 * today: allowed if any of those posts allows it; 403 if one is reached
 * but none allows; 404 if none is reached.  No posting: a province-wide
 * object (unit 0). */
static int person_decide(struct request *r, const char *action, const struct authz_area *cur, size_t n)
{
	int best = DF_ENOTFOUND;

	if (n == 0)
		return authz_decide(r, action, 0, 0);
	for (size_t i = 0; i < n; i++) {
		int rc = authz_decide(r, action, cur[i].unit, cur[i].department);

		if (rc == DF_OK)
			return DF_OK;
		if (rc == DF_EDENIED)
			best = DF_EDENIED;
		else if (rc != DF_ENOTFOUND)
			return rc;
	}
	return best;
}

int people_decide(struct request *r, int64_t person, const char *action)
{
	struct posting_ref pg[AUTHZ_MAX_GRANTS];
	struct authz_area cur[AUTHZ_MAX_GRANTS];
	struct db *db = NULL;
	size_t n = 0;
	int rc = req_db(r, &db);

	if (rc == DF_OK)
		rc = people_postings_on(db, person, people_today(), pg, AUTHZ_MAX_GRANTS, &n);
	if (rc != DF_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		cur[i].all_units = 0;
		cur[i].unit = pg[i].unit;
		cur[i].department = pg[i].department;
	}
	return person_decide(r, action, cur, n);
}

/* GET /api/v1/people/{id} */
int person_get_h(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct depts *d = NULL;
	struct person pe;
	struct authz_area cur[AUTHZ_MAX_GRANTS];
	size_t ncur = 0;
	json_t *out = NULL, *postings = NULL;
	int64_t id = 0;
	int rc, may_write = 0;

	if (req_param_id(r, "id", &id) != DF_OK) {
		status = req_fail(r, DF_ENOTFOUND);
		goto out;
	}
	postings = json_array();
	rc = req_db(r, &db);
	if (rc == DF_OK && !postings)
		rc = DF_ENOMEM;
	if (rc == DF_OK)
		rc = person_get(db, id, &pe);
	if (rc == DF_OK)
		rc = depts_alloc(db, &d);
	if (rc == DF_OK)
		rc = person_postings(db, id, people_today(), d, postings, cur, COUNT_OF(cur), &ncur);
	if (rc == DF_OK)
		rc = person_decide(r, "people.read", cur, ncur);
	if (rc == DF_ENOTFOUND)
		req_problem(r, 404, "no such object");
	else if (rc == DF_EDENIED)
		req_problem(r, 403, "your posting does not allow people.read here");
	if (rc == DF_OK) {
		int wrc = person_decide(r, "people.write", cur, ncur);

		may_write = wrc == DF_OK;
		if (wrc != DF_OK && wrc != DF_EDENIED && wrc != DF_ENOTFOUND)
			rc = wrc;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:s, s:s, s:b, s:O}", "id", json_id(pe.id), "name", pe.name, "gender", pe.gender,
			"generated", pe.generated, "postings", postings);
	if (!out)
		goto out;
	if (may_write && (json_object_set_new(out, "cnic", pe.cnic[0] ? json_string(pe.cnic) : json_null()) ||
			  json_object_set_new(out, "phone", pe.phone[0] ? json_string(pe.phone) : json_null())))
		goto out;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	json_decref(postings);
	free(d);
	return status;
}

/* POST /api/v1/people {name, gender, cnic?, phone?} */
int person_post_h(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct person pe;
	const char *name = NULL, *gender = NULL, *cnic = NULL, *phone = NULL;
	json_t *out = NULL;
	char loc[64];
	int rc;

	memset(&pe, 0, sizeof pe);
	if (jreq_str(r, r->body_json, "name", PERSON_NAME_MAX, 1, &name) != DF_OK ||
	    jreq_str(r, r->body_json, "gender", 8, 1, &gender) != DF_OK ||
	    jreq_str(r, r->body_json, "cnic", PERSON_CNIC_LEN, 0, &cnic) != DF_OK ||
	    jreq_str(r, r->body_json, "phone", PERSON_PHONE_MAX, 0, &phone) != DF_OK) {
		status = req_fail(r, DF_EINVAL);
		goto out;
	}
	if (!gender_ok(gender)) {
		status = req_problem_field(r, 422, "gender", "gender must be male, female or other");
		goto out;
	}
	if (cnic && !cnic_ok(cnic)) {
		status = req_problem_field(r, 422, "cnic", "cnic must look like 12345-1234567-1");
		goto out;
	}
	if (phone && !phone_ok(phone)) {
		status = req_problem_field(r, 422, "phone", "phone must be 7 to 20 digits, spaces or dashes");
		goto out;
	}
	snprintf(pe.name, sizeof pe.name, "%s", name);
	snprintf(pe.gender, sizeof pe.gender, "%s", gender);
	snprintf(pe.cnic, sizeof pe.cnic, "%s", cnic ? cnic : "");
	snprintf(pe.phone, sizeof pe.phone, "%s", phone ? phone : "");
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = person_insert(db, &pe, r->who.user_id, PEOPLE_AUDIT);
	rc = people_finish_tx(db, rc);
	if (rc == DF_ECONFLICT) {
		status = req_problem_field(r, 409, "cnic", "a person with this CNIC is already recorded");
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:s, s:s, s:b, s:o, s:o, s:[]}", "id", json_id(pe.id), "name", pe.name, "gender",
			pe.gender, "generated", 0, "cnic", pe.cnic[0] ? json_string(pe.cnic) : json_null(), "phone",
			pe.phone[0] ? json_string(pe.phone) : json_null(), "postings");
	if (!out)
		goto out;
	snprintf(loc, sizeof loc, "/api/v1/people/%lld", (long long)pe.id);
	if (req_add_header(r, "Location", loc) != DF_OK)
		goto out;
	status = req_reply_take(r, 201, &out);
out:
	json_decref(out);
	return status;
}

/* ------------------------------------------------------------- GET /me */

/* my_postings - the caller's postings holding today, with their posts. */
static int my_postings(struct db *db, int64_t person, cal_day day, const struct depts *d, json_t *arr)
{
	static const char sql[] =
		"SELECT pg.id, pg.valid_from, pg.valid_to, " POST_COLS_P
		" FROM postings pg JOIN posts p ON p.id = pg.post_id WHERE pg.person_id = ?1"
		" AND " PEOPLE_ASOF("pg", "?2") " AND " PEOPLE_ASOF("p", "?2") " ORDER BY pg.valid_from, pg.id";
	struct stmt *st = NULL;
	char ds[11];
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	cal_format(day, ds);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, ds, -1);
	for (;;) {
		struct unitmap none = { 0 };
		struct post p;
		json_t *o, *pj;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		post_read_row(st, 3, &p);
		pj = post_json(&p, &none, d);
		if (pj && json_object_set_new(pj, "unit", unit_ref_on(db, p.unit, day))) {
			json_decref(pj);
			pj = NULL;
		}
		o = json_pack("{s:o, s:s, s:o, s:o}", "id", json_id(stmt_i64(st, 0)), "valid_from", stmt_text(st, 1),
			      "valid_to", stmt_isnull(st, 2) ? json_null() : json_string(stmt_text(st, 2)), "post", pj);
		if (!o || json_array_append_new(arr, o)) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	return rc;
}

/* GET /api/v1/me - who the caller is, where they are posted, what they may do. */
int me_get_h(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct depts *d = NULL;
	struct person pe;
	json_t *out = NULL, *postings = NULL, *actions = NULL, *person = NULL;
	cal_day day = people_today();
	char ds[11];
	int rc;

	postings = json_array();
	rc = req_db(r, &db);
	if (rc == DF_OK && !postings)
		rc = DF_ENOMEM;
	if (rc == DF_OK)
		rc = depts_alloc(db, &d);
	if (rc == DF_OK && r->who.person_id > 0) {
		rc = person_get(db, r->who.person_id, &pe);
		if (rc == DF_OK)
			person = json_pack("{s:o, s:s, s:b}", "id", json_id(pe.id), "name", pe.name, "generated",
					   pe.generated);
		if (rc == DF_OK)
			rc = my_postings(db, pe.id, day, d, postings);
	}
	if (rc == DF_OK)
		rc = authz_actions_json(r, &actions);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	cal_format(day, ds);
	out = json_pack("{s:s, s:{s:o, s:s, s:b, s:s}, s:O, s:O, s:O}", "as_of", ds, "user", "id",
			json_id(r->who.user_id), "username", r->who.username, "is_admin", r->who.is_admin, "kind",
			r->who.kind == PRINCIPAL_TOKEN ? "token" : "session", "person", person ? person : json_null(),
			"postings", postings, "actions", actions);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	json_decref(postings);
	json_decref(actions);
	json_decref(person);
	free(d);
	return status;
}

