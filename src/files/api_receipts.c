/*
 * api_receipts.c - receipts (dak) and the departments' file number
 * schemes (docs/FILES.md).
 *
 *   POST /api/v1/receipts               diarise a letter in the caller's office
 *   GET  /api/v1/receipts?unfiled=1     the receipts of the caller's offices
 *   GET  /api/v1/receipts/{id}
 *   POST /api/v1/receipts/{id}/put-up   into a file the caller holds
 *   GET|PUT /api/v1/departments/{id}/file-scheme
 *
 * A diary number counts per office (unit and department) and calendar
 * year of receipt from 1, from a counter row taken inside the diarising
 * transaction, so two clerks never get the same number.  A receipt is
 * seen by the posts of its office, by whoever may read the file it went
 * into, and by files.read over its office.  Its audit leaf names the
 * office and the diary number, never the sender (a citizen, often).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/app.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/blob.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/store.h"
#include "files_int.h"

#define RECEIPT_CODE_BYTES 6   /* the code on the slip: 48 random bits */
#define RECEIPT_CODE_LEN 10    /* as base32 */

static const char *const modes[] = { "post", "hand", "courier", "email", "fax", "portal", NULL };

#define RECEIPT_COLS "id, unit_id, department_id, year, diary_no, sender, sender_address, subject, letter_date," \
		     " received_on, mode, file_id, created_at"

/* receipt_office - the office and file of receipt id. */
static int receipt_office(struct db *db, int64_t id, int64_t *unit, int64_t *department, int64_t *file)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT unit_id, department_id, file_id FROM receipts WHERE id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*unit = stmt_i64(st, 0);
		*department = stmt_i64(st, 1);
		*file = stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* in_office - a post of a lies in the office (unit, department). */
static int in_office(const struct actor *a, int64_t unit, int64_t department)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->pg[i].unit == unit && a->pg[i].department == department)
			return 1;
	return 0;
}

/* receipt_visible - may the caller read receipt id: DF_OK, DF_ENOTFOUND,
 * DF_EDENIED or a store error; *file its file (0 none). */
static int receipt_visible(struct request *r, struct db *db, const struct actor *a, int64_t id, int64_t *file)
{
	int64_t unit = 0, department = 0;
	int rc = receipt_office(db, id, &unit, &department, file);

	if (rc != DF_OK || in_office(a, unit, department))
		return rc;
	if (*file) {
		struct file_row f;

		rc = file_read(db, *file, &f);
		if (rc == DF_OK && file_visible(r, db, a, &f) == DF_OK)
			return DF_OK;
		if (rc != DF_OK && rc != DF_ENOTFOUND)
			return rc;
	}
	return authz_decide(r, "files.read", unit, department);
}

/* attachment_row - one scan of a receipt (files_rows). */
static int attachment_row(struct stmt *st, void *arg, json_t **item)
{
	(void)arg;
	*item = json_pack("{s:s, s:s, s:I, s:s?, s:I}", "sha256", stmt_text(st, 0), "type", stmt_text(st, 1), "size",
			  (json_int_t)stmt_i64(st, 2), "name", stmt_text(st, 3), "created_at", (json_int_t)stmt_i64(st, 4));
	return *item ? DF_OK : DF_ENOMEM;
}

