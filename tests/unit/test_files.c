/*
 * test_files.c - unit tests of the files module's pure logic:
 * src/files/number.c (numbering schemes and their check, formatting a
 * number with every token and at every bound, ageing buckets, priorities
 * and their stage limits, due days and pending working days on the core
 * calendar across weekends and holidays).
 *
 * Dates are in August 2026: Thursday 13, Friday 14 (Independence Day when
 * the test adds it), Saturday 15, Sunday 16, Monday 17.  Build and run:
 *
 *   make -s build-asan/tests/test_files && build-asan/tests/test_files
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "files/number.h"

/* ---- helpers ---------------------------------------------------------- */

/* The day of a valid 'YYYY-MM-DD' literal; fails the test otherwise. */
static cal_day D(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), DF_OK);
	return d;
}

/* Check pattern and expect DF_EINVAL with err equal to reason (NULL: any). */
static void expect_bad_scheme(const char *pattern, const char *reason)
{
	char err[128];

	memset(err, 'x', sizeof err);
	assert_int_equal(files_scheme_check(pattern, err, sizeof err), DF_EINVAL);
	assert_non_null(memchr(err, '\0', sizeof err));
	assert_true(strlen(err) > 0);
	if (reason != NULL)
		assert_string_equal(err, reason);
}

/* Check pattern and expect DF_OK with an empty err. */
static void expect_good_scheme(const char *pattern)
{
	char err[128];

	memset(err, 'x', sizeof err);
	assert_int_equal(files_scheme_check(pattern, err, sizeof err), DF_OK);
	assert_string_equal(err, "");
}

/* An input with every value set. */
static struct files_number_in in_all(void)
{
	struct files_number_in in = {
		.dept = "EDU", .unit = "SEC B", .head = "4.12", .serial = 42, .year = 2026,
	};

	return in;
}

/* Format pattern for in and compare with want. */
static void expect_number(const char *pattern, const struct files_number_in *in, const char *want)
{
	char out[FILES_NUMBER_MAX];

	assert_int_equal(files_number_format(pattern, in, out, sizeof out), DF_OK);
	assert_string_equal(out, want);
}

/* Format and expect rc, with out left "". */
static void expect_format_rc(const char *pattern, const struct files_number_in *in, size_t outlen, int rc)
{
	char out[FILES_NUMBER_MAX * 2];

	assert_true(outlen <= sizeof out);
	memset(out, 'x', sizeof out);
	assert_int_equal(files_number_format(pattern, in, out, outlen), rc);
	if (outlen > 0)
		assert_string_equal(out, "");
	else
		assert_int_equal(out[0], 'x'); /* nothing written when there is no room at all */
}

/* A calendar with the default weekend and, when with_holiday, Friday
 * 2026-08-14 as a holiday. */
static void cal_make(struct calendar *cal, int with_holiday)
{
	calendar_init(cal);
	if (with_holiday)
		assert_int_equal(calendar_add_holiday(cal, D("2026-08-14"), "Independence Day", "pakistan"), DF_OK);
}

/* ---- schemes ---------------------------------------------------------- */

static void test_scheme_accepts(void **state)
{
	char pattern[FILES_SCHEME_MAX + 2];

	(void)state;
	expect_good_scheme(FILES_SCHEME_DEFAULT);
	expect_good_scheme("SO({dept})/{head}/{year}-{serial}");
	expect_good_scheme("{serial}");
	expect_good_scheme("{dept}{unit}{head}{serial}{year}{yy}");
	expect_good_scheme("Aa Zz 09 ()/-._: {serial}");
	expect_good_scheme("No. {serial} of {yy}");

	/* exactly FILES_SCHEME_MAX bytes */
	memset(pattern, 'A', sizeof pattern);
	memcpy(pattern, "{serial}", 8);
	pattern[FILES_SCHEME_MAX] = '\0';
	assert_int_equal(strlen(pattern), FILES_SCHEME_MAX);
	expect_good_scheme(pattern);

	/* err may be NULL */
	assert_int_equal(files_scheme_check("{serial}", NULL, 0), DF_OK);
	assert_int_equal(files_scheme_check("{nope}", NULL, 10), DF_EINVAL);
}

