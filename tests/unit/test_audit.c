/*
 * test_audit.c - unit tests for src/core/audit.c and the audit module's
 * schema, on a real SQLite store in a temporary directory.
 *
 * The tree the store keeps is checked against one rebuilt here in memory
 * from the stored leaf fields, with the leaf bytes written out by this file
 * from the format documented in audit.h (so a change of format fails here);
 * proofs taken from the store must verify with merkle_verify_*; appends
 * outside a transaction and rolled-back appends must leave nothing; and
 * audit_verify must pass on an honest log and fail on each kind of
 * tampering done with raw SQL.  Set DAFTAR_AUDIT_BIG=N to also append N
 * leaves (1e6 for the bounded-memory check) and verify them, with timings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "app.h"
#include "audit.h"
#include "config.h"
#include "log.h"
#include "merkle.h"
#include "migrate.h"
#include "store.h"

#define N 1000
#define LEVELS 11   /* 2^10 = 1024 >= N */
#define CP(p) ((const uint8_t (*)[MERKLE_HASH])(p))

struct fx {
	char dir[64];
	char path[128];
	struct app app;
	struct db *db;
};

static const struct module *const mods[] = { &audit_module, NULL };

/* An in-memory tree of complete subtrees, rebuilt from the stored leaves. */
struct mem {
	uint8_t h[LEVELS][N][MERKLE_HASH];
};

static int mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH])
{
	struct mem *m = ctx;

	if (level >= LEVELS || index >= N)
		return DF_ENOTFOUND;
	memcpy(out, m->h[level][index], MERKLE_HASH);
	return DF_OK;
}

static int mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH])
{
	struct mem *m = ctx;

	if (level >= LEVELS || index >= N)
		return DF_ETOOBIG;
	memcpy(m->h[level][index], hash, MERKLE_HASH);
	return DF_OK;
}

/* ---------------------------------------------------------------- fixture */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int applied = 0;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/daftar-audit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	config_defaults(&f->app.cfg);
	snprintf(f->app.cfg.db, sizeof f->app.cfg.db, "%s", f->path);
	snprintf(f->app.cfg.key_file, sizeof f->app.cfg.key_file, "%s/t.key", f->dir);
	if (store_open(&f->app.store, f->path, 2) != DF_OK)
		return -1;
	if (store_acquire(f->app.store, &f->db) != DF_OK)
		return -1;
	if (migrate_run(f->db, mods, &applied) != DF_OK || applied != 1)
		return -1;
	if (audit_load_key(&f->app, 1) != DF_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];
	static const char *const files[] = { "t.db", "t.db-wal", "t.db-shm", "t.key", "other.key" };

	store_release(f->db);
	store_close(f->app.store);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	sodium_memzero(f->app.sign_sk, sizeof f->app.sign_sk);
	free(f);
	return 0;
}

/* append_range - leaves first..last-1 in transactions of 1..13 leaves. */
static void append_range(struct fx *f, int first, int last)
{
	int i = first, batch = 1;

	while (i < last) {
		assert_int_equal(db_begin(f->db), DF_OK);
		for (int k = 0; k < batch && i < last; k++, i++) {
			char rec[64];
			int64_t idx = -1;
			int n = snprintf(rec, sizeof rec, "{\"n\":%d}", i);

			assert_int_equal(audit_append(f->db, i % 2 ? "test.thing.update" : "test.thing.create", "thing",
						      i % 7 + 1, i % 3, rec, (size_t)n, &idx), DF_OK);
			assert_int_equal(idx, i);
		}
		assert_int_equal(db_commit(f->db), DF_OK);
		batch = batch % 13 + 1;
	}
}

static int64_t count_rows(struct fx *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_i64(f->db, sql, 0, NULL, &n), DF_OK);
	return n;
}