int receipt_json(struct db *db, int64_t id, json_t **out)
{
	struct stmt *st = NULL;
	char diary[32];
	int rc = db_prepare(db, "SELECT " RECEIPT_COLS " FROM receipts WHERE id = ?1", &st);

	*out = NULL;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		snprintf(diary, sizeof diary, "%lld/%lld", (long long)stmt_i64(st, 4), (long long)stmt_i64(st, 3));
		*out = json_pack("{s:o, s:I, s:I, s:s, s:o, s:s, s:s?, s:s, s:s?, s:s, s:s, s:o, s:I}", "id",
				 json_id(stmt_i64(st, 0)), "diary_no", (json_int_t)stmt_i64(st, 4), "year",
				 (json_int_t)stmt_i64(st, 3), "diary", diary, "office",
				 files_office_json(db, stmt_i64(st, 1), stmt_i64(st, 2)), "sender",
				 stmt_text(st, 5), "sender_address", stmt_text(st, 6), "subject", stmt_text(st, 7),
				 "letter_date", stmt_text(st, 8), "received_on", stmt_text(st, 9), "mode", stmt_text(st, 10),
				 "file_id", stmt_isnull(st, 11) ? json_null() : json_id(stmt_i64(st, 11)), "created_at",
				 (json_int_t)stmt_i64(st, 12));
		rc = *out ? DF_OK : DF_ENOMEM;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	if (rc == DF_OK) {
		json_t *att = NULL;

		rc = files_rows(db, "SELECT sha256, type, size, name, created_at FROM receipt_attachments"
				    " WHERE receipt_id = ?1 ORDER BY created_at, sha256", id, attachment_row, NULL, &att);
		if (rc == DF_OK)
			json_object_set_new(*out, "attachments", att);
	}
	if (rc != DF_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int receipt_put_up(struct request *r, struct db *db, const struct actor *a, int64_t id, const struct file_row *f,
		   const char *field)
{
	int64_t file = 0;
	const int64_t p[] = { id, f->id };
	json_t *rec;
	int rc = receipt_visible(r, db, a, id, &file);

	if (rc == DF_EDENIED)
		rc = DF_ENOTFOUND;
	if (rc != DF_OK)
		return rc;
	if (file) {
		req_problem_field(r, 409, field, "the receipt is already in a file");
		return DF_ECONFLICT;
	}
	rc = db_exec_i64(db, "UPDATE receipts SET file_id = ?2 WHERE id = ?1", 2, p);
	if (rc != DF_OK)
		return rc;
	rec = json_pack("{s:o, s:o}", "receipt_id", json_id(id), "file_id", json_id(f->id));
	rc = rec ? audit_append_json(db, "files.receipt.file", "receipt", id, r->who.user_id, rec) : DF_ENOMEM;
	json_decref(rec);
	return rc;
}

int receipts_post(struct request *r)
{
	static const char sql[] = "INSERT INTO receipts (" RECEIPT_COLS ", created_by, created_post, code_hash) VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12, ?13, ?14, ?15)";
	const char *sender = NULL, *address = NULL, *subject = NULL, *mode = NULL;
	json_t *body = r->body_json, *out = NULL, *rec = NULL;
	cal_day today = cal_day_of_instant(clock_now_ms()), received = today, letter = 0;
	const struct posting_ref *by = NULL;
	struct stmt *st = NULL;
	struct actor a;
	struct db *db = NULL;
	char counter[80], d_received[11], d_letter[11], code[RECEIPT_CODE_LEN + 1], code_hash[65];
	int64_t id = id_next(), diary = 0;
	int has_letter = json_object_get(body, "letter_date") != NULL, k, y, m, d, rc;

	if (jreq_str(r, body, "sender", FILES_NAME_MAX, 1, &sender) != DF_OK ||
	    jreq_str(r, body, "sender_address", FILES_REMARK_MAX, 0, &address) != DF_OK ||
	    jreq_str(r, body, "subject", FILES_SUBJECT_MAX, 1, &subject) != DF_OK ||
	    jreq_str(r, body, "mode", 16, 1, &mode) != DF_OK ||
	    (has_letter && jreq_date(r, body, "letter_date", 1, &letter) != DF_OK) ||
	    (json_object_get(body, "received_on") && jreq_date(r, body, "received_on", 1, &received) != DF_OK))
		return r->problem_status;
	for (k = 0; modes[k] && strcmp(modes[k], mode) != 0; k++)
		;
	if (!modes[k])
		return req_problem_field(r, 422, "mode", "mode is post, hand, courier, email, fax or portal");
	if (received > today)
		return req_problem_field(r, 422, "received_on", "received_on is in the future");
	if (has_letter && letter > received)
		return req_problem_field(r, 422, "letter_date", "the letter is dated after it was received");
	rc = files_writer(r, &db, &a, &by, "diarise receipts");
	if (rc)
		return rc;
	cal_to_ymd(received, &y, &m, &d);
	snprintf(counter, sizeof counter, "diary:%lld:%lld:%d", (long long)by->unit, (long long)by->department, y);
	cal_format(received, d_received);
	if (has_letter)
		cal_format(letter, d_letter);
	rc = auth_random_base32(RECEIPT_CODE_BYTES, code, sizeof code);
	if (rc != DF_OK)
		return req_fail(r, rc);
	auth_sha256_hex(code, strlen(code), code_hash);
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = files_counter_next(db, counter, &diary);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, by->unit);
		stmt_bind_i64(st, 3, by->department);
		stmt_bind_i64(st, 4, y);
		stmt_bind_i64(st, 5, diary);
		stmt_bind_text(st, 6, sender, -1);
		stmt_bind_text(st, 7, address, -1);
		stmt_bind_text(st, 8, subject, -1);
		stmt_bind_text(st, 9, has_letter ? d_letter : NULL, -1);
		stmt_bind_text(st, 10, d_received, -1);
		stmt_bind_text(st, 11, mode, -1);
		stmt_bind_i64(st, 12, clock_now_ms());
		stmt_bind_i64(st, 13, r->who.user_id);
		stmt_bind_i64(st, 14, by->post);
		stmt_bind_text(st, 15, code_hash, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:o, s:I, s:I}", "unit_id", json_id(by->unit), "department_id",
				json_id(by->department), "year", (json_int_t)y, "diary_no", (json_int_t)diary);
		rc = rec ? audit_append_json(db, "files.receipt.create", "receipt", id, r->who.user_id, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	rc = files_finish(db, rc);
	if (rc == DF_OK)
		rc = receipt_json(db, id, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	/* shown once, for the acknowledgement slip; kept only as its hash */
	json_object_set_new(out, "code", json_string(code));
	return req_reply_take(r, 201, &out);
}

/* visible_problem - the answer for a receipt the caller may not read. */
static int visible_problem(struct request *r, int rc)
{
	if (rc == DF_ENOTFOUND || rc == DF_EDENIED)
		return req_problem(r, 404, "no such receipt");
	return req_fail(r, rc);
}

int receipt_get(struct request *r)
{
	struct actor a;
	struct db *db = NULL;
	json_t *out = NULL;
	int64_t id = 0, file = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc == DF_OK)
		rc = receipt_visible(r, db, &a, id, &file);
	if (rc != DF_OK)
		return visible_problem(r, rc);
	rc = receipt_json(db, id, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}

int receipts_get(struct request *r)
{
	static const char *const sql[] = {
		"SELECT id FROM receipts WHERE unit_id = ?1 AND department_id = ?2 ORDER BY created_at DESC, id DESC"
		" LIMIT 500",
		"SELECT id FROM receipts WHERE unit_id = ?1 AND department_id = ?2 AND file_id IS NULL"
		" ORDER BY created_at DESC, id DESC LIMIT 500",
	};
	const char *unfiled = req_query(r, "unfiled");
	json_t *items = json_array(), *out = NULL;
	struct actor a;
	struct db *db = NULL;
	int only = 0, rc;

	if (unfiled && strcmp(unfiled, "1") != 0 && strcmp(unfiled, "0") != 0) {
		json_decref(items);
		return req_problem_field(r, 400, "unfiled", "unfiled is 1 or 0");
	}
	only = unfiled && strcmp(unfiled, "1") == 0;
	rc = items ? req_db(r, &db) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	for (size_t i = 0; rc == DF_OK && i < a.n; i++) {
		struct stmt *st = NULL;
		int seen = 0;

		for (size_t k = 0; k < i; k++) /* two posts in one office list it once */
			seen |= a.pg[k].unit == a.pg[i].unit && a.pg[k].department == a.pg[i].department;
		if (seen)
			continue;
		rc = db_prepare(db, sql[only], &st);
		if (rc != DF_OK)
			break;
		stmt_bind_i64(st, 1, a.pg[i].unit);
		stmt_bind_i64(st, 2, a.pg[i].department);
		/* ids first, the receipts after: one statement at a time */
		while ((rc = stmt_step(st)) == STMT_ROW && json_array_size(items) < FILES_LIST_MAX) {
			if (json_array_append_new(items, json_id(stmt_i64(st, 0)))) {
				rc = DF_ENOMEM;
				break;
			}
		}
		stmt_done(st);
		if (rc == STMT_ROW)
			rc = DF_OK;
	}
	for (size_t i = 0; rc == DF_OK && i < json_array_size(items); i++) {
		json_t *one = NULL;
		int64_t id = 0;

		rc = json_parse_id(json_array_get(items, i), &id);
		if (rc == DF_OK)
			rc = receipt_json(db, id, &one);
		if (rc == DF_OK)
			json_array_set_new(items, i, one);
	}
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o}", "items", items);
	return req_reply_take(r, 200, &out);
}

int receipt_put_up_post(struct request *r)
{
	struct file_row f;
	struct actor a;
	struct db *db = NULL;
	json_t *fid = json_object_get(r->body_json, "file_id"), *out = NULL;
	int64_t id = 0, file = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (!fid || json_parse_id(fid, &file) != DF_OK)
		return req_problem_field(r, 422, "file_id", "file_id must be the id of a file");
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = file_read(db, file, &f);
	if (rc == DF_OK && file_visible(r, db, &a, &f) != DF_OK)
		rc = DF_ENOTFOUND;
	if (rc == DF_ENOTFOUND) {
		db_rollback(db);
		return req_problem_field(r, 422, "file_id", "no such file");
	}
	if (rc == DF_OK && !actor_holds(&a, f.holder)) {
		db_rollback(db);
		return req_problem(r, 403, "only the post holding the file puts receipts up in it");
	}
	if (rc == DF_OK && (f.to_post || strcmp(f.status, "closed") == 0)) {
		db_rollback(db);
		return req_problem(r, 409, "the file is %s", f.to_post ? "in transit" : "closed");
	}
	if (rc == DF_OK) {
		rc = receipt_put_up(r, db, &a, id, &f, "id");
		if (rc == DF_ENOTFOUND) {
			db_rollback(db);
			return req_problem(r, 404, "no such receipt");
		}
	}
	rc = files_finish(db, rc);
	if (rc == DF_OK)
		rc = receipt_json(db, id, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}

/* ---- file number schemes ------------------------------------------------ */

int files_scheme_of(struct db *db, int64_t department, char *out, size_t len, int *is_default)
{
	const int64_t p[] = { department };
	int rc = db_query_text(db, "SELECT pattern FROM file_schemes WHERE department_id = ?1", 1, p, out, len);

	*is_default = rc == DF_ENOTFOUND;
	if (rc == DF_ENOTFOUND) {
		snprintf(out, len, "%s", FILES_SCHEME_DEFAULT);
		rc = DF_OK;
	}
	return rc;
}

/* scheme_reply - answer the department's scheme. */
static int scheme_reply(struct request *r, struct db *db, int64_t department, int status)
{
	char pattern[FILES_SCHEME_MAX + 1];
	int is_default = 0;
	json_t *out;
	int rc = files_scheme_of(db, department, pattern, sizeof pattern, &is_default);

	if (rc != DF_OK)
		return req_fail(r, rc);
	out = json_pack("{s:o, s:s, s:b}", "department_id", json_id(department), "pattern", pattern, "is_default",
			is_default);
	return req_reply_take(r, status, &out);
}

/* department_open - the store, and department (a path id already read)
 * checked to exist (404); with sets (what a write sets, e.g. "file
 * numbers"), also that the caller's files.write reaches the whole
 * department (403).  0, or the status of the problem recorded. */
static int department_open(struct request *r, int64_t department, const char *sets, struct db **db)
{
	const int64_t p[] = { department };
	int64_t one = 0;
	int rc = req_db(r, db);

	if (rc == DF_OK)
		rc = db_query_i64(*db, "SELECT 1 FROM org_departments WHERE id = ?1", 1, p, &one);
	if (rc == DF_ENOTFOUND)
		return req_problem(r, 404, "no such department");
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (sets && authz_decide(r, "files.write", 0, department) != DF_OK)
		return req_problem(r, 403, "only a department-wide post sets its %s", sets);
	return 0;
}

int scheme_get(struct request *r)
{
	struct db *db = NULL;
	int64_t department = 0;
	int status;

	if (req_param_id(r, "id", &department) != DF_OK)
		return r->problem_status;
	status = department_open(r, department, NULL, &db);
	return status ? status : scheme_reply(r, db, department, 200);
}

int scheme_put(struct request *r)
{
	static const char sql[] = "INSERT INTO file_schemes (department_id, pattern, updated_by, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (department_id) DO UPDATE SET"
				  " pattern = excluded.pattern, updated_by = excluded.updated_by,"
				  " updated_at = excluded.updated_at";
	const char *pattern = NULL;
	struct stmt *st = NULL;
	struct db *db = NULL;
	json_t *rec = NULL;
	char why[96];
	int64_t department = 0;
	int rc;

	if (req_param_id(r, "id", &department) != DF_OK)
		return r->problem_status;
	if (jreq_str(r, r->body_json, "pattern", FILES_SCHEME_MAX, 1, &pattern) != DF_OK)
		return r->problem_status;
	if (files_scheme_check(pattern, why, sizeof why) != DF_OK)
		return req_problem_field(r, 422, "pattern", "%s", why);
	rc = department_open(r, department, "file numbers", &db);
	if (rc)
		return rc;
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, department);
		stmt_bind_text(st, 2, pattern, -1);
		stmt_bind_i64(st, 3, r->who.user_id);
		stmt_bind_i64(st, 4, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:s}", "department_id", json_id(department), "pattern", pattern);
		rc = rec ? audit_append_json(db, "files.scheme.set", "department", department, r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	rc = files_finish(db, rc);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return scheme_reply(r, db, department, 200);
}

/* ---- time limits per type and priority ---------------------------------- */

/* limit_row - one limit (files_rows). */
static int limit_row(struct stmt *st, void *arg, json_t **item)
{
	(void)arg;
	*item = json_pack("{s:s, s:s, s:I}", "type", stmt_text(st, 0), "priority", stmt_text(st, 1), "days",
			  (json_int_t)stmt_i64(st, 2));
	return *item ? DF_OK : DF_ENOMEM;
}

/* limits_reply - the department's limits, and the defaults by priority
 * (for the types and priorities it has none for). */
static int limits_reply(struct request *r, struct db *db, int64_t department)
{
	json_t *items = NULL, *defaults = json_object(), *out;
	int rc = files_rows(db, "SELECT type, priority, days FROM file_limits WHERE department_id = ?1"
			       " ORDER BY type, priority", department, limit_row, NULL, &items);

	for (int p = 0; defaults && p < FILES_PRIORITY_COUNT; p++)
		json_object_set_new(defaults, files_priority_name((enum files_priority)p),
				    json_integer(files_stage_limit_days((enum files_priority)p)));
	if (rc != DF_OK) {
		json_decref(defaults);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o, s:o, s:o}", "department_id", json_id(department), "items", items, "defaults",
			defaults ? defaults : json_null());
	return req_reply_take(r, 200, &out);
}

int limits_get(struct request *r)
{
	struct db *db = NULL;
	int64_t department = 0;
	int status;

	if (req_param_id(r, "id", &department) != DF_OK)
		return r->problem_status;
	status = department_open(r, department, NULL, &db);
	return status ? status : limits_reply(r, db, department);
}

int limits_put(struct request *r)
{
	static const char put[] = "INSERT INTO file_limits (department_id, type, priority, days, updated_by, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (department_id, type, priority) DO UPDATE"
				  " SET days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
	static const char del[] = "DELETE FROM file_limits WHERE department_id = ?1 AND type = ?2 AND priority = ?3";
	const char *type = NULL, *priority = NULL;
	json_t *dj = json_object_get(r->body_json, "days"), *rec = NULL;
	struct stmt *st = NULL;
	struct db *db = NULL;
	int64_t department = 0, days = 0;
	int rc;

	if (req_param_id(r, "id", &department) != DF_OK)
		return r->problem_status;
	if (jreq_str(r, r->body_json, "type", FILES_TYPE_MAX, 1, &type) != DF_OK ||
	    jreq_str(r, r->body_json, "priority", 16, 1, &priority) != DF_OK)
		return r->problem_status;
	if (!files_type_ok(type))
		return req_problem_field(r, 422, "type", "type is 1 to %d of a-z, 0-9 and _", FILES_TYPE_MAX);
	if (files_priority_parse(priority) < 0)
		return req_problem_field(r, 422, "priority", "priority is routine, priority, immediate or top_priority");
	if (!json_is_null(dj) && jreq_int(r, r->body_json, "days", 1, 365, 1, &days) != DF_OK)
		return r->problem_status; /* days null (or absent: 422) removes the limit */
	rc = department_open(r, department, "time limits", &db);
	if (rc)
		return rc;
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, days ? put : del, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, department);
		stmt_bind_text(st, 2, type, -1);
		stmt_bind_text(st, 3, priority, -1);
		if (days) {
			stmt_bind_i64(st, 4, days);
			stmt_bind_i64(st, 5, r->who.user_id);
			stmt_bind_i64(st, 6, clock_now_ms());
		}
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:s, s:s, s:o}", "department_id", json_id(department), "type", type, "priority",
				priority, "days", days ? json_integer(days) : json_null());
		rc = rec ? audit_append_json(db, "files.limit.set", "department", department, r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	rc = files_finish(db, rc);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return limits_reply(r, db, department);
}

