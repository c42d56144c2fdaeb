/*
 * migrate.h - forward-only, numbered schema migrations owned by each module.
 *
 * The table schema_migrations(module, version, applied_at) records what ran.
 * migrate_run() applies, for each module in list order, every migration whose
 * version is above the module's highest recorded one, each in its own
 * transaction together with its record, so a failed step leaves the database
 * at the previous version.  Each transaction looks again at what is pending
 * under the store's writer lock, so instances started together on one
 * PostgreSQL database migrate it once.  Versions must rise by one; a database that has a
 * version this binary does not know (a newer daftar ran on it) is refused.
 */
#ifndef DF_MIGRATE_H
#define DF_MIGRATE_H

#include "result.h"

struct db;
struct module;

/* migrate_run - bring the schema up to date; *applied counts steps run. */
int migrate_run(struct db *db, const struct module *const *modules, int *applied) DF_WUR;
/* migrate_pending - how many steps migrate_run would apply (0 = current). */
int migrate_pending(struct db *db, const struct module *const *modules, int *pending) DF_WUR;

#endif
