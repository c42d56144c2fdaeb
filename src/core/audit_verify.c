/*
 * audit_verify.c - `daftar audit verify`: recompute the whole audit tree
 * from the stored leaves and check it against the stored nodes and every
 * signed checkpoint (see audit.h).
 *
 * Verification streams the leaves in pages by index, recomputes each leaf
 * hash from the stored fields and keeps only the O(log n) stack of pending
 * subtree hashes, as merkle_append does; every complete subtree it finishes
 * is compared with audit_nodes, and at every checkpoint size the root from
 * the stack is compared with the signed root and the signature checked.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "audit.h"
#include "audit_int.h"
#include "log.h"
#include "merkle.h"
#include "store.h"

#define VERIFY_PAGE 512   /* leaves read per query while verifying */
#define CP_PAGE 64        /* checkpoints read per query while verifying */
#define MAX_REPORT 10     /* problem lines printed; the rest are counted */

/* One checkpoint row as read by the verifier. */
struct vcp {
	struct audit_cp cp;
	int bad;  /* the row is malformed */
};

struct verify {
	struct db *db;
	FILE *out;
	const unsigned char *pk;
	char key_id[17];
	uint64_t total;                     /* leaves when the walk began */
	uint64_t done;                      /* leaves hashed so far */
	uint8_t stack[64][MERKLE_HASH];     /* pending complete subtrees, largest first */
	unsigned depth;
	uint64_t nodes;                     /* stored nodes found equal */
	struct vcp cps[CP_PAGE];            /* the current page of checkpoints */
	size_t ncp, icp;
	int64_t cp_after;                   /* the page after this size comes next */
	int cp_eof;
	uint64_t ncheckpoints;              /* checkpoints checked */
	struct audit_cp last;               /* the largest one checked */
	int last_sig_ok;
	int have_last;
	unsigned problems;
	struct audit_leaf page[VERIFY_PAGE];
	int bad[VERIFY_PAGE];
};

static void problem(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct verify *v, const char *fmt, ...)
{
	va_list ap;

	if (v->problems < MAX_REPORT) {
		fputs("MISMATCH: ", v->out);
		va_start(ap, fmt);
		vfprintf(v->out, fmt, ap);
		va_end(ap);
		fputc('\n', v->out);
	}
	v->problems++;
}

/* check_node - compare the recomputed node (level, index) with the store. */
static int check_node(struct verify *v, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH])
{
	uint8_t stored[MERKLE_HASH];
	char a[65];
	int rc = audit_node_read(v->db, level, index, stored);

	if (rc == DF_ENOTFOUND || rc == DF_EINVAL) {
		problem(v, "node (level %u, index %" PRIu64 ") is %s", level, index,
			rc == DF_EINVAL ? "not 64 lowercase hex characters" : "missing");
		return DF_OK;
	}
	if (rc != DF_OK)
		return rc;
	if (memcmp(stored, h, MERKLE_HASH) != 0) {
		merkle_hex(h, a);
		problem(v, "node (level %u, index %" PRIu64 ") differs from its children's hash %s", level, index, a);
		return DF_OK;
	}
	v->nodes++;
	return DF_OK;
}

/* push_leaf - add leaf v->done to the stack, checking each node it completes. */
static int push_leaf(struct verify *v, const uint8_t leaf_hash[MERKLE_HASH])
{
	uint8_t h[MERKLE_HASH];
	uint64_t i = v->done;
	unsigned level = 0;
	int rc;

	memcpy(h, leaf_hash, MERKLE_HASH);
	while (i & 1) {
		if (v->depth == 0)
			return DF_EINTERNAL;
		v->depth--;
		merkle_node_hash(v->stack[v->depth], h, h);
		i >>= 1;
		level++;
		rc = check_node(v, level, i, h);
		if (rc != DF_OK)
			return rc;
	}
	if (v->depth >= 64)
		return DF_EINTERNAL;
	memcpy(v->stack[v->depth++], h, MERKLE_HASH);
	v->done++;
	return DF_OK;
}

/* stack_root - MTH of the v->done leaves hashed so far. */
static void stack_root(const struct verify *v, uint8_t out[MERKLE_HASH])
{
	unsigned j;

	if (v->depth == 0) {
		merkle_empty_hash(out);
		return;
	}
	memcpy(out, v->stack[v->depth - 1], MERKLE_HASH);
	for (j = v->depth - 1; j > 0; j--)
		merkle_node_hash(v->stack[j - 1], out, out);
}

