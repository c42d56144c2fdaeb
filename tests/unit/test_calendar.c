/*
 * test_calendar.c - unit tests of src/core/calendar.c (cmocka).
 *
 * Covers the calendar-day layer (strict parsing, formatting, leap years,
 * weekdays, the Asia/Karachi day boundary) and the working calendar
 * (holiday set, CSV loading with line-numbered errors, adding working days
 * forwards and backwards, and counting working days, which is checked
 * against a naive day-by-day loop on random intervals).  The real holiday
 * files are loaded by relative path, so run the binary from the repository
 * root:
 *
 *   gcc -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
 *       -Isrc/core -fsanitize=address,undefined tests/unit/test_calendar.c \
 *       src/core/calendar.c -lcmocka -o /tmp/test_calendar && /tmp/test_calendar
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, unlink */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"

#define PK2025 "data/holidays/pk-2025.csv"
#define PK2026 "data/holidays/pk-2026.csv"

/* ---- helpers ---------------------------------------------------------- */

/* The day of a valid 'YYYY-MM-DD' literal; fails the test otherwise. */
static cal_day D(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), DF_OK);
	return d;
}

/* Deterministic xorshift64 generator, so failures reproduce. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* A pseudo-random integer in [lo, hi]. */
static int64_t rng_range(uint64_t *state, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return lo + (int64_t)(rng_next(state) % span);
}

/* Write len bytes of text to a new temporary file; its name goes to path. */
static void write_tmp(char path[64], const char *text, size_t len)
{
	int fd;
	FILE *f;

	snprintf(path, 64, "/tmp/test_calendar_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Load text as a holiday CSV into c; return the result, *bad_line set. */
static int load_text(struct calendar *c, const char *text, int *bad_line)
{
	char path[64];
	int rc;

	write_tmp(path, text, strlen(text));
	rc = calendar_load_csv(c, path, bad_line);
	assert_int_equal(unlink(path), 0);
	return rc;
}

/* The number of working days in (from, to], one day at a time. */
static long naive_between(const struct calendar *c, cal_day from, cal_day to)
{
	long n = 0;
	cal_day x;

	for (x = from + 1; x <= to && to > from; x++)
		n += calendar_is_working_day(c, x);
	return n;
}

/* A calendar with both real holiday files loaded. */
static void load_real(struct calendar *c)
{
	int bad = -1;

	calendar_init(c);
	assert_int_equal(calendar_load_csv(c, PK2025, &bad), DF_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(calendar_load_csv(c, PK2026, &bad), DF_OK);
	assert_int_equal(bad, 0);
}

/* ---- calendar days ---------------------------------------------------- */

static void test_parse_format_round_trip(void **state)
{
	cal_day first = cal_from_ymd(1900, 1, 1);
	cal_day last = cal_from_ymd(2199, 12, 31);
	cal_day d;
	int y;
	int m;
	int dd;
	int prev_y = 1899;
	int prev_m = 12;
	int prev_d = 31;

	(void)state;
	/* every day of the supported range, and a continuity check */
	for (d = first; d <= last; d++) {
		char buf[11];
		cal_day back = -1;

		cal_format(d, buf);
		assert_int_equal(strlen(buf), 10);
		assert_int_equal(cal_parse(buf, &back), DF_OK);
		assert_int_equal(back, d);
		cal_to_ymd(d, &y, &m, &dd);
		assert_int_equal(cal_from_ymd(y, m, dd), d);
		if (dd == 1) {
			assert_int_equal(prev_d, cal_days_in_month(prev_y, prev_m));
			assert_int_equal(m == 1 ? prev_m : prev_m + 1, m == 1 ? 12 : m);
			assert_int_equal(m == 1 ? prev_y + 1 : prev_y, y);
		} else {
			assert_int_equal(dd, prev_d + 1);
			assert_int_equal(m, prev_m);
			assert_int_equal(y, prev_y);
		}
		prev_y = y;
		prev_m = m;
		prev_d = dd;
	}
	assert_int_equal(last - first + 1, 109573); /* 300 years, 73 leap days */

	/* sampled: the text built independently with snprintf */
	for (y = 1900; y <= 2199; y += 7) {
		for (m = 1; m <= 12; m++) {
			for (dd = 1; dd <= cal_days_in_month(y, m); dd += 3) {
				char want[32];
				char got[11];

				snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
				cal_format(cal_from_ymd(y, m, dd), got);
				assert_string_equal(got, want);
				assert_int_equal(D(want), cal_from_ymd(y, m, dd));
			}
		}
	}

	/* fixed points */
	assert_int_equal(cal_from_ymd(1970, 1, 1), 0);
	assert_int_equal(D("1970-01-02"), 1);
	assert_int_equal(D("1969-12-31"), -1);
	assert_int_equal(D("2000-03-01"), 11017);
	assert_int_equal(D("1900-01-01"), -25567);
}

static void test_parse_rejects_invalid(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", "2026-13-01", "2026-1-01", "2026-01-1",
		"2026-01-01x", "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00",
		"", "2026", "2026-01", "20260101", "2026/01/01", "2026-00-10",
		"2026-01-00", "2026-04-31", "2026-06-31", "2026-01-32",
		"+026-01-01", "-026-01-01", "2O26-01-01", "2026-0a-01",
		"2026-01-0a", "2026--1-01", "1899-12-31", "2200-01-01",
		"0000-01-01", "9999-12-31", "1900-02-29", "2100-02-29",
		"２026-01-01",
	};
	size_t i;
	cal_day d = 12345;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cal_parse(bad[i], &d), DF_EINVAL);
		assert_int_equal(d, 12345); /* untouched on error */
	}
	/* an embedded NUL ends the string: "2026-01-0" is too short */
	assert_int_equal(cal_parse("2026-01-0\0" "1", &d), DF_EINVAL);
	assert_int_equal(cal_parse(NULL, &d), DF_EINVAL);
	assert_int_equal(cal_parse("2026-01-01", NULL), DF_EINVAL);
	/* the extremes of the range are accepted */
	assert_int_equal(cal_parse("1900-01-01", &d), DF_OK);
	assert_int_equal(cal_parse("2199-12-31", &d), DF_OK);
}

