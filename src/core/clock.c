/*
 * clock.c - wall clock plus an atomic test offset (see clock.h).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include "clock.h"

static _Atomic int64_t offset_ms;
static atomic_int test_mode;

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_ms(void)
{
	return wall_ms() + atomic_load(&offset_ms);
}

void clock_enable_test(void)
{
	atomic_store(&test_mode, 1);
}

int clock_is_test(void)
{
	return atomic_load(&test_mode);
}

int clock_set_ms(int64_t t)
{
	if (!clock_is_test())
		return DF_EDENIED;
	atomic_store(&offset_ms, t - wall_ms());
	return DF_OK;
}

int clock_advance_ms(int64_t d)
{
	if (!clock_is_test())
		return DF_EDENIED;
	if (d < 0)
		return DF_EINVAL;
	atomic_fetch_add(&offset_ms, d);
	return DF_OK;
}

void clock_format_ms(int64_t t, char out[32])
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	/* years outside 0..9999 cannot be written in RFC 3339; clamp */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		tm.tm_year = tm.tm_year < 0 ? -1900 : 9999 - 1900;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
		 (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100, (int)(t % 1000 + 1000) % 1000);
}
