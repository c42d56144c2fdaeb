/*
 * api_files.c - files (docs/FILES.md), and the files module's schema and
 * routes.
 *
 *   POST /api/v1/files                 open a file in the caller's office
 *   GET  /api/v1/files?box=held|incoming|sent|overdue
 *   GET  /api/v1/files/{id}            with its receipts, movements, notes, letters
 *   GET  /api/v1/files/{id}/history    the movements with their audit leaves
 *   GET  /api/v1/files/recipients?q=   the posts a file may be sent to
 *
 * Also what the module's other files share: the caller's posts today
 * (actor_*), a file as stored (file_read), who may see it (file_visible),
 * the JSON of a file, and a movement with its audit leaf (files_movement).
 * The moves themselves are in moves.c, receipts in api_receipts.c, notes
 * and letters in notes.c, reports in report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/store.h"
#include "core/system.h"
#include "files.h"
#include "files_int.h"
#include "org/restructure.h"
#include "org/tree.h"

#define BODY_MAX 16384
#define NOTE_BODY_MAX 65536 /* a note or a letter: 20,000 bytes of text, escaped */
#define OPTIONAL_JSON (ROUTE_JSON | ROUTE_JSON_OPTIONAL) /* no body, or a JSON object */

static const char *const securities[] = { "unclassified", "restricted", "confidential", "secret", NULL };

/* ---- shared ------------------------------------------------------------ */

int files_finish(struct db *db, int rc)
{
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK && db)
		db_rollback(db);
	return rc;
}

int actor_load(struct request *r, struct db *db, struct actor *a)
{
	a->n = 0;
	if (!r->who.person_id)
		return DF_OK;
	return people_postings_on(db, r->who.person_id, cal_day_of_instant(clock_now_ms()), a->pg, AUTHZ_MAX_GRANTS,
				  &a->n);
}

const struct posting_ref *actor_holds(const struct actor *a, int64_t post)
{
	for (size_t i = 0; post && i < a->n; i++)
		if (a->pg[i].post == post)
			return &a->pg[i];
	return NULL;
}

int actor_post(struct request *r, const struct actor *a, json_t *body, const struct posting_ref **out)
{
	json_t *v = body ? json_object_get(body, "post_id") : NULL;
	int64_t post = 0;

	*out = NULL;
	if (v && !json_is_null(v)) {
		if (json_parse_id(v, &post) != DF_OK) {
			req_problem_field(r, 422, "post_id", "post_id must be an id");
			return DF_EINVAL;
		}
		*out = actor_holds(a, post);
		if (!*out) {
			req_problem_field(r, 422, "post_id", "you do not hold that post");
			return DF_EINVAL;
		}
		return DF_OK;
	}
	if (a->n == 0) {
		req_problem(r, 403, "you hold no post");
		return DF_EDENIED;
	}
	if (a->n > 1) {
		req_problem_field(r, 422, "post_id", "you hold %zu posts: say which acts (post_id)", a->n);
		return DF_EINVAL;
	}
	*out = &a->pg[0];
	return DF_OK;
}

int files_writer(struct request *r, struct db **db, struct actor *a, const struct posting_ref **by,
		 const char *what)
{
	int rc = req_db(r, db);

	if (rc == DF_OK)
		rc = actor_load(r, *db, a);
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (actor_post(r, a, r->body_json, by) != DF_OK)
		return r->problem_status;
	if (authz_decide(r, "files.write", (*by)->unit, (*by)->department) != DF_OK)
		return req_problem(r, 403, "your post may not %s", what);
	return 0;
}

size_t files_like_words(const char *q, char *buf, size_t len, const char **words, size_t max)
{
	size_t at = 0, n = 0;

	for (const char *c = q; c && *c && n < max && at + 4 < len;) {
		while (*c == ' ')
			c++;
		if (!*c)
			break;
		words[n++] = buf + at;
		buf[at++] = '%';
		for (; *c && *c != ' ' && at + 4 < len; c++) {
			if (*c == '%' || *c == '_' || *c == '!')
				buf[at++] = '!';
			buf[at++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		}
		buf[at++] = '%';
		buf[at++] = '\0';
		while (*c && *c != ' ')
			c++; /* a word cut by the buffer's end: the rest of it is dropped */
	}
	return n;
}

int files_counter_next(struct db *db, const char *name, int64_t *out)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO file_counters (name, last) VALUES (?1, 1) ON CONFLICT (name)"
				" DO UPDATE SET last = file_counters.last + 1 RETURNING last", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, name, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*out = stmt_i64(st, 0);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_EINTERNAL;
	}
	stmt_done(st);
	return rc;
}

int files_rows_of(struct stmt *st, int (*row)(struct stmt *st, void *arg, json_t **item), void *arg, json_t **out)
{
	json_t *arr = json_array();
	int rc = arr ? DF_OK : DF_ENOMEM;

	*out = NULL;
	while (rc == DF_OK && (rc = stmt_step(st)) == STMT_ROW) {
		json_t *item = NULL;

		rc = row(st, arg, &item);
		if (rc == DF_OK && item && json_array_append_new(arr, item))
			rc = DF_ENOMEM;
	}
	stmt_done(st);
	if (rc == DF_OK)
		*out = arr;
	else
		json_decref(arr);
	return rc;
}

int files_rows(struct db *db, const char *sql, int64_t id, int (*row)(struct stmt *st, void *arg, json_t **item),
	       void *arg, json_t **out)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	*out = NULL;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	return files_rows_of(st, row, arg, out);
}

static void copy(char *out, size_t len, const char *s)
{
	snprintf(out, len, "%s", s ? s : "");
}