static void test_leap_years(void **state)
{
	cal_day d;

	(void)state;
	assert_int_equal(cal_is_leap_year(2000), 1);
	assert_int_equal(cal_is_leap_year(2024), 1);
	assert_int_equal(cal_is_leap_year(2028), 1);
	assert_int_equal(cal_is_leap_year(1900), 0);
	assert_int_equal(cal_is_leap_year(2100), 0);
	assert_int_equal(cal_is_leap_year(2026), 0);
	assert_int_equal(cal_days_in_month(2000, 2), 29);
	assert_int_equal(cal_days_in_month(2024, 2), 29);
	assert_int_equal(cal_days_in_month(1900, 2), 28);
	assert_int_equal(cal_days_in_month(2026, 2), 28);
	assert_int_equal(cal_days_in_month(2026, 0), 0);
	assert_int_equal(cal_days_in_month(2026, 13), 0);

	assert_int_equal(cal_parse("2000-02-29", &d), DF_OK);
	assert_int_equal(D("2000-03-01") - d, 1);
	assert_int_equal(cal_parse("2024-02-29", &d), DF_OK);
	assert_int_equal(D("2024-03-01") - d, 1);
	assert_int_equal(cal_parse("1900-02-29", &d), DF_EINVAL);
	assert_int_equal(cal_parse("2100-02-29", &d), DF_EINVAL);
	assert_int_equal(D("1900-03-01") - D("1900-02-28"), 1);
	/* year lengths */
	assert_int_equal(D("2001-01-01") - D("2000-01-01"), 366);
	assert_int_equal(D("2025-01-01") - D("2024-01-01"), 366);
	assert_int_equal(D("1901-01-01") - D("1900-01-01"), 365);
	assert_int_equal(D("2027-01-01") - D("2026-01-01"), 365);
}

static void test_weekday_known_dates(void **state)
{
	(void)state;
	assert_int_equal(cal_weekday(D("2026-11-23")), CAL_MONDAY);
	assert_int_equal(cal_weekday(0), CAL_THURSDAY);              /* 1970-01-01 */
	assert_int_equal(cal_weekday(-1), CAL_WEDNESDAY);            /* 1969-12-31 */
	assert_int_equal(cal_weekday(D("1900-01-01")), CAL_MONDAY);
	assert_int_equal(cal_weekday(D("2000-01-01")), CAL_SATURDAY);
	assert_int_equal(cal_weekday(D("1947-08-14")), CAL_THURSDAY);
	assert_int_equal(cal_weekday(D("2026-08-13")), CAL_THURSDAY);
	assert_int_equal(cal_weekday(D("2026-08-14")), CAL_FRIDAY);
	assert_int_equal(cal_weekday(D("2026-08-16")), CAL_SUNDAY);
	assert_int_equal(cal_weekday(D("2026-03-23")), CAL_MONDAY);
	assert_int_equal(cal_weekday(D("2199-12-31")), CAL_TUESDAY);
	assert_int_equal(cal_weekday(INT32_MIN) >= 0, 1);
	assert_int_equal(cal_weekday(INT32_MAX) <= 6, 1);
}

