/*
 * sheet.c - report tables rendered as CSV or XLSX (see sheet.h).
 *
 * The cells of a sheet are one array, row by row; the text of column names
 * and text cells lives in one capped struct buf (each string NUL-terminated,
 * cells keep its offset, so the store may move when it grows).  CSV is
 * written here (RFC 4180 is a page); XLSX is libxlsxwriter's, in its
 * constant-memory mode (rows streamed to its own unlinked temporary files),
 * writing to a private temporary file that is read back and unlinked.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "http.h"
#include "log.h"
#include "sheet.h"

struct sheet_cell {
	union {
		int64_t i;      /* SHEET_INT */
		double num;     /* SHEET_RATE, SHEET_NUM */
		uint32_t text;  /* SHEET_TEXT: offset of the NUL-terminated text in sheet.text */
	} v;
	uint32_t text_len;      /* SHEET_TEXT: its length in bytes */
	int set;                /* 0: the cell is NULL */
};

#define SHEET_WIDTH_MIN 8   /* XLSX column widths, in characters */
#define SHEET_WIDTH_MAX 60
#define SHEET_FILENAME_MAX 100

static const char csv_type[] = "text/csv; charset=utf-8";
static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* ---- UTF-8 ------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at p (n bytes left), 1..4,
 * or 0 when it is not one (RFC 3629: no overlongs, surrogates or values
 * past U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		lo = p[0] == 0xE0 ? 0xA0 : 0x80;
		hi = p[0] == 0xED ? 0x9F : 0xBF;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		lo = p[0] == 0xF0 ? 0x90 : 0x80;
		hi = p[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Characters (code points) of valid UTF-8: the bytes that do not continue one. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, chars = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			chars++;
	return chars;
}

/* ---- building ------------------------------------------------------------ */

/* Copy src into title: see sheet_init. */
static void title_set(char *title, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t n, i = 0, o = 0, chars = 0, k;

	while (*p == '\'')
		p++;
	n = strlen((const char *)p);
	while (i < n && chars < SHEET_TITLE_MAX) {
		k = utf8_seq(p + i, n - i);
		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7F || strchr("[]:*?/\\", p[i])))) {
			title[o++] = '_';
			i += k ? k : 1;
		} else {
			memcpy(title + o, p + i, k);
			o += k;
			i += k;
		}
		chars++;
	}
	while (o > 0 && title[o - 1] == '\'')
		o--;
	title[o] = '\0';
	if (o == 0)
		snprintf(title, size, "Sheet1");
	else if (strcasecmp(title, "History") == 0)
		snprintf(title, size, "History_");
}

void sheet_init(struct sheet *s, const char *title)
{
	title_set(s->title, sizeof s->title, title);
	s->ncols = 0;
	s->nrows = 0;
	s->cells = NULL;
	s->cells_cap = 0;
	buf_init(&s->text, SHEET_TEXT_TOTAL_MAX);
}

void sheet_release(struct sheet *s)
{
	free(s->cells);
	s->cells = NULL;
	s->cells_cap = 0;
	s->ncols = 0;
	s->nrows = 0;
	buf_release(&s->text);
}

/* Keep text (checked) in the sheet's text store: its offset and length. */
static int text_put(struct sheet *s, const char *text, uint32_t *off, uint32_t *len)
{
	size_t n = strnlen(text, SHEET_TEXT_MAX + 1);
	size_t at = s->text.len;
	int rc;

	if (n > SHEET_TEXT_MAX)
		return DF_ETOOBIG;
	if (!utf8_valid(text, n))
		return DF_EINVAL;
	rc = buf_add(&s->text, text, n + 1); /* with its NUL: the next text follows it */
	if (rc != DF_OK)
		return rc;
	*off = (uint32_t)at;
	*len = (uint32_t)n;
	return DF_OK;
}

static const char *text_at(const struct sheet *s, uint32_t off)
{
	return s->text.ptr + off;
}

