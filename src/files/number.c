/*
 * number.c - file numbers, ageing buckets and time limits (see number.h).
 *
 * A pattern is read left to right by one scanner, scheme_scan, which both
 * files_scheme_check and files_number_format use: a '{' opens a token that
 * runs to the next '}' (a second '{' or the end before it is an unbalanced
 * brace), a lone '}' is an unbalanced brace, and every other byte must be
 * in the literal set.  The pattern is never read past FILES_SCHEME_MAX + 1
 * bytes, so an unterminated or huge string costs nothing.
 *
 * Formatting first validates everything (the scheme, the serial, the year
 * and the values of the tokens the pattern uses), then writes through one
 * bounded append helper that stops at the smaller of outlen and
 * FILES_NUMBER_MAX.  snprintf is used only into fixed local buffers whose
 * size is known to suffice (a 64-bit serial has at most 19 digits).
 *
 * The working-day functions are thin: the calendar already has the right
 * semantics (the n-th working day strictly after a day; the working days in
 * a half-open interval), and here we only refuse negative limits.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "files/number.h"

/* The tokens of a pattern; their bit in a "used" mask is 1 << token. */
enum token {
	TOK_DEPT,
	TOK_UNIT,
	TOK_HEAD,
	TOK_SERIAL,
	TOK_YEAR,
	TOK_YY,
	TOK_COUNT
};

static const char *const token_names[TOK_COUNT] = {
	[TOK_DEPT] = "dept",
	[TOK_UNIT] = "unit",
	[TOK_HEAD] = "head",
	[TOK_SERIAL] = "serial",
	[TOK_YEAR] = "year",
	[TOK_YY] = "yy",
};

/* A byte allowed as literal text in a pattern or inside a value. */
static int literal_ok(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return c == ' ' || c == '(' || c == ')' || c == '/' || c == '-' || c == '.' || c == '_' ||
	       c == ':';
}

/* Write a formatted reason into err when there is room for one. */
__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The token whose name is the n bytes at name, or -1. */
static int token_find(const char *name, size_t n)
{
	int t;

	for (t = 0; t < TOK_COUNT; t++) {
		if (strlen(token_names[t]) == n && memcmp(token_names[t], name, n) == 0)
			return t;
	}
	return -1;
}

/* Report an unknown token, echoing its name only when it is short and
 * plainly printable (a name is at most FILES_SCHEME_MAX - 2 bytes). */
static void err_unknown(char *err, size_t errlen, const char *name, size_t n)
{
	size_t i;

	if (n == 0) {
		set_err(err, errlen, "empty token {}");
		return;
	}
	if (n > 16)
		goto plain;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			goto plain;
	}
	set_err(err, errlen, "unknown token {%.*s}", (int)n, name);
	return;
plain:
	set_err(err, errlen, "unknown token");
}

/* scheme_scan - check pattern and, on DF_OK, set *used to the mask of the
 * tokens it holds.  Reasons go to err as for files_scheme_check. */