/* sql_text - run one write statement binding ?1 = text, ?2 = a. */
static void sql_text(struct fx *f, const char *sql, const char *text, int64_t a)
{
	struct stmt *st = NULL;

	assert_int_equal(db_prepare(f->db, sql, &st), DF_OK);
	stmt_bind_text(st, 1, text, -1);
	stmt_bind_i64(st, 2, a);
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);
}

/* sql_ints - run one write statement binding ?1 = a, ?2 = b. */
static void sql_ints(struct fx *f, const char *sql, int64_t a, int64_t b)
{
	struct stmt *st = NULL;

	assert_int_equal(db_prepare(f->db, sql, &st), DF_OK);
	stmt_bind_i64(st, 1, a);
	stmt_bind_i64(st, 2, b);
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);
}

/* stored_text - one text column of one row into out. */
static void stored_text(struct fx *f, const char *sql, int64_t a, char *out, size_t size)
{
	struct stmt *st = NULL;

	assert_int_equal(db_prepare(f->db, sql, &st), DF_OK);
	stmt_bind_i64(st, 1, a);
	assert_int_equal(stmt_step(st), STMT_ROW);
	snprintf(out, size, "%s", stmt_text(st, 0));
	stmt_done(st);
}

/* my_leaf_hash - the leaf hash of a stored leaf, made from audit.h's text. */
static void my_leaf_hash(const struct audit_leaf *l, uint8_t out[MERKLE_HASH])
{
	char text[600];
	unsigned char zero = 0;
	crypto_hash_sha256_state s;
	int n = snprintf(text, sizeof text,
			 "{\"actor\":\"%" PRId64 "\",\"at\":%" PRId64 ",\"event\":\"%s\",\"id\":\"%" PRId64 "\",\"idx\":%" PRIu64
			 ",\"object_id\":\"%" PRId64 "\",\"object_type\":\"%s\",\"record_hash\":\"%s\"}",
			 l->actor, l->at, l->event, l->id, l->index, l->object_id, l->object_type, l->record_hash);

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, &zero, 1);
	crypto_hash_sha256_update(&s, (const unsigned char *)text, (size_t)n);
	crypto_hash_sha256_final(&s, out);
}

/* rebuild - the in-memory tree of the first n stored leaves. */
static void rebuild(struct fx *f, struct mem *m, int n)
{
	for (int i = 0; i < n; i++) {
		struct audit_leaf l;
		uint8_t h[MERKLE_HASH], rh[MERKLE_HASH];
		char hex[65], rec[64];
		int len = snprintf(rec, sizeof rec, "{\"n\":%d}", i);

		assert_int_equal(audit_leaf_get(f->db, (uint64_t)i, &l), DF_OK);
		crypto_hash_sha256(rh, (const unsigned char *)rec, (size_t)len);
		merkle_hex(rh, hex);
		assert_string_equal(l.record_hash, hex);
		my_leaf_hash(&l, h);
		merkle_hex(h, hex);
		assert_string_equal(l.leaf_hash, hex);
		assert_int_equal(merkle_append((uint64_t)i, h, mem_get, mem_put, m), DF_OK);
	}
}

/* verify_to - audit_verify with its report in buf. */
static int verify_to(struct fx *f, char *buf, size_t size)
{
	FILE *out = fmemopen(buf, size, "w");
	int rc;

	assert_non_null(out);
	rc = audit_verify(&f->app, out);
	fclose(out);
	return rc;
}

/* ---------------------------------------------------------------- tests */