int sheet_add_column(struct sheet *s, const char *name, enum sheet_type type)
{
	struct sheet_column *c;
	int rc;

	if (s->nrows > 0 || (unsigned)type > SHEET_NUM || !name)
		return DF_EINVAL;
	if (s->ncols >= SHEET_MAX_COLS)
		return DF_ETOOBIG;
	c = &s->cols[s->ncols];
	rc = text_put(s, name, &c->name, &c->name_len);
	if (rc != DF_OK)
		return rc;
	c->type = type;
	s->ncols++;
	return DF_OK;
}

int sheet_add_row(struct sheet *s)
{
	size_t need, cap;
	struct sheet_cell *p;

	if (s->ncols == 0)
		return DF_EINVAL;
	if (s->nrows >= SHEET_MAX_ROWS || (s->nrows + 1) * s->ncols > SHEET_MAX_CELLS)
		return DF_ETOOBIG;
	need = (s->nrows + 1) * s->ncols;
	if (need > s->cells_cap) {
		cap = s->cells_cap ? s->cells_cap * 2 : (size_t)s->ncols * 64;
		if (cap > SHEET_MAX_CELLS)
			cap = SHEET_MAX_CELLS;
		p = realloc(s->cells, cap * sizeof *p);
		if (!p)
			return DF_ENOMEM;
		s->cells = p;
		s->cells_cap = cap;
	}
	memset(&s->cells[s->nrows * s->ncols], 0, s->ncols * sizeof *s->cells);
	s->nrows++;
	return DF_OK;
}

/* The cell col of the last row, if that column is of type want (or want
 * is -1: any type). */
static int last_cell(struct sheet *s, unsigned col, int want, struct sheet_cell **out)
{
	if (s->nrows == 0 || col >= s->ncols)
		return DF_EINVAL;
	if (want >= 0 && (int)s->cols[col].type != want)
		return DF_EINVAL;
	*out = &s->cells[(s->nrows - 1) * s->ncols + col];
	return DF_OK;
}

int sheet_set_null(struct sheet *s, unsigned col)
{
	struct sheet_cell *c;
	int rc = last_cell(s, col, -1, &c);

	if (rc != DF_OK)
		return rc;
	memset(c, 0, sizeof *c);
	return DF_OK;
}

int sheet_set_text(struct sheet *s, unsigned col, const char *text)
{
	struct sheet_cell *c;
	uint32_t off, len;
	int rc = last_cell(s, col, SHEET_TEXT, &c);

	if (rc != DF_OK)
		return rc;
	if (!text)
		return sheet_set_null(s, col);
	rc = text_put(s, text, &off, &len);
	if (rc != DF_OK)
		return rc;
	c->v.text = off;
	c->text_len = len;
	c->set = 1;
	return DF_OK;
}

int sheet_set_int(struct sheet *s, unsigned col, int64_t v)
{
	struct sheet_cell *c;
	int rc = last_cell(s, col, SHEET_INT, &c);

	if (rc != DF_OK)
		return rc;
	c->v.i = v;
	c->set = 1;
	return DF_OK;
}

int sheet_set_num(struct sheet *s, unsigned col, double v)
{
	struct sheet_cell *c;
	int rc = last_cell(s, col, -1, &c);

	if (rc != DF_OK)
		return rc;
	if ((s->cols[col].type != SHEET_RATE && s->cols[col].type != SHEET_NUM) || !isfinite(v))
		return DF_EINVAL;
	c->v.num = v;
	c->set = 1;
	return DF_OK;
}

static const struct sheet_cell *cell_at(const struct sheet *s, size_t row, unsigned col)
{
	return &s->cells[row * s->ncols + col];
}

/* ---- CSV ------------------------------------------------------------------- */

/* One text field: guarded against formulas, quoted when it must be. */
static int csv_text(struct buf *out, const char *t, size_t n)
{
	int guard = n > 0 && strchr("=+-@\t\r", t[0]) != NULL;
	int quote = strpbrk(t, ",\"\r\n") != NULL;
	const char *q;
	size_t step;
	int rc;

	if (!quote)
		return guard ? buf_addf(out, "'%s", t) : buf_add(out, t, n);
	rc = buf_adds(out, guard ? "\"'" : "\"");
	q = memchr(t, '"', n);
	while (rc == DF_OK && q) {
		step = (size_t)(q - t) + 1;
		rc = buf_add(out, t, step); /* up to and with the quote */
		if (rc == DF_OK)
			rc = buf_add(out, "\"", 1); /* which is doubled */
		t += step;
		n -= step;
		q = memchr(t, '"', n);
	}
	if (rc == DF_OK)
		rc = buf_add(out, t, n);
	if (rc == DF_OK)
		rc = buf_add(out, "\"", 1);
	return rc;
}

