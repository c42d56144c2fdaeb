/*
 * files_int.h - what the files module's own .c files share: who is acting
 * (the caller's posts today), a file as read from the store, and the
 * checks every handler makes.  Not for other modules (files.h is).
 */
#ifndef DF_FILES_INT_H
#define DF_FILES_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/result.h"
#include "number.h"
#include "org/authz.h"
#include "org/people.h"

struct db;
struct request;
struct stmt;

#define FILES_SUBJECT_MAX 500   /* bytes of a subject */
#define FILES_REMARK_MAX 2000   /* bytes of a remark or a park reason */
#define FILES_NAME_MAX 200      /* bytes of a sender's name */
#define FILES_LIST_MAX 500      /* rows of one list answer */
#define FILES_TYPE_MAX 32       /* bytes of a file type */
#define SCAN_BODY_MAX ((size_t)20480 * 1024) /* a scan: files.attachment_max_kb's ceiling */

/* files_type_ok - 1..FILES_TYPE_MAX of [a-z0-9_]. */
int files_type_ok(const char *type);

/* The caller's postings today: the posts they may act for. */
struct actor {
	struct posting_ref pg[AUTHZ_MAX_GRANTS];
	size_t n;
};

/* actor_load - the caller's postings today into a (none for a user who is
 * not a person). */
int actor_load(struct request *r, struct db *db, struct actor *a) DF_WUR;

/* actor_holds - the posting of a for post, or NULL when a does not hold it. */
const struct posting_ref *actor_holds(const struct actor *a, int64_t post);

/* actor_post - the post the caller acts for: body's "post_id" if given
 * (it must be one they hold: 422 naming post_id), else their only post
 * (403 when they hold none, 422 when several and none named).  DF_OK, or
 * DF_EINVAL / DF_EDENIED with the problem recorded. */
int actor_post(struct request *r, const struct actor *a, json_t *body, const struct posting_ref **out) DF_WUR;

/* files_writer - the request's store, the caller's postings and the post
 * acting (actor_post on the body), which must hold files.write where it
 * is: 0, or the status of the problem recorded ("your post may not
 * <what>"). */
int files_writer(struct request *r, struct db **db, struct actor *a, const struct posting_ref **by,
		 const char *what) DF_WUR;

/* A file as stored. */
struct file_row {
	int64_t id;
	char number[FILES_NUMBER_MAX];
	int64_t department, unit;       /* its office */
	char subject[FILES_SUBJECT_MAX + 1];
	char priority[16], security[16];
	char status[8];                 /* open, parked, closed */
	int64_t holder;                 /* the post holding it */
	int64_t to_post;                /* in transit to (0: not in transit) */
	int64_t sent_by;                /* the post that sent it (in transit) */
	int64_t sent_at;                /* ms */
	char due[11];                   /* the current stage's due day, "" none */
	char stage_since[11];           /* the day the current stage began */
	char type[FILES_TYPE_MAX + 1];  /* "general", "budget", ...: time limits by type */
	int64_t volume;                 /* 1, 2, ...: the volume now in use */
	char park_reason[FILES_REMARK_MAX + 1];
	int64_t version;
	int64_t created_post, created_at;
};

/* file_read - the file id into f; DF_ENOTFOUND if there is none. */
int file_read(struct db *db, int64_t id, struct file_row *f) DF_WUR;

/* file_visible - may the caller read f: a post of theirs holds it, it is in
 * transit to one, one has held it, or files.read reaches its office.
 * DF_OK, or DF_ENOTFOUND / DF_EDENIED (nothing recorded), or a store error. */
int file_visible(struct request *r, struct db *db, const struct actor *a, const struct file_row *f) DF_WUR;

/* files_load_visible - read file {id} (the path parameter) and check the
 * caller may see it: 0, or the status of the problem recorded (404 for a
 * file they may not see). */
int files_load_visible(struct request *r, struct db **db, struct actor *a, struct file_row *f) DF_WUR;

/* file_json - the file as the API gives it (docs/FILES.md); with full, its
 * receipts and movements too. */
int file_json(struct db *db, const struct file_row *f, int full, json_t **out) DF_WUR;

/* files_office_json - {"unit": {"id","name"}, "department": {"id","code"}}
 * of an office (NULL when out of memory). */
json_t *files_office_json(struct db *db, int64_t unit, int64_t department);

/* receipt_json - receipt id as the API gives it. */
int receipt_json(struct db *db, int64_t id, json_t **out) DF_WUR;

/* receipt_put_up - put receipt id (seen by the caller, not yet in a file)
 * into file f; DF_ECONFLICT when it is already in one (problem recorded
 * naming field), DF_ENOTFOUND when the caller may not see it.  Audited. */
int receipt_put_up(struct request *r, struct db *db, const struct actor *a, int64_t id, const struct file_row *f,
		   const char *field) DF_WUR;