static int scheme_scan(const char *pattern, unsigned *used, char *err, size_t errlen)
{
	size_t len;
	size_t i = 0;
	unsigned mask = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (pattern == NULL) {
		set_err(err, errlen, "no pattern");
		return DF_EINVAL;
	}
	len = strnlen(pattern, FILES_SCHEME_MAX + 1);
	if (len == 0) {
		set_err(err, errlen, "the pattern is empty");
		return DF_EINVAL;
	}
	if (len > FILES_SCHEME_MAX) {
		set_err(err, errlen, "the pattern is longer than %d characters", FILES_SCHEME_MAX);
		return DF_EINVAL;
	}
	while (i < len) {
		unsigned char c = (unsigned char)pattern[i];

		if (c == '{') {
			size_t start = i + 1;
			size_t end = start;
			int t;

			while (end < len && pattern[end] != '}' && pattern[end] != '{')
				end++;
			if (end >= len || pattern[end] != '}') {
				set_err(err, errlen, "unbalanced brace");
				return DF_EINVAL;
			}
			t = token_find(pattern + start, end - start);
			if (t < 0) {
				err_unknown(err, errlen, pattern + start, end - start);
				return DF_EINVAL;
			}
			if (mask & (1u << t)) {
				set_err(err, errlen, "{%s} appears more than once", token_names[t]);
				return DF_EINVAL;
			}
			mask |= 1u << t;
			i = end + 1;
			continue;
		}
		if (c == '}') {
			set_err(err, errlen, "unbalanced brace");
			return DF_EINVAL;
		}
		if (!literal_ok(c)) {
			if (c > 0x20 && c < 0x7f)
				set_err(err, errlen, "character '%c' is not allowed", c);
			else
				set_err(err, errlen, "byte 0x%02x is not allowed", (unsigned)c);
			return DF_EINVAL;
		}
		i++;
	}
	if ((mask & (1u << TOK_SERIAL)) == 0) {
		set_err(err, errlen, "the pattern needs {serial}");
		return DF_EINVAL;
	}
	if (used != NULL)
		*used = mask;
	return DF_OK;
}

int files_scheme_check(const char *pattern, char *err, size_t errlen)
{
	return scheme_scan(pattern, NULL, err, errlen);
}

/* A value for {dept}, {unit} or {head}: 1..FILES_VALUE_MAX literal bytes. */
static int value_ok(const char *v)
{
	size_t n;
	size_t i;

	if (v == NULL)
		return 0;
	n = strnlen(v, FILES_VALUE_MAX + 1);
	if (n == 0 || n > FILES_VALUE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!literal_ok((unsigned char)v[i]))
			return 0;
	}
	return 1;
}

/* Append the n bytes at s to out (holding *len bytes, cap bytes in all,
 * NUL included); DF_ETOOBIG when they and a NUL would not fit. */
static int append(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (n >= cap - *len)
		return DF_ETOOBIG;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return DF_OK;
}

/* The text of token t for in, in buf (of size bufsz, enough for 20 digits
 * and a NUL); returns the text (buf or one of in's strings). */
static const char *token_text(int t, const struct files_number_in *in, char *buf, size_t bufsz)
{
	switch (t) {
	case TOK_DEPT:
		return in->dept;
	case TOK_UNIT:
		return in->unit;
	case TOK_HEAD:
		return in->head;
	case TOK_SERIAL:
		(void)snprintf(buf, bufsz, "%" PRId64, in->serial);
		return buf;
	case TOK_YEAR:
		(void)snprintf(buf, bufsz, "%04d", in->year);
		return buf;
	case TOK_YY:
		(void)snprintf(buf, bufsz, "%02d", in->year % 100);
		return buf;
	default:
		buf[0] = '\0';
		return buf;
	}
}

/* Validate in against the tokens in used. */
static int inputs_ok(const struct files_number_in *in, unsigned used)
{
	if (in->serial < 1)
		return 0;
	if (in->year < FILES_YEAR_MIN || in->year > FILES_YEAR_MAX)
		return 0;
	if ((used & (1u << TOK_DEPT)) && !value_ok(in->dept))
		return 0;
	if ((used & (1u << TOK_UNIT)) && !value_ok(in->unit))
		return 0;
	if ((used & (1u << TOK_HEAD)) && !value_ok(in->head))
		return 0;
	return 1;
}

