/*
 * main.c - the daftar command line: a table of commands like git.c.
 *
 *   daftar [--config FILE] [--db URL] [--set section.key=value]... COMMAND [ARGS]
 *
 * Settings come from the defaults, then the config file, then --db/--set and
 * the command's own options.  Each command opens the store itself, so a test
 * or a second instance runs beside the first by giving another --db/--listen.
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/app.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/migrate.h"
#include "core/store.h"
#include "core/system.h"
#include "modules.h"
#include "org/authz.h"
#include "org/people.h"
#include "org/tree.h"


struct cmd {
	const char *name;
	int (*run)(struct app *app, int argc, char **argv);
	const char *usage;
	const char *help;
};

static struct app the_app;

/* db_shown - the store URL fit to print: no password (CLI thread only). */
static const char *db_shown(const struct app *app)
{
	static char shown[sizeof app->cfg.db + 8];

	store_redact(app->cfg.db, shown, sizeof shown);
	return shown;
}

/* open_store - open the pool and bring the schema up to date. */
static int open_store(struct app *app, int migrate)
{
	struct db *db = NULL;
	int rc, n = 0;

	rc = store_open(&app->store, app->cfg.db, app->cfg.db_pool);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar: cannot open the store %s: %s\n", db_shown(app), df_strerror(rc));
		return rc;
	}
	if (!migrate)
		return DF_OK;
	rc = store_acquire(app->store, &db);
	if (rc == DF_OK)
		rc = migrate_run(db, app->modules, &n);
	store_release(db);
	if (rc != DF_OK)
		fprintf(stderr, "daftar: migration failed: %s\n", df_strerror(rc));
	else if (n)
		log_info("msg=migrated steps=%d", n);
	return rc;
}

/* is_initialised - 1 if the database has its reference tree (init ran). */
static int is_initialised(struct app *app)
{
	struct db *db = NULL;
	int64_t n = 0;
	int rc = store_acquire(app->store, &db);

	if (rc == DF_OK)
		rc = db_query_i64(db, "SELECT COUNT(*) FROM users", 0, NULL, &n);
	store_release(db);
	return rc == DF_OK && n > 0;
}

/* check_key - refuse to sign checkpoints with a key other than the one the
 * log was signed with (instances that do not share their key file). */
static int check_key(struct app *app)
{
	struct db *db = NULL;
	int rc = store_acquire(app->store, &db);

	if (rc == DF_OK)
		rc = audit_key_check(app, db);
	store_release(db);
	return rc;
}

static int cmd_serve(struct app *app, int argc, char **argv)
{
	struct http_server *srv = NULL;
	struct jobs *jobs = NULL;
	sigset_t stop_signals;
	int rc, sig = 0;

	for (int i = 1; i < argc; i++) {
		char err[200];

		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			rc = config_set(&app->cfg, "server.listen", argv[++i], err, sizeof err);
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			rc = config_set(&app->cfg, "server.threads", argv[++i], err, sizeof err);
		} else if (strcmp(argv[i], "--test-clock") == 0) {
			app->cfg.test_clock = 1;
			rc = DF_OK;
		} else if (strcmp(argv[i], "--no-jobs") == 0) {
			app->cfg.jobs = 0;
			rc = DF_OK;
		} else {
			snprintf(err, sizeof err, "unknown option %s", argv[i]);
			rc = DF_EINVAL;
		}
		if (rc != DF_OK) {
			fprintf(stderr, "daftar serve: %s\n", err);
			return rc;
		}
	}
	if (app->cfg.test_clock)
		clock_enable_test();
	/* Block the stop signals before any thread exists, so every thread
	 * inherits the mask and only the sigwait() below receives them (a
	 * handler run on a worker thread would leave pause() asleep). */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	rc = open_store(app, 1);
	if (rc != DF_OK)
		return rc;
	rc = audit_load_key(app, 1);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar serve: cannot load the audit key %s\n", app->cfg.key_file);
		return rc;
	}
	rc = check_key(app);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar serve: the audit log is signed by another key than %s\n", app->cfg.key_file);
		return rc;
	}
	rc = auth_init(app);
	if (rc != DF_OK)
		return rc;
	rc = http_start(app, &srv);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar serve: cannot listen on %s\n", app->cfg.listen);
		return rc;
	}
	if (app->cfg.jobs) {
		rc = jobs_start(app, &jobs);
		if (rc != DF_OK) {
			http_stop(srv);
			return rc;
		}
	}
	printf("daftar: listening on http://%s%s\n", app->cfg.listen,
	       app->cfg.test_clock ? " (test clock ON)" : "");
	fflush(stdout);
	log_info("msg=listening addr=%s store=%s test_clock=%d", app->cfg.listen,
		 store_backend(app->store), app->cfg.test_clock);
	if (sigwait(&stop_signals, &sig) == 0)
		log_info("msg=stopping signal=%d", sig);
	app->stopping = 1;
	jobs_stop(jobs);
	http_stop(srv);
	return DF_OK;
}