/* ---- the citizen's status check ----------------------------------------- */

/* status_find - the receipt with diary number n of year whose code hashes to
 * hash (compared in constant time); DF_ENOTFOUND if none. */
static int status_find(struct db *db, int64_t n, int64_t year, const char *hash, int64_t *id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT id, code_hash FROM receipts WHERE year = ?1 AND diary_no = ?2", &st);
	int found = 0;

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, year);
	stmt_bind_i64(st, 2, n);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		const char *h = stmt_text(st, 1);

		if (h && strlen(h) == 64 && sodium_memcmp(h, hash, 64) == 0) {
			*id = stmt_i64(st, 0);
			found = 1;
		}
	}
	stmt_done(st);
	if (rc == DF_OK && !found)
		rc = DF_ENOTFOUND;
	return rc;
}

/* status_json - what a citizen is told of receipt id: its diary, day and
 * subject, the office, and the state of the file it went into (who has it
 * unless the file is graded confidential or secret), never a note or a
 * remark. */
static int status_json(struct db *db, int64_t id, json_t **out)
{
	json_t *o = NULL, *file = json_null();
	struct file_row f;
	int64_t fid = 0;
	int rc = receipt_json(db, id, &o);

	if (rc == DF_OK && json_is_string(json_object_get(o, "file_id")))
		rc = json_parse_id(json_object_get(o, "file_id"), &fid);
	if (rc == DF_OK && fid)
		rc = file_read(db, fid, &f);
	if (rc == DF_OK && fid) {
		const int64_t p[] = { fid };
		int64_t last = 0;
		int graded = strcmp(f.security, "confidential") == 0 || strcmp(f.security, "secret") == 0;
		char since[11] = "";
		struct posting_ref post;
		json_t *with = json_null();

		rc = db_query_i64(db, "SELECT MAX(at_ms) FROM file_movements WHERE file_id = ?1", 1, p, &last);
		if (rc == DF_OK)
			cal_format(cal_day_of_instant(last), since);
		if (rc == DF_OK && !graded && people_post_ref(db, f.to_post ? f.to_post : f.holder, &post) == DF_OK)
			with = json_pack("{s:s}", "designation", post.designation);
		file = json_pack("{s:s, s:s, s:o}", "status",
				 strcmp(f.status, "open") == 0 ? "in process" : f.status, "since", since, "with",
				 with ? with : json_null());
	}
	if (rc == DF_OK) {
		json_t *status = json_pack("{s:O, s:O, s:O, s:O, s:s, s:o}", "diary", json_object_get(o, "diary"),
					   "received_on", json_object_get(o, "received_on"), "subject",
					   json_object_get(o, "subject"), "office", json_object_get(o, "office"), "status",
					   fid ? "filed" : "received", "file", file ? file : json_null());

		file = NULL;
		json_decref(o);
		o = status;
		rc = o ? DF_OK : DF_ENOMEM;
	}
	json_decref(file);
	if (rc != DF_OK) {
		json_decref(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

int receipt_status(struct request *r)
{
	const char *diary = req_query(r, "diary"), *code = req_query(r, "code");
	char upper[RECEIPT_CODE_LEN + 1], hash[65], key[32];
	struct db *db = NULL;
	json_t *out = NULL;
	long long n = 0, year = 0;
	int64_t retry = 0, id = 0;
	int used = 0, rc;

	if (!diary || sscanf(diary, "%lld/%lld%n", &n, &year, &used) != 2 || (size_t)used != strlen(diary) || n < 1 ||
	    year < 1900 || year > 9999 || diary[0] < '0' || diary[0] > '9')
		return req_problem_field(r, 400, "diary", "diary is the number on the slip, e.g. 12/2026");
	if (!code || strlen(code) != RECEIPT_CODE_LEN)
		return req_problem_field(r, 400, "code", "code is the %d characters on the slip", RECEIPT_CODE_LEN);
	for (size_t i = 0; i <= RECEIPT_CODE_LEN; i++)
		upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
	auth_sha256_hex(upper, strlen(upper), hash);
	snprintf(key, sizeof key, "receipt:%lld/%lld", n, year);
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_throttle_check(r->app, db, key, r->ip, &retry);
	if (rc < 0)
		return req_fail(r, rc);
	if (rc == 1) {
		req_retry_after(r, (long long)retry);
		return req_problem(r, 429, "too many wrong codes; try again in %lld seconds", (long long)retry);
	}
	rc = status_find(db, (int64_t)n, (int64_t)year, hash, &id);
	if (rc == DF_ENOTFOUND) {
		rc = auth_throttle_fail(r->app, db, key, r->ip);
		if (rc != DF_OK)
			return req_fail(r, rc);
		return req_problem(r, 404, "no receipt has this diary number and code");
	}
	if (rc == DF_OK)
		rc = status_json(db, id, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}

/* ---- scans attached to a receipt ---------------------------------------- */

/* What may be attached: what a scanner or a phone camera makes. */
static const char *const scan_types[] = { "application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp",
					  NULL };

/* may_attach - the caller's post is in the receipt's office, or holds the
 * file it went into; 0 or the problem's status. */
static int may_attach(struct request *r, struct db *db, const struct actor *a, int64_t id)
{
	int64_t unit = 0, department = 0, file = 0;
	struct file_row f;
	int rc = receipt_visible(r, db, a, id, &file);

	if (rc == DF_ENOTFOUND || rc == DF_EDENIED)
		return req_problem(r, 404, "no such receipt");
	if (rc == DF_OK)
		rc = receipt_office(db, id, &unit, &department, &file);
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (in_office(a, unit, department))
		return 0;
	if (file && file_read(db, file, &f) == DF_OK && actor_holds(a, f.holder))
		return 0;
	return req_problem(r, 403, "only the receipt's office, or the post holding its file, attaches scans");
}

int receipt_attach(struct request *r)
{
	static const char sql[] = "INSERT INTO receipt_attachments (receipt_id, sha256, type, size, name, created_by,"
				  " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (receipt_id, sha256) DO NOTHING"
				  " RETURNING receipt_id";
	const char *name = req_query(r, "name");
	char sha[BLOB_NAME_LEN + 1], type[BLOB_TYPE_MAX];
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	json_t *rec = NULL, *out = NULL;
	int64_t id = 0;
	int ok = 0, fresh = 0, status, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (name && (strlen(name) > 200 || !*name))
		return req_problem_field(r, 400, "name", "name is 1 to 200 characters");
	if (r->body.len == 0)
		return req_problem(r, 400, "send the scan as the request body");
	if (r->body.len > (size_t)r->app->cfg.files_attachment_max_kb * 1024)
		return req_problem(r, 413, "a scan is at most %d KB", r->app->cfg.files_attachment_max_kb);
	rc = blob_sniff(r->body.ptr, r->body.len, type);
	if (rc != DF_OK)
		return req_fail(r, rc);
	for (int i = 0; scan_types[i]; i++)
		ok |= strcmp(type, scan_types[i]) == 0;
	if (!ok)
		return req_problem(r, 415, "a scan is a PDF, JPEG, PNG, TIFF or WebP file (this is %s)", type);
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc != DF_OK)
		return req_fail(r, rc);
	status = may_attach(r, db, &a, id);
	if (status)
		return status;
	/* the bytes are on disk, durably, before the row that names them */
	rc = blob_put(r->app->cfg.blob_dir, r->body.ptr, r->body.len, sha);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, sha, -1);
		stmt_bind_text(st, 3, type, -1);
		stmt_bind_i64(st, 4, (int64_t)r->body.len);
		stmt_bind_text(st, 5, name, -1);
		stmt_bind_i64(st, 6, r->who.user_id);
		stmt_bind_i64(st, 7, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
		fresh = rc == STMT_ROW; /* else attached before: nothing new to audit */
		if (rc == STMT_ROW)
			rc = DF_OK;
	}
	if (rc == DF_OK && fresh) {
		rec = json_pack("{s:o, s:s, s:s, s:I}", "receipt_id", json_id(id), "sha256", sha, "type", type, "size",
				(json_int_t)r->body.len);
		rc = rec ? audit_append_json(db, "files.receipt.attach", "receipt", id, r->who.user_id, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	rc = files_finish(db, rc);
	if (rc == DF_OK)
		rc = receipt_json(db, id, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 201, &out);
}

int receipt_attachment_get(struct request *r)
{
	const char *sha = req_param(r, "sha256");
	char type[BLOB_TYPE_MAX] = "", disposition[160];
	struct buf bytes;
	struct actor a;
	struct db *db = NULL;
	int64_t id = 0, file = 0;
	size_t len = 0;
	char *body;
	int rc;

	buf_init(&bytes, SCAN_BODY_MAX);
	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc == DF_OK)
		rc = receipt_visible(r, db, &a, id, &file);
	if (rc == DF_OK && sha && strlen(sha) == BLOB_NAME_LEN) {
		struct stmt *st = NULL;

		rc = db_prepare(db, "SELECT type FROM receipt_attachments WHERE receipt_id = ?1 AND sha256 = ?2", &st);
		if (rc == DF_OK) {
			stmt_bind_i64(st, 1, id);
			stmt_bind_text(st, 2, sha, -1);
			rc = stmt_step(st);
			if (rc == STMT_ROW)
				snprintf(type, sizeof type, "%s", stmt_text(st, 0));
			stmt_done(st);
			rc = rc == STMT_ROW ? DF_OK : rc == DF_OK ? DF_ENOTFOUND : rc;
		}
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	if (rc == DF_OK)
		rc = blob_get(r->app->cfg.blob_dir, sha, SCAN_BODY_MAX, &bytes);
	if (rc == DF_ENOTFOUND || rc == DF_EDENIED || rc == DF_EINVAL) {
		buf_release(&bytes);
		return req_problem(r, 404, "no such attachment");
	}
	if (rc != DF_OK) {
		buf_release(&bytes);
		return req_fail(r, rc);
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"receipt-%lld-%.12s\"", (long long)id, sha);
	body = buf_detach(&bytes, &len);
	if (!body || req_add_header(r, "Content-Disposition", disposition) != DF_OK) {
		free(body);
		return req_fail(r, DF_ENOMEM);
	}
	return req_reply_raw(r, 200, type[0] ? type : "application/octet-stream", body, len);
}
