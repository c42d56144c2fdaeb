/*
 * module.h - what a module (and each core subsystem with tables or routes)
 * registers with the core: one `struct module` that lists its routes, its
 * migrations, its scheduled jobs and its audit event types.  The core walks
 * the list in src/modules.c; nothing else ties a module in.
 */
#ifndef DF_MODULE_H
#define DF_MODULE_H

#include <stddef.h>
#include "result.h"

struct app;
struct db;
struct route;

/* One forward-only schema step.  Versions start at 1 and never change once
 * released; a new column is a new version.  sql may hold several statements. */
struct migration {
	int version;     /* 1, 2, 3 ... within the module */
	const char *sql; /* portable SQL (see store.h) */
};

/* A periodic job, run by the scheduler on one instance at a time (lease). */
struct job_def {
	const char *name;  /* unique, e.g. "audit.checkpoint" */
	int interval_s;    /* run at most this often */
	/* run - do one round of work; return DF_OK or an error (logged, retried
	 * at the next interval). The db is not in a transaction. */
	int (*run)(struct app *app, struct db *db);
	/* interval - optional: the interval in seconds read from the settings
	 * (e.g. audit.checkpoint_s); when set it overrides interval_s. */
	int (*interval)(const struct app *app);
};

struct module {
	const char *name;                 /* short, e.g. "org"; keys its migrations */
	const struct route *routes;       /* HTTP routes, may be NULL */
	size_t nroutes;
	const struct migration *migrations;
	size_t nmigrations;
	const struct job_def *jobs;
	size_t njobs;
	const char *const *audit_events;  /* NULL-terminated list of event types it writes */
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#endif