/* Write the number; pattern and in are already valid. */
static int expand(const char *pattern, const struct files_number_in *in, char *out, size_t cap)
{
	size_t len = 0;
	size_t i = 0;
	int rc;

	out[0] = '\0';
	while (pattern[i] != '\0') {
		if (pattern[i] == '{') {
			const char *close = strchr(pattern + i, '}');
			char buf[24];
			const char *text;
			int t;

			if (close == NULL)
				return DF_EINTERNAL; /* scheme_scan said it was balanced */
			t = token_find(pattern + i + 1, (size_t)(close - pattern) - i - 1);
			if (t < 0)
				return DF_EINTERNAL;
			text = token_text(t, in, buf, sizeof buf);
			rc = append(out, cap, &len, text, strlen(text));
			if (rc != DF_OK)
				return rc;
			i = (size_t)(close - pattern) + 1;
		} else {
			rc = append(out, cap, &len, pattern + i, 1);
			if (rc != DF_OK)
				return rc;
			i++;
		}
	}
	return DF_OK;
}

int files_number_format(const char *pattern, const struct files_number_in *in, char *out, size_t outlen)
{
	unsigned used = 0;
	size_t cap;
	int rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (out == NULL || in == NULL)
		return DF_EINVAL;
	if (scheme_scan(pattern, &used, NULL, 0) != DF_OK)
		return DF_EINVAL;
	if (!inputs_ok(in, used))
		return DF_EINVAL;
	cap = outlen < FILES_NUMBER_MAX ? outlen : FILES_NUMBER_MAX;
	if (cap == 0)
		return DF_ETOOBIG;
	rc = expand(pattern, in, out, cap);
	if (rc != DF_OK)
		out[0] = '\0';
	return rc;
}

/* ---- ageing, priorities, limits ---------------------------------------- */

enum files_age files_age_bucket(long working_days)
{
	if (working_days <= 3)
		return FILES_AGE_0_3;
	if (working_days <= 7)
		return FILES_AGE_4_7;
	if (working_days <= 15)
		return FILES_AGE_8_15;
	if (working_days <= 30)
		return FILES_AGE_16_30;
	return FILES_AGE_OVER_30;
}

const char *files_age_name(enum files_age a)
{
	static const char *const names[FILES_AGE_COUNT] = {
		[FILES_AGE_0_3] = "0-3",
		[FILES_AGE_4_7] = "4-7",
		[FILES_AGE_8_15] = "8-15",
		[FILES_AGE_16_30] = "16-30",
		[FILES_AGE_OVER_30] = ">30",
	};

	if ((int)a < 0 || (int)a >= FILES_AGE_COUNT)
		return NULL;
	return names[a];
}

static const char *const priority_names[FILES_PRIORITY_COUNT] = {
	[FILES_ROUTINE] = "routine",
	[FILES_PRIORITY] = "priority",
	[FILES_IMMEDIATE] = "immediate",
	[FILES_TOP_PRIORITY] = "top_priority",
};

const char *files_priority_name(enum files_priority p)
{
	if ((int)p < 0 || (int)p >= FILES_PRIORITY_COUNT)
		return NULL;
	return priority_names[p];
}

int files_priority_parse(const char *s)
{
	int p;

	if (s == NULL)
		return -1;
	for (p = 0; p < FILES_PRIORITY_COUNT; p++) {
		if (strcmp(s, priority_names[p]) == 0)
			return p;
	}
	return -1;
}

int files_stage_limit_days(enum files_priority p)
{
	static const int days[FILES_PRIORITY_COUNT] = {
		[FILES_ROUTINE] = 7,
		[FILES_PRIORITY] = 3,
		[FILES_IMMEDIATE] = 1,
		[FILES_TOP_PRIORITY] = 1,
	};

	if ((int)p < 0 || (int)p >= FILES_PRIORITY_COUNT)
		return -1;
	return days[p];
}

/* ---- working days ------------------------------------------------------- */

int files_due_day(const struct calendar *cal, cal_day from, int working_days, cal_day *out)
{
	if (cal == NULL || out == NULL || working_days < 0)
		return DF_EINVAL;
	return calendar_add_working_days(cal, from, working_days, out);
}

long files_pending_days(const struct calendar *cal, cal_day since, cal_day asof)
{
	if (cal == NULL || asof <= since)
		return 0;
	return calendar_working_days_between(cal, since, asof);
}