static void test_scheme_rejects(void **state)
{
	char pattern[FILES_SCHEME_MAX + 2];
	char err[5];

	(void)state;
	expect_bad_scheme("{foo}/{serial}", "unknown token {foo}");
	expect_bad_scheme("{SERIAL}", "unknown token {SERIAL}");
	expect_bad_scheme("{serial}/{ serial }", "unknown token");
	expect_bad_scheme("{}{serial}", "empty token {}");
	expect_bad_scheme("{dept}/{year}", "the pattern needs {serial}");
	expect_bad_scheme("EDU", "the pattern needs {serial}");
	expect_bad_scheme("{serial}/{serial}", "{serial} appears more than once");
	expect_bad_scheme("{dept}{dept}/{serial}", "{dept} appears more than once");
	expect_bad_scheme("{yy}/{serial}/{yy}", "{yy} appears more than once");
	expect_bad_scheme("{serial", "unbalanced brace");
	expect_bad_scheme("serial}", "unbalanced brace");
	expect_bad_scheme("{serial}}", "unbalanced brace");
	expect_bad_scheme("{{serial}", "unbalanced brace");
	expect_bad_scheme("{ser{ial}", "unbalanced brace");
	expect_bad_scheme("{dept}/{serial}/{", "unbalanced brace");

	/* bytes outside the literal set */
	expect_bad_scheme("#{serial}", "character '#' is not allowed");
	expect_bad_scheme("{serial};", "character ';' is not allowed");
	expect_bad_scheme("{serial},{year}", "character ',' is not allowed");
	expect_bad_scheme("{serial}'", "character ''' is not allowed");
	expect_bad_scheme("{serial}\"", NULL);
	expect_bad_scheme("{serial}\\", NULL);
	expect_bad_scheme("{serial}@", NULL);
	expect_bad_scheme("{serial}\t", "byte 0x09 is not allowed");
	expect_bad_scheme("{serial}\n", "byte 0x0a is not allowed");
	expect_bad_scheme("{serial}\x7f", "byte 0x7f is not allowed");
	expect_bad_scheme("\xc3\x89{serial}", "byte 0xc3 is not allowed"); /* U+00C9 in UTF-8 */

	/* length */
	expect_bad_scheme("", "the pattern is empty");
	memset(pattern, 'A', sizeof pattern);
	memcpy(pattern, "{serial}", 8);
	pattern[FILES_SCHEME_MAX + 1] = '\0';
	expect_bad_scheme(pattern, "the pattern is longer than 64 characters");

	/* NULL */
	expect_bad_scheme(NULL, NULL);

	/* a short err is truncated, still terminated */
	memset(err, 'x', sizeof err);
	assert_int_equal(files_scheme_check("{foo}{serial}", err, sizeof err), DF_EINVAL);
	assert_string_equal(err, "unkn");
}

/* ---- numbers ---------------------------------------------------------- */

static void test_format_examples(void **state)
{
	struct files_number_in in = in_all();
	struct files_number_in ex = { .dept = "EDU", .head = "4-12", .serial = 7, .year = 2026 };

	(void)state;
	expect_number("SO({dept})/{head}/{year}-{serial}", &ex, "SO(EDU)/4-12/2026-7");
	ex.unit = NULL; /* unused tokens may be NULL */
	expect_number(FILES_SCHEME_DEFAULT, &ex, "EDU/7/2026");
	expect_number("{dept}-{unit}-{head}-{serial}-{year}-{yy}", &in, "EDU-SEC B-4.12-42-2026-26");
	expect_number("{yy}{year}{head}{unit}{dept}{serial}", &in, "2620264.12SEC BEDU42");
	expect_number("{serial}", &in, "42");

	/* {yy} is zero-padded; {year} spans 1900..9999 */
	in.year = 2005;
	expect_number("{serial}/{yy}", &in, "42/05");
	in.year = 2000;
	expect_number("{serial}/{yy}", &in, "42/00");
	in.year = 1900;
	expect_number("{serial}/{year}/{yy}", &in, "42/1900/00");
	in.year = 9999;
	expect_number("{serial}/{year}/{yy}", &in, "42/9999/99");

	/* serial: decimal, no padding, the whole int64 range above 0 */
	in = in_all();
	in.serial = 1;
	expect_number("{serial}", &in, "1");
	in.serial = INT64_MAX;
	expect_number("{serial}", &in, "9223372036854775807");

	/* values use the literal set */
	in = in_all();
	in.dept = "Aa09 ()/-._:";
	expect_number("{dept}{serial}", &in, "Aa09 ()/-._:42");
}

