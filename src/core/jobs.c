/*
 * jobs.c - the scheduler thread and its lease protocol (see jobs.h).
 *
 * A lease is taken in a short write transaction: the row is created if
 * missing, then `UPDATE ... SET owner = me, lease_until = now + lease WHERE
 * name = ? AND lease_until < now AND last_run_at + interval <= now`, and the
 * row read back: the job is ours only if owner and lease_until are what we
 * wrote.  This uses no advisory locks, so it runs the same on SQLite and on
 * PostgreSQL-compatible engines.  After the run the lease is released and
 * the result recorded.  A crashed owner's lease simply times out.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "app.h"
#include "clock.h"
#include "http.h"
#include "jobs.h"
#include "log.h"
#include "module.h"
#include "store.h"

#define LEASE_MS (5 * 60 * 1000) /* a job that runs longer loses its lease */

struct jobs {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
	char owner[48]; /* this instance: "pid-random" */
};

static int64_t interval_ms(const struct app *app, const struct job_def *job)
{
	return (int64_t)(job->interval ? job->interval(app) : job->interval_s) * 1000;
}

/* is_due - a read without a transaction, so that a job that is not due
 * costs no write (and no fsync) each tick. A missing row is due. */
static int is_due(struct db *db, const char *name, int64_t every, int64_t now)
{
	struct stmt *st = NULL;
	int due = 1;

	if (db_prepare(db, "SELECT lease_until, last_run_at FROM job_leases WHERE name = ?1", &st) != DF_OK)
		return 1;
	stmt_bind_text(st, 1, name, -1);
	if (stmt_step(st) == STMT_ROW)
		due = stmt_i64(st, 0) < now && stmt_i64(st, 1) + every <= now;
	stmt_done(st);
	return due;
}

/* try_lease - 1 in *mine if this owner now holds job's lease. */
static int try_lease(struct db *db, const struct job_def *job, int64_t every, const char *owner,
		     int64_t now, int *mine)
{
	struct stmt *st = NULL;
	int64_t until = now + LEASE_MS;
	int rc;

	*mine = 0;
	if (!is_due(db, job->name, every, now))
		return DF_OK;
	rc = db_begin(db);
	if (rc != DF_OK)
		return rc;
	rc = db_prepare(db, "INSERT INTO job_leases (name, owner, lease_until, last_run_at, runs, failures)"
			    " SELECT CAST(?1 AS TEXT), NULL, 0, 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM job_leases WHERE name = ?1)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, job->name, -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	rc = db_prepare(db, "UPDATE job_leases SET owner = ?2, lease_until = ?3"
			    " WHERE name = ?1 AND lease_until < ?4 AND last_run_at + ?5 <= ?4", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, job->name, -1);
	stmt_bind_text(st, 2, owner, -1);
	stmt_bind_i64(st, 3, until);
	stmt_bind_i64(st, 4, now);
	stmt_bind_i64(st, 5, every);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	rc = db_prepare(db, "SELECT owner, lease_until FROM job_leases WHERE name = ?1", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, job->name, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *o = stmt_text(st, 0);

		*mine = o && strcmp(o, owner) == 0 && stmt_i64(st, 1) == until;
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc == DF_OK)
		rc = db_commit(db);
out:
	db_rollback(db);
	return rc;
}

