/*
 * audit.c - the audit log: appending leaves, the Ed25519 key, signed
 * checkpoints and the full verification (see audit.h for the tables and the
 * exact leaf and note bytes).
 *
 * Appending runs inside the caller's transaction: the next index is read
 * from the table (SQLite's BEGIN IMMEDIATE serialises writers; on a server
 * engine the primary key makes a racing writer fail and retry), the leaf row
 * is inserted with its hash, and merkle_append() stores the complete
 * subtrees the leaf completes.  Level 0 of the tree is audit_leaves itself,
 * so audit_nodes holds levels 1 and up only.
 *
 * Verification streams the leaves in pages by index, recomputes each leaf
 * hash from the stored fields and keeps only the O(log n) stack of pending
 * subtree hashes, as merkle_append does; every complete subtree it finishes
 * is compared with audit_nodes, and at every checkpoint size the root from
 * the stack is compared with the signed root and the signature checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "app.h"
#include "audit.h"
#include "clock.h"
#include "id.h"
#include "log.h"
#include "merkle.h"
#include "store.h"

#define KEY_HEX (2 * crypto_sign_SECRETKEYBYTES) /* 128 hex characters */
#define VERIFY_PAGE 512   /* leaves read per query while verifying */
#define CP_PAGE 64        /* checkpoints read per query while verifying */
#define MAX_REPORT 10     /* problem lines printed; the rest are counted */
#define MAX_LEVEL 62      /* 2^62 still fits the int64 arithmetic in SQL */

#define LEAF_COLS "idx, id, at, event, object_type, object_id, actor, record_hash, leaf_hash"

/* ------------------------------------------------------------ helpers */

int audit_name_ok(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	for (n = 0; s[n]; n++) {
		char c = s[n];

		if (n >= AUDIT_NAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
			return 0;
	}
	return n > 0;
}

/* hex_ok - 1 if s is exactly n lowercase hex characters. */
static int hex_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[n] == '\0';
}

/* copy_text - copy a stored text column; DF_EINVAL if NULL or too long. */
static int copy_text(char *dst, size_t size, const char *src)
{
	size_t n;

	dst[0] = '\0';
	if (!src)
		return DF_EINVAL;
	n = strlen(src);
	if (n >= size)
		return DF_EINVAL;
	memcpy(dst, src, n + 1);
	return DF_OK;
}

/* read_leaf - the columns of LEAF_COLS into l; DF_EINVAL if malformed. */
static int read_leaf(struct stmt *st, struct audit_leaf *l)
{
	int rc = DF_OK;

	memset(l, 0, sizeof *l);
	if (stmt_i64(st, 0) < 0)
		rc = DF_EINVAL;
	l->index = (uint64_t)stmt_i64(st, 0);
	l->id = stmt_i64(st, 1);
	l->at = stmt_i64(st, 2);
	l->object_id = stmt_i64(st, 5);
	l->actor = stmt_i64(st, 6);
	if (copy_text(l->event, sizeof l->event, stmt_text(st, 3)) != DF_OK)
		rc = DF_EINVAL;
	if (copy_text(l->object_type, sizeof l->object_type, stmt_text(st, 4)) != DF_OK)
		rc = DF_EINVAL;
	if (copy_text(l->record_hash, sizeof l->record_hash, stmt_text(st, 7)) != DF_OK)
		rc = DF_EINVAL;
	if (copy_text(l->leaf_hash, sizeof l->leaf_hash, stmt_text(st, 8)) != DF_OK)
		rc = DF_EINVAL;
	return rc;
}

/* read_cp - size, root, at, signature, key_id into cp; DF_EINVAL if malformed. */
static int read_cp(struct stmt *st, struct audit_cp *cp)
{
	int rc = DF_OK;

	memset(cp, 0, sizeof *cp);
	if (stmt_i64(st, 0) < 0)
		rc = DF_EINVAL;
	cp->size = (uint64_t)stmt_i64(st, 0);
	cp->at = stmt_i64(st, 2);
	if (copy_text(cp->root, sizeof cp->root, stmt_text(st, 1)) != DF_OK || !hex_ok(cp->root, 64))
		rc = DF_EINVAL;
	if (copy_text(cp->signature, sizeof cp->signature, stmt_text(st, 3)) != DF_OK || !hex_ok(cp->signature, 128))
		rc = DF_EINVAL;
	if (copy_text(cp->key_id, sizeof cp->key_id, stmt_text(st, 4)) != DF_OK)
		rc = DF_EINVAL;
	return rc;
}