#define FILE_COLS "id, number, department_id, unit_id, subject, priority, security, status, holder_post, to_post," \
		  " sent_by_post, sent_at, due, park_reason, version, created_post, created_at"

int file_read(struct db *db, int64_t id, struct file_row *f)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT " FILE_COLS ", stage_since, type, COALESCE(volume, 1) FROM files WHERE id = ?1",
			    &st);

	memset(f, 0, sizeof *f);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		f->id = stmt_i64(st, 0);
		copy(f->number, sizeof f->number, stmt_text(st, 1));
		f->department = stmt_i64(st, 2);
		f->unit = stmt_i64(st, 3);
		copy(f->subject, sizeof f->subject, stmt_text(st, 4));
		copy(f->priority, sizeof f->priority, stmt_text(st, 5));
		copy(f->security, sizeof f->security, stmt_text(st, 6));
		copy(f->status, sizeof f->status, stmt_text(st, 7));
		f->holder = stmt_i64(st, 8);
		f->to_post = stmt_isnull(st, 9) ? 0 : stmt_i64(st, 9);
		f->sent_by = stmt_isnull(st, 10) ? 0 : stmt_i64(st, 10);
		f->sent_at = stmt_isnull(st, 11) ? 0 : stmt_i64(st, 11);
		copy(f->due, sizeof f->due, stmt_text(st, 12));
		copy(f->park_reason, sizeof f->park_reason, stmt_text(st, 13));
		f->version = stmt_i64(st, 14);
		f->created_post = stmt_i64(st, 15);
		f->created_at = stmt_i64(st, 16);
		copy(f->stage_since, sizeof f->stage_since, stmt_text(st, 17));
		copy(f->type, sizeof f->type, stmt_text(st, 18) ? stmt_text(st, 18) : "general");
		f->volume = stmt_i64(st, 19);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* has_held - whether a post of a appears in f's movements. */
static int has_held(struct db *db, const struct actor *a, int64_t file, int *yes)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT from_post, to_post FROM file_movements WHERE file_id = ?1", &st);

	*yes = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, file);
	while (!*yes && (rc = stmt_step(st)) == STMT_ROW)
		*yes = (!stmt_isnull(st, 0) && actor_holds(a, stmt_i64(st, 0))) ||
		       (!stmt_isnull(st, 1) && actor_holds(a, stmt_i64(st, 1)));
	stmt_done(st);
	return rc == STMT_ROW ? DF_OK : rc;
}

int file_visible(struct request *r, struct db *db, const struct actor *a, const struct file_row *f)
{
	int held = 0;
	int rc;

	if (actor_holds(a, f->holder) || actor_holds(a, f->to_post))
		return DF_OK;
	rc = has_held(db, a, f->id, &held);
	if (rc != DF_OK || held)
		return rc;
	return authz_decide(r, "files.read", f->unit, f->department);
}

/* post_json - {"post": {"id","designation"}, "unit": {"id","name"}} of post. */
static json_t *post_json(struct db *db, int64_t post)
{
	struct posting_ref p;
	char unit[128] = "";

	if (people_post_ref(db, post, &p) != DF_OK)
		return json_pack("{s:{s:o, s:n}, s:n}", "post", "id", json_id(post), "designation", "unit");
	if (org_unit_name(db, p.unit, cal_day_of_instant(clock_now_ms()), unit, sizeof unit) != DF_OK)
		unit[0] = '\0';
	return json_pack("{s:{s:o, s:s}, s:{s:o, s:s}}", "post", "id", json_id(post), "designation", p.designation,
			 "unit", "id", json_id(p.unit), "name", unit);
}

json_t *files_office_json(struct db *db, int64_t unit, int64_t department)
{
	const int64_t p[] = { department };
	char name[128] = "", code[32] = "";

	if (org_unit_name(db, unit, cal_day_of_instant(clock_now_ms()), name, sizeof name) != DF_OK)
		name[0] = '\0';
	if (db_query_text(db, "SELECT code FROM org_departments WHERE id = ?1", 1, p, code, sizeof code) != DF_OK)
		code[0] = '\0';
	return json_pack("{s:{s:o, s:s}, s:{s:o, s:s}}", "unit", "id", json_id(unit), "name", name, "department",
			 "id", json_id(department), "code", code);
}

/* movement_row - one movement (files_rows; arg: the db), with the posts'
 * designations and units, which a reader may not otherwise look up (a
 * post outside their reach). */
static int movement_row(struct stmt *st, void *arg, json_t **item)
{
	struct db *db = arg;

	*item = json_pack("{s:I, s:s, s:o, s:o, s:{s:o, s:s?}, s:s?, s:s?, s:I}", "seq", (json_int_t)stmt_i64(st, 0),
			  "action", stmt_text(st, 1), "from_post", stmt_isnull(st, 2) ? json_null() : json_id(stmt_i64(st, 2)),
			  "to_post", stmt_isnull(st, 3) ? json_null() : json_id(stmt_i64(st, 3)), "by", "person_id",
			  stmt_isnull(st, 4) ? json_null() : json_id(stmt_i64(st, 4)), "name", stmt_text(st, 5), "remark",
			  stmt_text(st, 6), "due", stmt_text(st, 7), "at", (json_int_t)stmt_i64(st, 8));
	if (*item && !stmt_isnull(st, 2))
		json_object_set_new(*item, "from", post_json(db, stmt_i64(st, 2)));
	if (*item && !stmt_isnull(st, 3))
		json_object_set_new(*item, "to", post_json(db, stmt_i64(st, 3)));
	return *item ? DF_OK : DF_ENOMEM;
}