/* finish - release the lease and record the outcome of one run. */
static int finish(struct db *db, const struct job_def *job, const char *owner, int64_t started, int result)
{
	struct stmt *st = NULL;
	int rc = db_begin(db);

	if (rc != DF_OK)
		return rc;
	rc = db_prepare(db, "UPDATE job_leases SET owner = NULL, lease_until = 0, last_run_at = ?3,"
			    " runs = runs + 1, failures = failures + ?4,"
			    " last_ok_at = CASE WHEN ?4 = 0 THEN ?3 ELSE last_ok_at END,"
			    " last_error = CASE WHEN ?4 = 0 THEN NULL ELSE ?5 END"
			    " WHERE name = ?1 AND owner = ?2", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, job->name, -1);
	stmt_bind_text(st, 2, owner, -1);
	stmt_bind_i64(st, 3, started);
	stmt_bind_i64(st, 4, result == DF_OK ? 0 : 1);
	stmt_bind_text(st, 5, df_strerror(result), -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = db_commit(db);
out:
	db_rollback(db);
	return rc;
}

int jobs_run_due(struct app *app, struct db *db, const char *owner, int *ran)
{
	int rc = DF_OK;

	*ran = 0;
	for (const struct module *const *m = app->modules; *m && !app->stopping; m++) {
		for (size_t i = 0; i < (*m)->njobs; i++) {
			const struct job_def *job = &(*m)->jobs[i];
			int64_t now = clock_now_ms();
			int mine = 0, res;

			rc = try_lease(db, job, interval_ms(app, job), owner, now, &mine);
			if (rc != DF_OK || !mine)
				continue;
			res = job->run(app, db);
			db_rollback(db); /* a job must not leave a transaction open */
			if (res != DF_OK)
				log_warn("msg=\"job failed\" job=%s err=\"%s\"", job->name, df_strerror(res));
			rc = finish(db, job, owner, now, res);
			(*ran)++;
		}
	}
	return rc;
}

int jobs_run_one(struct app *app, struct db *db, const char *name, const char *owner, int *result)
{
	for (const struct module *const *m = app->modules; *m; m++) {
		for (size_t i = 0; i < (*m)->njobs; i++) {
			const struct job_def *job = &(*m)->jobs[i];
			int64_t now = clock_now_ms();
			int mine = 0, rc;

			if (strcmp(job->name, name) != 0)
				continue;
			/* an interval of 0: due now, unless another holds the lease */
			rc = try_lease(db, job, 0, owner, now, &mine);
			if (rc != DF_OK)
				return rc;
			if (!mine)
				return DF_EBUSY;
			*result = job->run(app, db);
			db_rollback(db);
			return finish(db, job, owner, now, *result);
		}
	}
	return DF_ENOTFOUND;
}

static void *loop(void *arg)
{
	struct jobs *j = arg;

	for (;;) {
		struct timespec until;
		struct db *db = NULL;
		int ran = 0;

		pthread_mutex_lock(&j->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!j->stop && pthread_cond_timedwait(&j->wake, &j->lock, &until) == 0)
			;
		if (j->stop) {
			pthread_mutex_unlock(&j->lock);
			break;
		}
		pthread_mutex_unlock(&j->lock);
		if (store_acquire(j->app->store, &db) != DF_OK)
			continue;
		if (jobs_run_due(j->app, db, j->owner, &ran) != DF_OK)
			log_warn("msg=\"scheduler round failed\"");
		store_release(db);
	}
	return NULL;
}

int jobs_start(struct app *app, struct jobs **out)
{
	struct jobs *j = calloc(1, sizeof *j);

	*out = NULL;
	if (!j)
		return DF_ENOMEM;
	j->app = app;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	snprintf(j->owner, sizeof j->owner, "%ld-%08x", (long)getpid(), randombytes_random());
	if (pthread_create(&j->thread, NULL, loop, j) != 0) {
		free(j);
		return DF_EINTERNAL;
	}
	*out = j;
	return DF_OK;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
}

int jobs_api_list(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *list = json_array(), *out = NULL;
	int rc;

	if (!list)
		goto out;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT name, owner, lease_until, last_run_at, last_ok_at, last_error, runs, failures"
				    " FROM job_leases ORDER BY name", &st);
	while (rc == DF_OK) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		rc = json_array_append_new(list, json_pack("{s:s, s:s?, s:I, s:I, s:I, s:s?, s:I, s:I}",
			"name", stmt_text(st, 0), "owner", stmt_text(st, 1),
			"lease_until", (json_int_t)stmt_i64(st, 2), "last_run_at", (json_int_t)stmt_i64(st, 3),
			"last_ok_at", (json_int_t)stmt_i64(st, 4), "last_error", stmt_text(st, 5),
			"runs", (json_int_t)stmt_i64(st, 6), "failures", (json_int_t)stmt_i64(st, 7))) ? DF_ENOMEM : DF_OK;
	}
	stmt_done(st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o}", "jobs", list);
	list = NULL;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(list);
	json_decref(out);
	return status;
}