int audit_leaf_bytes(const struct audit_leaf *l, char out[AUDIT_LEAF_MAX], size_t *len)
{
	int n;

	out[0] = '\0';
	*len = 0;
	if (!audit_name_ok(l->event) || !audit_name_ok(l->object_type) || l->object_id < 0 || l->actor < 0 ||
	    l->index > (uint64_t)INT64_MAX || !hex_ok(l->record_hash, 64))
		return DF_EINVAL;
	n = snprintf(out, AUDIT_LEAF_MAX,
		     "{\"actor\":\"%" PRId64 "\",\"at\":%" PRId64 ",\"event\":\"%s\",\"id\":\"%" PRId64 "\","
		     "\"idx\":%" PRIu64 ",\"object_id\":\"%" PRId64 "\",\"object_type\":\"%s\",\"record_hash\":\"%s\"}",
		     l->actor, l->at, l->event, l->id, l->index, l->object_id, l->object_type, l->record_hash);
	if (n < 0 || n >= AUDIT_LEAF_MAX)
		return DF_EINTERNAL;
	*len = (size_t)n;
	return DF_OK;
}

int audit_note(uint64_t size, const char *root_hex, int64_t at, char out[AUDIT_NOTE_MAX], size_t *len)
{
	int n;

	out[0] = '\0';
	*len = 0;
	if (!root_hex || !hex_ok(root_hex, 64))
		return DF_EINVAL;
	n = snprintf(out, AUDIT_NOTE_MAX, "%s\n%" PRIu64 "\n%s\n%" PRId64 "\n", AUDIT_NOTE_ORIGIN, size, root_hex, at);
	if (n < 0 || n >= AUDIT_NOTE_MAX)
		return DF_EINTERNAL;
	*len = (size_t)n;
	return DF_OK;
}

void audit_key_id(const unsigned char pk[32], char out[17])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, pk, 32);
	sodium_bin2hex(out, 17, h, 8);
}

/* ------------------------------------------------------------ the stored tree */

int audit_size(struct db *db, uint64_t *n)
{
	int64_t v = 0;
	int rc = db_query_i64(db, "SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_leaves", 0, NULL, &v);

	*n = 0;
	if (rc != DF_OK)
		return rc;
	if (v < 0)
		return DF_ESTORE;
	*n = (uint64_t)v;
	return DF_OK;
}

/* node_get - a stored hash; DF_EINVAL when the stored text is not hex. */
static int node_get(struct db *db, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH])
{
	struct stmt *st = NULL;
	int rc;

	if (index > (uint64_t)INT64_MAX || level > MAX_LEVEL)
		return DF_ENOTFOUND;
	if (level == 0) {
		rc = db_prepare(db, "SELECT leaf_hash FROM audit_leaves WHERE idx = ?1", &st);
		if (rc != DF_OK)
			return rc;
		stmt_bind_i64(st, 1, (int64_t)index);
	} else {
		rc = db_prepare(db, "SELECT hash FROM audit_nodes WHERE level = ?1 AND idx = ?2", &st);
		if (rc != DF_OK)
			return rc;
		stmt_bind_i64(st, 1, level);
		stmt_bind_i64(st, 2, (int64_t)index);
	}
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *hex = stmt_text(st, 0);

		rc = hex && hex_ok(hex, 64) && merkle_unhex(hex, out) == DF_OK ? DF_OK : DF_EINVAL;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	int rc = node_get(ctx, level, index, out);

	if (rc == DF_EINVAL) {
		log_error("msg=\"audit node is not hex\" level=%u idx=%" PRIu64, level, index);
		rc = DF_ESTORE;
	}
	return rc;
}