/* init_reference - reference data every installation starts with. */
static int init_reference(struct app *app, struct db *db)
{
	int rc = org_load_reference(app, db, app->cfg.data_dir);

	if (rc != DF_OK) {
		fprintf(stderr, "daftar: loading the org tree from %s failed: %s\n", app->cfg.data_dir, df_strerror(rc));
		return rc;
	}
	rc = system_load_holidays(app, db, app->cfg.data_dir);
	if (rc != DF_OK)
		fprintf(stderr, "daftar: loading holidays from %s/holidays failed: %s\n", app->cfg.data_dir, df_strerror(rc));
	return rc;
}

static int cmd_init(struct app *app, int argc, char **argv)
{
	const char *admin = "admin";
	const char *pw = getenv("DAFTAR_ADMIN_PASSWORD");
	char gen[32];
	struct db *db = NULL;
	int64_t uid = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0 && i + 1 < argc) {
			admin = argv[++i];
		} else {
			fprintf(stderr, "daftar init: unknown option %s\n", argv[i]);
			return DF_EINVAL;
		}
	}
	rc = open_store(app, 1);
	if (rc != DF_OK)
		return rc;
	if (is_initialised(app)) {
		fprintf(stderr, "daftar init: %s is already initialised\n", db_shown(app));
		return DF_ECONFLICT;
	}
	rc = audit_load_key(app, 1);
	if (rc != DF_OK)
		return rc;
	rc = store_acquire(app->store, &db);
	if (rc != DF_OK)
		return rc;
	rc = init_reference(app, db);
	if (rc != DF_OK)
		goto out;
	if (!pw || !*pw) {
		static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

		for (size_t i = 0; i < 20; i++)
			gen[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		gen[20] = '\0';
		pw = gen;
	}
	rc = auth_create_user(app, db, admin, pw, 0, 1, &uid);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar init: cannot create the administrator: %s\n", df_strerror(rc));
		goto out;
	}
	rc = audit_checkpoint(app, db);
	if (rc != DF_OK)
		goto out;
	printf("daftar: initialised %s\nadministrator: %s\npassword: %s\n", db_shown(app), admin, pw);
out:
	sodium_memzero(gen, sizeof gen);
	store_release(db);
	return rc;
}

static int cmd_migrate(struct app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return open_store(app, 1);
}

static int cmd_demo(struct app *app, int argc, char **argv)
{
	struct db *db = NULL;
	int rc;

	(void)argc;
	(void)argv;
	rc = open_store(app, 1);
	if (rc != DF_OK)
		return rc;
	rc = audit_load_key(app, 1);
	if (rc != DF_OK)
		return rc;
	rc = store_acquire(app->store, &db);
	if (rc != DF_OK)
		return rc;
	rc = init_reference(app, db);
	if (rc == DF_OK)
		rc = org_demo(app, db, stdout);
	if (rc == DF_OK)
		rc = audit_checkpoint(app, db);
	if (rc != DF_OK)
		fprintf(stderr, "daftar demo: %s\n", df_strerror(rc));
	store_release(db);
	return rc;
}