/* receipt_row - the receipt of this row's id (files_rows). */
static int receipt_row(struct stmt *st, void *arg, json_t **item)
{
	return receipt_json(arg, stmt_i64(st, 0), item);
}

/* movements_json - file's movements, oldest first. */
static int movements_json(struct db *db, int64_t file, json_t **out)
{
	return files_rows(db, "SELECT m.seq, m.action, m.from_post, m.to_post, m.by_person, p.name, m.remark, m.due,"
			      " m.at_ms FROM file_movements m LEFT JOIN people p ON p.id = m.by_person"
			      " WHERE m.file_id = ?1 ORDER BY m.seq", file, movement_row, db, out);
}

/* receipts_of - the receipts put up in file, by diary. */
static int receipts_of(struct db *db, int64_t file, json_t **out)
{
	return files_rows(db, "SELECT id FROM receipts WHERE file_id = ?1 ORDER BY year, diary_no, id", file,
			  receipt_row, db, out);
}

int file_json(struct db *db, const struct file_row *f, int full, json_t **out)
{
	json_t *o, *transit = json_null();
	char today[11];
	int rc = DF_OK;

	if (f->to_post)
		transit = json_pack("{s:o, s:o, s:I, s:s?}", "to", post_json(db, f->to_post), "from_post_id",
				    json_id(f->sent_by), "sent_at", (json_int_t)f->sent_at, "due",
				    f->due[0] ? f->due : NULL);
	cal_format(cal_day_of_instant(clock_now_ms()), today);
	o = json_pack("{s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s?, s:s?, s:s?, s:b, s:I, s:I, s:o}",
		      "id", json_id(f->id), "number", f->number, "subject", f->subject, "type", f->type, "volume",
		      (json_int_t)f->volume, "priority", f->priority,
		      "security", f->security, "status", f->status, "office", files_office_json(db, f->unit, f->department),
		      "holder", post_json(db, f->holder), "in_transit", transit ? transit : json_null(), "park_reason",
		      f->park_reason[0] ? f->park_reason : NULL, "due", f->due[0] ? f->due : NULL, "stage_since",
		      f->stage_since[0] ? f->stage_since : NULL, "overdue",
		      strcmp(f->status, "open") == 0 && f->due[0] && strcmp(today, f->due) > 0, "version",
		      (json_int_t)f->version, "created_at", (json_int_t)f->created_at, "created_by_post",
		      json_id(f->created_post));
	if (o && full) {
		json_t *receipts = NULL, *moves = NULL;

		rc = receipts_of(db, f->id, &receipts);
		if (rc == DF_OK)
			rc = movements_json(db, f->id, &moves);
		if (rc == DF_OK) {
			json_object_set_new(o, "receipts", receipts);
			json_object_set_new(o, "movements", moves);
		} else {
			json_decref(receipts);
		}
	}
	if (!o && rc == DF_OK)
		rc = DF_ENOMEM;
	if (rc != DF_OK) {
		json_decref(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

/* movement_record - the audit record of a movement: the file, the step and
 * the posts, never the remark's words (files_history rebuilds it to show
 * what the leaf's record_hash is the hash of). */
static json_t *movement_record(int64_t file, int64_t seq, const char *action, int64_t from_post, int64_t to_post,
			       const char *due)
{
	return json_pack("{s:o, s:I, s:s, s:o, s:o, s:s?}", "file_id", json_id(file), "seq", (json_int_t)seq, "action",
			 action, "from_post", from_post ? json_id(from_post) : json_null(), "to_post",
			 to_post ? json_id(to_post) : json_null(), "due", due);
}

int files_movement(struct request *r, struct db *db, int64_t file, const char *action, int64_t from_post,
		   int64_t to_post, const char *remark, const char *due, int64_t *seq_out)
{
	static const char sql[] = "INSERT INTO file_movements (file_id, seq, action, from_post, to_post, by_user,"
				  " by_person, remark, due, at_ms, audit_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
				  " ?9, ?10, ?11)";
	const int64_t p[] = { file };
	struct stmt *st = NULL;
	char event[32];
	int64_t seq = 0, index = 0;
	json_t *rec = NULL;
	int rc = db_query_i64(db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM file_movements WHERE file_id = ?1", 1, p, &seq);

	if (rc == DF_OK) {
		rec = movement_record(file, seq, action, from_post, to_post, due);
		snprintf(event, sizeof event, "files.%s", action);
		rc = rec ? audit_append_json_at(db, event, "file", file, r->who.user_id, rec, &index) : DF_ENOMEM;
		json_decref(rec);
	}
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, file);
	stmt_bind_i64(st, 2, seq);
	stmt_bind_text(st, 3, action, -1);
	stmt_bind_id(st, 4, from_post);
	stmt_bind_id(st, 5, to_post);
	stmt_bind_i64(st, 6, r->who.user_id);
	stmt_bind_id(st, 7, r->who.person_id);
	stmt_bind_text(st, 8, remark, -1);
	stmt_bind_text(st, 9, due, -1);
	stmt_bind_i64(st, 10, clock_now_ms());
	stmt_bind_i64(st, 11, index);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK && seq_out)
		*seq_out = seq;
	return rc;
}

/* one_of - s is one of the NULL-terminated names. */
static int one_of(const char *s, const char *const *names)
{
	for (size_t i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/* ---- POST /api/v1/files ------------------------------------------------ */

/* make_number - the next number of the acting office's department. */
static int make_number(struct request *r, struct db *db, const struct posting_ref *by, const char *head, char *out,
		       size_t len)
{
	struct files_number_in in = { 0 };
	char pattern[FILES_SCHEME_MAX + 1], dept[32] = "", unit[32] = "", counter[64];
	const int64_t pd[] = { by->department }, pu[] = { by->unit };
	int y, m, d, is_default = 0;
	int rc = files_scheme_of(db, by->department, pattern, sizeof pattern, &is_default);

	cal_to_ymd(cal_day_of_instant(clock_now_ms()), &y, &m, &d);
	if (rc == DF_OK)
		rc = db_query_text(db, "SELECT code FROM org_departments WHERE id = ?1", 1, pd, dept, sizeof dept);
	if (rc == DF_OK)
		rc = db_query_text(db, "SELECT code FROM org_units WHERE id = ?1", 1, pu, unit, sizeof unit);
	/* the serial starts again each year only when the number shows the year */
	if (strstr(pattern, "{year}") || strstr(pattern, "{yy}"))
		snprintf(counter, sizeof counter, "file:%lld:%d", (long long)by->department, y);
	else
		snprintf(counter, sizeof counter, "file:%lld", (long long)by->department);
	if (rc == DF_OK)
		rc = files_counter_next(db, counter, &in.serial);
	if (rc != DF_OK)
		return rc;
	in.dept = dept;
	in.unit = unit;
	in.head = head;
	in.year = y;
	rc = files_number_format(pattern, &in, out, len);
	if (rc == DF_EINVAL && strstr(pattern, "{head}") && (!head || !*head))
		req_problem_field(r, 422, "head", "the department's file numbers need a head (e.g. 4-12)");
	else if (rc == DF_EINVAL)
		req_problem_field(r, 422, "head", "no file number can be made from this head and the scheme");
	else if (rc == DF_ETOOBIG)
		req_problem_field(r, 422, "head", "the file number would be too long");
	return rc;
}

int files_post(struct request *r);
int files_post(struct request *r)
{
	static const char sql[] = "INSERT INTO files (" FILE_COLS ", created_by, updated_at, type) VALUES (?1, ?2, ?3,"
				  " ?4, ?5, ?6, ?7, 'open', ?8, NULL, NULL, NULL, NULL, NULL, 1, ?8, ?9, ?10, ?9, ?11)";
	const char *subject = NULL, *priority = NULL, *security = NULL, *head = NULL, *type = NULL;
	json_t *body = r->body_json, *receipts = json_object_get(body, "receipts"), *out = NULL;
	const struct posting_ref *by = NULL;
	struct file_row f;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	char number[FILES_NUMBER_MAX];
	int64_t id = id_next();
	int rc, status;

	if (jreq_str(r, body, "subject", FILES_SUBJECT_MAX, 1, &subject) != DF_OK ||
	    jreq_str(r, body, "priority", 16, 0, &priority) != DF_OK ||
	    jreq_str(r, body, "security", 16, 0, &security) != DF_OK ||
	    jreq_str(r, body, "head", 32, 0, &head) != DF_OK ||
	    jreq_str(r, body, "type", FILES_TYPE_MAX, 0, &type) != DF_OK)
		return r->problem_status;
	type = type ? type : "general";
	if (!files_type_ok(type))
		return req_problem_field(r, 422, "type", "type is 1 to %d of a-z, 0-9 and _ (e.g. budget)", FILES_TYPE_MAX);
	priority = priority ? priority : "routine";
	security = security ? security : "unclassified";
	if (files_priority_parse(priority) < 0)
		return req_problem_field(r, 422, "priority", "priority is routine, priority, immediate or top_priority");
	if (!one_of(security, securities))
		return req_problem_field(r, 422, "security",
					 "security is unclassified, restricted, confidential or secret");
	if (receipts && (!json_is_array(receipts) || json_array_size(receipts) > 50))
		return req_problem_field(r, 422, "receipts", "receipts is a list of at most 50 receipt ids");
	status = files_writer(r, &db, &a, &by, "open files");
	if (status)
		return status;
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = make_number(r, db, by, head, number, sizeof number);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, number, -1);
		stmt_bind_i64(st, 3, by->department);
		stmt_bind_i64(st, 4, by->unit);
		stmt_bind_text(st, 5, subject, -1);
		stmt_bind_text(st, 6, priority, -1);
		stmt_bind_text(st, 7, security, -1);
		stmt_bind_i64(st, 8, by->post);
		stmt_bind_i64(st, 9, clock_now_ms());
		stmt_bind_i64(st, 10, r->who.user_id);
		stmt_bind_text(st, 11, type, -1);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = files_movement(r, db, id, "create", 0, by->post, NULL, NULL, NULL);
	if (rc == DF_OK)
		rc = files_stage_set(db, id, &(struct stage_of){ by->department, type, priority }, 1, 0, 0);
	if (rc == DF_OK)
		rc = file_read(db, id, &f);
	for (size_t i = 0; rc == DF_OK && i < json_array_size(receipts); i++) {
		int64_t rid = 0;

		if (json_parse_id(json_array_get(receipts, i), &rid) != DF_OK) {
			req_problem_field(r, 422, "receipts", "receipts holds ids");
			rc = DF_EINVAL;
		} else {
			rc = receipt_put_up(r, db, &a, rid, &f, "receipts");
			if (rc == DF_ENOTFOUND) {
				req_problem_field(r, 422, "receipts", "no such receipt");
				rc = DF_EINVAL;
			}
		}
	}
	rc = files_finish(db, rc);
	if (rc != DF_OK)
		return req_fail(r, rc);
	rc = file_json(db, &f, 1, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 201, &out);
}

/* ---- GET /api/v1/files/{id}, GET /api/v1/files -------------------------- */

int files_load_visible(struct request *r, struct db **db, struct actor *a, struct file_row *f)
{
	int64_t id = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, db);
	if (rc == DF_OK)
		rc = actor_load(r, *db, a);
	if (rc == DF_OK)
		rc = file_read(*db, id, f);
	if (rc == DF_OK)
		rc = file_visible(r, *db, a, f);
	if (rc == DF_ENOTFOUND)
		return req_problem(r, 404, "no such file");
	if (rc == DF_EDENIED)
		return req_problem(r, 403, "your posting does not allow files.read here");
	return rc == DF_OK ? 0 : req_fail(r, rc);
}

int file_get(struct request *r);
int file_get(struct request *r)
{
	struct file_row f;
	struct actor a;
	struct db *db = NULL;
	json_t *out = NULL;
	int status = files_load_visible(r, &db, &a, &f), rc;

	if (status)
		return status;
	rc = file_json(db, &f, 1, &out);
	if (rc == DF_OK)
		rc = files_efiling_json(db, &a, f.id, out);
	if (rc != DF_OK) {
		json_decref(out);
		return req_fail(r, rc);
	}
	return req_reply_take(r, 200, &out);
}

/* overdue_ids - the overdue files the caller answers for or oversees: the
 * post that must act (the target, else the holder) is theirs, or lies in
 * their files.read reach, or the file's office does; oldest due first, up
 * to FILES_LIST_MAX of the first 5,000 overdue files. */
static int overdue_ids(struct request *r, struct db *db, const struct actor *a, int64_t *ids, size_t *n)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct people_scope *scope = NULL;
	struct stmt *st = NULL;
	cal_day today = cal_day_of_instant(clock_now_ms());
	size_t nareas = 0, seen = 0;
	char d[11];
	int rc = authz_reach(r, "files.read", areas, AUTHZ_MAX_GRANTS, &nareas);

	*n = 0;
	if (rc == DF_OK)
		rc = people_scope_open(db, today, 0, areas, nareas, &scope);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT f.id, COALESCE(f.to_post, f.holder_post), p.unit_id, p.department_id,"
				    " f.unit_id, f.department_id FROM files f"
				    " JOIN posts p ON p.id = COALESCE(f.to_post, f.holder_post)"
				    " WHERE f.status = 'open' AND f.due < ?1 ORDER BY f.due, f.id", &st);
	if (rc != DF_OK) {
		people_scope_close(scope);
		return rc;
	}
	cal_format(today, d);
	stmt_bind_text(st, 1, d, -1);
	while (*n < FILES_LIST_MAX && seen++ < 5000 && (rc = stmt_step(st)) == STMT_ROW) {
		struct unit_place place;

		if (actor_holds(a, stmt_i64(st, 1)) ||
		    people_scope_place(scope, stmt_i64(st, 2), stmt_i64(st, 3), &place) ||
		    people_scope_place(scope, stmt_i64(st, 4), stmt_i64(st, 5), &place))
			ids[(*n)++] = stmt_i64(st, 0);
	}
	stmt_done(st);
	people_scope_close(scope);
	return rc == STMT_ROW ? DF_OK : rc;
}

