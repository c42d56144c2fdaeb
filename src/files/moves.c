/*
 * moves.c - moving a file from post to post, and the time limit of each
 * stage (docs/FILES.md, "Moving a file" and "Time limits").
 *
 *   POST /api/v1/files/{id}/send|receive|pull-back|park|unpark|close|reopen|volumes
 *
 * Every move is one transaction: read the file, check who may do it (404
 * when the caller may not see the file, 403 when they see it but are not
 * the post the move needs) and the state it needs (409), then an UPDATE
 * guarded by the version read (so of two concurrent moves one finds the
 * version changed: 409), a movement row and an audit leaf
 * (files_movement).  Which post acts is decided by postings today:
 * whoever holds the post acts for it.  A move that begins a stage sets its
 * due day: the department's limit for the file's type and priority in
 * working days, else the priority's default (number.h); parking stops the
 * count (unpark_shift), as the pendency report's replay does (report.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/store.h"
#include "core/system.h"
#include "files_int.h"

/* ---- time limits -------------------------------------------------------- */

/* stage_limit - the time limit in working days of a stage of a file of
 * department, type and priority: the department's limit for the type and
 * priority (file_limits), else the priority's default (number.h). */
static int stage_limit(struct db *db, int64_t department, const char *type, const char *priority, int *days)
{
	struct stmt *st = NULL;
	int p = files_priority_parse(priority);
	int rc = db_prepare(db, "SELECT days FROM file_limits WHERE department_id = ?1 AND type = ?2 AND priority = ?3",
			    &st);

	*days = files_stage_limit_days(p < 0 ? FILES_ROUTINE : (enum files_priority)p);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, department);
	stmt_bind_text(st, 2, type && *type ? type : "general", -1);
	stmt_bind_text(st, 3, priority, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*days = (int)stmt_i64(st, 0);
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* stage_due - the due day of a stage of f that begins on day: its limit
 * (stage_limit) in working days after it. */
static int stage_due(struct db *db, const struct stage_of *f, cal_day day, cal_day *due)
{
	struct calendar cal;
	int days = 0;
	int rc = stage_limit(db, f->department, f->type, f->priority, &days);

	if (rc == DF_OK)
		rc = system_calendar(db, &cal);
	if (rc == DF_OK) {
		rc = files_due_day(&cal, day, days, due);
		calendar_release(&cal);
	}
	return rc;
}

int files_type_ok(const char *type)
{
	size_t n = 0;

	for (; type && type[n]; n++)
		if (!((type[n] >= 'a' && type[n] <= 'z') || (type[n] >= '0' && type[n] <= '9') || type[n] == '_'))
			return 0;
	return n >= 1 && n <= FILES_TYPE_MAX;
}

int files_stage_set(struct db *db, int64_t file, const struct stage_of *f, int64_t seq, cal_day due, cal_day since)
{
	static const char sql[] = "UPDATE files SET stage = ?2, stage_since = ?3, due = ?4, parked_on = NULL"
				  " WHERE id = ?1";
	struct stmt *st = NULL;
	char s_since[11], d[11];
	int rc;

	if (!since)
		since = cal_day_of_instant(clock_now_ms());
	rc = due ? DF_OK : stage_due(db, f, since, &due);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	cal_format(since, s_since);
	cal_format(due, d);
	stmt_bind_i64(st, 1, file);
	stmt_bind_i64(st, 2, seq);
	stmt_bind_text(st, 3, s_since, -1);
	stmt_bind_text(st, 4, d, -1);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

/* unpark_shift - f's due day and the day its stage counts from, both moved
 * on by the working days it was parked (pendency stops while parked: the
 * report's replay, report.c, does the same). */
static int unpark_shift(struct db *db, const struct file_row *f, cal_day *due, cal_day *since)
{
	const int64_t p[] = { f->id };
	struct calendar cal;
	char s_parked[16] = "";
	cal_day old_due = 0, old_since = 0, parked = 0, today = cal_day_of_instant(clock_now_ms());
	long days;
	int rc = db_query_text(db, "SELECT parked_on FROM files WHERE id = ?1", 1, p, s_parked, sizeof s_parked);

	*due = *since = 0;
	if (rc != DF_OK)
		return rc;
	if (cal_parse(f->due, &old_due) != DF_OK || cal_parse(f->stage_since, &old_since) != DF_OK ||
	    cal_parse(s_parked, &parked) != DF_OK)
		return DF_OK; /* nothing kept to shift: the limit starts again today */
	rc = system_calendar(db, &cal);
	days = rc == DF_OK ? files_pending_days(&cal, parked, today) : 0;
	if (rc == DF_OK)
		rc = files_due_day(&cal, old_due, (int)days, due);
	if (rc == DF_OK)
		rc = files_due_day(&cal, old_since, (int)days, since);
	calendar_release(&cal);
	return rc;
}

/* ---- moves ------------------------------------------------------------- */

enum move { M_SEND, M_RECEIVE, M_PULL_BACK, M_PARK, M_UNPARK, M_CLOSE, M_REOPEN, M_VOLUME };

static const char *const move_names[] = { "send", "receive", "pull_back", "park", "unpark", "close", "reopen",
					  "new_volume" };

/* A move's UPDATE: ?1 id, ?2 version read, ?3 now, then its own. */
static const char *const move_sql[] = {
	[M_SEND] = "UPDATE files SET to_post = ?4, sent_by_post = holder_post, sent_at = ?3,"
		   " version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_RECEIVE] = "UPDATE files SET holder_post = to_post, to_post = NULL, sent_by_post = NULL, sent_at = NULL,"
		      " version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_PULL_BACK] = "UPDATE files SET to_post = NULL, sent_by_post = NULL, sent_at = NULL, due = NULL,"
			" version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_PARK] = "UPDATE files SET status = 'parked', park_reason = ?4, parked_on = ?5, version = version + 1,"
		   " updated_at = ?3 WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_UNPARK] = "UPDATE files SET status = 'open', park_reason = NULL, version = version + 1, updated_at = ?3"
		     " WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_CLOSE] = "UPDATE files SET status = 'closed', version = version + 1, updated_at = ?3"
		    " WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_REOPEN] = "UPDATE files SET status = 'open', holder_post = ?4, due = NULL, version = version + 1,"
		     " updated_at = ?3 WHERE id = ?1 AND version = ?2 RETURNING id",
	[M_VOLUME] = "UPDATE files SET volume = COALESCE(volume, 1) + 1, version = version + 1, updated_at = ?3"
		     " WHERE id = ?1 AND version = ?2 RETURNING id",
};

/* What a move was asked: its body, read before the transaction. */
struct move_args {
	int64_t to_post;        /* send: the target; reopen: the acting post */
	const char *remark;     /* send, close: the remark; park: the reason */
	char due[11];           /* send: "" none */
};

/* move_args_read - the body of move m; a problem recorded on failure. */
static int move_args_read(struct request *r, enum move m, struct move_args *args)
{
	json_t *body = r->body_json;
	cal_day due = 0;
	int has_due;

	memset(args, 0, sizeof *args);
	if (m == M_SEND) {
		json_t *to = json_object_get(body, "to_post");

		if (!to || json_parse_id(to, &args->to_post) != DF_OK)
			return req_problem_field(r, 422, "to_post", "to_post must be the id of a post");
		if (jreq_str(r, body, "remark", FILES_REMARK_MAX, 0, &args->remark) != DF_OK)
			return r->problem_status;
		has_due = json_object_get(body, "due") && !json_is_null(json_object_get(body, "due"));
		if (has_due && jreq_date(r, body, "due", 1, &due) != DF_OK)
			return r->problem_status;
		if (has_due && due < cal_day_of_instant(clock_now_ms()))
			return req_problem_field(r, 422, "due", "due is in the past");
		if (has_due)
			cal_format(due, args->due);
	} else if (m == M_PARK) {
		if (jreq_str(r, body, "reason", FILES_REMARK_MAX, 1, &args->remark) != DF_OK)
			return r->problem_status;
	} else if (m == M_CLOSE) {
		if (jreq_str(r, body, "remark", FILES_REMARK_MAX, 0, &args->remark) != DF_OK)
			return r->problem_status;
	}
	return 0;
}

/* move_check - who may do m to f and in what state: 0 when allowed, else
 * the problem's status (recorded); from and to get the movement's posts. */
static int move_check(struct request *r, struct db *db, const struct actor *a, enum move m, const struct file_row *f,
		      struct move_args *args, int64_t *from, int64_t *to)
{
	int holds_holder = actor_holds(a, f->holder) != NULL;
	struct posting_ref target;
	const struct posting_ref *by = NULL;
	int rc;

	*from = f->holder;
	*to = 0;
	switch (m) {
	case M_SEND:
		if (!holds_holder)
			return req_problem(r, 403, "only the post holding the file sends it");
		if (strcmp(f->status, "open") != 0 || f->to_post)
			return req_problem(r, 409, "the file is %s", f->to_post ? "in transit" : f->status);
		rc = people_post_ref(db, args->to_post, &target);
		if (rc == DF_ENOTFOUND)
			return req_problem_field(r, 422, "to_post", "no such post");
		if (rc != DF_OK)
			return req_fail(r, rc);
		if (args->to_post == f->holder)
			return req_problem_field(r, 422, "to_post", "the file is already with that post");
		*to = args->to_post;
		return 0;
	case M_RECEIVE:
		if (!f->to_post)
			return req_problem(r, 409, "the file is not in transit");
		if (!actor_holds(a, f->to_post))
			return req_problem(r, 403, "the file was not sent to your post");
		*to = f->to_post;
		return 0;
	case M_PULL_BACK:
		if (!f->to_post)
			return req_problem(r, 409, "the file is not in transit: it was received");
		if (!actor_holds(a, f->sent_by))
			return req_problem(r, 403, "only the post that sent the file pulls it back");
		*from = f->to_post;
		*to = f->sent_by;
		return 0;
	case M_PARK:
	case M_UNPARK:
	case M_CLOSE:
	case M_VOLUME:
		if (!holds_holder)
			return req_problem(r, 403, "only the post holding the file does that");
		if (f->to_post)
			return req_problem(r, 409, "the file is in transit");
		if (m == M_PARK && strcmp(f->status, "open") != 0)
			return req_problem(r, 409, "the file is %s", f->status);
		if (m == M_UNPARK && strcmp(f->status, "parked") != 0)
			return req_problem(r, 409, "the file is not parked");
		if (m == M_VOLUME && strcmp(f->status, "open") != 0)
			return req_problem(r, 409, "the file is %s", f->status);
		if (m == M_VOLUME)
			*to = f->holder;
		if (m == M_CLOSE) {
			const struct posting_ref *h = actor_holds(a, f->holder);

			if (strcmp(f->status, "closed") == 0)
				return req_problem(r, 409, "the file is closed");
			if (h->unit != f->unit || h->department != f->department)
				return req_problem(r, 403, "only the file's own office closes it");
		}
		return 0;
	case M_REOPEN:
		if (strcmp(f->status, "closed") != 0)
			return req_problem(r, 409, "the file is not closed");
		if (actor_post(r, a, r->body_json, &by) != DF_OK)
			return r->problem_status;
		if (by->unit != f->unit || by->department != f->department ||
		    authz_decide(r, "files.write", by->unit, by->department) != DF_OK)
			return req_problem(r, 403, "only the file's own office reopens it");
		args->to_post = by->post;
		*from = 0;
		*to = by->post;
		return 0;
	}
	return req_fail(r, DF_EINTERNAL);
}

/* move_run - the UPDATE of m guarded by f's version, then its movement. */
static int move_run(struct request *r, struct db *db, enum move m, const struct file_row *f,
		    const struct move_args *args, int64_t from, int64_t to)
{
	const struct stage_of of = { f->department, f->type, f->priority };
	struct stmt *st = NULL;
	int64_t seq = 0;
	int rc = db_prepare(db, move_sql[m], &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, f->id);
	stmt_bind_i64(st, 2, f->version);
	stmt_bind_i64(st, 3, clock_now_ms());
	if (m == M_SEND) {
		stmt_bind_i64(st, 4, args->to_post);
	} else if (m == M_PARK) {
		char today[11];

		cal_format(cal_day_of_instant(clock_now_ms()), today);
		stmt_bind_text(st, 4, args->remark, -1);
		stmt_bind_text(st, 5, today, -1);
	} else if (m == M_REOPEN) {
		stmt_bind_i64(st, 4, args->to_post);
	}
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK) {
		/* no row: the version moved under us */
		req_problem(r, 409, "the file was changed meanwhile; reload it");
		return DF_ECONFLICT;
	}
	if (rc != STMT_ROW)
		return rc;
	rc = files_movement(r, db, f->id, move_names[m], from, to, args->remark, m == M_SEND && args->due[0] ? args->due : NULL,
		      &seq);
	if (rc != DF_OK)
		return rc;
	/* the holder's draft notes become final as the file leaves them */
	if (m == M_SEND || m == M_CLOSE)
		rc = files_notes_finalize(db, f->id, f->holder, r->who.user_id);
	if (rc != DF_OK)
		return rc;
	/* the time limit: a send sets the target's, a file back with the
	 * sender or reopened starts one, an unparked one moves its due on */
	if (m == M_SEND) {
		cal_day due = 0;

		if (args->due[0] && cal_parse(args->due, &due) != DF_OK)
			return DF_EINTERNAL;
		rc = files_stage_set(db, f->id, &of, seq, due, 0);
	} else if (m == M_PULL_BACK || m == M_REOPEN) {
		rc = files_stage_set(db, f->id, &of, seq, 0, 0);
	} else if (m == M_UNPARK) {
		cal_day due = 0, since = 0;

		rc = unpark_shift(db, f, &due, &since);
		if (rc == DF_OK)
			rc = files_stage_set(db, f->id, &of, seq, due, since);
	}
	return rc;
}

static int move(struct request *r, enum move m)
{
	struct move_args args;
	struct file_row f;
	struct actor a;
	struct db *db = NULL;
	json_t *out = NULL;
	int64_t from = 0, to = 0;
	int status = move_args_read(r, m, &args), rc;

	if (status)
		return status;
	status = files_load_visible(r, &db, &a, &f);
	if (status)
		return status;
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = file_read(db, f.id, &f); /* again, inside the transaction */
	if (rc != DF_OK) {
		db_rollback(db);
		return req_fail(r, rc);
	}
	status = move_check(r, db, &a, m, &f, &args, &from, &to);
	if (status) {
		db_rollback(db);
		return status;
	}
	rc = move_run(r, db, m, &f, &args, from, to);
	if (rc == DF_OK)
		rc = file_read(db, f.id, &f);
	rc = files_finish(db, rc);
	if (rc == DF_OK)
		rc = file_json(db, &f, 0, &out);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}

#define MOVE_HANDLER(fn, m)                 \
	int fn(struct request *r)            \
	{                                    \
		return move(r, m);           \
	}
MOVE_HANDLER(file_send, M_SEND)
MOVE_HANDLER(file_receive, M_RECEIVE)
MOVE_HANDLER(file_pull_back, M_PULL_BACK)
MOVE_HANDLER(file_park, M_PARK)
MOVE_HANDLER(file_unpark, M_UNPARK)
MOVE_HANDLER(file_close, M_CLOSE)
MOVE_HANDLER(file_reopen, M_REOPEN)
MOVE_HANDLER(file_new_volume, M_VOLUME)