static void test_karachi_day_boundary(void **state)
{
	int64_t utc_19 = (int64_t)cal_from_ymd(2026, 11, 22) * 86400000LL + 19LL * 3600000LL;
	cal_day d;
	uint64_t rng = 0x9E3779B97F4A7C15ULL;
	int i;

	(void)state;
	/* 2026-11-22T19:00:00.000Z is 00:00 on the 23rd in Karachi */
	assert_int_equal(cal_day_of_instant(utc_19), D("2026-11-23"));
	assert_int_equal(cal_day_of_instant(utc_19 - 1), D("2026-11-22"));
	assert_int_equal(cal_start_ms(D("2026-11-23")), utc_19);
	/* 2026-11-23T18:59:59.999Z is still the 23rd */
	assert_int_equal(cal_day_of_instant(utc_19 + 86400000LL - 1), D("2026-11-23"));
	assert_int_equal(cal_day_of_instant(utc_19 + 86400000LL), D("2026-11-24"));
	/* around the epoch and before it */
	assert_int_equal(cal_day_of_instant(0), 0);
	assert_int_equal(cal_day_of_instant(-5LL * 3600000LL), 0);
	assert_int_equal(cal_day_of_instant(-5LL * 3600000LL - 1), -1);
	assert_int_equal(cal_start_ms(0), -5LL * 3600000LL);
	assert_int_equal(cal_day_of_instant(19LL * 3600000LL - 1), 0);
	assert_int_equal(cal_day_of_instant(19LL * 3600000LL), 1);
	/* extreme instants clamp instead of overflowing */
	assert_int_equal(cal_day_of_instant(INT64_MAX), INT32_MAX);
	assert_int_equal(cal_day_of_instant(INT64_MIN), INT32_MIN);
	/* every day's start maps back to it, and a millisecond earlier to the day before */
	for (d = D("1900-01-01"); d <= D("2199-12-31"); d += 97) {
		assert_int_equal(cal_day_of_instant(cal_start_ms(d)), d);
		assert_int_equal(cal_day_of_instant(cal_start_ms(d) - 1), d - 1);
		assert_int_equal(cal_day_of_instant(cal_start_ms(d) + 86400000LL - 1), d);
	}
	/* random instants: local time = UTC + 5 h, then floor to a day */
	for (i = 0; i < 10000; i++) {
		int64_t t = rng_range(&rng, -3000000000000LL, 7000000000000LL);
		int64_t local = t + 5LL * 3600000LL;
		int64_t want = local / 86400000LL - ((local % 86400000LL) < 0 ? 1 : 0);

		assert_int_equal(cal_day_of_instant(t), want);
	}
}

static void test_ymd_helpers(void **state)
{
	int y = 0;
	int m = 0;
	int dd = 0;
	char buf[11];

	(void)state;
	cal_to_ymd(D("2026-11-23"), &y, &m, &dd);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(dd, 23);
	cal_to_ymd(D("2024-02-29"), NULL, &m, NULL);
	assert_int_equal(m, 2);
	cal_to_ymd(-1, &y, &m, &dd);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(dd, 31);
	/* formatting works beyond the parse range, and marks what cannot fit */
	cal_format(cal_from_ymd(1066, 10, 14), buf);
	assert_string_equal(buf, "1066-10-14");
	cal_format(cal_from_ymd(0, 3, 1), buf);
	assert_string_equal(buf, "0000-03-01");
	cal_format(cal_from_ymd(9999, 12, 31), buf);
	assert_string_equal(buf, "9999-12-31");
	cal_format(INT32_MAX, buf);
	assert_string_equal(buf, "XXXX-XX-XX");
	cal_format(INT32_MIN, buf);
	assert_string_equal(buf, "XXXX-XX-XX");
	cal_to_ymd(INT32_MIN, &y, &m, &dd);
	assert_int_equal(cal_from_ymd(y, m, dd), INT32_MIN);
	cal_to_ymd(INT32_MAX, &y, &m, &dd);
	assert_int_equal(cal_from_ymd(y, m, dd), INT32_MAX);
}

/* ---- the holiday set -------------------------------------------------- */

static void test_add_holiday_sorted_and_checked(void **state)
{
	struct calendar c;
	const struct holiday *h;
	char long_name[CAL_NAME_SIZE + 1];
	size_t i;

	(void)state;
	calendar_init(&c);
	assert_int_equal(c.weekend_mask, (1u << 0) | (1u << 6));
	assert_int_equal(c.n, 0);
	assert_null(calendar_holiday(&c, D("2026-08-14")));

	/* out of order insertions come out sorted */
	assert_int_equal(calendar_add_holiday(&c, D("2026-12-25"), "Quaid-e-Azam Day", "pakistan"), DF_OK);
	assert_int_equal(calendar_add_holiday(&c, D("2026-02-05"), "Kashmir Day", "pakistan"), DF_OK);
	assert_int_equal(calendar_add_holiday(&c, D("2026-08-14"), "Independence Day", "pakistan"), DF_OK);
	assert_int_equal(calendar_add_holiday(&c, D("2026-03-02"), "Provincial day", "balochistan"), DF_OK);
	assert_int_equal(c.n, 4);
	for (i = 1; i < c.n; i++)
		assert_true(c.holidays[i - 1].day < c.holidays[i].day);

	h = calendar_holiday(&c, D("2026-08-14"));
	assert_non_null(h);
	assert_string_equal(h->name, "Independence Day");
	assert_string_equal(h->scope, "pakistan");
	h = calendar_holiday(&c, D("2026-03-02"));
	assert_non_null(h);
	assert_string_equal(h->scope, "balochistan");
	assert_null(calendar_holiday(&c, D("2026-08-15")));
	assert_null(calendar_holiday(&c, D("2026-01-01")));
	assert_null(calendar_holiday(&c, D("2027-01-01")));

	/* a second holiday on a day conflicts and changes nothing */
	assert_int_equal(calendar_add_holiday(&c, D("2026-08-14"), "Other", "pakistan"), DF_ECONFLICT);
	assert_string_equal(calendar_holiday(&c, D("2026-08-14"))->name, "Independence Day");
	assert_int_equal(c.n, 4);

	/* bad arguments */
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';                 /* 96 bytes: too long */
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-01"), long_name, "pakistan"), DF_EINVAL);
	long_name[CAL_NAME_SIZE - 1] = '\0';                    /* 95 bytes: fits */
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-01"), long_name, "pakistan"), DF_OK);
	assert_int_equal(strlen(calendar_holiday(&c, D("2026-05-01"))->name), 95);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "", "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "Tab\there", "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "Day", "sindh"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "Day", "Pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), NULL, "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "Day", NULL), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(NULL, D("2026-05-02"), "Day", "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("1900-01-01") - 1, "Day", "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2199-12-31") + 1, "Day", "pakistan"), DF_EINVAL);
	assert_int_equal(calendar_add_holiday(&c, D("2026-05-02"), "Yawm \xD8\xA7", "pakistan"), DF_OK);
	assert_int_equal(c.n, 6);

	calendar_release(&c);
	assert_null(c.holidays);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.cap, 0);
	calendar_release(&c);   /* twice is fine */
	calendar_release(NULL);
}