static void test_format_invalid(void **state)
{
	struct files_number_in in = in_all();
	char v33[34];
	char v32[33];
	char out[FILES_NUMBER_MAX];

	(void)state;
	/* the pattern */
	expect_format_rc("{foo}{serial}", &in, sizeof out, DF_EINVAL);
	expect_format_rc("{dept}", &in, sizeof out, DF_EINVAL);
	expect_format_rc(NULL, &in, sizeof out, DF_EINVAL);

	/* serial and year */
	in.serial = 0;
	expect_format_rc("{serial}", &in, sizeof out, DF_EINVAL);
	in.serial = -3;
	expect_format_rc("{serial}", &in, sizeof out, DF_EINVAL);
	in = in_all();
	in.year = 1899;
	expect_format_rc("{serial}/{year}", &in, sizeof out, DF_EINVAL);
	in.year = 10000;
	expect_format_rc("{serial}/{yy}", &in, sizeof out, DF_EINVAL);
	in.year = 0;
	expect_format_rc("{serial}", &in, sizeof out, DF_EINVAL); /* year checked even when unused */

	/* values of used tokens: NULL, empty, bad byte, too long */
	in = in_all();
	in.head = "";
	expect_format_rc("{head}/{serial}", &in, sizeof out, DF_EINVAL);
	expect_number("{dept}/{serial}", &in, "EDU/42"); /* unused: fine */
	in.head = NULL;
	expect_format_rc("{head}/{serial}", &in, sizeof out, DF_EINVAL);
	in = in_all();
	in.dept = NULL;
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, sizeof out, DF_EINVAL);
	in.dept = "ED#U";
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, sizeof out, DF_EINVAL);
	in.dept = "EDU\n";
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, sizeof out, DF_EINVAL);
	in.dept = "E{serial}";
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, sizeof out, DF_EINVAL);
	in.dept = "\xc3\x89";
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, sizeof out, DF_EINVAL);
	in = in_all();
	in.unit = "A;B";
	expect_format_rc("{unit}{serial}", &in, sizeof out, DF_EINVAL);

	memset(v32, 'U', sizeof v32 - 1);
	v32[32] = '\0';
	memset(v33, 'U', sizeof v33 - 1);
	v33[33] = '\0';
	in = in_all();
	in.unit = v32;
	assert_int_equal(files_number_format("{unit}", &in, out, sizeof out), DF_EINVAL); /* no serial */
	assert_int_equal(files_number_format("{unit}{serial}", &in, out, sizeof out), DF_OK);
	assert_int_equal(strlen(out), 34);
	in.unit = v33;
	expect_format_rc("{unit}{serial}", &in, sizeof out, DF_EINVAL);

	/* NULL in or out */
	assert_int_equal(files_number_format("{serial}", NULL, out, sizeof out), DF_EINVAL);
	assert_int_equal(files_number_format("{serial}", &in, NULL, sizeof out), DF_EINVAL);

	/* an invalid input is DF_EINVAL even when out is too small too */
	in = in_all();
	in.serial = 0;
	expect_format_rc("{serial}", &in, 1, DF_EINVAL);
	expect_format_rc("{serial}", &in, 0, DF_EINVAL);
}

static void test_format_sizes(void **state)
{
	struct files_number_in in = { .dept = "EDU", .serial = 7, .year = 2026 };
	char a[33];
	char b[33];
	char c[31];
	char out[FILES_NUMBER_MAX * 2];

	(void)state;
	/* "EDU/7/2026" is 10 bytes: 11 fits exactly, 10 does not */
	memset(out, 'x', sizeof out);
	assert_int_equal(files_number_format(FILES_SCHEME_DEFAULT, &in, out, 11), DF_OK);
	assert_string_equal(out, "EDU/7/2026");
	assert_int_equal(out[11], 'x'); /* nothing written past outlen */
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, 10, DF_ETOOBIG);
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, 1, DF_ETOOBIG);
	expect_format_rc(FILES_SCHEME_DEFAULT, &in, 0, DF_ETOOBIG);

	/* the token at the end being the one that does not fit */
	memset(out, 'x', sizeof out);
	assert_int_equal(files_number_format("EDU/{serial}", &in, out, 6), DF_OK);
	assert_string_equal(out, "EDU/7");
	in.serial = 1234567;
	expect_format_rc("EDU/{serial}", &in, 11, DF_ETOOBIG);
	assert_int_equal(files_number_format("EDU/{serial}", &in, out, 12), DF_OK);
	assert_string_equal(out, "EDU/1234567");

	/* FILES_NUMBER_MAX caps the result whatever outlen says:
	 * 32 + 32 + 30 + "1" = 95 bytes fits in 96; 32 + 32 + 32 + "1" does not */
	memset(a, 'A', 32);
	a[32] = '\0';
	memset(b, 'B', 32);
	b[32] = '\0';
	memset(c, 'C', 30);
	c[30] = '\0';
	in.dept = a;
	in.unit = b;
	in.head = c;
	in.serial = 1;
	assert_int_equal(files_number_format("{dept}{unit}{head}{serial}", &in, out, sizeof out), DF_OK);
	assert_int_equal(strlen(out), FILES_NUMBER_MAX - 1);
	expect_format_rc("{dept}{unit}{head}{serial}", &in, FILES_NUMBER_MAX - 1, DF_ETOOBIG);
	in.head = b;
	expect_format_rc("{dept}{unit}{head}{serial}", &in, sizeof out, DF_ETOOBIG);
	in.head = c;
	in.serial = 12;
	expect_format_rc("{dept}{unit}{head}{serial}", &in, sizeof out, DF_ETOOBIG);
}