static void test_outside_tx(void **state)
{
	struct fx *f = *state;
	int64_t idx = 7;

	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, "r", 1, &idx), DF_EINTERNAL);
	assert_int_equal(idx, -1);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_leaves"), 0);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	char long_name[AUDIT_NAME_MAX + 2];

	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(audit_append(f->db, "", "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, NULL, "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "Test.x", "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "test x", "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "test\"x", "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, long_name, "thing", 1, 0, "r", 1, NULL), DF_EINVAL);
	long_name[AUDIT_NAME_MAX] = '\0';
	assert_int_equal(audit_append(f->db, "test.x", "thing-1", 1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "test.x", "thing", -1, 0, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, -5, "r", 1, NULL), DF_EINVAL);
	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, NULL, 3, NULL), DF_EINVAL);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_leaves"), 0);
	/* the limits themselves are fine: 64 characters, an empty record */
	assert_int_equal(audit_append(f->db, long_name, "a_b.9", 0, 0, NULL, 0, NULL), DF_OK);
	db_rollback(f->db);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_leaves"), 0);
}

static void test_leaf_bytes(void **state)
{
	struct audit_leaf l;
	char bytes[AUDIT_LEAF_MAX];
	size_t len = 0;

	(void)state;
	memset(&l, 0, sizeof l);
	l.index = 5;
	l.id = 1234567890123LL;
	l.at = 1764000000000LL;
	snprintf(l.event, sizeof l.event, "org.unit.create");
	snprintf(l.object_type, sizeof l.object_type, "org_unit");
	l.object_id = 42;
	l.actor = 9;
	memset(l.record_hash, 'a', 64);
	assert_int_equal(audit_leaf_bytes(&l, bytes, &len), DF_OK);
	assert_string_equal(bytes, "{\"actor\":\"9\",\"at\":1764000000000,\"event\":\"org.unit.create\",\"id\":\"1234567890123\","
				   "\"idx\":5,\"object_id\":\"42\",\"object_type\":\"org_unit\",\"record_hash\":\""
				   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}");
	assert_int_equal(len, strlen(bytes));
	l.record_hash[3] = 'A';
	assert_int_equal(audit_leaf_bytes(&l, bytes, &len), DF_EINVAL);
}

static void test_append_json(void **state)
{
	struct fx *f = *state;
	struct audit_leaf l;
	uint8_t h[MERKLE_HASH];
	char hex[65];
	json_t *rec = json_pack("{s:s, s:i}", "b", "x", "a", 1);
	static const char canon[] = "{\"a\":1,\"b\":\"x\"}";

	assert_non_null(rec);
	assert_int_equal(audit_append_json(f->db, "test.x", "thing", 3, 0, rec), DF_EINTERNAL);
	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(audit_append_json(f->db, "test.x", "thing", 3, 0, NULL), DF_EINVAL);
	assert_int_equal(audit_append_json(f->db, "test.x", "thing", 3, 0, rec), DF_OK);
	assert_int_equal(db_commit(f->db), DF_OK);
	json_decref(rec);
	crypto_hash_sha256(h, (const unsigned char *)canon, sizeof canon - 1);
	merkle_hex(h, hex);
	assert_int_equal(audit_leaf_get(f->db, 0, &l), DF_OK);
	assert_string_equal(l.record_hash, hex);
	assert_int_equal(audit_leaf_get(f->db, 1, &l), DF_ENOTFOUND);
}

