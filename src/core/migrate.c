/*
 * migrate.c - applies each module's migrations in order (see migrate.h).
 */
#include "clock.h"
#include "log.h"
#include "migrate.h"
#include "module.h"
#include "store.h"

static const char *const bootstrap =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" module TEXT NOT NULL, version BIGINT NOT NULL, applied_at BIGINT NOT NULL,"
	" PRIMARY KEY (module, version))";

static int current_version(struct db *db, const char *module, int64_t *v)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, module, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*v = stmt_i64(st, 0);
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* walk - count the pending steps and find the first one (*first_m, *first;
 * NULL when the schema is current); refuses a database newer than us. */
static int walk(struct db *db, const struct module *const *modules, int *n, const struct module **first_m,
		const struct migration **first)
{
	*n = 0;
	*first_m = NULL;
	*first = NULL;
	for (const struct module *const *m = modules; *m; m++) {
		int64_t have = 0;
		int rc = current_version(db, (*m)->name, &have);

		if (rc != DF_OK)
			return rc;
		if (have > (int64_t)(*m)->nmigrations) {
			log_error("msg=\"database is newer than this daftar\" module=%s have=%lld know=%zu",
				  (*m)->name, (long long)have, (*m)->nmigrations);
			return DF_ECONFLICT;
		}
		for (size_t i = (size_t)have; i < (*m)->nmigrations; i++) {
			if ((*m)->migrations[i].version != (int)i + 1) {
				log_error("msg=\"migrations out of order\" module=%s", (*m)->name);
				return DF_EINTERNAL;
			}
			if (!*first) {
				*first_m = *m;
				*first = &(*m)->migrations[i];
			}
			(*n)++;
		}
	}
	return DF_OK;
}

/* apply_next - in one write transaction: look again at what is pending (an
 * instance starting beside us may have migrated meanwhile; the transaction's
 * lock makes the look and the step one), run the first step and record it.
 * *done is set when nothing was pending. */
static int apply_next(struct db *db, const struct module *const *modules, int *done)
{
	const struct module *m = NULL;
	const struct migration *mg = NULL;
	struct stmt *st = NULL;
	int n = 0, rc = db_begin(db);

	*done = 0;
	if (rc != DF_OK)
		return rc;
	rc = db_exec(db, bootstrap);
	if (rc == DF_OK)
		rc = walk(db, modules, &n, &m, &mg);
	if (rc != DF_OK || !mg) {
		*done = rc == DF_OK;
		goto out;
	}
	rc = db_exec(db, mg->sql);
	if (rc != DF_OK) {
		log_error("msg=\"migration failed\" module=%s version=%d err=\"%s\"", m->name, mg->version, db_errmsg(db));
		goto out;
	}
	rc = db_prepare(db, "INSERT INTO schema_migrations (module, version, applied_at) VALUES (?1, ?2, ?3)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, m->name, -1);
	stmt_bind_i64(st, 2, mg->version);
	stmt_bind_i64(st, 3, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		rc = db_commit(db);
out:
	db_rollback(db);
	return rc;
}

int migrate_run(struct db *db, const struct module *const *modules, int *applied)
{
	int done = 0, rc = DF_OK;

	*applied = 0;
	while (rc == DF_OK && !done) {
		rc = apply_next(db, modules, &done);
		if (rc == DF_OK && !done)
			(*applied)++;
	}
	return rc;
}

int migrate_pending(struct db *db, const struct module *const *modules, int *pending)
{
	const struct module *m;
	const struct migration *mg;
	int rc = db_exec(db, bootstrap);

	*pending = 0;
	return rc != DF_OK ? rc : walk(db, modules, pending, &m, &mg);
}