int files_get(struct request *r);
int files_get(struct request *r)
{
	static const char *const sql[] = {
		"SELECT id FROM files WHERE holder_post = ?1 AND to_post IS NULL ORDER BY updated_at DESC, id DESC LIMIT 500",
		"SELECT id FROM files WHERE to_post = ?1 ORDER BY sent_at DESC, id DESC LIMIT 500",
		"SELECT id FROM files WHERE sent_by_post = ?1 AND to_post IS NOT NULL ORDER BY sent_at DESC, id DESC"
		" LIMIT 500",
	};
	static const char *const boxes[] = { "held", "incoming", "sent", "overdue", NULL };
	const char *box = req_query(r, "box");
	json_t *items = json_array(), *out = NULL;
	struct actor a;
	struct db *db = NULL;
	int which = 0, rc;

	if (box) {
		for (which = 0; boxes[which] && strcmp(box, boxes[which]) != 0; which++)
			;
		if (!boxes[which]) {
			json_decref(items);
			return req_problem_field(r, 400, "box", "box is held, incoming, sent or overdue");
		}
	}
	rc = items ? req_db(r, &db) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	for (size_t i = 0; rc == DF_OK && i < (which == 3 ? 1 : a.n) && json_array_size(items) < FILES_LIST_MAX; i++) {
		struct stmt *st = NULL;
		int64_t ids[FILES_LIST_MAX];
		size_t n = 0;

		if (which == 3) {
			rc = overdue_ids(r, db, &a, ids, &n);
		} else {
			rc = db_prepare(db, sql[which], &st);
			if (rc != DF_OK)
				break;
			stmt_bind_i64(st, 1, a.pg[i].post);
			while ((rc = stmt_step(st)) == STMT_ROW && n < FILES_LIST_MAX)
				ids[n++] = stmt_i64(st, 0);
			stmt_done(st);
			if (rc == STMT_ROW)
				rc = DF_OK;
		}
		for (size_t k = 0; rc == DF_OK && k < n && json_array_size(items) < FILES_LIST_MAX; k++) {
			struct file_row f;
			json_t *one = NULL;

			rc = file_read(db, ids[k], &f);
			if (rc == DF_OK)
				rc = file_json(db, &f, 0, &one);
			if (rc == DF_OK && json_array_append_new(items, one))
				rc = DF_ENOMEM;
		}
	}
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:s, s:o}", "box", boxes[which], "items", items);
	return req_reply_take(r, 200, &out);
}