static void test_thousand_leaves(void **state)
{
	struct fx *f = *state;
	struct mem *m = calloc(1, sizeof *m);
	static const uint64_t sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 500, 511, 512, 513, 999, 1000 };
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], a[MERKLE_HASH], b[MERKLE_HASH], leaf[MERKLE_HASH];
	uint64_t size = 0;
	size_t len;

	assert_non_null(m);
	append_range(f, 0, N);
	assert_int_equal(audit_size(f->db, &size), DF_OK);
	assert_int_equal(size, N);
	rebuild(f, m, N);
	/* levels 1.. only: 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1 */
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_nodes"), 994);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_nodes WHERE level < 1"), 0);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_int_equal(merkle_root(sizes[i], mem_get, m, a), DF_OK);
		assert_int_equal(merkle_root(sizes[i], audit_node_get, f->db, b), DF_OK);
		assert_memory_equal(a, b, MERKLE_HASH);
	}
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint64_t n = sizes[i];

		assert_int_equal(merkle_root(n, mem_get, m, a), DF_OK);
		for (uint64_t k = 0; k < n; k += 1 + k / 3) {
			assert_int_equal(merkle_inclusion_proof(k, n, audit_node_get, f->db, proof, &len), DF_OK);
			assert_int_equal(audit_node_get(f->db, 0, k, leaf), DF_OK);
			assert_int_equal(merkle_verify_inclusion(k, n, leaf, CP(proof), len, a), DF_OK);
			if (len) {
				proof[len - 1][0] ^= 1;
				assert_int_equal(merkle_verify_inclusion(k, n, leaf, CP(proof), len, a), DF_EINVAL);
			}
		}
		for (size_t j = 0; j <= i; j++) {
			uint64_t first = sizes[j];

			assert_int_equal(merkle_root(first, mem_get, m, b), DF_OK);
			assert_int_equal(merkle_consistency_proof(first, n, audit_node_get, f->db, proof, &len), DF_OK);
			assert_int_equal(merkle_verify_consistency(first, n, b, a, CP(proof), len), DF_OK);
			if (len) {
				proof[0][5] ^= 0x80;
				assert_int_equal(merkle_verify_consistency(first, n, b, a, CP(proof), len), DF_EINVAL);
			}
		}
	}
	/* the stored tree has no node beyond the leaves, and nothing past the end */
	assert_int_equal(audit_node_get(f->db, 0, N, leaf), DF_ENOTFOUND);
	assert_int_equal(audit_node_get(f->db, 3, N / 8, leaf), DF_ENOTFOUND);
	free(m);
}

static void test_rollback(void **state)
{
	struct fx *f = *state;
	int64_t leaves, nodes, idx = 0;

	append_range(f, 0, 5);
	leaves = count_rows(f, "SELECT COUNT(*) FROM audit_leaves");
	nodes = count_rows(f, "SELECT COUNT(*) FROM audit_nodes");
	assert_int_equal(leaves, 5);
	assert_int_equal(db_begin(f->db), DF_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, "r", 1, NULL), DF_OK);
	assert_true(count_rows(f, "SELECT COUNT(*) FROM audit_nodes") > nodes);
	db_rollback(f->db);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_leaves"), leaves);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_nodes"), nodes);
	/* the next append takes the index the rolled-back one had */
	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, "r", 1, &idx), DF_OK);
	assert_int_equal(db_commit(f->db), DF_OK);
	assert_int_equal(idx, 5);
}

/* A position already taken (a racing writer's row) fails the append with
 * DF_ECONFLICT, so the caller rolls back and retries. */
static void test_conflict(void **state)
{
	struct fx *f = *state;

	assert_int_equal(db_begin(f->db), DF_OK);
	sql_text(f, "INSERT INTO audit_nodes (hash, level, idx) VALUES (?1, 1, ?2)",
		 "2222222222222222222222222222222222222222222222222222222222222222", 0);
	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, "a", 1, NULL), DF_OK);
	assert_int_equal(audit_append(f->db, "test.x", "thing", 1, 0, "b", 1, NULL), DF_ECONFLICT);
	db_rollback(f->db);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_leaves"), 0);
}

