/*
 * notes.c - e-filing: the noting side (notes) and the correspondence side
 * (draft letters, their approval and issue) of a file (docs/FILES.md,
 * "E-filing").
 *
 *   GET    /api/v1/files/{id}/notes        the final notes, and your drafts
 *   POST   /api/v1/files/{id}/notes        {body}: a draft by the holding post
 *   PUT    /api/v1/notes/{id}              {body}: edit a draft
 *   DELETE /api/v1/notes/{id}              drop a draft
 *   POST   /api/v1/files/{id}/letters      {to, subject, body}: a draft letter
 *   PUT    /api/v1/letters/{id}            edit a draft letter
 *   POST   /api/v1/letters/{id}/approve    by the holder, not the drafting post
 *   POST   /api/v1/letters/{id}/issue      by the file's own office: dispatched
 *
 * A note is written by the post holding the file, one draft per post and
 * file, and may be edited or dropped while it is a draft.  When the file
 * moves on (sent) or is closed, the holder's drafts become final
 * (files_notes_finalize, called inside the move's transaction): numbered
 * as the file's next paragraphs, never to change again, each audited with
 * the SHA-256 of its text.  A draft letter is written and amended by
 * whoever holds the file; another post than the one that drafted it
 * approves it (the text is then fixed and hashed); the file's own office
 * issues it, with a dispatch number per office and year.  Drafts are seen
 * only by the post that wrote them; final notes and letters by whoever
 * may read the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/store.h"
#include "files_int.h"

#define NOTE_MAX 20000    /* bytes of a note or a letter's body */
#define LETTER_TO_MAX 500 /* bytes of an addressee */

/* ---- reading ------------------------------------------------------------ */

#define NOTE_COLS "n.id, n.file_id, n.para, n.status, n.body, n.author_post, n.author_person, p.name," \
		  " n.created_at, n.updated_at, n.final_at, n.sha256"

static json_t *note_row(struct stmt *st)
{
	return json_pack("{s:o, s:o, s:o, s:s, s:s, s:{s:o, s:o, s:s?}, s:I, s:I, s:o, s:s?}", "id",
			 json_id(stmt_i64(st, 0)), "file_id", json_id(stmt_i64(st, 1)), "para",
			 stmt_isnull(st, 2) ? json_null() : json_integer(stmt_i64(st, 2)), "status", stmt_text(st, 3),
			 "body", stmt_text(st, 4), "author", "post_id", json_id(stmt_i64(st, 5)), "person_id",
			 stmt_isnull(st, 6) ? json_null() : json_id(stmt_i64(st, 6)), "name", stmt_text(st, 7),
			 "created_at", (json_int_t)stmt_i64(st, 8), "updated_at", (json_int_t)stmt_i64(st, 9),
			 "final_at", stmt_isnull(st, 10) ? json_null() : json_integer(stmt_i64(st, 10)), "sha256",
			 stmt_text(st, 11));
}

/* note_seen - a note as the caller may see it (files_rows): a draft is
 * its author post's alone. */
static int note_seen(struct stmt *st, void *arg, json_t **item)
{
	const struct actor *a = arg;

	*item = NULL;
	if (strcmp(stmt_text(st, 3), "draft") == 0 && !actor_holds(a, stmt_i64(st, 5)))
		return DF_OK;
	*item = note_row(st);
	return *item ? DF_OK : DF_ENOMEM;
}

/* notes_json - the final notes of file by paragraph, then the drafts of
 * the caller's posts. */
static int notes_json(struct db *db, const struct actor *a, int64_t file, json_t **out)
{
	return files_rows(db, "SELECT " NOTE_COLS " FROM file_notes n LEFT JOIN people p ON p.id = n.author_person"
			      " WHERE n.file_id = ?1 ORDER BY n.para IS NULL, n.para, n.created_at, n.id", file, note_seen,
			  (void *)a, out);
}

#define LETTER_COLS "id, file_id, status, addressee, subject, body, drafted_by_post, approved_by_post," \
		    " approved_by_person, approved_at, issued_at, dispatch_no, dispatch_year, sha256, created_at," \
		    " updated_at"