/* ---- GET /api/v1/files/recipients --------------------------------------- */

/* recipient_row - one post a file may be sent to (files_rows_of). */
static int recipient_row(struct stmt *st, void *arg, json_t **item)
{
	(void)arg;
	*item = json_pack("{s:{s:o, s:s}, s:{s:o, s:s}, s:{s:o, s:s}, s:o}", "post", "id", json_id(stmt_i64(st, 0)),
			 "designation", stmt_text(st, 1), "unit", "id", json_id(stmt_i64(st, 2)), "name", stmt_text(st, 3),
			 "department", "id", json_id(stmt_i64(st, 4)), "code", stmt_text(st, 5), "holder",
			 stmt_isnull(st, 6) ? json_null() : json_pack("{s:s}", "name", stmt_text(st, 6)));
	return *item ? DF_OK : DF_ENOMEM;
}

/* One word of the query: in the designation, the unit's name or the
 * department's code (NULL: no such word). */
#define WORD(w) " AND (CAST(" w " AS TEXT) IS NULL OR LOWER(p.designation) LIKE " w " ESCAPE '!'" \
		" OR LOWER(v.name) LIKE " w " ESCAPE '!' OR LOWER(d.code) LIKE " w " ESCAPE '!')"
#define WORDS_MAX FILES_WORDS_MAX

