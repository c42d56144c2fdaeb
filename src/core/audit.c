/*
 * audit.c - the audit log: appending leaves, the Ed25519 key, signed
 * checkpoints (see audit.h for the tables and the exact leaf and note
 * bytes); the full verification is in audit_verify.c.
 *
 * Appending runs inside the caller's transaction: the next index is read
 * from the table (SQLite's BEGIN IMMEDIATE serialises writers; on a server
 * engine the primary key makes a racing writer fail and retry), the leaf row
 * is inserted with its hash, and merkle_append() stores the complete
 * subtrees the leaf completes.  Level 0 of the tree is audit_leaves itself,
 * so audit_nodes holds levels 1 and up only.
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
#include "audit_int.h"
#include "clock.h"
#include "id.h"
#include "log.h"
#include "merkle.h"
#include "store.h"

#define KEY_HEX (2 * crypto_sign_SECRETKEYBYTES) /* 128 hex characters */


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

/* audit_read_leaf - the columns of AUDIT_LEAF_COLS into l; DF_EINVAL if malformed. */
int audit_read_leaf(struct stmt *st, struct audit_leaf *l)
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

/* audit_read_cp - size, root, at, signature, key_id into cp; DF_EINVAL if malformed. */
int audit_read_cp(struct stmt *st, struct audit_cp *cp)
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

/* audit_node_read - a stored hash; DF_EINVAL when the stored text is not hex. */
int audit_node_read(struct db *db, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH])
{
	struct stmt *st = NULL;
	int rc;

	if (index > (uint64_t)INT64_MAX || level > AUDIT_MAX_LEVEL)
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
	int rc = audit_node_read(ctx, level, index, out);

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
	if (index > (uint64_t)INT64_MAX || level > AUDIT_MAX_LEVEL)
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
	rc = db_prepare(db, "SELECT " AUDIT_LEAF_COLS " FROM audit_leaves WHERE idx = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, (int64_t)index);
	rc = stmt_step(st);
	if (rc == STMT_ROW)
		rc = audit_read_leaf(st, out) == DF_OK ? DF_OK : DF_ESTORE;
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
	rc = db_prepare(db, "SELECT " AUDIT_LEAF_COLS " FROM audit_leaves WHERE object_type = ?1 AND object_id = ?2"
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
		rc = audit_read_leaf(st, &out[*n]) == DF_OK ? DF_OK : DF_ESTORE;
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
		rc = audit_read_cp(st, out) == DF_OK ? DF_OK : DF_ESTORE;
	else if (rc == DF_OK)
		rc = DF_ENOTFOUND;
	stmt_done(st);
	return rc;
}

/* ------------------------------------------------------------ appending */

static int insert_leaf(struct db *db, const struct audit_leaf *l)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO audit_leaves (" AUDIT_LEAF_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);

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

char *audit_record_text(const json_t *record)
{
	return record ? json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

int audit_append_json_at(struct db *db, const char *event, const char *object_type, int64_t object_id,
			 int64_t actor, json_t *record, int64_t *index)
{
	char *text = NULL;
	int rc;

	if (!record)
		return DF_EINVAL;
	text = audit_record_text(record);
	if (!text)
		return DF_ENOMEM;
	rc = audit_append(db, event, object_type, object_id, actor, text, strlen(text), index);
	free(text);
	return rc;
}

int audit_append_json(struct db *db, const char *event, const char *object_type, int64_t object_id,
		      int64_t actor, json_t *record)
{
	return audit_append_json_at(db, event, object_type, object_id, actor, record, NULL);
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

	if (!path[0]) {
		log_error("msg=\"audit.key_file is not set; it has no default when the store is a URL\"");
		return DF_EINVAL;
	}
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

int audit_key_check(struct app *app, struct db *db)
{
	struct audit_cp last;
	char kid[17];
	int rc = audit_latest(db, &last);

	if (rc == DF_ENOTFOUND)
		return DF_OK;
	if (rc != DF_OK)
		return rc;
	audit_key_id(app->sign_pk, kid);
	if (strcmp(kid, last.key_id) == 0)
		return DF_OK;
	log_error("msg=\"the last audit checkpoint was signed by another key: every instance on this database"
		  " must use the same audit.key_file\" ours=%s theirs=%s size=%" PRIu64,
		  kid, last.key_id, last.size);
	return DF_ECONFLICT;
}

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
