/*
 * calendar.h - calendar days and working-day arithmetic for daftar.
 *
 * Deadlines in daftar are counted in working days of the Government of
 * Balochistan: a file marked "reply within 3 working days" skips weekends
 * and public holidays.  This module gives the two pieces that needs:
 *
 *   - cal_day, a calendar day in Asia/Karachi, with strict ISO parsing,
 *     formatting, weekday and the mapping between UTC instants and days.
 *     Asia/Karachi is treated as a fixed UTC+05:00 (Pakistan has observed
 *     no daylight saving time since 2009).  No time-zone database, TZ
 *     variable or localtime() is used: everything is integer arithmetic on
 *     the proleptic Gregorian calendar.
 *
 *   - struct calendar, a working calendar: a weekend mask plus a sorted set
 *     of holidays (loaded from data/holidays/pk-YYYY.csv), and the working
 *     day arithmetic on it (add N working days, count working days between
 *     two days).
 *
 * Working-day semantics, in one place (see the functions for details):
 *   - A day is a working day when its weekday is not in the weekend mask and
 *     it is not a holiday.  The default weekend is Saturday + Sunday.
 *   - "Due in n working days" from day d is the n-th working day strictly
 *     after d.  A task given on Friday with 1 working day is due Monday; if
 *     Monday is a holiday, it is due Tuesday.  A task given on a Saturday
 *     with 1 working day is also due Monday (the first working day after d).
 *   - With n == 0 the result is d itself when d is a working day, else the
 *     next working day (a task received on a Sunday "due today" is due
 *     Monday).
 *   - Negative n counts backwards symmetrically: -n-th working day strictly
 *     before d (Monday - 1 working day = the previous Friday).
 *   - calendar_working_days_between(from, to) counts the working days in
 *     the half-open interval (from, to]: the day a task was given does not
 *     count, the due day does.  For a working day d and n >= 1,
 *     between(d, add(d, n)) == n.
 *
 * Nothing here allocates except the holiday array of a struct calendar; no
 * global state; the functions are safe to call from several threads as long
 * as a calendar is not modified while another thread reads it.
 */
#ifndef DF_CALENDAR_H
#define DF_CALENDAR_H

#include <stdint.h>
#include <stddef.h>

#include "result.h"

/* A calendar day as days since 1970-01-01 (proleptic Gregorian); 0 is
 * 1970-01-01, negative values are earlier days. */
typedef int32_t cal_day;

/* Asia/Karachi offset from UTC, fixed: +05:00, in milliseconds. */
#define CAL_TZ_OFFSET_MS (5LL * 3600LL * 1000LL)
/* Milliseconds in one calendar day. */
#define CAL_DAY_MS (86400LL * 1000LL)
/* Years accepted by cal_parse (and by calendar_add_holiday). */
#define CAL_YEAR_MIN 1900
#define CAL_YEAR_MAX 2199

/* Weekday numbers as returned by cal_weekday. */
enum cal_weekday_num {
	CAL_SUNDAY = 0,
	CAL_MONDAY = 1,
	CAL_TUESDAY = 2,
	CAL_WEDNESDAY = 3,
	CAL_THURSDAY = 4,
	CAL_FRIDAY = 5,
	CAL_SATURDAY = 6,
};

/* Default weekend: Saturday + Sunday (the 5-day week of Balochistan's
 * government offices). Bit i set = weekday i is a weekend day. */
#define CAL_WEEKEND_DEFAULT ((1u << CAL_SUNDAY) | (1u << CAL_SATURDAY))
/* Only the low 7 bits of a weekend mask are meaningful. */
#define CAL_WEEKEND_ALL 0x7Fu

/* At most this many holidays in one calendar (DF_ETOOBIG beyond). */
#define CAL_MAX_HOLIDAYS 4096
/* Longest accepted holiday CSV line, in bytes, not counting the line
 * terminator ("\n" or "\r\n"). Longer lines are DF_EINVAL. */
#define CAL_CSV_LINE_MAX 512
/* calendar_add_working_days never looks at more than this many days. */
#define CAL_MAX_SCAN_DAYS 3660
/* Sizes of the holiday text fields, including the terminating NUL. */
#define CAL_NAME_SIZE 96
#define CAL_SCOPE_SIZE 16