static int cmd_backup(struct app *app, int argc, char **argv)
{
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: daftar backup FILE\n");
		return DF_EINVAL;
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "daftar backup: %s exists; choose a new file\n", argv[1]);
		return DF_ECONFLICT;
	}
	rc = open_store(app, 0);
	if (rc == DF_OK && strcmp(store_backend(app->store), "sqlite") != 0) {
		fprintf(stderr, "daftar backup: the store is PostgreSQL; back it up with pg_dump (a logical copy)"
				" or pg_basebackup with WAL archiving (point-in-time recovery): see docs/DEPLOYMENT.md\n");
		return DF_EINVAL;
	}
	if (rc == DF_OK)
		rc = store_backup(app->store, argv[1]);
	if (rc == DF_OK)
		printf("daftar: backed up %s to %s\n", db_shown(app), argv[1]);
	return rc;
}

static int cmd_audit(struct app *app, int argc, char **argv)
{
	int rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: daftar audit verify\n");
		return DF_EINVAL;
	}
	rc = open_store(app, 0);
	if (rc == DF_OK)
		rc = audit_load_key(app, 0);
	if (rc == DF_OK)
		rc = audit_verify(app, stdout);
	return rc;
}

/* cmd_job - `job run NAME`: one run of a scheduled job now, e.g. to close
 * attendance days after a correction without waiting for the scheduler. */
static int cmd_job(struct app *app, int argc, char **argv)
{
	struct db *db = NULL;
	char owner[48];
	int rc, result = DF_OK;

	if (argc != 3 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "usage: daftar job run NAME\n");
		return DF_EINVAL;
	}
	rc = open_store(app, 1);
	if (rc == DF_OK)
		rc = audit_load_key(app, 0);
	if (rc == DF_OK)
		rc = store_acquire(app->store, &db);
	if (rc != DF_OK)
		return rc;
	snprintf(owner, sizeof owner, "cli-%ld", (long)getpid());
	rc = jobs_run_one(app, db, argv[2], owner, &result);
	store_release(db);
	if (rc == DF_ENOTFOUND)
		fprintf(stderr, "daftar job: no job called %s (GET /api/v1/system/jobs lists them)\n", argv[2]);
	else if (rc == DF_EBUSY)
		fprintf(stderr, "daftar job: %s is running elsewhere; try again when it ends\n", argv[2]);
	else if (rc != DF_OK)
		fprintf(stderr, "daftar job: %s\n", df_strerror(rc));
	else if (result != DF_OK)
		fprintf(stderr, "daftar job: %s failed: %s\n", argv[2], df_strerror(result));
	else
		printf("daftar: ran %s\n", argv[2]);
	return rc != DF_OK ? rc : result;
}

/* cmd_routes - the route table as built, one line per route: method,
 * pattern, permission (public, user or the action) and body cap.  The test
 * suite checks docs/API.md against it. */
static int cmd_routes(struct app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct module *const *m = app->modules; *m; m++) {
		for (size_t i = 0; i < (*m)->nroutes; i++) {
			const struct route *rt = &(*m)->routes[i];
			const char *perm = rt->perm == PERM_PUBLIC ? "public" : rt->perm[0] ? rt->perm : "user";

			printf("%-7s %-48s %-18s %8zu  %s\n", rt->method, rt->pattern, perm, rt->body_max, (*m)->name);
		}
	}
	return DF_OK;
}

static int cmd_help(struct app *app, int argc, char **argv);

