/*
 * overdue.c - the files.overdue job: reminders and escalations of files
 * past their time limit (docs/FILES.md, "Time limits").
 *
 * Every files.overdue_s (1 h) the job reads the open files whose stage is
 * past its due day (the files_due index), oldest due first.  A file counts
 * against the post that must act: the post it is in transit to, else its
 * holder.  Once it is a working day overdue, the people holding that post
 * get a reminder in their inbox; once it is files.escalate_days working
 * days overdue (3), the supervisor of the post's holder (people_supervisor:
 * the post above in the line of command) gets an escalation.  Each level
 * is sent once per stage (file_alerts, keyed by the file, the movement
 * that began the stage and the level), so a file that moves on and falls
 * overdue again is reminded again.  Each alert is one transaction with
 * its inbox messages and an audit leaf; a parked or closed file is not
 * overdue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/app.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/inbox.h"
#include "core/log.h"
#include "core/store.h"
#include "core/system.h"
#include "files_int.h"

#define OVERDUE_BATCH 2000   /* files looked at per run, oldest due first */

struct late {
	int64_t file, post, stage;
	char number[FILES_NUMBER_MAX];
	char subject[121];
	cal_day due;
};

/* late_files - up to max open files due before today into out. */
static int late_files(struct db *db, cal_day today, struct late *out, size_t max, size_t *n)
{
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, "SELECT id, COALESCE(to_post, holder_post), COALESCE(stage, 1), number, subject, due"
				" FROM files WHERE status = 'open' AND due < ?1 ORDER BY due, id", &st);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(today, d);
	stmt_bind_text(st, 1, d, -1);
	while (*n < max && (rc = stmt_step(st)) == STMT_ROW) {
		struct late *l = &out[*n];

		l->file = stmt_i64(st, 0);
		l->post = stmt_i64(st, 1);
		l->stage = stmt_i64(st, 2);
		snprintf(l->number, sizeof l->number, "%s", stmt_text(st, 3) ? stmt_text(st, 3) : "");
		snprintf(l->subject, sizeof l->subject, "%s", stmt_text(st, 4) ? stmt_text(st, 4) : "");
		if (cal_parse(stmt_text(st, 5), &l->due) == DF_OK)
			(*n)++;
	}
	stmt_done(st);
	return rc == STMT_ROW ? DF_OK : rc;
}

/* claim - record level for l's stage; *fresh 0 when it was sent before. */
static int claim(struct db *db, const struct late *l, const char *level, int64_t person, long days, int *fresh)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO file_alerts (file_id, stage, level, post_id, person_id, days, created_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (file_id, stage, level) DO NOTHING"
				" RETURNING file_id", &st);

	*fresh = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, l->file);
	stmt_bind_i64(st, 2, l->stage);
	stmt_bind_text(st, 3, level, -1);
	stmt_bind_i64(st, 4, l->post);
	stmt_bind_id(st, 5, person);
	stmt_bind_i64(st, 6, days);
	stmt_bind_i64(st, 7, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == STMT_ROW) {
		*fresh = 1;
		rc = DF_OK;
	}
	return rc;
}

/* alert - one level of one late file, in its own transaction: the
 * reminder to the post's holders, or the escalation to the supervisor of
 * its (first) holder. */
static int alert(struct db *db, const struct late *l, const char *level, long days, cal_day today)
{
	struct posting_ref holders[4];
	struct holder sup;
	size_t n = 0;
	char due[11], text[400], link[48];
	json_t *data = NULL, *rec = NULL;
	int64_t to[4];
	size_t nto = 0;
	int fresh = 0, escalate = strcmp(level, "escalation") == 0;
	int rc = db_begin(db);

	if (rc == DF_OK)
		rc = people_post_holders(db, l->post, today, holders, 4, &n);
	if (rc == DF_OK && escalate && n > 0) {
		rc = people_supervisor(db, &holders[0], today, &sup);
		if (rc == DF_OK)
			to[nto++] = sup.pg.person;
		else if (rc == DF_ENOTFOUND)
			rc = DF_OK; /* nobody above: recorded and audited all the same */
	} else if (rc == DF_OK) {
		for (size_t i = 0; i < n; i++)
			to[nto++] = holders[i].person;
	}
	if (rc == DF_OK)
		rc = claim(db, l, level, nto ? to[0] : 0, days, &fresh);
	if (rc != DF_OK || !fresh) {
		db_rollback(db);
		return rc;
	}
	cal_format(l->due, due);
	snprintf(link, sizeof link, "/files/%lld", (long long)l->file);
	if (escalate)
		snprintf(text, sizeof text, "File %s (%s) is %ld working days overdue with %s (due %s).", l->number,
			 l->subject, days, n ? holders[0].designation : "a vacant post", due);
	else
		snprintf(text, sizeof text, "File %s (%s) is overdue: it was due on %s.", l->number, l->subject, due);
	data = json_pack("{s:o, s:s, s:s, s:s, s:I, s:o}", "file_id", json_id(l->file), "number", l->number, "level",
			 level, "due", due, "days", (json_int_t)days, "post_id", json_id(l->post));
	for (size_t i = 0; rc == DF_OK && i < nto; i++)
		rc = data ? inbox_post(db, to[i], "files.overdue", data, text, link, NULL) : DF_ENOMEM;
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:I, s:s, s:I, s:o, s:o}", "file_id", json_id(l->file), "stage",
				(json_int_t)l->stage, "level", level, "days", (json_int_t)days, "post_id",
				json_id(l->post), "notified", nto ? json_id(to[0]) : json_null());
		rc = rec ? audit_append_json(db, "files.overdue", "file", l->file, 0, rec) : DF_ENOMEM;
	}
	json_decref(data);
	json_decref(rec);
	return files_finish(db, rc);
}

int files_overdue_interval(const struct app *app)
{
	return app->cfg.files_overdue_s;
}

int files_overdue_job(struct app *app, struct db *db)
{
	struct late *late = calloc(OVERDUE_BATCH, sizeof *late);
	struct calendar cal;
	cal_day today = cal_day_of_instant(clock_now_ms());
	size_t n = 0;
	int rc = late ? system_calendar(db, &cal) : DF_ENOMEM;

	if (rc != DF_OK) {
		free(late);
		return rc;
	}
	rc = late_files(db, today, late, OVERDUE_BATCH, &n);
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		long days = files_pending_days(&cal, late[i].due, today);

		if (days >= 1)
			rc = alert(db, &late[i], "reminder", days, today);
		if (rc == DF_OK && days >= app->cfg.files_escalate_days)
			rc = alert(db, &late[i], "escalation", days, today);
	}
	calendar_release(&cal);
	free(late);
	if (n)
		log_info("msg=\"files overdue\" late=%zu rc=%d", n, rc);
	return rc;
}