int files_recipients(struct request *r);
int files_recipients(struct request *r)
{
	static const char sql[] =
		"SELECT p.id, p.designation, p.unit_id, v.name, p.department_id, d.code,"
		" (SELECT pe.name FROM postings pg JOIN people pe ON pe.id = pg.person_id WHERE pg.post_id = p.id"
		"  AND " ORG_ASOF("pg", "?1") " ORDER BY pg.valid_from LIMIT 1)"
		" FROM posts p JOIN org_unit_versions v ON v.unit_id = p.unit_id AND " ORG_ASOF("v", "?1")
		" JOIN org_departments d ON d.id = p.department_id"
		" WHERE " ORG_ASOF("p", "?1") WORD("?2") WORD("?3") WORD("?4") WORD("?5")
		" ORDER BY p.designation, v.name, p.id LIMIT ?6";
	const char *q = req_query(r, "q");
	char like[FILES_LIKE_MAX], today[11];
	const char *words[WORDS_MAX] = { NULL };
	struct stmt *st = NULL;
	struct db *db = NULL;
	json_t *items = NULL, *out = NULL;
	int64_t limit = 20;
	size_t nwords = 0;
	int rc;

	if (!q || strlen(q) < 2 || strlen(q) > 100)
		return req_problem_field(r, 400, "q", "q is 2 to 100 characters of a designation, a unit or a department");
	if (req_query_int(r, "limit", 1, 50, 20, &limit) != DF_OK)
		return r->problem_status;
	nwords = files_like_words(q, like, sizeof like, words, WORDS_MAX);
	if (nwords == 0)
		return req_problem_field(r, 400, "q", "q needs a word");
	cal_format(cal_day_of_instant(clock_now_ms()), today);
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_text(st, 1, today, -1);
		for (int i = 0; i < WORDS_MAX; i++)
			stmt_bind_text(st, 2 + i, words[i], -1);
		stmt_bind_i64(st, 6, limit);
		rc = files_rows_of(st, recipient_row, NULL, &items);
	}
	if (rc != DF_OK)
		return req_fail(r, rc);
	out = json_pack("{s:o}", "items", items);
	return req_reply_take(r, 200, &out);
}

/* ---- GET /api/v1/files/{id}/history ------------------------------------ */

/* history_row - a movement with its audit leaf and record (files_rows). */
static int history_row(struct stmt *st, void *arg, json_t **item)
{
	struct db *db = arg;
	struct audit_leaf leaf;
	char bytes[AUDIT_LEAF_MAX], *record = NULL;
	size_t len = 0;
	json_t *rec = NULL, *audit = json_null();
	int rc = movement_row(st, db, item);

	if (rc != DF_OK || stmt_isnull(st, 9))
		return rc; /* a movement from before leaves were kept with it */
	rc = audit_leaf_get(db, (uint64_t)stmt_i64(st, 9), &leaf);
	if (rc == DF_OK)
		rc = audit_leaf_bytes(&leaf, bytes, &len);
	if (rc == DF_OK) {
		rec = movement_record(stmt_i64(st, 10), stmt_i64(st, 0), stmt_text(st, 1),
				      stmt_isnull(st, 2) ? 0 : stmt_i64(st, 2), stmt_isnull(st, 3) ? 0 : stmt_i64(st, 3),
				      stmt_text(st, 7));
		record = audit_record_text(rec);
		audit = record ? json_pack("{s:I, s:s%, s:s, s:s}", "index", (json_int_t)leaf.index, "leaf", bytes, len,
					   "leaf_hash", leaf.leaf_hash, "record", record)
			       : NULL;
		rc = audit ? DF_OK : DF_ENOMEM;
	}
	json_decref(rec);
	free(record);
	if (rc == DF_OK)
		json_object_set_new(*item, "audit", audit);
	else {
		json_decref(*item);
		*item = NULL;
	}
	return rc;
}