static void test_checkpoint(void **state)
{
	struct fx *f = *state;
	struct audit_cp cp;
	unsigned char sig[64];
	char note[AUDIT_NOTE_MAX], expect[AUDIT_NOTE_MAX], kid[17];
	uint8_t root[MERKLE_HASH];
	size_t len = 0;

	assert_int_equal(audit_latest(f->db, &cp), DF_ENOTFOUND);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	assert_int_equal(audit_latest(f->db, &cp), DF_OK);
	assert_int_equal(cp.size, 0);
	merkle_empty_hash(root);
	merkle_hex(root, expect);
	assert_string_equal(cp.root, expect);
	/* no growth, no new checkpoint */
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_checkpoints"), 1);
	append_range(f, 0, 21);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM audit_checkpoints"), 2);
	assert_int_equal(audit_latest(f->db, &cp), DF_OK);
	assert_int_equal(cp.size, 21);
	assert_int_equal(merkle_root(21, audit_node_get, f->db, root), DF_OK);
	merkle_hex(root, expect);
	assert_string_equal(cp.root, expect);
	audit_key_id(f->app.sign_pk, kid);
	assert_string_equal(cp.key_id, kid);
	assert_int_equal(audit_note(cp.size, cp.root, cp.at, note, &len), DF_OK);
	snprintf(expect, sizeof expect, "daftar audit log\n21\n%s\n%" PRId64 "\n", cp.root, cp.at);
	assert_string_equal(note, expect);
	assert_int_equal(sodium_hex2bin(sig, sizeof sig, cp.signature, 128, NULL, NULL, NULL), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)note, len, f->app.sign_pk), 0);
	note[20] ^= 1;
	assert_int_not_equal(crypto_sign_verify_detached(sig, (const unsigned char *)note, len, f->app.sign_pk), 0);
	/* in a transaction, or without a key: refused */
	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_EINTERNAL);
	db_rollback(f->db);
	f->app.have_key = 0;
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_EINTERNAL);
	f->app.have_key = 1;
	/* a tree shorter than its checkpoint is refused, never signed over */
	sql_ints(f, "DELETE FROM audit_leaves WHERE idx >= ?1 AND idx < ?2", 20, INT64_MAX);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_ECONFLICT);
}

