/*
 * sheet.h - report tables for download: columns and rows of typed cells,
 * rendered as CSV or XLSX.
 *
 * A report handler (attendance now; vacancies and KPIs later) fills a
 * struct sheet and ends with sheet_reply(), which answers the request with
 * the bytes and a Content-Disposition naming the file:
 *
 *     struct sheet s;
 *     sheet_init(&s, "Attendance");
 *     rc = sheet_add_column(&s, "District", SHEET_TEXT);
 *     ... rc = sheet_add_column(&s, "Rate", SHEET_RATE);
 *     for each row: rc = sheet_add_row(&s);
 *                   rc = sheet_set_text(&s, 0, name);
 *                   rc = rate_known ? sheet_set_num(&s, 1, rate) : DF_OK;
 *     status = sheet_reply(r, &s, format, "attendance-2026-01");
 *     sheet_release(&s);
 *
 * Columns come first and are fixed once a row is added.  A row starts with
 * every cell NULL (an empty CSV field, a blank XLSX cell); the sheet_set_*
 * functions fill the cells of the last row, each checked against its
 * column's type.  Everything is bounded: SHEET_MAX_COLS columns,
 * SHEET_MAX_ROWS rows, SHEET_MAX_CELLS cells, SHEET_TEXT_MAX bytes of one
 * text and SHEET_TEXT_TOTAL_MAX bytes of all text; past a bound the call
 * fails with DF_ETOOBIG and the sheet keeps what it had.  Text must be valid
 * UTF-8 (a broken sequence would make the XLSX unreadable).
 *
 * CSV (RFC 4180): a UTF-8 byte order mark (so Excel reads Urdu names
 * right), the header row, CRLF after every record, a field quoted when it
 * holds a comma, a double quote, CR or LF, quotes inside doubled.  A text
 * cell (or column name) that begins with = + - @ TAB or CR gets a leading
 * single quote, so a spreadsheet never runs it as a formula (OWASP's advice
 * against CSV injection); numbers are written as they are.
 *
 * XLSX (libxlsxwriter): one worksheet named by the title, a bold and frozen
 * header row, column widths from the longest value (8 to 60 characters),
 * integers and numbers as numbers, rates as numbers formatted "0.0%", NULL
 * cells blank.  Text is always written as a string, never as a formula.
 * libxlsxwriter writes to a file: a private temporary file in $TMPDIR (or
 * /tmp), unlinked on every path, read back into the caller's buffer.
 *
 * A sheet is used by one thread at a time; the rendering functions only
 * read it, so a finished sheet may be rendered from several threads.
 */
#ifndef DF_SHEET_H
#define DF_SHEET_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "result.h"

struct request;

#define SHEET_MAX_COLS 64                      /* columns of one sheet */
#define SHEET_MAX_ROWS 200000                  /* data rows, the header not counted */
#define SHEET_MAX_CELLS 4000000                /* rows x columns (64 MB of cells) */
#define SHEET_TEXT_MAX 1000                    /* bytes of one text or column name */
#define SHEET_TEXT_TOTAL_MAX (64 * 1024 * 1024) /* bytes of all text of a sheet */
#define SHEET_TITLE_MAX 31                     /* characters of a title (Excel's limit) */
#define SHEET_REPLY_MAX (64 * 1024 * 1024)     /* bytes of a file sheet_reply sends */

/* The type of a column, which decides how its cells are set and shown. */
enum sheet_type {
	SHEET_TEXT = 0, /* UTF-8 text (names, days, ids: anything not summed) */
	SHEET_INT,      /* a 64-bit integer; XLSX holds it as a double, exact to 2^53 */
	SHEET_RATE,     /* a fraction, normally 0..1: CSV "0.953", XLSX 95.3% */
	SHEET_NUM,      /* any finite number: CSV up to 15 significant digits */
};

/* One column: its name (in the sheet's text store) and type. */
struct sheet_column {
	uint32_t name;         /* offset of the NUL-terminated name in sheet.text */
	uint32_t name_len;     /* its length in bytes */
	enum sheet_type type;
};

struct sheet_cell; /* one cell; private to sheet.c */

struct sheet {
	char title[SHEET_TITLE_MAX * 4 + 1];     /* the sanitised sheet name, never empty */
	struct sheet_column cols[SHEET_MAX_COLS];
	unsigned ncols;                          /* columns in use */
	size_t nrows;                            /* data rows */
	struct sheet_cell *cells;                /* nrows * ncols cells, row by row */
	size_t cells_cap;                        /* cells allocated */
	struct buf text;                         /* column names and text cells, each NUL-terminated */
};