/* files_rows_of - a JSON array of the rows of st (prepared and bound; it is
 * finished here): row(st, arg, &item) makes each row's item (NULL: leave
 * the row out) or fails.  files_rows - the same for sql with ?1 = id. */
int files_rows_of(struct stmt *st, int (*row)(struct stmt *st, void *arg, json_t **item), void *arg,
		  json_t **out) DF_WUR;
int files_rows(struct db *db, const char *sql, int64_t id, int (*row)(struct stmt *st, void *arg, json_t **item),
	       void *arg, json_t **out) DF_WUR;

#define FILES_WORDS_MAX 4    /* words of a search */
#define FILES_LIKE_MAX 512   /* their LIKE patterns together */

/* files_like_words - the first max words of q (split on spaces) as LIKE
 * patterns "%word%" (lower case for ASCII; LIKE's own % _ and the escape
 * ! escaped with !, so SQL says ESCAPE '!') written one after another
 * into buf (len bytes), words[i] pointing at each; how many. */
size_t files_like_words(const char *q, char *buf, size_t len, const char **words, size_t max);

/* What a file's time limit depends on (moves.c). */
struct stage_of {
	int64_t department;
	const char *type, *priority;
};

/* files_stage_set - the stage of file that movement seq begins (or
 * resumes): since the day it counts from (0: today), due on due (0: by its
 * time limit after since).  Inside the caller's transaction. */
int files_stage_set(struct db *db, int64_t file, const struct stage_of *f, int64_t seq, cal_day due,
		    cal_day since) DF_WUR;

/* files_movement - add the next movement of file (seq after the last; into
 * *seq_out, which may be NULL) with its audit leaf "files.<action>", whose
 * index the movement keeps (the history's proofs). */
int files_movement(struct request *r, struct db *db, int64_t file, const char *action, int64_t from_post,
		   int64_t to_post, const char *remark, const char *due, int64_t *seq_out) DF_WUR;

/* files_counter_next - the next value (from 1) of the named counter,
 * inside the caller's transaction. */
int files_counter_next(struct db *db, const char *name, int64_t *out) DF_WUR;

/* files_finish - commit on DF_OK, else roll back; the result. */
int files_finish(struct db *db, int rc) DF_WUR;

struct app;
/* files_overdue_job - the files.overdue job (overdue.c); its interval is
 * files.overdue_s (files_overdue_interval). */
int files_overdue_job(struct app *app, struct db *db);
int files_overdue_interval(const struct app *app);

/* files_notes_finalize - inside a move's transaction: the draft notes of
 * post on file become final (the file's next paragraphs, with the SHA-256
 * of their text), each audited ("files.note.final") as done by actor. */
int files_notes_finalize(struct db *db, int64_t file, int64_t post, int64_t actor) DF_WUR;

/* files_efiling_json - set "notes" (final ones, and the drafts of a's
 * posts) and "letters" on the file object o. */
int files_efiling_json(struct db *db, const struct actor *a, int64_t file, json_t *o) DF_WUR;

/* Handlers (moves.c). */
int file_send(struct request *r);
int file_receive(struct request *r);
int file_pull_back(struct request *r);
int file_park(struct request *r);
int file_unpark(struct request *r);
int file_close(struct request *r);
int file_reopen(struct request *r);
int file_new_volume(struct request *r);

/* Handlers (notes.c). */
int notes_get(struct request *r);
int notes_post(struct request *r);
int note_put(struct request *r);
int note_delete(struct request *r);
int letters_post(struct request *r);
int letter_put(struct request *r);
int letter_approve(struct request *r);
int letter_issue(struct request *r);

/* Handlers (cover.c). */
int file_cover(struct request *r); /* GET /api/v1/files/{id}/cover */

/* Handlers (search.c). */
int files_search(struct request *r); /* GET /api/v1/search/files */

/* Handlers (report.c). */
int files_pendency_get(struct request *r); /* GET /api/v1/reports/files/pendency */
int files_activity_get(struct request *r); /* GET /api/v1/reports/files/activity */

/* Handlers (api_receipts.c). */
int receipts_post(struct request *r);
int receipts_get(struct request *r);
int receipt_get(struct request *r);
int receipt_put_up_post(struct request *r);
int scheme_get(struct request *r);
int limits_get(struct request *r);  /* GET /api/v1/departments/{id}/file-limits */
int limits_put(struct request *r);  /* PUT /api/v1/departments/{id}/file-limits */
int receipt_status(struct request *r); /* public: GET /api/v1/receipt-status */
int receipt_attach(struct request *r); /* POST /api/v1/receipts/{id}/attachments */
int receipt_attachment_get(struct request *r); /* GET /api/v1/receipts/{id}/attachments/{sha256} */
int scheme_put(struct request *r);

/* files_scheme_of - the pattern of department's scheme into out
 * (FILES_SCHEME_MAX + 1 bytes); *is_default 1 when it has none of its own. */
int files_scheme_of(struct db *db, int64_t department, char *out, size_t len, int *is_default) DF_WUR;

#endif