static void test_holiday_cap(void **state)
{
	struct calendar c;
	cal_day base = D("2000-01-01");
	int i;

	(void)state;
	calendar_init(&c);
	/* insert from the end so that every insertion shifts the array */
	for (i = CAL_MAX_HOLIDAYS - 1; i >= 0; i--)
		assert_int_equal(calendar_add_holiday(&c, base + i, "Day", "pakistan"), DF_OK);
	assert_int_equal(c.n, CAL_MAX_HOLIDAYS);
	assert_int_equal(calendar_add_holiday(&c, base - 1, "Day", "pakistan"), DF_ETOOBIG);
	/* a duplicate is still reported as such */
	assert_int_equal(calendar_add_holiday(&c, base, "Day", "pakistan"), DF_ECONFLICT);
	for (i = 0; i < CAL_MAX_HOLIDAYS; i++)
		assert_int_equal(c.holidays[i].day, base + i);
	assert_non_null(calendar_holiday(&c, base + CAL_MAX_HOLIDAYS - 1));
	assert_null(calendar_holiday(&c, base + CAL_MAX_HOLIDAYS));
	calendar_release(&c);
}

/* ---- working days ----------------------------------------------------- */

static void test_add_working_days_weekend(void **state)
{
	struct calendar c;
	cal_day out = 0;

	(void)state;
	calendar_init(&c);
	/* Friday 2026-11-20 + 1 = Monday 2026-11-23 */
	assert_int_equal(cal_weekday(D("2026-11-20")), CAL_FRIDAY);
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-20"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-23"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-20"), 5, &out), DF_OK);
	assert_int_equal(out, D("2026-11-27"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-23"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-24"));
	/* Saturday and Sunday + 1 = Monday */
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-21"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-23"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-22"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-23"));
	/* n == 0: the day itself if working, else the next working day */
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-20"), 0, &out), DF_OK);
	assert_int_equal(out, D("2026-11-20"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-21"), 0, &out), DF_OK);
	assert_int_equal(out, D("2026-11-23"));
	/* negative n: Monday - 1 = Friday, Saturday - 1 = Friday */
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-23"), -1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-20"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-21"), -1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-20"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-27"), -5, &out), DF_OK);
	assert_int_equal(out, D("2026-11-20"));
	/* a 6-day week (Sunday only): Friday + 1 = Saturday */
	c.weekend_mask = 1u << CAL_SUNDAY;
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-20"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-11-21"));
	/* no weekend at all */
	c.weekend_mask = 0;
	assert_int_equal(calendar_add_working_days(&c, D("2026-11-20"), 3, &out), DF_OK);
	assert_int_equal(out, D("2026-11-23"));
	calendar_release(&c);
}

static void test_add_working_days_holidays(void **state)
{
	struct calendar c;
	cal_day out = 0;

	(void)state;
	load_real(&c);
	/* Thursday 13 Aug 2026 + 1: Friday 14 Aug is Independence Day -> Monday 17 */
	assert_int_equal(cal_weekday(D("2026-08-13")), CAL_THURSDAY);
	assert_int_equal(calendar_add_working_days(&c, D("2026-08-13"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-08-17"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-08-17"), -1, &out), DF_OK);
	assert_int_equal(out, D("2026-08-13"));
	/* given on the holiday itself with 0 days: the next working day */
	assert_int_equal(calendar_add_working_days(&c, D("2026-08-14"), 0, &out), DF_OK);
	assert_int_equal(out, D("2026-08-17"));
	/* Thursday 19 Mar 2026 + 1: Fri 20 Eid holiday, weekend, Mon 23 Pakistan Day -> Tue 24 */
	assert_int_equal(calendar_add_working_days(&c, D("2026-03-19"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-03-24"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-03-24"), -1, &out), DF_OK);
	assert_int_equal(out, D("2026-03-19"));
	/* Tuesday 26 May 2026 + 1: Eid-ul-Azha Wed-Fri (28th also Youm-e-Takbeer) -> Mon 1 June */
	assert_int_equal(calendar_add_working_days(&c, D("2026-05-26"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-06-01"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-05-26"), 2, &out), DF_OK);
	assert_int_equal(out, D("2026-06-02"));
	assert_int_equal(calendar_add_working_days(&c, D("2026-06-01"), -1, &out), DF_OK);
	assert_int_equal(out, D("2026-05-26"));
	/* 10 working days from Thursday 18 Jun 2026 skip Ashura (24-25 Jun) */
	assert_int_equal(calendar_add_working_days(&c, D("2026-06-18"), 10, &out), DF_OK);
	assert_int_equal(out, D("2026-07-06"));
	/* across the year end: Thursday 24 Dec 2026 + 1, 25th is a holiday -> Mon 28 */
	assert_int_equal(calendar_add_working_days(&c, D("2026-12-24"), 1, &out), DF_OK);
	assert_int_equal(out, D("2026-12-28"));
	/* 2025: Thursday 4 Sep + 1: Fri 5 is a Balochistan holiday -> Mon 8 */
	assert_int_equal(calendar_add_working_days(&c, D("2025-09-04"), 1, &out), DF_OK);
	assert_int_equal(out, D("2025-09-08"));
	/* 2025: Friday 28 Mar + 1: Eid-ul-Fitr Mon 31 Mar - Wed 2 Apr -> Thu 3 Apr */
	assert_int_equal(calendar_add_working_days(&c, D("2025-03-28"), 1, &out), DF_OK);
	assert_int_equal(out, D("2025-04-03"));
	calendar_release(&c);
}