/* cp_refill - read the next page of checkpoints (sizes above cp_after). */
static int cp_refill(struct verify *v)
{
	struct stmt *st = NULL;
	int rc = db_prepare(v->db, "SELECT size, root, at, signature, key_id FROM audit_checkpoints"
				   " WHERE size > ?1 ORDER BY size LIMIT ?2", &st);

	v->ncp = 0;
	v->icp = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, v->cp_after);
	stmt_bind_i64(st, 2, CP_PAGE);
	while (v->ncp < CP_PAGE) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		v->cps[v->ncp].bad = audit_read_cp(st, &v->cps[v->ncp].cp) != DF_OK;
		v->cp_after = stmt_i64(st, 0);
		v->ncp++;
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc == DF_OK && v->ncp < CP_PAGE)
		v->cp_eof = 1;
	return rc;
}

/* check_cp - the checkpoint's root against the stack, and its signature. */
static void check_cp(struct verify *v, const struct vcp *c)
{
	const struct audit_cp *cp = &c->cp;
	unsigned char sig[crypto_sign_BYTES];
	char note[AUDIT_NOTE_MAX], hex[65];
	uint8_t root[MERKLE_HASH];
	size_t len = 0;
	int ok = 0;

	if (c->bad || audit_note(cp->size, cp->root, cp->at, note, &len) != DF_OK ||
	    sodium_hex2bin(sig, sizeof sig, cp->signature, 128, NULL, NULL, NULL) != 0) {
		problem(v, "checkpoint %" PRIu64 ": malformed row (root, signature or key id)", cp->size);
		goto out;
	}
	stack_root(v, root);
	merkle_hex(root, hex);
	if (strcmp(hex, cp->root) != 0) {
		problem(v, "checkpoint %" PRIu64 ": signed root %s, but the leaves give %s", cp->size, cp->root, hex);
		goto out;
	}
	if (strcmp(cp->key_id, v->key_id) != 0) {
		problem(v, "checkpoint %" PRIu64 ": signed by key %s, not by the loaded key %s", cp->size, cp->key_id, v->key_id);
		goto out;
	}
	if (crypto_sign_verify_detached(sig, (const unsigned char *)note, len, v->pk) != 0) {
		problem(v, "checkpoint %" PRIu64 ": the signature does not verify", cp->size);
		goto out;
	}
	ok = 1;
out:
	v->ncheckpoints++;
	v->last = *cp;
	v->last_sig_ok = ok;
	v->have_last = 1;
}

/* check_cps - check every checkpoint whose size is v->done. */
static int check_cps(struct verify *v)
{
	int rc;

	for (;;) {
		if (v->icp == v->ncp) {
			if (v->cp_eof)
				return DF_OK;
			rc = cp_refill(v);
			if (rc != DF_OK)
				return rc;
			if (v->ncp == 0)
				return DF_OK;
		}
		if (v->cps[v->icp].cp.size != v->done)
			return DF_OK;
		check_cp(v, &v->cps[v->icp]);
		v->icp++;
	}
}

/* read_page - leaves [v->done, v->total) up to a page; *n rows read. */
static int read_page(struct verify *v, size_t *n)
{
	struct stmt *st = NULL;
	int rc = db_prepare(v->db, "SELECT " AUDIT_LEAF_COLS " FROM audit_leaves WHERE idx >= ?1 AND idx < ?2"
				   " ORDER BY idx LIMIT ?3", &st);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, (int64_t)v->done);
	stmt_bind_i64(st, 2, (int64_t)v->total);
	stmt_bind_i64(st, 3, VERIFY_PAGE);
	while (*n < VERIFY_PAGE) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		v->bad[*n] = audit_read_leaf(st, &v->page[*n]) != DF_OK;
		(*n)++;
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* check_leaf - recompute one leaf's hash, compare, and push it. */
static int check_leaf(struct verify *v, const struct audit_leaf *l, int bad)
{
	char bytes[AUDIT_LEAF_MAX], hex[65];
	uint8_t h[MERKLE_HASH];
	size_t len = 0;

	memset(h, 0, sizeof h);
	if (bad || audit_leaf_bytes(l, bytes, &len) != DF_OK) {
		problem(v, "leaf %" PRIu64 ": malformed fields", l->index);
	} else {
		merkle_leaf_hash(bytes, len, h);
		merkle_hex(h, hex);
		if (strcmp(hex, l->leaf_hash) != 0)
			problem(v, "leaf %" PRIu64 ": stored leaf_hash %.64s, but its fields hash to %s",
				l->index, l->leaf_hash, hex);
	}
	return push_leaf(v, h);
}

/* walk_leaves - every leaf below v->total, in order, with the checkpoints. */
static int walk_leaves(struct verify *v)
{
	size_t n, i;
	int rc = check_cps(v);

	while (rc == DF_OK && v->done < v->total) {
		rc = read_page(v, &n);
		if (rc != DF_OK)
			return rc;
		if (n == 0 || v->page[0].index != v->done) {
			problem(v, "leaf %" PRIu64 " is missing", v->done);
			return DF_OK;
		}
		for (i = 0; i < n && rc == DF_OK; i++) {
			if (v->page[i].index != v->done) {
				problem(v, "leaf %" PRIu64 " is missing", v->done);
				return DF_OK;
			}
			rc = check_leaf(v, &v->page[i], v->bad[i]);
			if (rc == DF_OK)
				rc = check_cps(v);
		}
	}
	return rc;
}

