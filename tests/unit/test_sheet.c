/*
 * test_sheet.c - unit tests of src/core/sheet.c (cmocka): report tables as
 * CSV and XLSX.
 *
 * CSV is compared byte for byte: the BOM, the header row, CRLF, quoting of
 * commas, quotes, CR and LF, the formula-injection guard (text only, never
 * numbers), NULL cells and the number formats.  The building calls are held
 * to their contract: types, UTF-8, the order of columns and rows, every
 * bound.  XLSX is checked to be a zip, and when `unzip` is installed its
 * worksheet, styles and workbook parts are read for the header, the
 * numbers, the escaped text, the frozen pane, the rate format and the
 * sheet name.  Every XLSX test runs with TMPDIR set to a fresh directory
 * that must be empty afterwards: the temporary file is removed on success
 * and on failure.  sheet_reply is tried on a calloc'd struct request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "sheet.h"

#define BOM "\xEF\xBB\xBF"
#define ZHOB "\xDA\x98\xD9\x88\xD8\xA8" /* ژوب, a district, in Urdu script */

/* ---- helpers ---------------------------------------------------------- */

/* The sheet as CSV, as a string the caller frees. */
static char *csv_of(const struct sheet *s)
{
	struct buf out;

	buf_init(&out, 1 << 20);
	assert_int_equal(sheet_csv(s, &out), DF_OK);
	return buf_detach(&out, NULL);
}

/* A fresh directory made TMPDIR for the XLSX tests. */
static void tmpdir_enter(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/test-sheet-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
}

/* Entries of dir other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	for (e = readdir(d); e; e = readdir(d))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void tmpdir_leave(const char *dir)
{
	assert_int_equal(dir_entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(unsetenv("TMPDIR"), 0);
}

static int have_unzip(void)
{
	return system("command -v unzip >/dev/null 2>&1") == 0;
}

/* One part of the zip at path (unzip -p), as a string the caller frees. */
static char *zip_part(const char *path, const char *part)
{
	char cmd[512], chunk[4096];
	struct buf out;
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", path, part);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf_init(&out, 1 << 22);
	for (n = fread(chunk, 1, sizeof chunk, p); n > 0; n = fread(chunk, 1, sizeof chunk, p))
		assert_int_equal(buf_add(&out, chunk, n), DF_OK);
	assert_int_equal(pclose(p), 0);
	return buf_detach(&out, NULL);
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_bom_header_quoting_and_numbers(void **state)
{
	struct sheet s;
	char *csv;

	(void)state;
	sheet_init(&s, "Attendance");
	assert_int_equal(sheet_add_column(&s, "District", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Officers", SHEET_INT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Rate", SHEET_RATE), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Note, \"quoted\"", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Km", SHEET_NUM), DF_OK);

	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, "Quetta, Sadar"), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, 12), DF_OK);
	assert_int_equal(sheet_set_num(&s, 2, 0.95333), DF_OK);
	assert_int_equal(sheet_set_text(&s, 3, "say \"hi\"\nthen go"), DF_OK);
	assert_int_equal(sheet_set_num(&s, 4, 12.5), DF_OK);

	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, ZHOB), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, INT64_MIN), DF_OK);
	assert_int_equal(sheet_set_text(&s, 3, "cr\ronly"), DF_OK);
	assert_int_equal(sheet_set_num(&s, 4, 0.1), DF_OK);

	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_num(&s, 2, 1.0), DF_OK);
	assert_int_equal(sheet_set_text(&s, 3, "\"\""), DF_OK);
	assert_int_equal(sheet_set_num(&s, 4, 1e20), DF_OK);

	csv = csv_of(&s);
	assert_string_equal(csv, BOM "District,Officers,Rate,\"Note, \"\"quoted\"\"\",Km\r\n"
				 "\"Quetta, Sadar\",12,0.953,\"say \"\"hi\"\"\nthen go\",12.5\r\n"
				 ZHOB ",-9223372036854775808,,\"cr\ronly\",0.1\r\n"
				 ",,1.000,\"\"\"\"\"\",1e+20\r\n");
	free(csv);
	sheet_release(&s);

	/* no rows: the BOM and the header; no columns: one empty record */
	sheet_init(&s, "x");
	assert_int_equal(sheet_add_column(&s, "only", SHEET_INT), DF_OK);
	csv = csv_of(&s);
	assert_string_equal(csv, BOM "only\r\n");
	free(csv);
	sheet_release(&s);
	csv = csv_of(&s);
	assert_string_equal(csv, BOM "\r\n");
	free(csv);
}