/* ---- ageing ------------------------------------------------------------ */

static void test_age_buckets(void **state)
{
	(void)state;
	assert_int_equal(files_age_bucket(0), FILES_AGE_0_3);
	assert_int_equal(files_age_bucket(3), FILES_AGE_0_3);
	assert_int_equal(files_age_bucket(4), FILES_AGE_4_7);
	assert_int_equal(files_age_bucket(7), FILES_AGE_4_7);
	assert_int_equal(files_age_bucket(8), FILES_AGE_8_15);
	assert_int_equal(files_age_bucket(15), FILES_AGE_8_15);
	assert_int_equal(files_age_bucket(16), FILES_AGE_16_30);
	assert_int_equal(files_age_bucket(30), FILES_AGE_16_30);
	assert_int_equal(files_age_bucket(31), FILES_AGE_OVER_30);
	assert_int_equal(files_age_bucket(-5), FILES_AGE_0_3);
	assert_int_equal(files_age_bucket(LONG_MIN), FILES_AGE_0_3);
	assert_int_equal(files_age_bucket(LONG_MAX), FILES_AGE_OVER_30);

	assert_string_equal(files_age_name(FILES_AGE_0_3), "0-3");
	assert_string_equal(files_age_name(FILES_AGE_4_7), "4-7");
	assert_string_equal(files_age_name(FILES_AGE_8_15), "8-15");
	assert_string_equal(files_age_name(FILES_AGE_16_30), "16-30");
	assert_string_equal(files_age_name(FILES_AGE_OVER_30), ">30");
	assert_null(files_age_name(FILES_AGE_COUNT));
	assert_null(files_age_name((enum files_age)-1));
	assert_string_equal(files_age_name(files_age_bucket(12)), "8-15");
}

/* ---- priorities -------------------------------------------------------- */

static void test_priorities(void **state)
{
	static const char *const names[] = { "routine", "priority", "immediate", "top_priority" };
	int p;

	(void)state;
	assert_int_equal(FILES_PRIORITY_COUNT, 4);
	for (p = 0; p < FILES_PRIORITY_COUNT; p++) {
		assert_string_equal(files_priority_name((enum files_priority)p), names[p]);
		assert_int_equal(files_priority_parse(names[p]), p);
	}
	assert_int_equal(files_priority_parse("routine"), FILES_ROUTINE);
	assert_int_equal(files_priority_parse("top_priority"), FILES_TOP_PRIORITY);
	assert_null(files_priority_name(FILES_PRIORITY_COUNT));
	assert_null(files_priority_name((enum files_priority)-1));
	assert_int_equal(files_priority_parse("urgent"), -1);
	assert_int_equal(files_priority_parse("Routine"), -1);
	assert_int_equal(files_priority_parse("top priority"), -1);
	assert_int_equal(files_priority_parse(" routine"), -1);
	assert_int_equal(files_priority_parse("routine "), -1);
	assert_int_equal(files_priority_parse("priorit"), -1);
	assert_int_equal(files_priority_parse(""), -1);
	assert_int_equal(files_priority_parse(NULL), -1);
}

static void test_stage_limits(void **state)
{
	(void)state;
	assert_int_equal(files_stage_limit_days(FILES_ROUTINE), 7);
	assert_int_equal(files_stage_limit_days(FILES_PRIORITY), 3);
	assert_int_equal(files_stage_limit_days(FILES_IMMEDIATE), 1);
	assert_int_equal(files_stage_limit_days(FILES_TOP_PRIORITY), 1);
	assert_int_equal(files_stage_limit_days(FILES_PRIORITY_COUNT), -1);
	assert_int_equal(files_stage_limit_days((enum files_priority)-1), -1);
}

/* ---- working days ------------------------------------------------------- */