static int csv_cell(const struct sheet *s, struct buf *out, const struct sheet_cell *c, enum sheet_type type)
{
	if (!c->set)
		return DF_OK;
	switch (type) {
	case SHEET_TEXT:
		return csv_text(out, text_at(s, c->v.text), c->text_len);
	case SHEET_INT:
		return buf_addf(out, "%" PRId64, c->v.i);
	case SHEET_RATE:
		return buf_addf(out, "%.3f", c->v.num);
	case SHEET_NUM:
		return buf_addf(out, "%.15g", c->v.num);
	}
	return DF_EINTERNAL;
}

int sheet_csv(const struct sheet *s, struct buf *out)
{
	size_t row;
	unsigned col;
	int rc = buf_adds(out, "\xEF\xBB\xBF");

	for (col = 0; rc == DF_OK && col < s->ncols; col++) {
		if (col > 0)
			rc = buf_add(out, ",", 1);
		if (rc == DF_OK)
			rc = csv_text(out, text_at(s, s->cols[col].name), s->cols[col].name_len);
	}
	if (rc == DF_OK)
		rc = buf_add(out, "\r\n", 2);
	for (row = 0; rc == DF_OK && row < s->nrows; row++) {
		for (col = 0; rc == DF_OK && col < s->ncols; col++) {
			if (col > 0)
				rc = buf_add(out, ",", 1);
			if (rc == DF_OK)
				rc = csv_cell(s, out, cell_at(s, row, col), s->cols[col].type);
		}
		if (rc == DF_OK)
			rc = buf_add(out, "\r\n", 2);
	}
	return rc;
}

/* ---- XLSX ------------------------------------------------------------------ */

static int xlsx_rc(lxw_error err)
{
	switch (err) {
	case LXW_NO_ERROR:
		return DF_OK;
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return DF_ENOMEM;
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return DF_EIO;
	case LXW_ERROR_32_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_128_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_255_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
		return DF_ETOOBIG;
	case LXW_ERROR_PARAMETER_VALIDATION:
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		return DF_EINVAL;
	default:
		return DF_EINTERNAL;
	}
}

/* The width of each column, in characters: its longest value (the header
 * included) and a margin, within SHEET_WIDTH_MIN..SHEET_WIDTH_MAX. */
static void xlsx_widths(const struct sheet *s, size_t *w)
{
	const struct sheet_cell *c;
	char num[40];
	size_t row, n;
	unsigned col;

	for (col = 0; col < s->ncols; col++)
		w[col] = utf8_chars(text_at(s, s->cols[col].name), s->cols[col].name_len);
	for (row = 0; row < s->nrows; row++) {
		for (col = 0; col < s->ncols; col++) {
			c = cell_at(s, row, col);
			if (!c->set)
				continue;
			switch (s->cols[col].type) {
			case SHEET_TEXT:
				n = utf8_chars(text_at(s, c->v.text), c->text_len);
				break;
			case SHEET_INT:
				n = (size_t)snprintf(num, sizeof num, "%" PRId64, c->v.i);
				break;
			case SHEET_RATE:
				n = 6; /* "100.0%" */
				break;
			default:
				n = (size_t)snprintf(num, sizeof num, "%.10g", c->v.num);
				break;
			}
			if (n > w[col])
				w[col] = n;
		}
	}
	for (col = 0; col < s->ncols; col++) {
		w[col] += 2;
		if (w[col] < SHEET_WIDTH_MIN)
			w[col] = SHEET_WIDTH_MIN;
		if (w[col] > SHEET_WIDTH_MAX)
			w[col] = SHEET_WIDTH_MAX;
	}
}