static void test_add_working_days_bounds(void **state)
{
	struct calendar c;
	cal_day out = 777;

	(void)state;
	calendar_init(&c);
	/* 2000 working days is about 2800 days: fine; 2700 is about 3780: too far */
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 2000, &out), DF_OK);
	assert_int_equal(calendar_working_days_between(&c, D("2026-01-01"), out), 2000);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), -2000, &out), DF_OK);
	assert_int_equal(calendar_working_days_between(&c, out, D("2026-01-01")), 2000);
	out = 777;
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 2700, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), -2700, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 5000, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), INT_MAX, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), INT_MIN, &out), DF_EINVAL);
	assert_int_equal(out, 777);
	/* a week with no working day never finds one */
	c.weekend_mask = CAL_WEEKEND_ALL;
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 0, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 1, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), -1, &out), DF_EINVAL);
	assert_int_equal(out, 777);
	c.weekend_mask = CAL_WEEKEND_DEFAULT;
	/* days at the edge of cal_day, and NULL arguments */
	assert_int_equal(calendar_add_working_days(&c, INT32_MAX, 1, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, INT32_MIN, -1, &out), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(&c, D("2026-01-01"), 1, NULL), DF_EINVAL);
	assert_int_equal(calendar_add_working_days(NULL, D("2026-01-01"), 1, &out), DF_EINVAL);
	assert_int_equal(out, 777);
	calendar_release(&c);
}

static void test_between_known(void **state)
{
	struct calendar c;

	(void)state;
	load_real(&c);
	assert_int_equal(calendar_working_days_between(&c, D("2026-08-13"), D("2026-08-17")), 1);
	assert_int_equal(calendar_working_days_between(&c, D("2026-08-13"), D("2026-08-14")), 0);
	assert_int_equal(calendar_working_days_between(&c, D("2026-11-20"), D("2026-11-23")), 1);
	assert_int_equal(calendar_working_days_between(&c, D("2026-11-23"), D("2026-11-23")), 0);
	assert_int_equal(calendar_working_days_between(&c, D("2026-11-23"), D("2026-11-20")), 0);
	assert_int_equal(calendar_working_days_between(&c, D("2026-11-22"), D("2026-11-27")), 5);
	/* the whole of 2026: 261 weekdays, 13 holidays on a weekday
	 * (5 Feb, 20 Mar, 23 Mar, 1 May, 27-29 May, 24-25 Jun, 14 Aug, 25 Aug,
	 * 9 Nov, 25 Dec) */
	assert_int_equal(calendar_working_days_between(&c, D("2025-12-31"), D("2026-12-31")), 261 - 13);
	/* 2025: 261 weekdays, 11 holidays on a weekday (5 Feb, 31 Mar - 2 Apr,
	 * 1 May, 28 May, 6 Jun, 9 Jun, 14 Aug, 5 Sep, 25 Dec) */
	assert_int_equal(calendar_working_days_between(&c, D("2024-12-31"), D("2025-12-31")), 261 - 11);
	/* huge intervals are fine and cheap */
	assert_int_equal(calendar_working_days_between(&c, INT32_MIN, INT32_MAX) > 0, 1);
	calendar_release(&c);
	calendar_init(&c);
	c.weekend_mask = 0;
	assert_int_equal(calendar_working_days_between(&c, INT32_MIN, INT32_MAX), 4294967295L);
	c.weekend_mask = CAL_WEEKEND_ALL;
	assert_int_equal(calendar_working_days_between(&c, D("2026-01-01"), D("2026-12-31")), 0);
	assert_int_equal(calendar_working_days_between(NULL, D("2026-01-01"), D("2026-12-31")), 0);
	calendar_release(&c);
}