/* sheet_init - an empty sheet.  Allocates nothing and cannot fail.  The
 * title becomes the XLSX sheet name: [ ] : * ? / \ and control characters
 * become '_', bytes that are not UTF-8 too, apostrophes at either end are
 * dropped, it is cut to SHEET_TITLE_MAX characters, and an empty (or NULL)
 * title becomes "Sheet1" ("History", which Excel reserves, "History_"). */
void sheet_init(struct sheet *s, const char *title);
/* sheet_release - free everything; the sheet is empty again (the title is
 * kept), ready for columns. */
void sheet_release(struct sheet *s);

/* sheet_add_column - append a column named name (UTF-8, at most
 * SHEET_TEXT_MAX bytes; "" allowed).  DF_EINVAL once a row was added, for
 * an unknown type or text that is not UTF-8; DF_ETOOBIG past
 * SHEET_MAX_COLS or SHEET_TEXT_MAX; DF_ENOMEM. */
int sheet_add_column(struct sheet *s, const char *name, enum sheet_type type) DF_WUR;
/* sheet_add_row - append a row of NULL cells; the sheet_set_* calls fill
 * it.  DF_EINVAL when there are no columns; DF_ETOOBIG past SHEET_MAX_ROWS
 * or SHEET_MAX_CELLS; DF_ENOMEM. */
int sheet_add_row(struct sheet *s) DF_WUR;

/* The cell setters fill cell `col` (0-based) of the last row, replacing
 * what it held.  Each returns DF_EINVAL when there is no row, col is out of
 * range or the column is of another type. */

/* sheet_set_text - a SHEET_TEXT cell; NULL text makes it NULL.  DF_EINVAL
 * for text that is not UTF-8; DF_ETOOBIG past SHEET_TEXT_MAX bytes or
 * SHEET_TEXT_TOTAL_MAX for the sheet (replaced text still counts). */
int sheet_set_text(struct sheet *s, unsigned col, const char *text) DF_WUR;
/* sheet_set_int - a SHEET_INT cell. */
int sheet_set_int(struct sheet *s, unsigned col, int64_t v) DF_WUR;
/* sheet_set_num - a SHEET_RATE (a fraction) or SHEET_NUM cell; DF_EINVAL
 * for NaN or an infinity. */
int sheet_set_num(struct sheet *s, unsigned col, double v) DF_WUR;
/* sheet_set_null - make a cell of any type NULL (a rate with no base). */
int sheet_set_null(struct sheet *s, unsigned col) DF_WUR;

/* sheet_csv - append the sheet as CSV (see the top) to out.  DF_ETOOBIG
 * when out's cap is hit, DF_ENOMEM; out then holds part of the file, so
 * the caller resets or releases it. */
int sheet_csv(const struct sheet *s, struct buf *out) DF_WUR;
/* sheet_xlsx - append the sheet as an XLSX file to out.  DF_ETOOBIG when
 * the file does not fit in out's cap (out is then unchanged), DF_EIO when
 * the temporary file cannot be made, written or read, DF_ENOMEM, DF_EINVAL
 * or DF_EINTERNAL for what libxlsxwriter refuses (logged with its reason);
 * after a failed read out may hold part of the file, as for sheet_csv. */
int sheet_xlsx(const struct sheet *s, struct buf *out) DF_WUR;

/* sheet_reply - answer r with the sheet as a download and return the
 * status, as a handler's last step: `status = sheet_reply(r, &s, "csv",
 * "attendance-2026-01-district")`.  format is "csv" (text/csv;
 * charset=utf-8) or "xlsx"; anything else is a 400 problem naming the
 * field "format".  filename_base is kept to [A-Za-z0-9._-] (other bytes
 * become '_', cut to 100 bytes, "report" when empty) and answered as
 * `Content-Disposition: attachment; filename="<base>.<format>"`.  A file
 * over SHEET_REPLY_MAX is a 422 problem (narrow the report); other
 * failures go through req_fail(). */
int sheet_reply(struct request *r, const struct sheet *s, const char *format, const char *filename_base);

/* sheet_format_query - a report's ?format=: "json" (also when absent),
 * "csv" or "xlsx"; NULL with a 400 problem naming "format" otherwise. */
const char *sheet_format_query(struct request *r);

#endif