/* node_put - the merkle_put_fn of audit_append: level 0 is the leaf row. */
static int node_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH])
{
	struct db *db = ctx;
	struct stmt *st = NULL;
	char hex[2 * MERKLE_HASH + 1];
	int rc;

	if (level == 0)
		return DF_OK;
	if (index > (uint64_t)INT64_MAX || level > MAX_LEVEL)
		return DF_ETOOBIG;
	merkle_hex(hash, hex);
	rc = db_prepare(db, "INSERT INTO audit_nodes (level, idx, hash) VALUES (?1, ?2, ?3)", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, level);
	stmt_bind_i64(st, 2, (int64_t)index);
	stmt_bind_text(st, 3, hex, 64);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int audit_leaf_get(struct db *db, uint64_t index, struct audit_leaf *out)
{
	struct stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (index > (uint64_t)INT64_MAX)
		return DF_ENOTFOUND;
	rc = db_prepare(db, "SELECT " LEAF_COLS " FROM audit_leaves WHERE idx = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, (int64_t)index);
	rc = stmt_step(st);
	if (rc == STMT_ROW)
		rc = read_leaf(st, out) == DF_OK ? DF_OK : DF_ESTORE;
	else if (rc == DF_OK)
		rc = DF_ENOTFOUND;
	stmt_done(st);
	return rc;
}

int audit_leaves_by_object(struct db *db, const char *object_type, int64_t object_id, size_t limit,
			   struct audit_leaf *out, size_t *n)
{
	struct stmt *st = NULL;
	int rc;

	*n = 0;
	if (!audit_name_ok(object_type) || object_id < 0 || limit < 1 || limit > AUDIT_LIST_MAX)
		return DF_EINVAL;
	rc = db_prepare(db, "SELECT " LEAF_COLS " FROM audit_leaves WHERE object_type = ?1 AND object_id = ?2"
			    " ORDER BY idx DESC LIMIT ?3", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, object_type, -1);
	stmt_bind_i64(st, 2, object_id);
	stmt_bind_i64(st, 3, (int64_t)limit);
	while (*n < limit) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		rc = read_leaf(st, &out[*n]) == DF_OK ? DF_OK : DF_ESTORE;
		if (rc != DF_OK)
			break;
		(*n)++;
	}
	stmt_done(st);
	return rc;
}

int audit_latest(struct db *db, struct audit_cp *out)
{
	struct stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = db_prepare(db, "SELECT size, root, at, signature, key_id FROM audit_checkpoints ORDER BY size DESC LIMIT 1", &st);
	if (rc != DF_OK)
		return rc;
	rc = stmt_step(st);
	if (rc == STMT_ROW)
		rc = read_cp(st, out) == DF_OK ? DF_OK : DF_ESTORE;
	else if (rc == DF_OK)
		rc = DF_ENOTFOUND;
	stmt_done(st);
	return rc;
}

/* ------------------------------------------------------------ appending */

static int insert_leaf(struct db *db, const struct audit_leaf *l)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO audit_leaves (" LEAF_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, (int64_t)l->index);
	stmt_bind_i64(st, 2, l->id);
	stmt_bind_i64(st, 3, l->at);
	stmt_bind_text(st, 4, l->event, -1);
	stmt_bind_text(st, 5, l->object_type, -1);
	stmt_bind_i64(st, 6, l->object_id);
	stmt_bind_i64(st, 7, l->actor);
	stmt_bind_text(st, 8, l->record_hash, 64);
	stmt_bind_text(st, 9, l->leaf_hash, 64);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int audit_append(struct db *db, const char *event, const char *object_type, int64_t object_id,
		 int64_t actor, const void *record, size_t len, int64_t *index)
{
	struct audit_leaf leaf;
	char bytes[AUDIT_LEAF_MAX];
	uint8_t rh[MERKLE_HASH], lh[MERKLE_HASH];
	size_t blen = 0;
	uint64_t n = 0;
	int rc;

	if (index)
		*index = -1;
	if (!db || !db_in_tx(db))
		return DF_EINTERNAL;
	if (!audit_name_ok(event) || !audit_name_ok(object_type) || object_id < 0 || actor < 0 || (!record && len))
		return DF_EINVAL;
	rc = audit_size(db, &n);
	if (rc != DF_OK)
		return rc;
	if (n >= (uint64_t)INT64_MAX)
		return DF_ETOOBIG;
	memset(&leaf, 0, sizeof leaf);
	crypto_hash_sha256(rh, record ? record : (const void *)"", len);
	leaf.index = n;
	leaf.id = id_next();
	leaf.at = clock_now_ms();
	memcpy(leaf.event, event, strlen(event) + 1);
	memcpy(leaf.object_type, object_type, strlen(object_type) + 1);
	leaf.object_id = object_id;
	leaf.actor = actor;
	merkle_hex(rh, leaf.record_hash);
	rc = audit_leaf_bytes(&leaf, bytes, &blen);
	if (rc != DF_OK)
		return rc;
	merkle_leaf_hash(bytes, blen, lh);
	merkle_hex(lh, leaf.leaf_hash);
	rc = insert_leaf(db, &leaf);
	if (rc != DF_OK)
		return rc;
	rc = merkle_append(n, lh, audit_node_get, node_put, db);
	if (rc == DF_OK && index)
		*index = (int64_t)n;
	return rc;
}

int audit_append_json(struct db *db, const char *event, const char *object_type, int64_t object_id,
		      int64_t actor, json_t *record)
{
	char *text = NULL;
	int rc;

	if (!record)
		return DF_EINVAL;
	text = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!text)
		return DF_ENOMEM;
	rc = audit_append(db, event, object_type, object_id, actor, text, strlen(text), NULL);
	free(text);
	return rc;
}

/* ------------------------------------------------------------ the key */

/* key_set - check that sk is a consistent Ed25519 secret key, then load it. */
static int key_set(struct app *app, const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
	int rc = DF_EINVAL;

	crypto_sign_ed25519_sk_to_seed(seed, sk);
	if (crypto_sign_seed_keypair(pk, sk2, seed) != 0)
		goto out;
	if (sodium_memcmp(sk, sk2, sizeof sk2) != 0)
		goto out;
	memcpy(app->sign_pk, pk, sizeof app->sign_pk);
	memcpy(app->sign_sk, sk, sizeof app->sign_sk);
	app->have_key = 1;
	rc = DF_OK;
out:
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk2, sizeof sk2);
	return rc;
}