static void csv_formula_injection_guard(void **state)
{
	static const char *const in[] = { "=SUM(A1:A9)", "+92 300 1234567", "-5", "@cmd", "\tx", "\rx", "=1,2", "a=b", "" };
	struct sheet s;
	size_t i;
	char *csv;

	(void)state;
	sheet_init(&s, "guard");
	assert_int_equal(sheet_add_column(&s, "=HYPERLINK(\"http://evil\")", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "n", SHEET_INT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "x", SHEET_NUM), DF_OK);
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		assert_int_equal(sheet_add_row(&s), DF_OK);
		assert_int_equal(sheet_set_text(&s, 0, in[i]), DF_OK);
		assert_int_equal(sheet_set_int(&s, 1, -1), DF_OK);
		assert_int_equal(sheet_set_num(&s, 2, -2.5), DF_OK);
	}
	csv = csv_of(&s);
	assert_string_equal(csv, BOM "\"'=HYPERLINK(\"\"http://evil\"\")\",n,x\r\n"
				 "'=SUM(A1:A9),-1,-2.5\r\n"
				 "'+92 300 1234567,-1,-2.5\r\n"
				 "'-5,-1,-2.5\r\n"
				 "'@cmd,-1,-2.5\r\n"
				 "'\tx,-1,-2.5\r\n"
				 "\"'\rx\",-1,-2.5\r\n"
				 "\"'=1,2\",-1,-2.5\r\n"
				 "a=b,-1,-2.5\r\n"
				 ",-1,-2.5\r\n");
	free(csv);
	sheet_release(&s);
}

static void cells_types_nulls_and_order(void **state)
{
	struct sheet s;
	char *csv;

	(void)state;
	sheet_init(&s, "t");
	assert_int_equal(sheet_add_row(&s), DF_EINVAL);           /* no columns */
	assert_int_equal(sheet_add_column(&s, "a", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "b", SHEET_INT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "c", SHEET_RATE), DF_OK);
	assert_int_equal(sheet_add_column(&s, "d", (enum sheet_type)7), DF_EINVAL);
	assert_int_equal(sheet_add_column(&s, NULL, SHEET_TEXT), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 0, "x"), DF_EINVAL);   /* no row yet */
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_add_column(&s, "late", SHEET_INT), DF_EINVAL);
	assert_int_equal(s.ncols, 3);

	/* each setter only on its own column type, and in range */
	assert_int_equal(sheet_set_int(&s, 0, 1), DF_EINVAL);
	assert_int_equal(sheet_set_num(&s, 1, 1.0), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 2, "x"), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 3, "x"), DF_EINVAL);
	assert_int_equal(sheet_set_null(&s, 3), DF_EINVAL);
	assert_int_equal(sheet_set_num(&s, 2, NAN), DF_EINVAL);
	assert_int_equal(sheet_set_num(&s, 2, INFINITY), DF_EINVAL);

	/* not UTF-8: broken, overlong, a surrogate, past U+10FFFF, cut short */
	assert_int_equal(sheet_set_text(&s, 0, "\xC3\x28"), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 0, "\xC0\xAF"), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 0, "\xED\xA0\x80"), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 0, "\xF4\x90\x80\x80"), DF_EINVAL);
	assert_int_equal(sheet_set_text(&s, 0, "ok\xE2\x82"), DF_EINVAL);
	assert_int_equal(sheet_add_column(&s, "\xFF", SHEET_TEXT), DF_EINVAL);

	/* set, replace, and NULL again */
	assert_int_equal(sheet_set_text(&s, 0, "first"), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, "\xF0\x9F\x98\x80 second"), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, 7), DF_OK);
	assert_int_equal(sheet_set_null(&s, 1), DF_OK);
	assert_int_equal(sheet_set_num(&s, 2, 0.5), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, "gone"), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, NULL), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, 0), DF_OK);
	csv = csv_of(&s);
	assert_string_equal(csv, BOM "a,b,c\r\n\xF0\x9F\x98\x80 second,,0.500\r\n,0,\r\n");
	free(csv);

	/* release empties the sheet; it takes columns again */
	sheet_release(&s);
	assert_int_equal(s.nrows, 0);
	assert_int_equal(sheet_add_column(&s, "again", SHEET_TEXT), DF_OK);
	sheet_release(&s);
}

