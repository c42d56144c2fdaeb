/*
 * calendar.c - calendar days in Asia/Karachi and working-day arithmetic.
 *
 * Days are counted from 1970-01-01 in the proleptic Gregorian calendar and
 * converted to and from year/month/day with Howard Hinnant's era-based
 * algorithms (days_from_civil / civil_from_days), which need no tables and
 * are exact for every day an int32 can hold.  Asia/Karachi is a fixed
 * UTC+05:00, so instant <-> day is a floor division with an offset; no
 * time-zone database is consulted.
 *
 * A working calendar keeps its holidays in one sorted array so that lookups
 * are binary searches and counting working days over an interval is whole
 * weeks times working days per week, a short remainder, minus the holidays
 * that fall inside the interval on a weekday that would otherwise be
 * worked.  The holiday CSV loader is all-or-nothing: it snapshots the
 * array first and restores it on any error.
 *
 * See calendar.h for the contract of every public function.
 */
#include "calendar.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- calendar days ---------------------------------------------------- */

/* Floor division for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) < 0)
		q -= 1;
	return q;
}

/* Days since 1970-01-01 of y-m-d (Hinnant's days_from_civil), in 64 bits.
 * Months outside 1..12 give some day, never undefined behaviour. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era;
	int64_t yoe;
	int64_t mp;
	int64_t doy;
	int64_t doe;

	if (m <= 2)
		y -= 1;
	era = floor_div(y, 400);
	yoe = y - era * 400;                  /* [0, 399] */
	mp = (m > 2) ? m - 3 : m + 9;         /* March = 0 .. February = 11 */
	doy = (153 * mp + 2) / 5 + d - 1;     /* day of the March-based year */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Year, month, day of z days since 1970-01-01 (Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era;
	int64_t doe;
	int64_t yoe;
	int64_t doy;
	int64_t mp;
	int64_t mm;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;                                        /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* [0, 365] */
	mp = (5 * doy + 2) / 153;                                      /* [0, 11] */
	mm = (mp < 10) ? mp + 3 : mp - 9;                              /* [1, 12] */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);                      /* [1, 31] */
	*m = (int)mm;
	*y = yoe + era * 400 + (mm <= 2 ? 1 : 0);
}

int cal_is_leap_year(int y)
{
	if (y % 4 != 0)
		return 0;
	if (y % 100 != 0)
		return 1;
	return (y % 400 == 0) ? 1 : 0;
}

int cal_days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && cal_is_leap_year(y))
		return 29;
	return len[m - 1];
}

cal_day cal_from_ymd(int y, int m, int dd)
{
	return (cal_day)days_from_civil(y, m, dd);
}

void cal_to_ymd(cal_day d, int *y, int *m, int *dd)
{
	int64_t yy;
	int mm;
	int day;

	civil_from_days(d, &yy, &mm, &day);
	if (y != NULL)
		*y = (int)yy;
	if (m != NULL)
		*m = mm;
	if (dd != NULL)
		*dd = day;
}

/* Weekday (0 = Sunday) of a day given in 64 bits; 1970-01-01 was a Thursday. */
static int weekday64(int64_t d)
{
	int64_t w = (d % 7 + 7 + CAL_THURSDAY) % 7;

	return (int)w;
}

int cal_weekday(cal_day d)
{
	return weekday64(d);
}

/* Value of n ASCII digits at s, or -1 if any is not a digit. */
static int parse_digits(const char *s, int n)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int cal_parse(const char *s, cal_day *out)
{
	int y;
	int m;
	int d;
	int i;

	if (s == NULL || out == NULL)
		return DF_EINVAL;
	/* Exactly 10 bytes: look at no byte past a NUL. */
	for (i = 0; i < 10; i++) {
		if (s[i] == '\0')
			return DF_EINVAL;
	}
	if (s[10] != '\0' || s[4] != '-' || s[7] != '-')
		return DF_EINVAL;
	y = parse_digits(s, 4);
	m = parse_digits(s + 5, 2);
	d = parse_digits(s + 8, 2);
	if (y < CAL_YEAR_MIN || y > CAL_YEAR_MAX)
		return DF_EINVAL;
	if (m < 1 || m > 12)
		return DF_EINVAL;
	if (d < 1 || d > cal_days_in_month(y, m))
		return DF_EINVAL;
	*out = cal_from_ymd(y, m, d);
	return DF_OK;
}