/* key_read - load the key file at path into app. */
static int key_read(struct app *app, const char *path)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char text[KEY_HEX + 16];
	size_t len = 0, binlen = 0;
	struct stat sb;
	ssize_t got = 0;
	int fd, rc = DF_EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? DF_ENOTFOUND : DF_EIO;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
		log_warn("msg=\"audit key file is readable by others; chmod 600 it\" path=\"%s\"", path);
	while (len < sizeof text) {
		got = read(fd, text + len, sizeof text - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (got < 0) {
		rc = DF_EIO;
		goto out;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len != KEY_HEX)
		goto out;
	if (sodium_hex2bin(sk, sizeof sk, text, len, NULL, &binlen, NULL) != 0 || binlen != sizeof sk)
		goto out;
	rc = key_set(app, sk);
out:
	if (rc == DF_EINVAL)
		log_error("msg=\"audit key file is not a hex Ed25519 secret key\" path=\"%s\"", path);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(text, sizeof text);
	return rc;
}

/* key_create - a new key pair written to path (0600, never over a file).
 * DF_ECONFLICT if the file appeared meanwhile. */
static int key_create(const char *path)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char text[KEY_HEX + 2];
	size_t off = 0;
	int fd, rc = DF_EIO;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? DF_ECONFLICT : DF_EIO;
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(text, KEY_HEX + 1, sk, sizeof sk);
	text[KEY_HEX] = '\n';
	text[KEY_HEX + 1] = '\0';
	while (off < KEY_HEX + 1) {
		ssize_t put = write(fd, text + off, KEY_HEX + 1 - off);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			break;
		off += (size_t)put;
	}
	if (off == KEY_HEX + 1 && fsync(fd) == 0)
		rc = DF_OK;
	if (close(fd) != 0)
		rc = DF_EIO;
	if (rc != DF_OK)
		unlink(path);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(text, sizeof text);
	return rc;
}