static void titles_are_sanitised(void **state)
{
	char urdu[200] = "";
	struct sheet s;
	int i;

	(void)state;
	sheet_init(&s, "a[b]c:d*e?f/g\\h");
	assert_string_equal(s.title, "a_b_c_d_e_f_g_h");
	sheet_init(&s, "''Attendance, 'Jan'''");
	assert_string_equal(s.title, "Attendance, 'Jan");
	sheet_init(&s, "tab\there\xFFnot utf-8");
	assert_string_equal(s.title, "tab_here_not utf-8");
	sheet_init(&s, "");
	assert_string_equal(s.title, "Sheet1");
	sheet_init(&s, NULL);
	assert_string_equal(s.title, "Sheet1");
	sheet_init(&s, "'''");
	assert_string_equal(s.title, "Sheet1");
	sheet_init(&s, "history");
	assert_string_equal(s.title, "History_");
	/* 31 characters, not bytes: 40 Urdu letters keep 31 (62 bytes) */
	for (i = 0; i < 40; i++)
		memcpy(urdu + 2 * i, "\xD8\xA8", 2);
	sheet_init(&s, urdu);
	assert_int_equal(strlen(s.title), 62);
	sheet_init(&s, "0123456789012345678901234567890123456789");
	assert_string_equal(s.title, "0123456789012345678901234567890");
	/* a cut that leaves an apostrophe at the end drops it */
	sheet_init(&s, "012345678901234567890123456789'x");
	assert_string_equal(s.title, "012345678901234567890123456789");
	sheet_release(&s);
}

static void bounds(void **state)
{
	char text[SHEET_TEXT_MAX + 2];
	char name[16];
	struct sheet s;
	struct buf small;
	size_t i;

	(void)state;
	sheet_init(&s, "bounds");
	for (i = 0; i < SHEET_MAX_COLS; i++) {
		snprintf(name, sizeof name, "c%zu", i);
		assert_int_equal(sheet_add_column(&s, name, SHEET_TEXT), DF_OK);
	}
	assert_int_equal(sheet_add_column(&s, "one too many", SHEET_TEXT), DF_ETOOBIG);
	assert_int_equal(s.ncols, SHEET_MAX_COLS);

	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';                      /* SHEET_TEXT_MAX + 1 bytes */
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, text), DF_ETOOBIG);
	text[SHEET_TEXT_MAX] = '\0';                       /* exactly the cap */
	assert_int_equal(sheet_set_text(&s, 0, text), DF_OK);

	/* the output buffer's cap holds for both formats */
	buf_init(&small, 100);
	assert_int_equal(sheet_csv(&s, &small), DF_ETOOBIG);
	buf_release(&small);
	sheet_release(&s);

	/* one column: SHEET_MAX_ROWS rows and no more */
	sheet_init(&s, "rows");
	assert_int_equal(sheet_add_column(&s, "n", SHEET_INT), DF_OK);
	for (i = 0; i < SHEET_MAX_ROWS; i++)
		assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_ETOOBIG);
	assert_int_equal(sheet_set_int(&s, 0, 42), DF_OK);  /* the last row is still there */
	assert_int_equal(s.nrows, SHEET_MAX_ROWS);
	sheet_release(&s);

	/* 40 columns: SHEET_MAX_CELLS / 40 rows and no more */
	sheet_init(&s, "cells");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "c%zu", i);
		assert_int_equal(sheet_add_column(&s, name, SHEET_INT), DF_OK);
	}
	for (i = 0; i < SHEET_MAX_CELLS / 40; i++)
		assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_ETOOBIG);
	sheet_release(&s);
}

/* ---- XLSX ----------------------------------------------------------------- */

static void xlsx_is_a_workbook(void **state)
{
	char dir[64], path[128];
	struct sheet s;
	struct buf out;
	char *xml;
	FILE *f;

	(void)state;
	tmpdir_enter(dir, sizeof dir);
	sheet_init(&s, "Attendance " ZHOB);
	assert_int_equal(sheet_add_column(&s, "District", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Officers", SHEET_INT), DF_OK);
	assert_int_equal(sheet_add_column(&s, "Rate", SHEET_RATE), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, ZHOB " <&> =1+1"), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, 42), DF_OK);
	assert_int_equal(sheet_set_num(&s, 2, 0.5), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, "Quetta"), DF_OK);
	assert_int_equal(sheet_set_int(&s, 1, 7), DF_OK);  /* its rate stays NULL */

	buf_init(&out, 1 << 20);
	assert_int_equal(buf_adds(&out, "kept"), DF_OK);  /* appended, not replaced */
	assert_int_equal(sheet_xlsx(&s, &out), DF_OK);
	assert_true(out.len > 1000);
	assert_memory_equal(out.ptr, "keptPK\x03\x04", 8);
	assert_int_equal(dir_entries(dir), 0);            /* the temporary file is gone */

	if (have_unzip()) {
		snprintf(path, sizeof path, "%s/t.xlsx", dir);
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(out.ptr + 4, 1, out.len - 4, f), out.len - 4);
		assert_int_equal(fclose(f), 0);

		xml = zip_part(path, "xl/worksheets/sheet1.xml");
		assert_non_null(strstr(xml, "District"));
		assert_non_null(strstr(xml, "<v>42</v>"));
		assert_non_null(strstr(xml, "<v>0.5</v>"));
		assert_non_null(strstr(xml, ZHOB " &lt;&amp;&gt; =1+1"));
		assert_null(strstr(xml, "<f>"));                /* text is never a formula */
		assert_non_null(strstr(xml, "state=\"frozen\""));
		assert_non_null(strstr(xml, "<col "));
		/* the second row has two cells: its NULL rate is not written */
		assert_non_null(strstr(xml, "<c r=\"B3\""));
		assert_null(strstr(xml, "r=\"C3\""));
		free(xml);

		xml = zip_part(path, "xl/styles.xml");
		assert_non_null(strstr(xml, "formatCode=\"0.0%\""));
		assert_non_null(strstr(xml, "<b/>"));
		free(xml);

		xml = zip_part(path, "xl/workbook.xml");
		assert_non_null(strstr(xml, "name=\"Attendance " ZHOB "\""));
		free(xml);
		assert_int_equal(unlink(path), 0);
	} else {
		print_message("unzip is not installed: only the zip signature of the XLSX was checked\n");
	}
	buf_release(&out);
	tmpdir_leave(dir);
	sheet_release(&s);
}