/* cal_parse - parse a strict 'YYYY-MM-DD' date.
 * Exactly 10 bytes: four-digit year, '-', two-digit month, '-', two-digit
 * day, nothing before or after (no spaces, no time part, no sign).  The
 * date must exist (2026-02-29 does not; 2024-02-29 does) and the year must
 * be in CAL_YEAR_MIN..CAL_YEAR_MAX (1900..2199).
 * Returns DF_OK and sets *out, or DF_EINVAL (s or out NULL, bad form, no
 * such date, year out of range); *out is left untouched on error. */
int cal_parse(const char *s, cal_day *out) DF_WUR;

/* cal_format - write d as 'YYYY-MM-DD' plus a NUL into out (11 bytes).
 * Days whose year is outside 0000..9999 (far outside anything cal_parse
 * accepts) are written as "XXXX-XX-XX" rather than truncated. */
void cal_format(cal_day d, char out[11]);

/* cal_from_ymd - the day for year y, month m (1..12), day dd (1..31).
 * No validation: out-of-range months or days are not normalised in any
 * promised way; validate first (cal_days_in_month) or use cal_parse. */
cal_day cal_from_ymd(int y, int m, int dd);

/* cal_to_ymd - split d into year, month (1..12) and day of month (1..31).
 * Any pointer may be NULL to skip that part. */
void cal_to_ymd(cal_day d, int *y, int *m, int *dd);

/* cal_is_leap_year - 1 if y is a Gregorian leap year (divisible by 4, and
 * not by 100 unless by 400: 2000 and 2024 are, 1900 and 2100 are not),
 * else 0. */
int cal_is_leap_year(int y);

/* cal_days_in_month - days in month m (1..12) of year y, or 0 if m is out
 * of range. */
int cal_days_in_month(int y, int m);

/* cal_weekday - weekday of d: 0 = Sunday .. 6 = Saturday (enum
 * cal_weekday_num). 1970-01-01 was a Thursday. */
int cal_weekday(cal_day d);

/* cal_day_of_instant - the calendar day in Asia/Karachi (UTC+05:00) that
 * contains the UTC instant epoch_ms (milliseconds since 1970-01-01T00:00Z;
 * negative values are before it).  2026-11-22T19:00:00.000Z is 2026-11-23
 * in Karachi; 2026-11-22T18:59:59.999Z is still 2026-11-22.  Results that
 * do not fit a cal_day (instants millions of years away) are clamped to
 * INT32_MIN / INT32_MAX. */
cal_day cal_day_of_instant(int64_t epoch_ms);

/* cal_start_ms - the UTC instant (epoch ms) of 00:00 Asia/Karachi on d,
 * i.e. 19:00Z on the previous UTC day.  cal_day_of_instant(cal_start_ms(d))
 * == d and cal_day_of_instant(cal_start_ms(d) - 1) == d - 1 for every d. */
int64_t cal_start_ms(cal_day d);

/* One holiday of a working calendar. */
struct holiday {
	cal_day day;                 /* the day off */
	char name[CAL_NAME_SIZE];    /* e.g. "Independence Day", NUL-terminated */
	char scope[CAL_SCOPE_SIZE];  /* "pakistan" (federal) or "balochistan" (provincial) */
};

/* A working calendar.  Callers may set weekend_mask directly after
 * calendar_init; the holiday array is managed by the calendar_* functions
 * only (it must stay sorted by day with no duplicate days). */
struct calendar {
	unsigned weekend_mask;       /* bit i set = weekday i (0 = Sunday) is not worked */
	struct holiday *holidays;    /* sorted by day ascending, no two on one day; NULL when cap == 0 */
	size_t n;                    /* holidays in use */
	size_t cap;                  /* holidays allocated (n <= cap <= CAL_MAX_HOLIDAYS) */
};

/* calendar_init - an empty calendar: weekend Saturday + Sunday
 * (CAL_WEEKEND_DEFAULT), no holidays, nothing allocated. */
void calendar_init(struct calendar *c);

/* calendar_release - free the holidays and reset c to the calendar_init
 * state; c may then be reused. NULL is ignored. */
