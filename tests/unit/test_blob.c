/*
 * test_blob.c - unit tests of src/core/blob.c (cmocka): the content-
 * addressed store of uploads.
 *
 * A blob is named by the SHA-256 of its bytes and found again under that
 * name; the same bytes stored twice are one file; nothing else is left in
 * the directory (no temporary file); a name that is not 64 lowercase hex
 * characters is refused before any path is made of it (so "../x" cannot
 * reach outside); a missing blob, and one larger than the caller's cap, are
 * told apart.  blob_sniff names types by content.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"

/* A fresh directory for one test, and the number of entries under it. */
static char *fresh_dir(void)
{
	char tmpl[] = "/tmp/daftar-blob-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void remove_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_put_get_round_trip(void **state)
{
	static const char data[] = "%PDF-1.4\nhello\n%%EOF\n";
	char name[BLOB_NAME_LEN + 1], again[BLOB_NAME_LEN + 1], sub[512];
	char *dir = fresh_dir();
	struct buf out;

	(void)state;
	assert_int_equal(blob_put(dir, data, sizeof data - 1, name), DF_OK);
	assert_int_equal(strlen(name), BLOB_NAME_LEN);
	assert_int_equal(blob_put(dir, data, sizeof data - 1, again), DF_OK);
	assert_string_equal(name, again);
	snprintf(sub, sizeof sub, "%s/%.2s", dir, name);
	assert_int_equal(entries(dir), 1);
	assert_int_equal(entries(sub), 1); /* one blob, no temporary file left */
	buf_init(&out, 1 << 20);
	assert_int_equal(blob_get(dir, name, 1 << 20, &out), DF_OK);
	assert_int_equal(out.len, sizeof data - 1);
	assert_memory_equal(out.ptr, data, sizeof data - 1);
	buf_release(&out);
	/* capped below its size */
	buf_init(&out, 1 << 20);
	assert_int_equal(blob_get(dir, name, 5, &out), DF_ETOOBIG);
	buf_release(&out);
	remove_tree(dir);
	free(dir);
}

static void test_bad_names_and_missing(void **state)
{
	char *dir = fresh_dir(), name[BLOB_NAME_LEN + 1];
	char missing[BLOB_NAME_LEN + 1];
	struct buf out;

	(void)state;
	memset(missing, 'a', BLOB_NAME_LEN);
	missing[BLOB_NAME_LEN] = '\0';
	buf_init(&out, 1024);
	assert_int_equal(blob_get(dir, missing, 1024, &out), DF_ENOTFOUND);
	assert_int_equal(blob_get(dir, "../../etc/passwd", 1024, &out), DF_EINVAL);
	assert_int_equal(blob_get(dir, "ABCDEF", 1024, &out), DF_EINVAL);
	missing[3] = 'G';
	assert_int_equal(blob_get(dir, missing, 1024, &out), DF_EINVAL);
	assert_int_equal(blob_get(dir, NULL, 1024, &out), DF_EINVAL);
	assert_int_equal(blob_put(NULL, "x", 1, name), DF_EINVAL);
	assert_int_equal(blob_put("", "x", 1, name), DF_EINVAL);
	buf_release(&out);
	/* an empty blob is a blob: the hash of nothing */
	assert_int_equal(blob_put(dir, "", 0, name), DF_OK);
	assert_string_equal(name, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	remove_tree(dir);
	free(dir);
}

static void test_sniff(void **state)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
					     'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
	char type[BLOB_TYPE_MAX];

	(void)state;
	assert_int_equal(blob_sniff("%PDF-1.4\n%%EOF\n", 15, type), DF_OK);
	assert_string_equal(type, "application/pdf");
	assert_int_equal(blob_sniff(png, sizeof png, type), DF_OK);
	assert_string_equal(type, "image/png");
	assert_int_equal(blob_sniff(jpeg, sizeof jpeg, type), DF_OK);
	assert_string_equal(type, "image/jpeg");
	assert_int_equal(blob_sniff("hello, world\n", 13, type), DF_OK);
	assert_string_equal(type, "text/plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_round_trip),
		cmocka_unit_test(test_bad_names_and_missing),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