static void test_between_matches_naive(void **state)
{
	static const unsigned masks[] = {
		CAL_WEEKEND_DEFAULT, 0, 1u << CAL_FRIDAY, 1u << CAL_SUNDAY,
		(1u << CAL_FRIDAY) | (1u << CAL_SATURDAY), 0x55u, CAL_WEEKEND_ALL,
		0xFF80u | CAL_WEEKEND_DEFAULT, /* bits above the week are ignored */
	};
	struct calendar c;
	uint64_t rng = 0xD1B54A32D192ED03ULL;
	cal_day lo = D("2024-12-01");
	cal_day hi = D("2027-12-31");
	size_t k;
	int i;

	(void)state;
	calendar_init(&c);
	{
		int bad = -1;

		assert_int_equal(calendar_load_csv(&c, PK2026, &bad), DF_OK);
	}
	for (k = 0; k < sizeof masks / sizeof masks[0]; k++) {
		int pairs = (k == 0) ? 3000 : 400;

		c.weekend_mask = masks[k];
		for (i = 0; i < pairs; i++) {
			cal_day from = (cal_day)rng_range(&rng, lo, hi);
			cal_day to = (cal_day)rng_range(&rng, lo, hi);

			assert_int_equal(calendar_working_days_between(&c, from, to),
					 naive_between(&c, from, to));
		}
		/* every short interval around the holidays of 2026 */
		for (i = 0; i < 40; i++) {
			cal_day from = D("2026-03-10") + i;
			int len;

			for (len = 0; len < 20; len++)
				assert_int_equal(calendar_working_days_between(&c, from, from + len),
						 naive_between(&c, from, from + len));
		}
	}
	/* with both years loaded too */
	calendar_release(&c);
	load_real(&c);
	for (i = 0; i < 2000; i++) {
		cal_day from = (cal_day)rng_range(&rng, lo, hi);
		cal_day to = (cal_day)rng_range(&rng, lo, hi);

		assert_int_equal(calendar_working_days_between(&c, from, to),
				 naive_between(&c, from, to));
	}
	calendar_release(&c);
}

static void test_between_and_add_agree(void **state)
{
	struct calendar c;
	uint64_t rng = 0x2545F4914F6CDD1DULL;
	int i;

	(void)state;
	load_real(&c);
	for (i = 0; i < 3000; i++) {
		cal_day d = (cal_day)rng_range(&rng, D("2025-01-01"), D("2026-12-31"));
		int n = (int)rng_range(&rng, 1, 60);
		cal_day fwd = 0;
		cal_day back = 0;

		assert_int_equal(calendar_add_working_days(&c, d, n, &fwd), DF_OK);
		assert_int_equal(calendar_is_working_day(&c, fwd), 1);
		assert_int_equal(calendar_add_working_days(&c, d, -n, &back), DF_OK);
		assert_int_equal(calendar_is_working_day(&c, back), 1);
		/* (d, fwd] holds exactly n working days, whatever d is */
		assert_int_equal(calendar_working_days_between(&c, d, fwd), n);
		/* (back, d] holds n working days when d is one, n - 1 otherwise */
		assert_int_equal(calendar_working_days_between(&c, back, d),
				 n - 1 + calendar_is_working_day(&c, d));
	}
	calendar_release(&c);
}

/* ---- holiday CSV files ------------------------------------------------ */