static json_t *letter_row(struct stmt *st)
{
	char dispatch[32] = "";

	if (!stmt_isnull(st, 11))
		snprintf(dispatch, sizeof dispatch, "%lld/%lld", (long long)stmt_i64(st, 11), (long long)stmt_i64(st, 12));
	return json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s?, s:s?, s:I, s:I}", "id",
			 json_id(stmt_i64(st, 0)), "file_id", json_id(stmt_i64(st, 1)), "status", stmt_text(st, 2), "to",
			 stmt_text(st, 3), "subject", stmt_text(st, 4), "body", stmt_text(st, 5), "drafted_by_post",
			 json_id(stmt_i64(st, 6)), "approved_by_post",
			 stmt_isnull(st, 7) ? json_null() : json_id(stmt_i64(st, 7)), "approved_by_person",
			 stmt_isnull(st, 8) ? json_null() : json_id(stmt_i64(st, 8)), "approved_at",
			 stmt_isnull(st, 9) ? json_null() : json_integer(stmt_i64(st, 9)), "issued_at",
			 stmt_isnull(st, 10) ? json_null() : json_integer(stmt_i64(st, 10)), "dispatch",
			 dispatch[0] ? dispatch : NULL, "sha256", stmt_text(st, 13), "created_at",
			 (json_int_t)stmt_i64(st, 14), "updated_at", (json_int_t)stmt_i64(st, 15));
}

static int letter_item(struct stmt *st, void *arg, json_t **item)
{
	(void)arg;
	*item = letter_row(st);
	return *item ? DF_OK : DF_ENOMEM;
}

/* letters_json - the letters of file, oldest first. */
static int letters_json(struct db *db, int64_t file, json_t **out)
{
	return files_rows(db, "SELECT " LETTER_COLS " FROM file_letters WHERE file_id = ?1 ORDER BY created_at, id", file,
			  letter_item, NULL, out);
}

int files_efiling_json(struct db *db, const struct actor *a, int64_t file, json_t *o)
{
	json_t *notes = NULL, *letters = NULL;
	int rc = notes_json(db, a, file, &notes);

	if (rc == DF_OK)
		rc = letters_json(db, file, &letters);
	if (rc == DF_OK) {
		json_object_set_new(o, "notes", notes);
		json_object_set_new(o, "letters", letters);
	} else {
		json_decref(notes);
	}
	return rc;
}

/* ---- finalising --------------------------------------------------------- */