static void test_due_day(void **state)
{
	struct calendar cal;
	cal_day out = 0;

	(void)state;
	cal_make(&cal, 0);
	/* across a weekend */
	assert_int_equal(files_due_day(&cal, D("2026-08-07"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-08-10"));
	assert_int_equal(files_due_day(&cal, D("2026-08-08"), 1, &out), DF_OK); /* Saturday */
	assert_int_equal(out, D("2026-08-10"));
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-08-14"));
	/* a routine stage: 7 working days from Monday 3 August */
	assert_int_equal(files_due_day(&cal, D("2026-08-03"), files_stage_limit_days(FILES_ROUTINE), &out),
			 DF_OK);
	assert_int_equal(out, D("2026-08-12"));
	/* 0 days: the day itself, or the next working day */
	assert_int_equal(files_due_day(&cal, D("2026-08-12"), 0, &out), DF_OK);
	assert_int_equal(out, D("2026-08-12"));
	assert_int_equal(files_due_day(&cal, D("2026-08-09"), 0, &out), DF_OK); /* Sunday */
	assert_int_equal(out, D("2026-08-10"));
	calendar_release(&cal);

	/* across a holiday and a weekend */
	cal_make(&cal, 1);
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-08-17"));
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), 3, &out), DF_OK);
	assert_int_equal(out, D("2026-08-19"));
	assert_int_equal(files_due_day(&cal, D("2026-08-14"), 0, &out), DF_OK); /* the holiday */
	assert_int_equal(out, D("2026-08-17"));

	/* refused: negative, NULL, too far; *out untouched */
	out = 12345;
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), -1, &out), DF_EINVAL);
	assert_int_equal(files_due_day(NULL, D("2026-08-13"), 1, &out), DF_EINVAL);
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), 1, NULL), DF_EINVAL);
	assert_int_equal(files_due_day(&cal, D("2026-08-13"), CAL_MAX_SCAN_DAYS, &out), DF_EINVAL);
	assert_int_equal(out, 12345);
	calendar_release(&cal);
}

static void test_pending_days(void **state)
{
	struct calendar cal;
	cal_day d;
	int n;

	(void)state;
	cal_make(&cal, 0);
	/* across a weekend: the day of receipt not counted, asof counted */
	assert_int_equal(files_pending_days(&cal, D("2026-08-07"), D("2026-08-08")), 0);
	assert_int_equal(files_pending_days(&cal, D("2026-08-07"), D("2026-08-09")), 0);
	assert_int_equal(files_pending_days(&cal, D("2026-08-07"), D("2026-08-10")), 1);
	assert_int_equal(files_pending_days(&cal, D("2026-08-10"), D("2026-08-11")), 1);
	assert_int_equal(files_pending_days(&cal, D("2026-08-13"), D("2026-08-17")), 2);
	assert_int_equal(files_pending_days(&cal, D("2026-08-03"), D("2026-08-31")), 20);
	/* asof on or before since */
	assert_int_equal(files_pending_days(&cal, D("2026-08-10"), D("2026-08-10")), 0);
	assert_int_equal(files_pending_days(&cal, D("2026-08-17"), D("2026-08-10")), 0);
	assert_int_equal(files_pending_days(NULL, D("2026-08-03"), D("2026-08-31")), 0);
	calendar_release(&cal);

	/* across a holiday */
	cal_make(&cal, 1);
	assert_int_equal(files_pending_days(&cal, D("2026-08-13"), D("2026-08-14")), 0);
	assert_int_equal(files_pending_days(&cal, D("2026-08-13"), D("2026-08-17")), 1);
	assert_int_equal(files_pending_days(&cal, D("2026-08-14"), D("2026-08-17")), 1);
	assert_int_equal(files_pending_days(&cal, D("2026-08-03"), D("2026-08-31")), 19);
	assert_int_equal(files_age_bucket(files_pending_days(&cal, D("2026-08-03"), D("2026-08-31"))),
			 FILES_AGE_16_30);

	/* due and pending agree: from a working day, pending(d, due(d, n)) == n */
	for (d = D("2026-08-03"); d <= D("2026-08-31"); d++) {
		if (!calendar_is_working_day(&cal, d))
			continue;
		for (n = 1; n <= 40; n++) {
			cal_day due = 0;

			assert_int_equal(files_due_day(&cal, d, n, &due), DF_OK);
			assert_int_equal(files_pending_days(&cal, d, due), n);
			assert_int_equal(files_pending_days(&cal, d, due - 1), n - 1);
		}
	}
	calendar_release(&cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheme_accepts),
		cmocka_unit_test(test_scheme_rejects),
		cmocka_unit_test(test_format_examples),
		cmocka_unit_test(test_format_invalid),
		cmocka_unit_test(test_format_sizes),
		cmocka_unit_test(test_age_buckets),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_stage_limits),
		cmocka_unit_test(test_due_day),
		cmocka_unit_test(test_pending_days),
	};

	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