static void test_load_real_files(void **state)
{
	static const char *const required_2026[] = {
		"2026-02-05", "2026-03-23", "2026-03-21", "2026-03-22", "2026-05-01",
		"2026-05-28", "2026-05-27", "2026-05-29", "2026-06-24", "2026-06-25",
		"2026-08-14", "2026-08-25", "2026-11-09", "2026-12-25",
	};
	struct calendar c;
	int bad = -1;
	size_t i;
	int y;
	const struct holiday *h;

	(void)state;
	calendar_init(&c);
	assert_int_equal(calendar_load_csv(&c, PK2026, &bad), DF_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(c.n, 15);
	for (i = 0; i < c.n; i++) {
		cal_to_ymd(c.holidays[i].day, &y, NULL, NULL);
		assert_int_equal(y, 2026);
		assert_string_equal(c.holidays[i].scope, "pakistan");
	}
	for (i = 0; i < sizeof required_2026 / sizeof required_2026[0]; i++)
		assert_non_null(calendar_holiday(&c, D(required_2026[i])));
	h = calendar_holiday(&c, D("2026-08-14"));
	assert_non_null(h);
	assert_string_equal(h->name, "Independence Day");
	h = calendar_holiday(&c, D("2026-12-25"));
	assert_non_null(h);
	assert_string_equal(h->name, "Quaid-e-Azam Day / Christmas");
	assert_int_equal(calendar_is_working_day(&c, D("2026-08-14")), 0);
	assert_int_equal(calendar_is_working_day(&c, D("2026-08-13")), 1);
	assert_int_equal(calendar_is_working_day(&c, D("2026-08-15")), 0); /* Saturday */
	calendar_release(&c);

	calendar_init(&c);
	assert_int_equal(calendar_load_csv(&c, PK2025, &bad), DF_OK);
	assert_int_equal(c.n, 18);
	h = calendar_holiday(&c, D("2025-09-05"));
	assert_non_null(h);
	assert_string_equal(h->scope, "balochistan");
	assert_non_null(calendar_holiday(&c, D("2025-06-07")));
	assert_non_null(calendar_holiday(&c, D("2025-07-06")));
	/* loading the other year adds to it; loading a year twice conflicts */
	assert_int_equal(calendar_load_csv(&c, PK2026, &bad), DF_OK);
	assert_int_equal(c.n, 33);
	assert_int_equal(calendar_load_csv(&c, PK2026, &bad), DF_ECONFLICT);
	assert_true(bad > 1);
	assert_int_equal(c.n, 33);
	calendar_release(&c);
}

static void test_csv_errors_report_line(void **state)
{
	static const struct {
		const char *text;   /* the file */
		int rc;             /* expected result */
		int line;           /* expected *bad_line */
	} cases[] = {
		{ "date,name,scope\n2026-02-30,Bad,pakistan\n", DF_EINVAL, 2 },
		{ "# c\n\ndate,name,scope\n2026-08-14,Ok,pakistan\n2026-13-01,Bad,pakistan\n", DF_EINVAL, 5 },
		{ "date,name,scope\n2026-8-14,Bad,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Bad,sindh\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Bad,\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Bad\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Bad,pakistan,extra\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,\"Unterminated,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,\"Quoted\"x,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Stray\"quote,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,Day,\"pakistan\"\n", DF_EINVAL, 2 },
		{ "date,name,scope\n 2026-08-14x,Day,pakistan\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2199-12-31,Ok,pakistan\n2200-01-01,Bad,pakistan\n", DF_EINVAL, 3 },
		{ "2026-08-14,No header,pakistan\n", DF_EINVAL, 1 },
		{ "# only a comment\n\n", DF_EINVAL, 3 },
		{ "", DF_EINVAL, 1 },
		{ "date,name\n2026-08-14,Day,pakistan\n", DF_EINVAL, 1 },
		{ "date,name,scope\ndate,name,scope\n", DF_EINVAL, 2 },
		{ "date,name,scope\n2026-08-14,A,pakistan\n2026-08-14,B,balochistan\n", DF_ECONFLICT, 3 },
		{ "date,name,scope\n2026-08-14,Ctrl\x01,pakistan\n", DF_EINVAL, 2 },
	};
	struct calendar c;
	size_t i;

	(void)state;
	calendar_init(&c);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int bad = -1;

		assert_int_equal(load_text(&c, cases[i].text, &bad), cases[i].rc);
		assert_int_equal(bad, cases[i].line);
		assert_int_equal(c.n, 0);       /* nothing kept from a bad file */
	}
	/* a NUL byte inside a line */
	{
		static const char text[] = "date,name,scope\n2026-08-14,A\0B,pakistan\n";
		char path[64];
		int bad = -1;

		write_tmp(path, text, sizeof text - 1);
		assert_int_equal(calendar_load_csv(&c, path, &bad), DF_EINVAL);
		assert_int_equal(bad, 2);
		assert_int_equal(unlink(path), 0);
	}
	/* a file that does not exist, and bad arguments */
	{
		int bad = -1;

		assert_int_equal(calendar_load_csv(&c, "data/holidays/no-such-file.csv", &bad), DF_EIO);
		assert_int_equal(bad, 0);
		assert_int_equal(calendar_load_csv(&c, "/", &bad) != DF_OK, 1);
		assert_int_equal(calendar_load_csv(&c, NULL, &bad), DF_EINVAL);
		assert_int_equal(calendar_load_csv(NULL, PK2026, &bad), DF_EINVAL);
		/* bad_line may be NULL */
		assert_int_equal(load_text(&c, "date,name,scope\nbad\n", NULL), DF_EINVAL);
	}
	assert_int_equal(c.n, 0);
	calendar_release(&c);
}