static void test_verify(void **state)
{
	struct fx *f = *state;
	char report[8192], saved[200], keep;

	assert_int_equal(verify_to(f, report, sizeof report), DF_ENOTFOUND);
	assert_non_null(strstr(report, "none to check against"));
	append_range(f, 0, 100);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	append_range(f, 100, 137);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	append_range(f, 137, 140); /* leaves past the latest checkpoint are checked too */
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);
	assert_non_null(strstr(report, "leaves: 140, checkpoint size: 137, root: "));
	assert_non_null(strstr(report, "signature: good"));
	assert_non_null(strstr(report, "checkpoints: 2"));
	assert_non_null(strstr(report, "audit log: OK"));

	/* a leaf's record_hash changed */
	stored_text(f, "SELECT record_hash FROM audit_leaves WHERE idx = ?1", 17, saved, sizeof saved);
	sql_text(f, "UPDATE audit_leaves SET record_hash = ?1 WHERE idx = ?2",
		 "0000000000000000000000000000000000000000000000000000000000000000", 17);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "leaf 17:"));
	assert_non_null(strstr(report, "audit log: FAILED"));
	sql_text(f, "UPDATE audit_leaves SET record_hash = ?1 WHERE idx = ?2", saved, 17);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);

	/* a leaf's event changed together with its leaf_hash: the node above differs */
	stored_text(f, "SELECT leaf_hash FROM audit_leaves WHERE idx = ?1", 40, saved, sizeof saved);
	{
		struct audit_leaf l;
		uint8_t h[MERKLE_HASH];
		char hex[65];

		assert_int_equal(audit_leaf_get(f->db, 40, &l), DF_OK);
		snprintf(l.event, sizeof l.event, "test.thing.delete");
		my_leaf_hash(&l, h);
		merkle_hex(h, hex);
		sql_text(f, "UPDATE audit_leaves SET event = 'test.thing.delete', leaf_hash = ?1 WHERE idx = ?2", hex, 40);
	}
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "node (level 1, index 20) differs"));
	sql_text(f, "UPDATE audit_leaves SET event = 'test.thing.create', leaf_hash = ?1 WHERE idx = ?2", saved, 40);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);

	/* a stored node changed, deleted, or one added past the end */
	stored_text(f, "SELECT hash FROM audit_nodes WHERE level = 3 AND idx = ?1", 5, saved, sizeof saved);
	sql_text(f, "UPDATE audit_nodes SET hash = ?1 WHERE level = 3 AND idx = ?2",
		 "1111111111111111111111111111111111111111111111111111111111111111", 5);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "node (level 3, index 5)"));
	sql_ints(f, "DELETE FROM audit_nodes WHERE level = ?1 AND idx = ?2", 3, 5);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "node (level 3, index 5) is missing"));
	sql_text(f, "INSERT INTO audit_nodes (hash, level, idx) VALUES (?1, 3, ?2)", saved, 5);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);
	sql_text(f, "INSERT INTO audit_nodes (hash, level, idx) VALUES (?1, 2, ?2)", saved, 35);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "past the end"));
	sql_ints(f, "DELETE FROM audit_nodes WHERE level = ?1 AND idx = ?2", 2, 35);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);

	/* a checkpoint's signature, root or size changed */
	stored_text(f, "SELECT signature FROM audit_checkpoints WHERE size = ?1", 137, saved, sizeof saved);
	keep = saved[10];
	saved[10] = keep == '0' ? '1' : '0';
	sql_text(f, "UPDATE audit_checkpoints SET signature = ?1 WHERE size = ?2", saved, 137);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "checkpoint 137: the signature does not verify"));
	assert_non_null(strstr(report, "signature: BAD"));
	saved[10] = keep;
	sql_text(f, "UPDATE audit_checkpoints SET signature = ?1 WHERE size = ?2", saved, 137);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);
	sql_ints(f, "UPDATE audit_checkpoints SET at = at + ?1 WHERE size = ?2", 1, 100);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "checkpoint 100: the signature does not verify"));
	sql_ints(f, "UPDATE audit_checkpoints SET at = at + ?1 WHERE size = ?2", -1, 100);
	sql_ints(f, "UPDATE audit_checkpoints SET size = ?1 WHERE size = ?2", 99, 100);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "checkpoint 99: signed root"));
	sql_ints(f, "UPDATE audit_checkpoints SET size = ?1 WHERE size = ?2", 100, 99);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);

	/* the last leaves removed: the checkpoint signs more than the tree holds */
	sql_ints(f, "DELETE FROM audit_leaves WHERE idx >= ?1 AND idx < ?2", 130, INT64_MAX);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "sign more leaves than the tree holds"));
	/* a leaf in the middle removed: reported as missing */
	sql_ints(f, "DELETE FROM audit_leaves WHERE idx >= ?1 AND idx < ?2", 60, 61);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "leaf 60 is missing"));
}

static void test_verify_other_key(void **state)
{
	struct fx *f = *state;
	char report[4096];

	append_range(f, 0, 9);
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	snprintf(f->app.cfg.key_file, sizeof f->app.cfg.key_file, "%s/other.key", f->dir);
	assert_int_equal(audit_load_key(&f->app, 1), DF_OK);
	assert_int_equal(verify_to(f, report, sizeof report), DF_ECONFLICT);
	assert_non_null(strstr(report, "not by the loaded key"));
}

