/*
 * app.h - the process-wide context: configuration, the store, the audit
 * signing key and the module list.  One `struct app` is made by main.c and
 * reached from every request as r->app; there is no other global state
 * except the clock and the id generator.
 */
#ifndef DF_APP_H
#define DF_APP_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "result.h"

/* The version, from `git describe` by the Makefile. */
#ifndef DAFTAR_VERSION
#define DAFTAR_VERSION "0.1.0-dev"
#endif

struct store;
struct module;
struct request;
struct metrics;
struct committer;

/* The authoriser decides whether the principal of r may perform `action` at
 * all (its role allows it somewhere); per-object jurisdiction is checked by
 * the handler with the org layer's authz functions.  Set by main.c from the
 * org layer so that core never includes org.  Returns DF_OK or DF_EDENIED. */
typedef int (*authorize_fn)(struct request *r, const char *action);

struct app {
	struct config cfg;                  /* settings after file + command line */
	struct store *store;                /* the database pool */
	const struct module *const *modules; /* NULL-terminated, from modules.c */
	authorize_fn authorize;             /* see above; NULL denies everything but public/"" */
	struct metrics *metrics;            /* request counters (http.c) */
	unsigned char sign_pk[32];          /* Ed25519 public key of audit checkpoints */
	unsigned char sign_sk[64];          /* its secret key (wiped at exit) */
	int have_key;                       /* 1 once the key was loaded */
	int64_t started_ms;                 /* wall time at start */
	volatile int stopping;              /* set by the signal handler */
	struct committer *committer;        /* group commit (commit.h), while serving */
};

#endif