int files_notes_finalize(struct db *db, int64_t file, int64_t post, int64_t actor)
{
	static const char sel[] = "SELECT id, body FROM file_notes WHERE file_id = ?1 AND author_post = ?2"
				  " AND status = 'draft' ORDER BY created_at, id";
	struct stmt *st = NULL;
	int64_t ids[16];
	char hashes[16][65];
	size_t n = 0;
	int rc = db_prepare(db, sel, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, file);
	stmt_bind_i64(st, 2, post);
	while (n < 16 && (rc = stmt_step(st)) == STMT_ROW) {
		const char *body = stmt_text(st, 1) ? stmt_text(st, 1) : "";

		ids[n] = stmt_i64(st, 0);
		auth_sha256_hex(body, strlen(body), hashes[n]);
		n++;
	}
	stmt_done(st);
	if (rc == STMT_ROW)
		rc = DF_OK; /* one draft per post and file: never 16 */
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		const int64_t p[] = { file };
		int64_t para = 0;
		json_t *rec;

		rc = db_query_i64(db, "SELECT COALESCE(MAX(para), 0) + 1 FROM file_notes WHERE file_id = ?1", 1, p, &para);
		if (rc == DF_OK) {
			rc = db_prepare(db, "UPDATE file_notes SET status = 'final', para = ?2, final_at = ?3, sha256 = ?4"
					    " WHERE id = ?1", &st);
		}
		if (rc == DF_OK) {
			stmt_bind_i64(st, 1, ids[i]);
			stmt_bind_i64(st, 2, para);
			stmt_bind_i64(st, 3, clock_now_ms());
			stmt_bind_text(st, 4, hashes[i], -1);
			rc = stmt_step(st);
			stmt_done(st);
		}
		if (rc != DF_OK)
			break;
		rec = json_pack("{s:o, s:o, s:I, s:o, s:s}", "file_id", json_id(file), "note_id", json_id(ids[i]), "para",
				(json_int_t)para, "author_post", json_id(post), "sha256", hashes[i]);
		rc = rec ? audit_append_json(db, "files.note.final", "note", ids[i], actor, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	return rc;
}

/* ---- the handlers' common steps ----------------------------------------- */

/* file_for_write - in an open transaction, file id read again and checked:
 * the caller may see it (404), holds it (403), it is open and not in
 * transit (409).  0 or the problem's status (the transaction rolled back). */
static int file_for_write(struct request *r, struct db *db, const struct actor *a, int64_t id, struct file_row *f)
{
	int rc = file_read(db, id, f);

	if (rc == DF_OK)
		rc = file_visible(r, db, a, f);
	if (rc != DF_OK) {
		db_rollback(db);
		if (rc == DF_ENOTFOUND || rc == DF_EDENIED)
			return req_problem(r, 404, "no such file");
		return req_fail(r, rc);
	}
	if (!actor_holds(a, f->holder)) {
		db_rollback(db);
		return req_problem(r, 403, "only the post holding the file writes in it");
	}
	if (f->to_post || strcmp(f->status, "open") != 0) {
		db_rollback(db);
		return req_problem(r, 409, "the file is %s", f->to_post ? "in transit" : f->status);
	}
	return 0;
}

/* begin - the request's store, the caller's posts, a transaction. */
static int begin(struct request *r, struct db **db, struct actor *a)
{
	int rc = req_db(r, db);

	if (rc == DF_OK)
		rc = actor_load(r, *db, a);
	if (rc == DF_OK)
		rc = db_begin(*db);
	return rc == DF_OK ? 0 : req_fail(r, rc);
}

/* reply_one - commit rc, then answer status with the row sql (?1 = id)
 * made by row(). */
static int reply_one(struct request *r, struct db *db, int rc, int status, const char *sql, int64_t id,
		     json_t *(*row)(struct stmt *))
{
	struct stmt *st = NULL;
	json_t *out = NULL;

	rc = files_finish(db, rc);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return req_fail(r, rc);
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW)
		out = row(st);
	stmt_done(st);
	if (rc != STMT_ROW)
		return req_fail(r, rc == DF_OK ? DF_ENOTFOUND : rc);
	return req_reply_take(r, status, &out);
}

#define NOTE_BY_ID "SELECT " NOTE_COLS " FROM file_notes n LEFT JOIN people p ON p.id = n.author_person WHERE n.id = ?1"
#define LETTER_BY_ID "SELECT " LETTER_COLS " FROM file_letters WHERE id = ?1"

/* ---- notes -------------------------------------------------------------- */

int notes_get(struct request *r)
{
	struct actor a;
	struct file_row f;
	struct db *db = NULL;
	json_t *items = NULL, *out = NULL;
	int64_t id = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc == DF_OK)
		rc = file_read(db, id, &f);
	if (rc == DF_OK)
		rc = file_visible(r, db, &a, &f);
	if (rc == DF_ENOTFOUND || rc == DF_EDENIED)
		return req_problem(r, 404, "no such file");
	if (rc == DF_OK)
		rc = notes_json(db, &a, id, &items);
	if (rc != DF_OK)
		return req_fail(r, rc);
	out = json_pack("{s:o, s:o}", "file_id", json_id(id), "items", items);
	return req_reply_take(r, 200, &out);
}