/* The formats of the workbook: the header's, and one per column type. */
struct xlsx_formats {
	lxw_format *header;  /* bold */
	lxw_format *integer; /* "0": no exponent for long integers */
	lxw_format *rate;    /* "0.0%" */
};

static lxw_error xlsx_cell(const struct sheet *s, lxw_worksheet *ws, const struct xlsx_formats *f, size_t row,
			   unsigned col)
{
	const struct sheet_cell *c = cell_at(s, row, col);
	lxw_row_t xrow = (lxw_row_t)row + 1; /* below the header */

	if (!c->set)
		return LXW_NO_ERROR;
	switch (s->cols[col].type) {
	case SHEET_TEXT:
		return worksheet_write_string(ws, xrow, (lxw_col_t)col, text_at(s, c->v.text), NULL);
	case SHEET_INT:
		return worksheet_write_number(ws, xrow, (lxw_col_t)col, (double)c->v.i, f->integer);
	case SHEET_RATE:
		return worksheet_write_number(ws, xrow, (lxw_col_t)col, c->v.num, f->rate);
	case SHEET_NUM:
		return worksheet_write_number(ws, xrow, (lxw_col_t)col, c->v.num, NULL);
	}
	return LXW_ERROR_PARAMETER_VALIDATION;
}

/* Write the sheet into the open workbook, rows in order (constant memory). */
static lxw_error xlsx_fill(const struct sheet *s, lxw_workbook *wb)
{
	struct xlsx_formats f;
	size_t w[SHEET_MAX_COLS], row;
	lxw_worksheet *ws;
	lxw_error err = LXW_NO_ERROR;
	unsigned col;

	ws = workbook_add_worksheet(wb, s->title);
	f.header = workbook_add_format(wb);
	f.integer = workbook_add_format(wb);
	f.rate = workbook_add_format(wb);
	if (!ws || !f.header || !f.integer || !f.rate)
		return ws ? LXW_ERROR_MEMORY_MALLOC_FAILED : LXW_ERROR_PARAMETER_VALIDATION;
	format_set_bold(f.header);
	format_set_num_format(f.integer, "0");
	format_set_num_format(f.rate, "0.0%");
	xlsx_widths(s, w);
	for (col = 0; err == LXW_NO_ERROR && col < s->ncols; col++)
		err = worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, (double)w[col], NULL);
	worksheet_freeze_panes(ws, 1, 0);
	for (col = 0; err == LXW_NO_ERROR && col < s->ncols; col++)
		err = worksheet_write_string(ws, 0, (lxw_col_t)col, text_at(s, s->cols[col].name), f.header);
	for (row = 0; err == LXW_NO_ERROR && row < s->nrows; row++)
		for (col = 0; err == LXW_NO_ERROR && col < s->ncols; col++)
			err = xlsx_cell(s, ws, &f, row, col);
	return err;
}

/* A private temporary file in $TMPDIR (or /tmp): its directory, its path
 * and an open descriptor.  The caller unlinks and closes it. */
static int tmp_make(char *dir, size_t dir_size, char *path, size_t path_size, int *fd)
{
	const char *d = getenv("TMPDIR");
	int n;

	if (!d || !*d)
		d = "/tmp";
	n = snprintf(dir, dir_size, "%s", d);
	if (n < 0 || (size_t)n >= dir_size)
		return DF_EIO;
	n = snprintf(path, path_size, "%s/daftar-sheet-XXXXXX", d);
	if (n < 0 || (size_t)n >= path_size)
		return DF_EIO;
	*fd = mkostemp(path, O_CLOEXEC);
	if (*fd < 0) {
		log_warn("msg=\"cannot make a temporary file for a sheet\" dir=\"%s\" err=\"%s\"", dir,
			 strerror(errno));
		return DF_EIO;
	}
	return DF_OK;
}