/* Write v (0 <= v < 10^n) as n decimal digits at out. */
static void put_digits(char *out, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void cal_format(cal_day d, char out[11])
{
	int64_t y;
	int m;
	int dd;

	civil_from_days(d, &y, &m, &dd);
	if (y < 0 || y > 9999) {
		memcpy(out, "XXXX-XX-XX", 11);
		return;
	}
	put_digits(out, (int)y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, dd, 2);
	out[10] = '\0';
}

cal_day cal_day_of_instant(int64_t epoch_ms)
{
	/* floor((epoch_ms + offset) / day) without overflowing epoch_ms + offset */
	int64_t q = epoch_ms / CAL_DAY_MS;
	int64_t r = epoch_ms % CAL_DAY_MS;

	if (r < 0) {
		r += CAL_DAY_MS;
		q -= 1;
	}
	if (r >= CAL_DAY_MS - CAL_TZ_OFFSET_MS)
		q += 1;
	if (q > INT32_MAX)
		return INT32_MAX;
	if (q < INT32_MIN)
		return INT32_MIN;
	return (cal_day)q;
}

int64_t cal_start_ms(cal_day d)
{
	return (int64_t)d * CAL_DAY_MS - CAL_TZ_OFFSET_MS;
}

/* ---- working calendar ------------------------------------------------- */

void calendar_init(struct calendar *c)
{
	if (c == NULL)
		return;
	c->weekend_mask = CAL_WEEKEND_DEFAULT;
	c->holidays = NULL;
	c->n = 0;
	c->cap = 0;
}

void calendar_release(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->holidays);
	calendar_init(c);
}

