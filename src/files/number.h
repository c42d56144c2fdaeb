/*
 * number.h - file numbers, ageing buckets and time limits (pure functions).
 *
 * A file's number is made from its department's numbering scheme, a short
 * pattern such as "{dept}/{serial}/{year}" or "SO({dept})/{head}/{year}-{serial}".
 * The tokens are
 *   {dept}    the department's short code      (e.g. "EDU")
 *   {unit}    the creating unit's short code   (e.g. "SEC-B")
 *   {head}    the file head (subject index)    (e.g. "4-12")
 *   {serial}  the serial, decimal, no padding  (e.g. "7"); required, once
 *   {year}    the year, four digits            (e.g. "2026")
 *   {yy}      the year's last two digits       (e.g. "26"; 2005 gives "05")
 * and everything else in a pattern is literal text from a small safe set:
 * ASCII letters, digits, space and ( ) / - . _ :  (the same set bounds the
 * values of {dept}, {unit} and {head}).  So a number never holds a control
 * character, a quote, a brace or a non-ASCII byte, and fits in
 * FILES_NUMBER_MAX bytes.
 *
 * The same file gives the ageing buckets of pending work (working days a
 * file has waited), the priorities with their default time limit per stage,
 * and the two working-day computations on the core calendar
 * (src/core/calendar.h) that deadlines and pendency use.
 *
 * Nothing here touches the store or HTTP, allocates or keeps state: every
 * function is safe from any thread (a calendar must not be modified while
 * it is read).
 */
#ifndef DF_FILES_NUMBER_H
#define DF_FILES_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/result.h"

#define FILES_NUMBER_MAX 96                        /* a formatted number, bytes including the NUL */
#define FILES_SCHEME_MAX 64                        /* a pattern, bytes (not counting the NUL) */
#define FILES_VALUE_MAX 32                         /* a {dept}/{unit}/{head} value, bytes */
#define FILES_SCHEME_DEFAULT "{dept}/{serial}/{year}"
#define FILES_YEAR_MIN 1900                        /* years a number may carry */
#define FILES_YEAR_MAX 9999

/* files_scheme_check - whether pattern is an acceptable numbering scheme:
 * 1..FILES_SCHEME_MAX bytes; only the tokens {dept} {unit} {head} {serial}
 * {year} {yy} (lower case, exact) between braces; {serial} exactly once and
 * every other token at most once; every other byte an ASCII letter, digit,
 * space or one of ( ) / - . _ :  ('{' and '}' only as token delimiters).
 * Returns DF_OK, or DF_EINVAL (also for a NULL pattern) with a short
 * English reason in err, e.g. "unknown token {foo}", "the pattern needs
 * {serial}", "unbalanced brace", "character '#' is not allowed".  err may
 * be NULL or errlen 0; otherwise it always ends NUL-terminated (truncated
 * if short) and is "" on DF_OK. */
int files_scheme_check(const char *pattern, char *err, size_t errlen) DF_WUR;

/* What a number is made from.  Values of tokens the pattern does not use
 * are ignored (and may be NULL). */
struct files_number_in {
	const char *dept;   /* department short code, for {dept} */
	const char *unit;   /* unit short code, for {unit} */
	const char *head;   /* file head, for {head} */
	int64_t serial;     /* >= 1, for {serial} */
	int year;           /* FILES_YEAR_MIN..FILES_YEAR_MAX, for {year} and {yy} */
};

/* files_number_format - the number that pattern gives for in, written with
 * its NUL into out.
 * Returns DF_OK; DF_EINVAL when pattern fails files_scheme_check, in or out
 * is NULL, serial < 1, year is outside 1900..9999 (checked even when the
 * pattern uses neither {year} nor {yy}), or a token the pattern uses has a
 * NULL or empty value, a value longer than FILES_VALUE_MAX (32) bytes or a
 * byte outside the literal set; DF_ETOOBIG when the number and its NUL do
 * not fit in outlen bytes or in FILES_NUMBER_MAX bytes.  Every DF_EINVAL
 * condition is checked before the size, so a bad input is never reported
 * as DF_ETOOBIG.  On any error out (when not NULL and outlen > 0) holds "".
 * Example: "SO({dept})/{head}/{year}-{serial}" with dept "EDU", head
 * "4-12", year 2026, serial 7 gives "SO(EDU)/4-12/2026-7". */
int files_number_format(const char *pattern, const struct files_number_in *in, char *out,
			size_t outlen) DF_WUR;

/* Ageing buckets of working days pending. */
enum files_age {
	FILES_AGE_0_3,     /* 0..3 working days */
	FILES_AGE_4_7,     /* 4..7 */
	FILES_AGE_8_15,    /* 8..15 */
	FILES_AGE_16_30,   /* 16..30 */
	FILES_AGE_OVER_30, /* 31 and more */
	FILES_AGE_COUNT
};

/* files_age_bucket - the bucket of working_days; a negative count is taken
 * as 0 (FILES_AGE_0_3). */
enum files_age files_age_bucket(long working_days);

/* files_age_name - "0-3", "4-7", "8-15", "16-30" or ">30"; NULL for a value
 * outside FILES_AGE_0_3..FILES_AGE_OVER_30. */
const char *files_age_name(enum files_age a);

/* File priorities, least urgent first. */
enum files_priority {
	FILES_ROUTINE,
	FILES_PRIORITY,
	FILES_IMMEDIATE,
	FILES_TOP_PRIORITY,
	FILES_PRIORITY_COUNT
};

/* files_priority_name - "routine", "priority", "immediate" or
 * "top_priority"; NULL for a value outside the enum. */
const char *files_priority_name(enum files_priority p);

/* files_priority_parse - the priority named s (exactly one of the names
 * above: case-sensitive, no surrounding spaces), or -1 (also for NULL). */
int files_priority_parse(const char *s);

/* files_stage_limit_days - the default time limit of one stage (the time a
 * post may hold a file) in working days: routine 7, priority 3, immediate
 * 1, top_priority 1; -1 for a value outside the enum. */
int files_stage_limit_days(enum files_priority p);

/* files_due_day - the day a stage begun on from is due when it is given
 * working_days working days, on cal (calendar_add_working_days):
 *   working_days >= 1: the working_days-th working day strictly after from
 *     (Friday + 1 = Monday; Thursday + 1 = the following Monday when Friday
 *     is a holiday; Saturday + 1 = Monday);
 *   working_days == 0: from itself when it is a working day, else the next
 *     working day.
 * Returns DF_OK and sets *out; DF_EINVAL (*out untouched) when cal or out
 * is NULL, working_days is negative, or the answer is more than
 * CAL_MAX_SCAN_DAYS (3660) calendar days away. */
int files_due_day(const struct calendar *cal, cal_day from, int working_days, cal_day *out) DF_WUR;

/* files_pending_days - the working days a file received on since has been
 * pending as of asof: the working days in (since, asof], the day of receipt
 * not counted and asof counted (calendar_working_days_between).  Received
 * on Friday, pending as of Monday: 1.  0 when asof <= since or cal is
 * NULL.  For a working day d and n >= 1,
 * files_pending_days(cal, d, due) == n where due is files_due_day(cal, d, n). */
long files_pending_days(const struct calendar *cal, cal_day since, cal_day asof);

#endif