/* Append the whole file fd to out, if it fits. */
static int read_back(int fd, struct buf *out)
{
	char chunk[16384];
	struct stat st;
	ssize_t n;
	int rc = DF_OK;

	if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return DF_EIO;
	if ((uintmax_t)st.st_size > out->max - out->len)
		return DF_ETOOBIG;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rc = buf_add(out, chunk, (size_t)n);
		if (rc != DF_OK)
			return rc;
	}
	return n < 0 ? DF_EIO : DF_OK;
}

int sheet_xlsx(const struct sheet *s, struct buf *out)
{
	char dir[PATH_MAX], path[PATH_MAX];
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = dir, .use_zip64 = LXW_FALSE };
	lxw_workbook *wb;
	lxw_error err, close_err;
	int fd = -1;
	int rc;

	rc = tmp_make(dir, sizeof dir, path, sizeof path, &fd);
	if (rc != DF_OK)
		return rc;
	wb = workbook_new_opt(path, &opt);
	if (!wb) {
		rc = DF_ENOMEM;
		goto out;
	}
	err = xlsx_fill(s, wb);
	/* workbook_close frees the workbook whatever happened before; after a
	 * failure the file it writes is simply not read. */
	close_err = workbook_close(wb);
	if (err == LXW_NO_ERROR)
		err = close_err;
	if (err != LXW_NO_ERROR) {
		log_warn("msg=\"cannot write a sheet as xlsx\" err=\"%s\"", lxw_strerror(err));
		rc = xlsx_rc(err);
		goto out;
	}
	rc = read_back(fd, out);
out:
	if (unlink(path) != 0)
		log_warn("msg=\"cannot remove a temporary file\" path=\"%s\" err=\"%s\"", path, strerror(errno));
	close(fd);
	return rc;
}

/* ---- the reply -------------------------------------------------------------- */

/* `attachment; filename="<base>.<ext>"` with base kept to [A-Za-z0-9._-]. */
static void content_disposition(char *out, size_t size, const char *base, const char *ext)
{
	char name[SHEET_FILENAME_MAX + 1];
	size_t i;
	unsigned char ch;

	if (!base || !*base)
		base = "report";
	for (i = 0; base[i] && i < SHEET_FILENAME_MAX; i++) {
		ch = (unsigned char)base[i];
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		    ch == '_' || ch == '-')
			name[i] = (char)ch;
		else
			name[i] = '_';
	}
	name[i] = '\0';
	snprintf(out, size, "attachment; filename=\"%s.%s\"", name, ext);
}

int sheet_reply(struct request *r, const struct sheet *s, const char *format, const char *filename_base)
{
	char disp[SHEET_FILENAME_MAX + 64];
	struct buf out;
	const char *type;
	char *bytes;
	size_t len;
	int status, rc;

	if (format && strcmp(format, "csv") == 0)
		type = csv_type;
	else if (format && strcmp(format, "xlsx") == 0)
		type = xlsx_type;
	else
		return req_problem_field(r, 400, "format", "format must be csv or xlsx");
	buf_init(&out, SHEET_REPLY_MAX);
	rc = type == csv_type ? sheet_csv(s, &out) : sheet_xlsx(s, &out);
	if (rc == DF_ETOOBIG) {
		status = req_problem(r, 422, "the report is larger than %d MB; narrow it",
				     SHEET_REPLY_MAX / (1024 * 1024));
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc == DF_EINVAL ? DF_EINTERNAL : rc); /* not the client's fault */
		goto out;
	}
	content_disposition(disp, sizeof disp, filename_base, format);
	if (req_add_header(r, "Content-Disposition", disp) != DF_OK) {
		status = req_fail(r, DF_EINTERNAL);
		goto out;
	}
	bytes = buf_detach(&out, &len);
	if (!bytes) {
		status = req_fail(r, DF_ENOMEM);
		goto out;
	}
	status = req_reply_raw(r, 200, type, bytes, len);
out:
	buf_release(&out);
	return status;
}

const char *sheet_format_query(struct request *r)
{
	const char *f = req_query(r, "format");

	if (!f || strcmp(f, "json") == 0)
		return "json";
	if (strcmp(f, "csv") == 0 || strcmp(f, "xlsx") == 0)
		return f;
	req_problem_field(r, 400, "format", "format is json, csv or xlsx");
	return NULL;
}