static void xlsx_failures_leave_no_file(void **state)
{
	char dir[64];
	struct sheet s;
	struct buf out;

	(void)state;
	tmpdir_enter(dir, sizeof dir);
	sheet_init(&s, "x");
	assert_int_equal(sheet_add_column(&s, "a", SHEET_TEXT), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_text(&s, 0, "b"), DF_OK);

	/* over the buffer's cap: nothing appended, nothing left behind */
	buf_init(&out, 200);
	assert_int_equal(sheet_xlsx(&s, &out), DF_ETOOBIG);
	assert_int_equal(out.len, 0);
	assert_int_equal(dir_entries(dir), 0);
	buf_release(&out);

	/* no such temporary directory */
	assert_int_equal(setenv("TMPDIR", "/nonexistent/daftar-test", 1), 0);
	buf_init(&out, 1 << 20);
	assert_int_equal(sheet_xlsx(&s, &out), DF_EIO);
	buf_release(&out);
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);

	tmpdir_leave(dir);
	sheet_release(&s);
}

/* ---- the reply ---------------------------------------------------------------- */

static void reply_sets_type_and_filename(void **state)
{
	char dir[64];
	struct request *r;
	struct sheet s;

	(void)state;
	tmpdir_enter(dir, sizeof dir);
	sheet_init(&s, "r");
	assert_int_equal(sheet_add_column(&s, "a", SHEET_INT), DF_OK);
	assert_int_equal(sheet_add_row(&s), DF_OK);
	assert_int_equal(sheet_set_int(&s, 0, 1), DF_OK);

	r = calloc(1, sizeof *r);
	assert_non_null(r);
	assert_int_equal(sheet_reply(r, &s, "csv", "attendance 2026/01 \"x\"\r\n\xD8\xA8"), 200);
	assert_string_equal(r->reply_type, "text/csv; charset=utf-8");
	assert_int_equal(r->reply_raw_len, strlen(BOM "a\r\n1\r\n"));
	assert_memory_equal(r->reply_raw, BOM "a\r\n1\r\n", r->reply_raw_len);
	assert_string_equal(r->headers,
			    "Content-Disposition: attachment; filename=\"attendance_2026_01__x_____.csv\"\n");
	free(r->reply_raw);
	free(r);

	r = calloc(1, sizeof *r);
	assert_non_null(r);
	assert_int_equal(sheet_reply(r, &s, "xlsx", ""), 200);
	assert_string_equal(r->reply_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_memory_equal(r->reply_raw, "PK\x03\x04", 4);
	assert_string_equal(r->headers, "Content-Disposition: attachment; filename=\"report.xlsx\"\n");
	free(r->reply_raw);
	free(r);

	r = calloc(1, sizeof *r);
	assert_non_null(r);
	assert_int_equal(sheet_reply(r, &s, "pdf", "x"), 400);
	assert_string_equal(r->problem_field, "format");
	assert_null(r->reply_raw);
	assert_int_equal(r->headers_len, 0);
	assert_int_equal(sheet_reply(r, &s, NULL, "x"), 400);
	free(r);

	tmpdir_leave(dir);
	sheet_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_bom_header_quoting_and_numbers),
		cmocka_unit_test(csv_formula_injection_guard),
		cmocka_unit_test(cells_types_nulls_and_order),
		cmocka_unit_test(titles_are_sanitised),
		cmocka_unit_test(bounds),
		cmocka_unit_test(xlsx_is_a_workbook),
		cmocka_unit_test(xlsx_failures_leave_no_file),
		cmocka_unit_test(reply_sets_type_and_filename),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