static const struct cmd commands[] = {
	{ "serve", cmd_serve, "serve [--listen ADDR:PORT] [--threads N] [--test-clock] [--no-jobs]",
	  "run the HTTP server (migrates first)" },
	{ "init", cmd_init, "init [--admin NAME]",
	  "new database: schema, audit key, org tree, holidays, first administrator\n"
	  "                 (password from $DAFTAR_ADMIN_PASSWORD, else generated and printed)" },
	{ "migrate", cmd_migrate, "migrate", "bring the schema up to date" },
	{ "demo", cmd_demo, "demo", "load the demo province and print the demo logins" },
	{ "backup", cmd_backup, "backup FILE", "copy the live database to FILE (SQLite online backup)" },
	{ "audit", cmd_audit, "audit verify", "recompute the audit tree and check the latest checkpoint" },
	{ "job", cmd_job, "job run NAME", "run a scheduled job once now (attendance.close, attendance.absence, ...)" },
	{ "routes", cmd_routes, "routes", "list the HTTP routes: method, path, permission, body cap, module" },
	{ "help", cmd_help, "help", "this text" },
};

static int cmd_help(struct app *app, int argc, char **argv)
{
	(void)app;
	(void)argc;
	(void)argv;
	printf("usage: daftar [--config FILE] [--db URL] [--set section.key=value]... COMMAND\n\n"
	       "daftar is the Government of Balochistan's delivery platform.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-66s\n                 %s\n", commands[i].usage, commands[i].help);
	printf("\noptions:\n  --config FILE   read settings from an INI file (see daftar.ini.example)\n"
	       "  --db URL        the store: a file path or sqlite:PATH (default var/daftar.db)\n"
	       "  --set K=V       set one setting, e.g. --set server.threads=8\n"
	       "  --version       print the version\n");
	return DF_OK;
}

/* global_options - parse options before the command; returns the index of
 * the command word, or -1 after printing an error. */
static int global_options(struct app *app, int argc, char **argv)
{
	char err[256];
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int rc = DF_OK;

		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			rc = config_load_file(&app->cfg, argv[++i], err, sizeof err);
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			rc = config_set(&app->cfg, "store.db", argv[++i], err, sizeof err);
		} else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			char kv[640];
			char *eq;

			snprintf(kv, sizeof kv, "%s", argv[++i]);
			eq = strchr(kv, '=');
			if (!eq) {
				snprintf(err, sizeof err, "--set wants section.key=value");
				rc = DF_EINVAL;
			} else {
				*eq = '\0';
				rc = config_set(&app->cfg, kv, eq + 1, err, sizeof err);
			}
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("daftar %s\n", DAFTAR_VERSION);
			exit(0);
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			exit(cmd_help(app, 0, NULL));
		} else {
			snprintf(err, sizeof err, "unknown option %s", argv[i]);
			rc = DF_EINVAL;
		}
		if (rc != DF_OK) {
			fprintf(stderr, "daftar: %s\n", err);
			return -1;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	struct app *app = &the_app;
	int at, rc = DF_EINVAL, lvl;

	if (sodium_init() < 0) {
		fprintf(stderr, "daftar: libsodium failed to start\n");
		return 1;
	}
	config_defaults(&app->cfg);
	app->modules = daftar_modules;
	app->authorize = authz_authorize;
	app->started_ms = clock_now_ms();
	at = global_options(app, argc, argv);
	if (at < 0)
		return 2;
	config_finish(&app->cfg);
	lvl = log_parse_level(app->cfg.log_level);
	log_set_level(lvl < 0 ? LOG_INFO : (enum log_level)lvl);
	if (id_set_node(app->cfg.node_id) != DF_OK)
		return 2;
	/* Other commands stop on SIGINT/SIGTERM by default (each write is one
	 * transaction); serve waits for them with sigwait (cmd_serve). */
	signal(SIGPIPE, SIG_IGN);
	if (at >= argc) {
		cmd_help(app, 0, NULL);
		return 2;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[at], commands[i].name) == 0) {
			rc = commands[i].run(app, argc - at, argv + at);
			goto out;
		}
	}
	fprintf(stderr, "daftar: '%s' is not a command; see 'daftar --help'\n", argv[at]);
	return 2;
out:
	if (app->store)
		store_close(app->store);
	sodium_memzero(app->sign_sk, sizeof app->sign_sk);
	return rc == DF_OK ? 0 : 1;
}