int audit_load_key(struct app *app, int create)
{
	const char *path = app->cfg.key_file;
	char kid[17];
	int rc;

	if (!path[0])
		return DF_EINVAL;
	rc = key_read(app, path);
	if (rc == DF_ENOTFOUND && create) {
		rc = key_create(path);
		if (rc == DF_OK)
			log_info("msg=\"audit signing key created\" path=\"%s\"", path);
		if (rc == DF_OK || rc == DF_ECONFLICT)
			rc = key_read(app, path);
	}
	if (rc == DF_OK) {
		audit_key_id(app->sign_pk, kid);
		log_debug("msg=\"audit key loaded\" key_id=%s", kid);
	}
	return rc;
}

/* ------------------------------------------------------------ checkpoints */

static int insert_cp(struct db *db, const struct audit_cp *cp)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO audit_checkpoints (size, root, at, signature, key_id)"
				" VALUES (?1, ?2, ?3, ?4, ?5)", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, (int64_t)cp->size);
	stmt_bind_text(st, 2, cp->root, -1);
	stmt_bind_i64(st, 3, cp->at);
	stmt_bind_text(st, 4, cp->signature, -1);
	stmt_bind_text(st, 5, cp->key_id, -1);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int audit_checkpoint(struct app *app, struct db *db)
{
	struct audit_cp last, cp;
	char note[AUDIT_NOTE_MAX];
	unsigned char sig[crypto_sign_BYTES];
	uint8_t root[MERKLE_HASH];
	size_t len = 0;
	int rc, have_last;

	if (!app || !db || !app->have_key || db_in_tx(db))
		return DF_EINTERNAL;
	rc = db_begin(db);
	if (rc != DF_OK)
		return rc;
	rc = audit_latest(db, &last);
	have_last = rc == DF_OK;
	if (rc == DF_ENOTFOUND)
		rc = DF_OK;
	if (rc != DF_OK)
		goto out;
	memset(&cp, 0, sizeof cp);
	rc = audit_size(db, &cp.size);
	if (rc != DF_OK || (have_last && last.size == cp.size))
		goto out;
	if (have_last && cp.size < last.size) {
		log_error("msg=\"audit tree is shorter than its last checkpoint\" size=%" PRIu64 " checkpoint=%" PRIu64,
			  cp.size, last.size);
		rc = DF_ECONFLICT;
		goto out;
	}
	rc = merkle_root(cp.size, audit_node_get, db, root);
	if (rc != DF_OK)
		goto out;
	merkle_hex(root, cp.root);
	cp.at = clock_now_ms();
	rc = audit_note(cp.size, cp.root, cp.at, note, &len);
	if (rc != DF_OK)
		goto out;
	crypto_sign_detached(sig, NULL, (const unsigned char *)note, len, app->sign_sk);
	sodium_bin2hex(cp.signature, sizeof cp.signature, sig, sizeof sig);
	audit_key_id(app->sign_pk, cp.key_id);
	rc = insert_cp(db, &cp);
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc == DF_OK)
		log_info("msg=\"audit checkpoint\" size=%" PRIu64 " root=%s", cp.size, cp.root);
out:
	db_rollback(db);
	return rc;
}

/* ------------------------------------------------------------ verification */

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
	int rc = node_get(v->db, level, index, stored);

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
		v->cps[v->ncp].bad = read_cp(st, &v->cps[v->ncp].cp) != DF_OK;
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
	int rc = db_prepare(v->db, "SELECT " LEAF_COLS " FROM audit_leaves WHERE idx >= ?1 AND idx < ?2"
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
		v->bad[*n] = read_leaf(st, &v->page[*n]) != DF_OK;
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
			   MAX_LEVEL, 0, &n);
	if (rc == DF_OK && n)
		problem(v, "%" PRId64 " nodes have an impossible level or index", n);
	for (level = 1; rc == DF_OK && level <= MAX_LEVEL; level++) {
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