int file_history(struct request *r);
int file_history(struct request *r)
{
	struct file_row f;
	struct actor a;
	struct audit_cp cp;
	struct db *db = NULL;
	json_t *items = NULL, *out = NULL, *checkpoint = json_null();
	int status = files_load_visible(r, &db, &a, &f), rc;

	if (status)
		return status;
	rc = files_rows(db, "SELECT m.seq, m.action, m.from_post, m.to_post, m.by_person, p.name, m.remark, m.due,"
			    " m.at_ms, m.audit_index, m.file_id FROM file_movements m"
			    " LEFT JOIN people p ON p.id = m.by_person WHERE m.file_id = ?1 ORDER BY m.seq",
			f.id, history_row, db, &items);
	if (rc == DF_OK) {
		int c = audit_latest(db, &cp);

		if (c == DF_OK)
			checkpoint = json_pack("{s:I, s:s, s:I, s:s, s:s}", "size", (json_int_t)cp.size, "root", cp.root,
					       "at", (json_int_t)cp.at, "signature", cp.signature, "key_id", cp.key_id);
		else if (c != DF_ENOTFOUND)
			rc = c;
	}
	if (rc != DF_OK) {
		json_decref(items);
		json_decref(checkpoint);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o, s:s, s:o, s:o}", "file_id", json_id(f.id), "number", f.number, "checkpoint",
			checkpoint ? checkpoint : json_null(), "items", items);
	return req_reply_take(r, 200, &out);
}

/* ---- the module -------------------------------------------------------- */

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE file_schemes ("
	     " department_id BIGINT PRIMARY KEY, pattern TEXT NOT NULL, updated_by BIGINT NOT NULL,"
	     " updated_at BIGINT NOT NULL);"
	     "CREATE TABLE file_counters (name TEXT PRIMARY KEY, last BIGINT NOT NULL);"
	     "CREATE TABLE receipts ("
	     " id BIGINT PRIMARY KEY, unit_id BIGINT NOT NULL, department_id BIGINT NOT NULL, year INT NOT NULL,"
	     " diary_no BIGINT NOT NULL, sender TEXT NOT NULL, sender_address TEXT, subject TEXT NOT NULL,"
	     " letter_date TEXT, received_on TEXT NOT NULL, mode TEXT NOT NULL, file_id BIGINT,"
	     " created_by BIGINT NOT NULL, created_post BIGINT NOT NULL, created_at BIGINT NOT NULL,"
	     " UNIQUE (unit_id, department_id, year, diary_no));"
	     "CREATE INDEX receipts_file ON receipts (file_id);"
	     "CREATE TABLE files ("
	     " id BIGINT PRIMARY KEY, number TEXT NOT NULL UNIQUE, department_id BIGINT NOT NULL,"
	     " unit_id BIGINT NOT NULL, subject TEXT NOT NULL, priority TEXT NOT NULL, security TEXT NOT NULL,"
	     " status TEXT NOT NULL, holder_post BIGINT NOT NULL, to_post BIGINT, sent_by_post BIGINT,"
	     " sent_at BIGINT, due TEXT, park_reason TEXT, version BIGINT NOT NULL, created_post BIGINT NOT NULL,"
	     " created_at BIGINT NOT NULL, created_by BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	     "CREATE INDEX files_holder ON files (holder_post);"
	     "CREATE INDEX files_to ON files (to_post);"
	     "CREATE INDEX files_sent_by ON files (sent_by_post);"
	     "CREATE INDEX files_office ON files (unit_id, department_id);"
	     "CREATE TABLE file_movements ("
	     " file_id BIGINT NOT NULL, seq INT NOT NULL, action TEXT NOT NULL, from_post BIGINT, to_post BIGINT,"
	     " by_user BIGINT NOT NULL, by_person BIGINT, remark TEXT, due TEXT, at_ms BIGINT NOT NULL,"
	     " PRIMARY KEY (file_id, seq));" },
	/* Time limits: the current stage (the movement that began it, its
	 * day and its due day), the day a parked file was parked, and the
	 * reminders and escalations the overdue job sent (overdue.c). */
	{ 2, "ALTER TABLE files ADD COLUMN stage BIGINT;"
	     "ALTER TABLE files ADD COLUMN stage_since TEXT;"
	     "ALTER TABLE files ADD COLUMN parked_on TEXT;"
	     "CREATE INDEX files_due ON files (status, due);"
	     "CREATE TABLE file_alerts ("
	     " file_id BIGINT NOT NULL, stage BIGINT NOT NULL, level TEXT NOT NULL, post_id BIGINT NOT NULL,"
	     " person_id BIGINT, days INT NOT NULL, created_at BIGINT NOT NULL,"
	     " PRIMARY KEY (file_id, stage, level));" },
	/* E-filing (notes.c): the noting side and the correspondence side. */
	{ 3, "CREATE TABLE file_notes ("
	     " id BIGINT PRIMARY KEY, file_id BIGINT NOT NULL, para INT, status TEXT NOT NULL, body TEXT NOT NULL,"
	     " author_post BIGINT NOT NULL, author_person BIGINT, author_user BIGINT NOT NULL,"
	     " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, final_at BIGINT, sha256 TEXT,"
	     " UNIQUE (file_id, para));"
	     "CREATE INDEX file_notes_file ON file_notes (file_id, author_post);"
	     "CREATE TABLE file_letters ("
	     " id BIGINT PRIMARY KEY, file_id BIGINT NOT NULL, status TEXT NOT NULL, addressee TEXT NOT NULL,"
	     " subject TEXT NOT NULL, body TEXT NOT NULL, drafted_by_post BIGINT NOT NULL,"
	     " drafted_by_user BIGINT NOT NULL, approved_by_post BIGINT, approved_by_person BIGINT,"
	     " approved_at BIGINT, issued_by_post BIGINT, issued_at BIGINT, dispatch_no BIGINT,"
	     " dispatch_year INT, sha256 TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	     "CREATE INDEX file_letters_file ON file_letters (file_id);" },
	/* The audit leaf of each movement, for the timeline's proofs. */
	{ 4, "ALTER TABLE file_movements ADD COLUMN audit_index BIGINT;" },
	/* The citizen's code of a receipt, kept as its SHA-256. */
	{ 5, "ALTER TABLE receipts ADD COLUMN code_hash TEXT;"
	     "CREATE INDEX receipts_diary ON receipts (year, diary_no);" },
	/* Scans attached to a receipt: blobs (core/blob.h) named by their hash. */
	{ 6, "CREATE TABLE receipt_attachments ("
	     " receipt_id BIGINT NOT NULL, sha256 TEXT NOT NULL, type TEXT NOT NULL, size BIGINT NOT NULL, name TEXT,"
	     " created_by BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (receipt_id, sha256));" },
	/* File types, and time limits per department, type and priority. */
	{ 7, "ALTER TABLE files ADD COLUMN type TEXT;"
	     "CREATE TABLE file_limits ("
	     " department_id BIGINT NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL, days INT NOT NULL,"
	     " updated_by BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (department_id, type, priority));" },
	/* Volumes: a thick file goes on in a new volume, under the same number. */
	{ 8, "ALTER TABLE files ADD COLUMN volume INT;" },
	/* Pendency now (report.c) reads only this index. */
	{ 9, "CREATE INDEX files_pending ON files (status, to_post, holder_post, stage_since);" },
};