static void test_csv_quoting_and_layout(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF# a comment before the header\r\n"
		"\r\n"
		"  date,name,scope  \r\n"
		"   # an indented comment\r\n"
		"2026-08-14,Independence Day,pakistan\r\n"
		"\t\r\n"
		"2026-12-25 , \"Quaid-e-Azam Day, Christmas\" , pakistan \r\n"
		"2026-03-02,\"Say \"\"hello\"\"\",balochistan\r\n"
		"2026-05-01,\"\",pakistan\r\n";
	static const char text_ok[] =
		"date,name,scope\n"
		"2026-08-14,  Independence Day  ,pakistan\n"
		"2026-12-25,\"Quaid-e-Azam Day, Christmas\",pakistan\n"
		"2026-03-02,\"Say \"\"hello\"\"\",balochistan\n"
		"2026-09-01,\"\"\"\",pakistan\n"
		"2026-09-02,Last line without newline,pakistan";
	struct calendar c;
	int bad = -1;

	(void)state;
	calendar_init(&c);
	/* the empty quoted name on line 9 is an error, reported as such */
	assert_int_equal(load_text(&c, text, &bad), DF_EINVAL);
	assert_int_equal(bad, 9);
	assert_int_equal(c.n, 0);

	assert_int_equal(load_text(&c, text_ok, &bad), DF_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(calendar_holiday(&c, D("2026-08-14"))->name, "Independence Day");
	assert_string_equal(calendar_holiday(&c, D("2026-12-25"))->name, "Quaid-e-Azam Day, Christmas");
	assert_string_equal(calendar_holiday(&c, D("2026-03-02"))->name, "Say \"hello\"");
	assert_string_equal(calendar_holiday(&c, D("2026-03-02"))->scope, "balochistan");
	assert_string_equal(calendar_holiday(&c, D("2026-09-01"))->name, "\"");
	assert_string_equal(calendar_holiday(&c, D("2026-09-02"))->name, "Last line without newline");
	calendar_release(&c);

	/* the CRLF / BOM / comment layout loads once its bad row is gone */
	calendar_init(&c);
	{
		char copy[sizeof text];
		char *cut;

		memcpy(copy, text, sizeof text);
		cut = strstr(copy, "2026-05-01");
		assert_non_null(cut);
		*cut = '\0';
		assert_int_equal(load_text(&c, copy, &bad), DF_OK);
		assert_int_equal(c.n, 3);
		assert_string_equal(calendar_holiday(&c, D("2026-12-25"))->name, "Quaid-e-Azam Day, Christmas");
	}
	calendar_release(&c);
}

static void test_csv_line_length_limit(void **state)
{
	static const char head[] = "date,name,scope\n";
	char text[2048];
	struct calendar c;
	int bad = -1;
	size_t pos;
	size_t i;

	(void)state;
	calendar_init(&c);
	/* a 512-byte comment line is fine, with "\n" or "\r\n" */
	pos = 0;
	memcpy(text, head, sizeof head - 1);
	pos += sizeof head - 1;
	text[pos++] = '#';
	for (i = 1; i < CAL_CSV_LINE_MAX; i++)
		text[pos++] = 'x';
	memcpy(text + pos, "\r\n2026-08-14,Day,pakistan\n", 27);
	assert_int_equal(load_text(&c, text, &bad), DF_OK);
	assert_int_equal(c.n, 1);
	calendar_release(&c);

	/* 513 bytes is one too many, reported on its line (3) */
	calendar_init(&c);
	pos = 0;
	memcpy(text, head, sizeof head - 1);
	pos += sizeof head - 1;
	memcpy(text + pos, "2026-08-13,Ok,pakistan\n", 23);
	pos += 23;
	text[pos++] = '#';
	for (i = 1; i < CAL_CSV_LINE_MAX + 1; i++)
		text[pos++] = 'x';
	memcpy(text + pos, "\n2026-08-14,Day,pakistan\n", 26);
	assert_int_equal(load_text(&c, text, &bad), DF_EINVAL);
	assert_int_equal(bad, 3);
	assert_int_equal(c.n, 0);

	/* a much longer data line (name far over the limit) */
	pos = 0;
	memcpy(text, head, sizeof head - 1);
	pos += sizeof head - 1;
	memcpy(text + pos, "2026-08-14,", 11);
	pos += 11;
	for (i = 0; i < 1500; i++)
		text[pos++] = 'n';
	memcpy(text + pos, ",pakistan\n", 11);
	assert_int_equal(load_text(&c, text, &bad), DF_EINVAL);
	assert_int_equal(bad, 2);
	calendar_release(&c);
}

static void test_csv_all_or_nothing(void **state)
{
	struct calendar c;
	int bad = -1;

	(void)state;
	calendar_init(&c);
	assert_int_equal(calendar_add_holiday(&c, D("2026-06-01"), "Existing", "pakistan"), DF_OK);
	/* three good rows, then a bad one: none of them stays */
	assert_int_equal(load_text(&c,
				   "date,name,scope\n"
				   "2026-01-05,A,pakistan\n"
				   "2026-07-01,B,pakistan\n"
				   "2026-12-30,C,pakistan\n"
				   "2026-12-31,D,nowhere\n", &bad), DF_EINVAL);
	assert_int_equal(bad, 5);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.holidays[0].name, "Existing");
	assert_null(calendar_holiday(&c, D("2026-01-05")));
	/* a row that clashes with a holiday already in the calendar */
	assert_int_equal(load_text(&c,
				   "date,name,scope\n"
				   "2026-01-05,A,pakistan\n"
				   "2026-06-01,Clash,pakistan\n", &bad), DF_ECONFLICT);
	assert_int_equal(bad, 3);
	assert_int_equal(c.n, 1);
	assert_string_equal(calendar_holiday(&c, D("2026-06-01"))->name, "Existing");
	/* and a good file is then taken whole */
	assert_int_equal(load_text(&c,
				   "date,name,scope\n"
				   "2026-01-05,A,pakistan\n"
				   "2026-07-01,B,pakistan\n", &bad), DF_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.holidays[0].day, D("2026-01-05"));
	assert_int_equal(c.holidays[1].day, D("2026-06-01"));
	assert_int_equal(c.holidays[2].day, D("2026-07-01"));
	calendar_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format_round_trip),
		cmocka_unit_test(test_parse_rejects_invalid),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_weekday_known_dates),
		cmocka_unit_test(test_karachi_day_boundary),
		cmocka_unit_test(test_ymd_helpers),
		cmocka_unit_test(test_add_holiday_sorted_and_checked),
		cmocka_unit_test(test_holiday_cap),
		cmocka_unit_test(test_add_working_days_weekend),
		cmocka_unit_test(test_add_working_days_holidays),
		cmocka_unit_test(test_add_working_days_bounds),
		cmocka_unit_test(test_between_known),
		cmocka_unit_test(test_between_matches_naive),
		cmocka_unit_test(test_between_and_add_agree),
		cmocka_unit_test(test_load_real_files),
		cmocka_unit_test(test_csv_errors_report_line),
		cmocka_unit_test(test_csv_quoting_and_layout),
		cmocka_unit_test(test_csv_line_length_limit),
		cmocka_unit_test(test_csv_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
