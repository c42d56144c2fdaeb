/*
 * jobs.h - the scheduler: one thread that runs every module's periodic jobs
 * (struct job_def in module.h), each under a lease in the job_leases table
 * so that, with several instances on one database, a job runs on one of
 * them at a time and at most once per interval.  Time comes from the clock
 * (clock.h), so a test that advances the test clock makes jobs due at once.
 */
#ifndef DF_JOBS_H
#define DF_JOBS_H

#include <stdint.h>
#include "result.h"

struct app;
struct db;
struct jobs;
struct request;

/* jobs_start - start the scheduler thread (ticks once a second). */
int jobs_start(struct app *app, struct jobs **out) DF_WUR;
/* jobs_stop - stop and join the thread; NULL is fine. */
void jobs_stop(struct jobs *j);
/* jobs_run_due - one scheduler round on db: every job whose interval has
 * passed and whose lease is free runs once. *ran counts jobs run. */
int jobs_run_due(struct app *app, struct db *db, const char *owner, int *ran) DF_WUR;
/* jobs_run_one - run the job called name once now, whether due or not,
 * under its lease (DF_EBUSY while another instance holds it), and record
 * the run as the scheduler does; the job's own result in *result.
 * DF_ENOTFOUND for no such job.  `daftar job run NAME` uses it. */
int jobs_run_one(struct app *app, struct db *db, const char *name, const char *owner, int *result) DF_WUR;
/* jobs_api_list - GET /api/v1/system/jobs: each job's last run and result. */
int jobs_api_list(struct request *r);

#endif