int notes_post(struct request *r)
{
	static const char sql[] = "INSERT INTO file_notes (id, file_id, para, status, body, author_post, author_person,"
				  " author_user, created_at, updated_at) VALUES (?1, ?2, NULL, 'draft', ?3, ?4, ?5, ?6, ?7, ?7)";
	const char *body = NULL;
	struct file_row f;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	int64_t id = 0, note = id_next(), drafts = 0;
	int status, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (jreq_str(r, r->body_json, "body", NOTE_MAX, 1, &body) != DF_OK)
		return r->problem_status;
	status = begin(r, &db, &a);
	if (!status)
		status = file_for_write(r, db, &a, id, &f);
	if (status)
		return status;
	{
		const int64_t p[] = { id, f.holder };

		rc = db_query_i64(db, "SELECT COUNT(*) FROM file_notes WHERE file_id = ?1 AND author_post = ?2"
				      " AND status = 'draft'", 2, p, &drafts);
	}
	if (rc == DF_OK && drafts > 0) {
		db_rollback(db);
		return req_problem(r, 409, "your post has a draft note on this file: edit it");
	}
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, note);
		stmt_bind_i64(st, 2, id);
		stmt_bind_text(st, 3, body, -1);
		stmt_bind_i64(st, 4, f.holder);
		stmt_bind_id(st, 5, r->who.person_id);
		stmt_bind_i64(st, 6, r->who.user_id);
		stmt_bind_i64(st, 7, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	return reply_one(r, db, rc, 201, NOTE_BY_ID, note, note_row);
}

/* owner_of - (file_id, a post, status) of the row sql (?1 = id) reads, in
 * one statement; DF_ENOTFOUND when there is none. */