/* count - one COUNT(*) with up to two int64 parameters. */
static int count(struct db *db, const char *sql, int np, int64_t a, int64_t b, int64_t *out)
{
	int64_t p[2] = { a, b };

	return db_query_i64(db, sql, np, p, out);
}

/* check_strays - rows that belong to no position of the tree (which would
 * also block future appends): negative indexes, bad levels, nodes past the
 * end of the current tree.  Each query is one statement, so it sees the tree
 * size and the nodes in one snapshot even while leaves are appended. */
static int check_strays(struct verify *v)
{
	int64_t n = 0;
	unsigned level;
	int rc;

	rc = count(v->db, "SELECT COUNT(*) FROM audit_leaves WHERE idx < 0", 0, 0, 0, &n);
	if (rc == DF_OK && n)
		problem(v, "%" PRId64 " leaves have a negative index", n);
	if (rc == DF_OK)
		rc = count(v->db, "SELECT COUNT(*) FROM audit_nodes WHERE level < 1 OR level > ?1 OR idx < 0", 1,
			   AUDIT_MAX_LEVEL, 0, &n);
	if (rc == DF_OK && n)
		problem(v, "%" PRId64 " nodes have an impossible level or index", n);
	for (level = 1; rc == DF_OK && level <= AUDIT_MAX_LEVEL; level++) {
		rc = count(v->db, "SELECT COUNT(*) FROM audit_nodes WHERE level = ?1 AND idx >="
				  " (SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_leaves) / ?2", 2,
			   level, (int64_t)1 << level, &n);
		if (rc == DF_OK && n)
			problem(v, "%" PRId64 " nodes of level %u lie past the end of the tree", n, level);
	}
	return rc;
}

/* check_beyond - checkpoints larger than the tree (now) mean lost leaves. */
static int check_beyond(struct verify *v)
{
	uint64_t now = 0;
	int64_t n = 0;
	int rc = audit_size(v->db, &now);

	if (rc == DF_OK)
		rc = count(v->db, "SELECT COUNT(*) FROM audit_checkpoints WHERE size > ?1 OR size < 0", 1,
			   (int64_t)now, 0, &n);
	if (rc == DF_OK && n)
		problem(v, "%" PRId64 " checkpoints sign more leaves than the tree holds (%" PRIu64 ")", n, now);
	return rc;
}

static void report(const struct verify *v)
{
	if (v->problems > MAX_REPORT)
		fprintf(v->out, "... and %u more mismatches\n", v->problems - MAX_REPORT);
	fprintf(v->out, "leaves: %" PRIu64 ", nodes: %" PRIu64 ", checkpoints: %" PRIu64 "\n",
		v->done, v->nodes, v->ncheckpoints);
	if (v->have_last)
		fprintf(v->out, "leaves: %" PRIu64 ", checkpoint size: %" PRIu64 ", root: %s, signature: %s (key %s)\n",
			v->total, v->last.size, v->last.root, v->last_sig_ok ? "good" : "BAD", v->last.key_id);
	else
		fprintf(v->out, "leaves: %" PRIu64 ", checkpoint: none to check against\n", v->total);
	if (v->problems)
		fprintf(v->out, "audit log: FAILED (%u mismatches)\n", v->problems);
	else
		fprintf(v->out, "audit log: %s\n", v->have_last ? "OK" : "UNVERIFIED (no checkpoint)");
}

int audit_verify(struct app *app, FILE *out)
{
	struct verify *v = NULL;
	struct db *db = NULL;
	int rc;

	if (!app || !out || !app->store || !app->have_key)
		return DF_EINTERNAL;
	v = calloc(1, sizeof *v);
	if (!v)
		return DF_ENOMEM;
	rc = store_acquire(app->store, &db);
	if (rc != DF_OK)
		goto out;
	v->db = db;
	v->out = out;
	v->pk = app->sign_pk;
	v->cp_after = -1;
	audit_key_id(app->sign_pk, v->key_id);
	rc = audit_size(db, &v->total);
	if (rc == DF_OK)
		rc = walk_leaves(v);
	if (rc == DF_OK)
		rc = check_strays(v);
	if (rc == DF_OK)
		rc = check_beyond(v);
	if (rc != DF_OK) {
		fprintf(out, "audit verify: the store failed: %s (%s)\n", df_strerror(rc), db_errmsg(db));
		goto out;
	}
	report(v);
	if (v->problems)
		rc = DF_ECONFLICT;
	else if (!v->have_last)
		rc = DF_ENOTFOUND;
out:
	store_release(db);
	free(v);
	return rc;
}
