/*
 * system.h - the core's own tables and routes: health, metrics, the
 * working calendar's holidays, the test clock, the scheduled-job leases and
 * the outbox.  Module: `system_module`.
 */
#ifndef DF_SYSTEM_H
#define DF_SYSTEM_H

#include "calendar.h"
#include "module.h"
#include "result.h"

struct app;
struct db;

extern const struct module system_module;

/* system_load_holidays - load every data_dir/holidays/NAME.csv into the
 * holidays table (replacing the rows of those years). Audited. */
int system_load_holidays(struct app *app, struct db *db, const char *data_dir) DF_WUR;
/* system_calendar - the working calendar as stored (weekend + holidays);
 * release with calendar_release(). */
int system_calendar(struct db *db, struct calendar *out) DF_WUR;
/* system_is_working_day - *yes = 1 if day is a working day of the stored
 * calendar (not Saturday or Sunday, not a holiday), else 0: one indexed
 * read, for callers that ask about one day (a check-in) rather than load
 * the whole calendar. */
int system_is_working_day(struct db *db, cal_day day, int *yes) DF_WUR;

#endif