static void test_key_file(void **state)
{
	struct fx *f = *state;
	unsigned char pk[32];
	struct app other;
	struct stat sb;
	FILE *fp;
	char text[200];

	memcpy(pk, f->app.sign_pk, sizeof pk);
	assert_int_equal(stat(f->app.cfg.key_file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	fp = fopen(f->app.cfg.key_file, "r");
	assert_non_null(fp);
	assert_non_null(fgets(text, sizeof text, fp));
	fclose(fp);
	assert_int_equal(strlen(text), 129); /* 128 hex + newline */
	memset(&other, 0, sizeof other);
	other.cfg = f->app.cfg;
	assert_int_equal(audit_load_key(&other, 0), DF_OK);
	assert_int_equal(other.have_key, 1);
	assert_memory_equal(other.sign_pk, pk, 32);
	assert_memory_equal(other.sign_sk, f->app.sign_sk, 64);

	/* missing without create */
	memset(&other, 0, sizeof other);
	snprintf(other.cfg.key_file, sizeof other.cfg.key_file, "%s/other.key", f->dir);
	assert_int_equal(audit_load_key(&other, 0), DF_ENOTFOUND);
	assert_int_equal(other.have_key, 0);
	/* malformed: too short, not hex, public half not matching */
	fp = fopen(other.cfg.key_file, "w");
	assert_non_null(fp);
	fputs("abcd\n", fp);
	fclose(fp);
	assert_int_equal(audit_load_key(&other, 1), DF_EINVAL);
	text[0] = 'z';
	fp = fopen(other.cfg.key_file, "w");
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(audit_load_key(&other, 0), DF_EINVAL);
	text[0] = '0';
	text[127] = text[127] == '0' ? '1' : '0';
	fp = fopen(other.cfg.key_file, "w");
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(audit_load_key(&other, 0), DF_EINVAL);
	assert_int_equal(other.have_key, 0);
	sodium_memzero(text, sizeof text);
	sodium_memzero(&other, sizeof other);
}

static void test_leaves_by_object(void **state)
{
	struct fx *f = *state;
	struct audit_leaf out[AUDIT_LIST_MAX];
	size_t n = 0;

	append_range(f, 0, 50);
	/* object_id = i % 7 + 1: object 3 has leaves 2, 9, 16, 23, 30, 37, 44 */
	assert_int_equal(audit_leaves_by_object(f->db, "thing", 3, 200, out, &n), DF_OK);
	assert_int_equal(n, 7);
	assert_int_equal(out[0].index, 44);
	assert_int_equal(out[6].index, 2);
	assert_int_equal(audit_leaves_by_object(f->db, "thing", 3, 2, out, &n), DF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].index, 37);
	assert_int_equal(audit_leaves_by_object(f->db, "other", 3, 2, out, &n), DF_OK);
	assert_int_equal(n, 0);
	assert_int_equal(audit_leaves_by_object(f->db, "thing", 3, 0, out, &n), DF_EINVAL);
	assert_int_equal(audit_leaves_by_object(f->db, "thing", 3, 201, out, &n), DF_EINVAL);
	assert_int_equal(audit_leaves_by_object(f->db, "Thing", 3, 2, out, &n), DF_EINVAL);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* DAFTAR_AUDIT_BIG=N: N leaves in transactions of 1000, then verify. */
static void test_big(void **state)
{
	struct fx *f = *state;
	const char *env = getenv("DAFTAR_AUDIT_BIG");
	long total = env ? strtol(env, NULL, 10) : 0;
	struct timespec t0;
	struct rusage ru;
	char report[4096];
	long i = 0, rss;

	if (total <= 0) {
		skip();
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (i < total) {
		assert_int_equal(db_begin(f->db), DF_OK);
		for (int k = 0; k < 1000 && i < total; k++, i++)
			assert_int_equal(audit_append(f->db, "test.big", "thing", i, 0, &i, sizeof i, NULL), DF_OK);
		assert_int_equal(db_commit(f->db), DF_OK);
	}
	printf("# appended %ld leaves in %.1f s\n", total, seconds_since(&t0));
	assert_int_equal(audit_checkpoint(&f->app, f->db), DF_OK);
	getrusage(RUSAGE_SELF, &ru);
	rss = ru.ru_maxrss;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(verify_to(f, report, sizeof report), DF_OK);
	getrusage(RUSAGE_SELF, &ru);
	printf("# verified in %.1f s, peak RSS %ld -> %ld KiB:\n%s", seconds_since(&t0), rss, ru.ru_maxrss, report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_bytes),
		cmocka_unit_test_setup_teardown(test_outside_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thousand_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaves_by_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