static const struct job_def jobs[] = {
	{ "files.overdue", 3600, files_overdue_job, files_overdue_interval },
};

static const char *const events[] = {
	"files.overdue", "files.create", "files.send", "files.receive", "files.pull_back", "files.park",
	"files.unpark", "files.close", "files.reopen", "files.receipt.attach", "files.note.final",
	"files.letter.approve", "files.letter.issue", "files.receipt.create", "files.receipt.file",
	"files.scheme.set", "files.limit.set", "files.new_volume", NULL,
};

static const struct route routes[] = {
	{ "GET", "/api/v1/departments/{id}/file-scheme", scheme_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/departments/{id}/file-limits", limits_get, "files.read", 0, 0 },
	{ "PUT", "/api/v1/departments/{id}/file-limits", limits_put, "files.write", BODY_MAX, ROUTE_JSON },
	{ "PUT", "/api/v1/departments/{id}/file-scheme", scheme_put, "files.write", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/receipts", receipts_post, "files.write", BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/receipts", receipts_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/receipts/{id}", receipt_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/receipt-status", receipt_status, PERM_PUBLIC, 0, 0 },
	{ "POST", "/api/v1/receipts/{id}/attachments", receipt_attach, "files.write", SCAN_BODY_MAX, ROUTE_RAW },
	{ "GET", "/api/v1/receipts/{id}/attachments/{sha256}", receipt_attachment_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/reports/files/pendency", files_pendency_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/reports/files/activity", files_activity_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/search/files", files_search, "files.read", 0, 0 },
	{ "POST", "/api/v1/receipts/{id}/put-up", receipt_put_up_post, "files.write", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/files", files_post, "files.write", BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/files", files_get, "files.read", 0, 0 },
	{ "GET", "/api/v1/files/recipients", files_recipients, "files.read", 0, 0 },
	{ "GET", "/api/v1/files/{id}", file_get, "files.read", 0, 0 },
	{ "POST", "/api/v1/files/{id}/send", file_send, "files.read", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/files/{id}/receive", file_receive, "files.read", BODY_MAX, OPTIONAL_JSON },
	{ "POST", "/api/v1/files/{id}/pull-back", file_pull_back, "files.read", BODY_MAX, OPTIONAL_JSON },
	{ "POST", "/api/v1/files/{id}/park", file_park, "files.read", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/files/{id}/unpark", file_unpark, "files.read", BODY_MAX, OPTIONAL_JSON },
	{ "POST", "/api/v1/files/{id}/close", file_close, "files.read", BODY_MAX, OPTIONAL_JSON },
	{ "POST", "/api/v1/files/{id}/reopen", file_reopen, "files.write", BODY_MAX, OPTIONAL_JSON },
	{ "POST", "/api/v1/files/{id}/volumes", file_new_volume, "files.read", BODY_MAX, OPTIONAL_JSON },
	{ "GET", "/api/v1/files/{id}/history", file_history, "files.read", 0, 0 },
	{ "GET", "/api/v1/files/{id}/cover", file_cover, "files.read", 0, 0 },
	{ "GET", "/api/v1/files/{id}/notes", notes_get, "files.read", 0, 0 },
	{ "POST", "/api/v1/files/{id}/notes", notes_post, "files.read", NOTE_BODY_MAX, ROUTE_JSON },
	{ "PUT", "/api/v1/notes/{id}", note_put, "files.read", NOTE_BODY_MAX, ROUTE_JSON },
	{ "DELETE", "/api/v1/notes/{id}", note_delete, "files.read", 0, 0 },
	{ "POST", "/api/v1/files/{id}/letters", letters_post, "files.read", NOTE_BODY_MAX, ROUTE_JSON },
	{ "PUT", "/api/v1/letters/{id}", letter_put, "files.read", NOTE_BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/letters/{id}/approve", letter_approve, "files.read", 0, 0 },
	{ "POST", "/api/v1/letters/{id}/issue", letter_issue, "files.read", 0, 0 },
};

const struct module files_module = {
	.name = "files",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = jobs,
	.njobs = COUNT_OF(jobs),
	.audit_events = events,
};