/* Index of the first holiday whose day is > x (c->n if none). */
static size_t first_after(const struct calendar *c, int64_t x)
{
	size_t lo = 0;
	size_t hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((int64_t)c->holidays[mid].day <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first holiday whose day is >= d (c->n if none). */
static size_t first_at_or_after(const struct calendar *c, cal_day d)
{
	return first_after(c, (int64_t)d - 1);
}

const struct holiday *calendar_holiday(const struct calendar *c, cal_day d)
{
	size_t i;

	if (c == NULL || c->n == 0)
		return NULL;
	i = first_at_or_after(c, d);
	if (i < c->n && c->holidays[i].day == d)
		return &c->holidays[i];
	return NULL;
}

int calendar_is_working_day(const struct calendar *c, cal_day d)
{
	if (c == NULL)
		return 0;
	if ((c->weekend_mask & (1u << cal_weekday(d))) != 0)
		return 0;
	return calendar_holiday(c, d) == NULL ? 1 : 0;
}

/* 1 if name is 1..CAL_NAME_SIZE-1 bytes with no ASCII control character. */
static int valid_name(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (i >= CAL_NAME_SIZE - 1)
			return 0;
		if (ch < 0x20 || ch == 0x7F)
			return 0;
	}
	return i > 0;
}

/* 1 if scope is one of the known scopes. */
static int valid_scope(const char *scope)
{
	return strcmp(scope, "pakistan") == 0 || strcmp(scope, "balochistan") == 0;
}

int calendar_add_holiday(struct calendar *c, cal_day d, const char *name,
			 const char *scope)
{
	size_t i;
	struct holiday *h;

	if (c == NULL || name == NULL || scope == NULL)
		return DF_EINVAL;
	if (!valid_name(name) || !valid_scope(scope))
		return DF_EINVAL;
	if (d < cal_from_ymd(CAL_YEAR_MIN, 1, 1) || d > cal_from_ymd(CAL_YEAR_MAX, 12, 31))
		return DF_EINVAL;
	i = first_at_or_after(c, d);
	if (i < c->n && c->holidays[i].day == d)
		return DF_ECONFLICT;
	if (c->n >= CAL_MAX_HOLIDAYS)
		return DF_ETOOBIG;
	if (c->n == c->cap) {
		size_t ncap = (c->cap == 0) ? 32 : c->cap * 2;
		struct holiday *grown;

		if (ncap > CAL_MAX_HOLIDAYS)
			ncap = CAL_MAX_HOLIDAYS;
		grown = realloc(c->holidays, ncap * sizeof *grown);
		if (grown == NULL)
			return DF_ENOMEM;
		c->holidays = grown;
		c->cap = ncap;
	}
	memmove(&c->holidays[i + 1], &c->holidays[i], (c->n - i) * sizeof c->holidays[0]);
	h = &c->holidays[i];
	memset(h, 0, sizeof *h);
	h->day = d;
	memcpy(h->name, name, strlen(name) + 1);
	memcpy(h->scope, scope, strlen(scope) + 1);
	c->n++;
	return DF_OK;
}

int calendar_add_working_days(const struct calendar *c, cal_day d, int n,
			      cal_day *out)
{
	int64_t step;
	int64_t remaining;
	int64_t k;

	if (c == NULL || out == NULL)
		return DF_EINVAL;
	if (n > CAL_MAX_SCAN_DAYS || n < -CAL_MAX_SCAN_DAYS)
		return DF_EINVAL;
	/* keep d +- CAL_MAX_SCAN_DAYS inside cal_day */
	if (d > INT32_MAX - CAL_MAX_SCAN_DAYS || d < INT32_MIN + CAL_MAX_SCAN_DAYS)
		return DF_EINVAL;
	if (n == 0) {
		for (k = 0; k < CAL_MAX_SCAN_DAYS; k++) {
			cal_day x = (cal_day)(d + k);

			if (calendar_is_working_day(c, x)) {
				*out = x;
				return DF_OK;
			}
		}
		return DF_EINVAL;
	}
	step = (n > 0) ? 1 : -1;
	remaining = (n > 0) ? n : -(int64_t)n;
	for (k = 1; k <= CAL_MAX_SCAN_DAYS; k++) {
		cal_day x = (cal_day)(d + step * k);

		if (calendar_is_working_day(c, x)) {
			remaining--;
			if (remaining == 0) {
				*out = x;
				return DF_OK;
			}
		}
	}
	return DF_EINVAL;
}

long calendar_working_days_between(const struct calendar *c, cal_day from,
				   cal_day to)
{
	unsigned mask;
	int64_t total;
	int64_t count;
	int64_t rem;
	int per_week = 0;
	int wd;
	int i;
	size_t lo;
	size_t hi;
	size_t h;

	if (c == NULL || to <= from)
		return 0;
	mask = c->weekend_mask & CAL_WEEKEND_ALL;
	for (i = 0; i < 7; i++) {
		if ((mask & (1u << i)) == 0)
			per_week++;
	}
	total = (int64_t)to - (int64_t)from;          /* days in (from, to] */
	count = (total / 7) * per_week;               /* whole weeks */
	rem = total % 7;                              /* the last rem days: to-rem+1 .. to */
	wd = weekday64((int64_t)to - rem + 1);
	for (i = 0; i < rem; i++) {
		if ((mask & (1u << wd)) == 0)
			count++;
		wd = (wd + 1) % 7;
	}
	lo = first_after(c, from);
	hi = first_after(c, to);
	for (h = lo; h < hi; h++) {
		if ((mask & (1u << cal_weekday(c->holidays[h].day))) == 0)
			count--;
	}
	return (long)count;
}

/* ---- holiday CSV ------------------------------------------------------ */

/* What read_line found. */
enum line_status {
	LINE_OK,       /* a line is in the buffer */
	LINE_EOF,      /* end of file, nothing read */
	LINE_TOO_LONG, /* longer than CAL_CSV_LINE_MAX */
	LINE_NUL,      /* contains a NUL byte */
	LINE_IOERR,    /* the stream failed */
};

/* Read one line (without "\n" / "\r\n") into buf, which has room for
 * CAL_CSV_LINE_MAX + 2 bytes; *len gets its length.  Stops at the first
 * problem without reading the rest of the line. */
static enum line_status read_line(FILE *f, char *buf, size_t *len)
{
	size_t n = 0;
	int ch;
	int any = 0;

	for (;;) {
		ch = getc(f);
		if (ch == EOF) {
			if (ferror(f))
				return LINE_IOERR;
			if (!any)
				return LINE_EOF;
			break;
		}
		any = 1;
		if (ch == '\n')
			break;
		if (ch == '\0')
			return LINE_NUL;
		/* room for CAL_CSV_LINE_MAX bytes plus a '\r' to strip */
		if (n >= CAL_CSV_LINE_MAX + 1)
			return LINE_TOO_LONG;
		buf[n++] = (char)ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > CAL_CSV_LINE_MAX)
		return LINE_TOO_LONG;
	buf[n] = '\0';
	*len = n;
	return LINE_OK;
}

/* 1 for a space or a tab. */
static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* p past any spaces and tabs. */
static const char *skip_blanks(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* Length of [s, end) without trailing spaces and tabs. */
static size_t trimmed_len(const char *s, const char *end)
{
	while (end > s && is_blank(end[-1]))
		end--;
	return (size_t)(end - s);
}

/* One parsed data row. */
struct csv_row {
	cal_day day;                 /* the date field */
	char name[CAL_NAME_SIZE];    /* the name field, unquoted */
	char scope[CAL_SCOPE_SIZE];  /* the scope field */
};

/* Parse `date,name,scope` from the NUL-terminated line into row. */
static int parse_row(const char *line, struct csv_row *row)
{
	const char *p = skip_blanks(line);
	const char *start;
	char date[11];
	size_t len;
	size_t nlen = 0;

	/* date */
	start = p;
	while (*p != '\0' && *p != ',')
		p++;
	if (*p != ',')
		return DF_EINVAL;
	len = trimmed_len(start, p);
	if (len != 10)
		return DF_EINVAL;
	memcpy(date, start, 10);
	date[10] = '\0';
	if (cal_parse(date, &row->day) != DF_OK)
		return DF_EINVAL;
	p = skip_blanks(p + 1);

	/* name: quoted with "" escapes, or bare */
	if (*p == '"') {
		p++;
		for (;;) {
			if (*p == '\0')
				return DF_EINVAL;           /* unterminated quote */
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;                        /* "" -> one quote */
			}
			if (nlen >= CAL_NAME_SIZE - 1)
				return DF_EINVAL;
			row->name[nlen++] = *p;
			p++;
		}
		p = skip_blanks(p + 1);             /* past the closing quote */
		if (*p != ',')
			return DF_EINVAL;
	} else {
		start = p;
		while (*p != '\0' && *p != ',' && *p != '"')
			p++;
		if (*p != ',')
			return DF_EINVAL;           /* end of line or a stray quote */
		nlen = trimmed_len(start, p);
		if (nlen >= CAL_NAME_SIZE)
			return DF_EINVAL;
		memcpy(row->name, start, nlen);
	}
	row->name[nlen] = '\0';
	p = skip_blanks(p + 1);

	/* scope: the rest of the line, a single bare field */
	start = p;
	while (*p != '\0' && *p != ',' && *p != '"')
		p++;
	if (*p != '\0')
		return DF_EINVAL;                   /* a fourth field or a quote */
	len = trimmed_len(start, p);
	if (len >= CAL_SCOPE_SIZE)
		return DF_EINVAL;
	memcpy(row->scope, start, len);
	row->scope[len] = '\0';
	if (!valid_name(row->name) || !valid_scope(row->scope))
		return DF_EINVAL;
	return DF_OK;
}

/* 1 if the line is blank or a '#' comment. */
static int is_ignorable(const char *line)
{
	const char *p = skip_blanks(line);

	return *p == '\0' || *p == '#';
}

/* 1 if the line is the header `date,name,scope` (blanks around it allowed). */
static int is_header(const char *line)
{
	static const char header[] = "date,name,scope";
	const char *p = skip_blanks(line);
	size_t len = trimmed_len(p, p + strlen(p));

	return len == sizeof header - 1 && memcmp(p, header, len) == 0;
}

/* Read every row of f into c; *bad_line gets the line of the first error. */
static int load_rows(struct calendar *c, FILE *f, int *bad_line)
{
	char buf[CAL_CSV_LINE_MAX + 2];
	int lineno = 0;
	int have_header = 0;
	size_t len = 0;

	for (;;) {
		enum line_status st = read_line(f, buf, &len);
		const char *line = buf;
		struct csv_row row;
		int rc;

		if (st == LINE_EOF)
			break;
		if (lineno == INT_MAX) {
			*bad_line = lineno;
			return DF_ETOOBIG;
		}
		lineno++;
		if (st == LINE_IOERR) {
			*bad_line = lineno;
			return DF_EIO;
		}
		if (st != LINE_OK) {
			*bad_line = lineno;
			return DF_EINVAL;
		}
		if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			line += 3;                  /* UTF-8 byte order mark */
		if (is_ignorable(line))
			continue;
		if (!have_header) {
			if (!is_header(line)) {
				*bad_line = lineno;
				return DF_EINVAL;
			}
			have_header = 1;
			continue;
		}
		memset(&row, 0, sizeof row);
		rc = parse_row(line, &row);
		if (rc == DF_OK)
			rc = calendar_add_holiday(c, row.day, row.name, row.scope);
		if (rc != DF_OK) {
			*bad_line = lineno;
			return rc;
		}
	}
	if (!have_header) {
		*bad_line = lineno + 1;
		return DF_EINVAL;
	}
	return DF_OK;
}

int calendar_load_csv(struct calendar *c, const char *path, int *bad_line)
{
	int dummy = 0;
	int *bad = (bad_line != NULL) ? bad_line : &dummy;
	struct holiday *saved = NULL;
	size_t saved_n;
	FILE *f;
	int rc;

	*bad = 0;
	if (c == NULL || path == NULL)
		return DF_EINVAL;
	saved_n = c->n;
	if (saved_n > 0) {
		saved = malloc(saved_n * sizeof *saved);
		if (saved == NULL)
			return DF_ENOMEM;
		memcpy(saved, c->holidays, saved_n * sizeof *saved);
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		free(saved);
		return DF_EIO;
	}
	rc = load_rows(c, f, bad);
	if (fclose(f) != 0 && rc == DF_OK)
		rc = DF_EIO;
	if (rc != DF_OK) {
		/* all or nothing: put the holidays back as they were */
		if (saved_n > 0)
			memcpy(c->holidays, saved, saved_n * sizeof *saved);
		c->n = saved_n;
	}
	free(saved);
	return rc;
}