static int owner_of(struct db *db, const char *sql, int64_t id, int64_t *file, int64_t *post, char status[16])
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*file = stmt_i64(st, 0);
		*post = stmt_i64(st, 1);
		snprintf(status, 16, "%s", stmt_text(st, 2) ? stmt_text(st, 2) : "");
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* note_draft - note id (a draft of a post of the caller's), its file
 * checked for writing; 0 or the problem's status. */
static int note_draft(struct request *r, struct db *db, const struct actor *a, int64_t id)
{
	char status[16] = "";
	int64_t file = 0, post = 0;
	struct file_row f;
	int rc = owner_of(db, "SELECT file_id, author_post, status FROM file_notes WHERE id = ?1", id, &file, &post,
			  status);

	if (rc == DF_OK && strcmp(status, "draft") == 0 && !actor_holds(a, post))
		rc = DF_ENOTFOUND; /* someone else's draft is not shown */
	if (rc != DF_OK) {
		db_rollback(db);
		return rc == DF_ENOTFOUND ? req_problem(r, 404, "no such note") : req_fail(r, rc);
	}
	if (strcmp(status, "draft") != 0) {
		db_rollback(db);
		return req_problem(r, 409, "a final note never changes");
	}
	return file_for_write(r, db, a, file, &f);
}

int note_put(struct request *r)
{
	const char *body = NULL;
	struct actor a;
	struct db *db = NULL;
	int64_t id = 0;
	int status, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (jreq_str(r, r->body_json, "body", NOTE_MAX, 1, &body) != DF_OK)
		return r->problem_status;
	status = begin(r, &db, &a);
	if (!status)
		status = note_draft(r, db, &a, id);
	if (status)
		return status;
	{
		struct stmt *st = NULL;

		rc = db_prepare(db, "UPDATE file_notes SET body = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'draft'",
				&st);
		if (rc == DF_OK) {
			stmt_bind_i64(st, 1, id);
			stmt_bind_text(st, 2, body, -1);
			stmt_bind_i64(st, 3, clock_now_ms());
			rc = stmt_step(st);
			stmt_done(st);
		}
	}
	return reply_one(r, db, rc, 200, NOTE_BY_ID, id, note_row);
}

int note_delete(struct request *r)
{
	struct actor a;
	struct db *db = NULL;
	int64_t id = 0;
	int status, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	status = begin(r, &db, &a);
	if (!status)
		status = note_draft(r, db, &a, id);
	if (status)
		return status;
	{
		const int64_t q[] = { id };

		rc = db_exec_i64(db, "DELETE FROM file_notes WHERE id = ?1 AND status = 'draft'", 1, q);
	}
	rc = files_finish(db, rc);
	return rc == DF_OK ? req_reply(r, 204, NULL) : req_fail(r, rc);
}

/* ---- letters ------------------------------------------------------------ */

/* letter_fields - a letter's to, subject and body from the body (each
 * required when drafting, optional when amending). */
static int letter_fields(struct request *r, int required, const char **to, const char **subject, const char **body)
{
	if (jreq_str(r, r->body_json, "to", LETTER_TO_MAX, required, to) != DF_OK ||
	    jreq_str(r, r->body_json, "subject", FILES_SUBJECT_MAX, required, subject) != DF_OK ||
	    jreq_str(r, r->body_json, "body", NOTE_MAX, required, body) != DF_OK)
		return DF_EINVAL;
	return DF_OK;
}

int letters_post(struct request *r)
{
	static const char sql[] = "INSERT INTO file_letters (id, file_id, status, addressee, subject, body,"
				  " drafted_by_post, drafted_by_user, created_at, updated_at)"
				  " VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
	const char *to = NULL, *subject = NULL, *body = NULL;
	struct file_row f;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	int64_t id = 0, letter = id_next();
	int status, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (letter_fields(r, 1, &to, &subject, &body) != DF_OK)
		return r->problem_status;
	status = begin(r, &db, &a);
	if (!status)
		status = file_for_write(r, db, &a, id, &f);
	if (status)
		return status;
	rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, letter);
		stmt_bind_i64(st, 2, id);
		stmt_bind_text(st, 3, to, -1);
		stmt_bind_text(st, 4, subject, -1);
		stmt_bind_text(st, 5, body, -1);
		stmt_bind_i64(st, 6, f.holder);
		stmt_bind_i64(st, 7, r->who.user_id);
		stmt_bind_i64(st, 8, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	return reply_one(r, db, rc, 201, LETTER_BY_ID, letter, letter_row);
}

/* letter_of - letter id's file (checked for writing by the holder), its
 * status and drafting post; 0 or the problem's status. */
static int letter_of(struct request *r, struct db *db, const struct actor *a, int64_t id, struct file_row *f,
		     char status[16], int64_t *drafted_by)
{
	int64_t file = 0;
	int rc = owner_of(db, "SELECT file_id, drafted_by_post, status FROM file_letters WHERE id = ?1", id, &file,
			  drafted_by, status);

	if (rc != DF_OK) {
		db_rollback(db);
		return rc == DF_ENOTFOUND ? req_problem(r, 404, "no such letter") : req_fail(r, rc);
	}
	return file_for_write(r, db, a, file, f);
}

int letter_put(struct request *r)
{
	const char *to = NULL, *subject = NULL, *body = NULL;
	struct file_row f;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	char status[16] = "";
	int64_t id = 0, drafted_by = 0;
	int s, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (letter_fields(r, 0, &to, &subject, &body) != DF_OK)
		return r->problem_status;
	s = begin(r, &db, &a);
	if (!s)
		s = letter_of(r, db, &a, id, &f, status, &drafted_by);
	if (s)
		return s;
	if (strcmp(status, "draft") != 0) {
		db_rollback(db);
		return req_problem(r, 409, "the letter is %s: its text is fixed", status);
	}
	rc = db_prepare(db, "UPDATE file_letters SET addressee = COALESCE(?2, addressee),"
			    " subject = COALESCE(?3, subject), body = COALESCE(?4, body), updated_at = ?5 WHERE id = ?1",
			&st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, to, -1);
		stmt_bind_text(st, 3, subject, -1);
		stmt_bind_text(st, 4, body, -1);
		stmt_bind_i64(st, 5, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	return reply_one(r, db, rc, 200, LETTER_BY_ID, id, letter_row);
}

/* letter_hash - SHA-256 of the letter's fixed text (addressee, subject and
 * body, each ended by a NUL) into hex. */
static int letter_hash(struct db *db, int64_t id, char hex[65])
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT addressee, subject, body FROM file_letters WHERE id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *parts[3] = { stmt_text(st, 0), stmt_text(st, 1), stmt_text(st, 2) };
		size_t len = 0, at = 0;
		char *buf;

		for (int i = 0; i < 3; i++)
			len += (parts[i] ? strlen(parts[i]) : 0) + 1;
		buf = malloc(len);
		if (buf) {
			for (int i = 0; i < 3; i++) {
				size_t l = parts[i] ? strlen(parts[i]) : 0;

				memcpy(buf + at, parts[i] ? parts[i] : "", l);
				at += l;
				buf[at++] = '\0';
			}
			auth_sha256_hex(buf, len, hex);
			free(buf);
		}
		rc = buf ? DF_OK : DF_ENOMEM;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* letter_step - approve or issue letter {id}. */
static int letter_step(struct request *r, int issue)
{
	struct file_row f;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	const struct posting_ref *h;
	char status[16] = "", hex[65] = "";
	int64_t id = 0, drafted_by = 0, dispatch = 0;
	int y, m, d, s, rc;
	json_t *rec;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	s = begin(r, &db, &a);
	if (!s)
		s = letter_of(r, db, &a, id, &f, status, &drafted_by);
	if (s)
		return s;
	h = actor_holds(&a, f.holder);
	if (!issue && strcmp(status, "draft") != 0) {
		db_rollback(db);
		return req_problem(r, 409, "the letter is %s", status);
	}
	if (!issue && f.holder == drafted_by) {
		db_rollback(db);
		return req_problem(r, 403, "a letter is approved by another post than the one that drafted it");
	}
	if (issue && strcmp(status, "approved") != 0) {
		db_rollback(db);
		return req_problem(r, 409, "only an approved letter is issued (it is %s)", status);
	}
	if (issue && (h->unit != f.unit || h->department != f.department)) {
		db_rollback(db);
		return req_problem(r, 403, "the file's own office issues its letters");
	}
	cal_to_ymd(cal_day_of_instant(clock_now_ms()), &y, &m, &d);
	if (issue) {
		char counter[80];

		snprintf(counter, sizeof counter, "dispatch:%lld:%lld:%d", (long long)f.unit, (long long)f.department, y);
		rc = files_counter_next(db, counter, &dispatch);
		if (rc == DF_OK)
			rc = db_prepare(db, "UPDATE file_letters SET status = 'issued', issued_at = ?2, issued_by_post = ?3,"
					    " dispatch_no = ?4, dispatch_year = ?5, updated_at = ?2 WHERE id = ?1", &st);
	} else {
		rc = letter_hash(db, id, hex);
		if (rc == DF_OK)
			rc = db_prepare(db, "UPDATE file_letters SET status = 'approved', approved_at = ?2,"
					    " approved_by_post = ?3, approved_by_person = ?4, sha256 = ?5, updated_at = ?2"
					    " WHERE id = ?1", &st);
	}
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, clock_now_ms());
		stmt_bind_i64(st, 3, f.holder);
		if (issue) {
			stmt_bind_i64(st, 4, dispatch);
			stmt_bind_i64(st, 5, y);
		} else {
			stmt_bind_id(st, 4, r->who.person_id);
			stmt_bind_text(st, 5, hex, -1);
		}
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK && issue)
		rc = db_query_text(db, "SELECT sha256 FROM file_letters WHERE id = ?1", 1, &id, hex, sizeof hex);
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:o, s:o, s:s, s:o}", "file_id", json_id(f.id), "letter_id", json_id(id), "by_post",
				json_id(f.holder), "sha256", hex, "dispatch_no",
				issue ? json_integer(dispatch) : json_null());
		rc = rec ? audit_append_json(db, issue ? "files.letter.issue" : "files.letter.approve", "letter", id,
					     r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	return reply_one(r, db, rc, 200, LETTER_BY_ID, id, letter_row);
}

int letter_approve(struct request *r)
{
	return letter_step(r, 0);
}

int letter_issue(struct request *r)
{
	return letter_step(r, 1);
}
