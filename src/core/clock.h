/*
 * clock.h - the one clock every part of daftar reads time from.
 *
 * In production clock_now_ms() is the wall clock.  A server started with the
 * test option (`serve --test-clock`) may have its clock set or advanced over
 * the API (POST /api/v1/test/clock); the offset applies to every reader at
 * once.  The option cannot be switched on after start, and /healthz reports it.
 */
#ifndef DF_CLOCK_H
#define DF_CLOCK_H

#include <stdint.h>
#include "result.h"

/* clock_now_ms - UTC epoch milliseconds, including any test offset. */
int64_t clock_now_ms(void);
/* clock_enable_test - allow clock_set/clock_advance (called once at start). */
void clock_enable_test(void);
/* clock_is_test - 1 if the test clock is enabled. */
int clock_is_test(void);
/* clock_set_ms - make clock_now_ms() return t now (DF_EDENIED without test mode). */
int clock_set_ms(int64_t t) DF_WUR;
/* clock_advance_ms - move the clock forward by d ms (d >= 0). */
int clock_advance_ms(int64_t d) DF_WUR;
/* clock_format_ms - RFC 3339 UTC text "2026-11-23T07:01:02.123Z" (at least 25 bytes; 32 reserved). */
void clock_format_ms(int64_t t, char out[32]);

#endif