void calendar_release(struct calendar *c);

/* calendar_add_holiday - add holiday d named name with scope scope, keeping
 * the set sorted.  name must be 1..95 bytes with no control characters;
 * scope must be "pakistan" or "balochistan"; d must be in a year
 * 1900..2199.
 * Returns DF_OK, DF_EINVAL (NULL or bad argument), DF_ECONFLICT (there is
 * already a holiday on d; the calendar is unchanged), DF_ETOOBIG (already
 * CAL_MAX_HOLIDAYS holidays) or DF_ENOMEM. */
int calendar_add_holiday(struct calendar *c, cal_day d, const char *name,
			 const char *scope) DF_WUR;

/* calendar_load_csv - add the holidays of a CSV file to c.
 * Format (UTF-8, "\n" or "\r\n" line ends, an optional UTF-8 BOM):
 *   - lines that are empty or only spaces/tabs, and lines whose first
 *     non-blank character is '#', are ignored anywhere in the file;
 *   - the first other line must be the header `date,name,scope`;
 *   - every following line is `YYYY-MM-DD,name,scope`: the date as for
 *     cal_parse, the name either bare (no '"' or ',') or quoted "..." with
 *     "" standing for one '"' (so it may contain commas), the scope
 *     "pakistan" or "balochistan".  Spaces and tabs around a field are
 *     ignored.  Exactly three fields.
 *   - no line may be longer than CAL_CSV_LINE_MAX (512) bytes or contain a
 *     NUL byte.
 * Returns DF_OK; DF_EIO if path cannot be opened or read; DF_EINVAL with
 * *bad_line set to the 1-based number of the offending line (a missing
 * header is reported at the line after the last one read, 1 for an empty
 * file); and, also with *bad_line set, DF_ECONFLICT (a second holiday on
 * the same day, in the file or already in c), DF_ETOOBIG (more than
 * CAL_MAX_HOLIDAYS in all) or DF_ENOMEM.  bad_line may be NULL; it is set
 * to 0 when no line is to blame.  On any error c is left exactly as it was
 * (all or nothing). */
int calendar_load_csv(struct calendar *c, const char *path, int *bad_line) DF_WUR;

/* calendar_is_working_day - 1 if d is neither a weekend day (per
 * c->weekend_mask) nor a holiday of c, else 0. */
int calendar_is_working_day(const struct calendar *c, cal_day d);

/* calendar_holiday - the holiday on d, or NULL if d is not a holiday (a
 * weekend day that is no holiday also gives NULL). Binary search:
 * O(log n). The pointer is valid until c is next modified. */
const struct holiday *calendar_holiday(const struct calendar *c, cal_day d);

/* calendar_add_working_days - the day a task given on d is due when it is
 * given n working days.
 *   n > 0: the n-th working day strictly after d.  Friday + 1 = Monday;
 *          Thursday 2026-08-13 + 1 = Monday 2026-08-17 (Friday 14 August,
 *          Independence Day, is a holiday); Saturday + 1 = Monday.
 *   n == 0: d if d is a working day, else the next working day after d.
 *   n < 0: the |n|-th working day strictly before d (Monday - 1 = Friday).
 * Looks at no more than CAL_MAX_SCAN_DAYS (3660) days: returns DF_EINVAL,
 * *out untouched, when the answer is further than that (|n| too large, or
 * a weekend mask with no working day), or when c or out is NULL.
 * Returns DF_OK and sets *out otherwise. */
int calendar_add_working_days(const struct calendar *c, cal_day d, int n,
			      cal_day *out) DF_WUR;

/* calendar_working_days_between - the number of working days in the
 * half-open interval (from, to]: from itself is not counted, to is.  0 if
 * to <= from (or c is NULL).  Friday -> next Monday is 1; Thursday
 * 2026-08-13 -> Monday 2026-08-17 is 1 (the 14th is a holiday).
 * Cost: O(1) for whole weeks plus O(log n) binary searches and one pass over
 * the holidays inside the interval; never a loop over the days. */
long calendar_working_days_between(const struct calendar *c, cal_day from,
				   cal_day to);

#endif
