/*
 * audit.h - the append-only audit log as an RFC 9162 Merkle tree.
 *
 * Every write that matters appends one leaf in the same transaction as the
 * write: event type, object, actor, time and the SHA-256 of the record's
 * canonical JSON, never personal data itself.  The leaf's index is decided
 * in the database (the next index in the transaction), so several instances
 * keep one tree.  Complete subtree hashes are stored as leaves arrive, so a
 * root or a proof costs O(log n) reads.  A job signs checkpoints (size,
 * root, time) with the server's Ed25519 key; anyone can verify inclusion and
 * consistency proofs against them.  Module: `audit_module`.
 *
 * Tables (hashes are 64 lowercase hex characters):
 *   audit_leaves (idx, id, at, event, object_type, object_id, actor,
 *                 record_hash, leaf_hash)   one row per leaf, idx from 0;
 *                 leaf_hash is also the tree's level 0
 *   audit_nodes (level, idx, hash)           complete subtrees of level >= 1
 *                 only: node (L, i) covers leaves [i * 2^L, (i + 1) * 2^L)
 *   audit_checkpoints (size, root, at, signature, key_id)
 *
 * The leaf bytes (what merkle_leaf_hash() hashes: leaf_hash =
 * SHA-256(0x00 || bytes)) are this compact JSON, keys in this order, no
 * spaces, no trailing newline, numbers in plain decimal:
 *
 *   {"actor":"<actor>","at":<at>,"event":"<event>","id":"<id>","idx":<idx>,
 *    "object_id":"<object_id>","object_type":"<object_type>",
 *    "record_hash":"<64 hex>"}
 *
 * (one line; actor, id and object_id are decimal strings, at and idx bare
 * decimal numbers).  event and object_type are 1..64 characters of
 * [a-z0-9._], so nothing needs escaping and the text is what jansson's
 * JSON_COMPACT | JSON_SORT_KEYS makes of the same object.  record_hash is
 * SHA-256 of the record bytes given to audit_append (for audit_append_json:
 * the record as compact JSON with sorted keys).
 *
 * The checkpoint note (the bytes signed with Ed25519, crypto_sign_detached)
 * is four lines, each ending in "\n":
 *
 *   daftar audit log
 *   <size, decimal>
 *   <root, 64 lowercase hex>
 *   <at, UTC epoch milliseconds, decimal>
 *
 * The signature is stored and served as 128 lowercase hex characters.  The
 * key id is the first 8 bytes of SHA-256(public key) as 16 hex characters.
 */
#ifndef DF_AUDIT_H
#define DF_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "module.h"
#include "result.h"

struct app;
struct db;

extern const struct module audit_module;

#define AUDIT_NAME_MAX 64       /* longest event or object_type */
#define AUDIT_LEAF_MAX 512      /* the leaf bytes always fit in this */
#define AUDIT_NOTE_MAX 160      /* the checkpoint note always fits in this */
#define AUDIT_NOTE_ORIGIN "daftar audit log"
#define AUDIT_LIST_MAX 200      /* most leaves audit_leaves_by_object returns */

/* One stored leaf (a row of audit_leaves). */
struct audit_leaf {
	uint64_t index;                   /* 0-based position in the tree */
	int64_t id;                       /* id_next() at append */
	int64_t at;                       /* clock_now_ms() at append */
	char event[AUDIT_NAME_MAX + 1];   /* "org.unit.create" */
	char object_type[AUDIT_NAME_MAX + 1];
	int64_t object_id;
	int64_t actor;                    /* users.id, 0 = the system */
	char record_hash[65];             /* SHA-256 of the record, hex */
	char leaf_hash[65];               /* SHA-256(0x00 || leaf bytes), hex */
};

/* One signed checkpoint (a row of audit_checkpoints). */
struct audit_cp {
	uint64_t size;        /* leaves covered */
	char root[65];        /* MTH of the first size leaves, hex */
	int64_t at;           /* signing time, UTC epoch ms */
	char signature[129];  /* Ed25519 over the note, hex */
	char key_id[17];      /* see above */
};

/* audit_append - append a leaf inside the caller's open transaction.
 * event: "org.unit.create"; object_type/object_id: what was written; actor:
 * users.id (0 = the system); record: canonical bytes of what was written
 * (hashed, not stored). *index (may be NULL) gets the leaf index.
 * DF_EINTERNAL outside a transaction; DF_EINVAL for an event or object_type
 * that is not 1..64 of [a-z0-9._], a negative object_id or actor, or a NULL
 * record with len > 0; DF_ECONFLICT when a racing writer took the index
 * (roll back and retry the whole transaction); else a store error. */
int audit_append(struct db *db, const char *event, const char *object_type, int64_t object_id,
		 int64_t actor, const void *record, size_t len, int64_t *index) DF_WUR;
/* audit_append_json - audit_append with record = compact, key-sorted JSON
 * (audit_record_text). */
int audit_append_json(struct db *db, const char *event, const char *object_type, int64_t object_id,
		      int64_t actor, json_t *record) DF_WUR;
/* audit_append_json_at - audit_append_json, the leaf's index into *index
 * (may be NULL): for a writer that shows its proof later. */
int audit_append_json_at(struct db *db, const char *event, const char *object_type, int64_t object_id,
			 int64_t actor, json_t *record, int64_t *index) DF_WUR;
/* audit_record_text - the record bytes audit_append_json hashes for record:
 * compact JSON, keys sorted (malloc'd; NULL when out of memory or record is
 * NULL).  A reader that rebuilds a record shows these to a verifier. */
char *audit_record_text(const json_t *record);
/* audit_load_key - load the Ed25519 key from app->cfg.key_file into app;
 * with create set, make it (mode 0600) when the file is missing.  The file
 * holds the 64-byte libsodium secret key as 128 hex characters and a
 * newline.  DF_ENOTFOUND missing (create unset), DF_EIO unreadable or
 * unwritable, DF_EINVAL malformed or not a consistent key pair. */
int audit_load_key(struct app *app, int create) DF_WUR;
/* audit_key_check - DF_OK if the latest checkpoint (if any) was signed by
 * the loaded key; DF_ECONFLICT (logged) if another key signed it, which
 * means instances on one database do not share audit.key_file.  A store
 * error is returned as is. */
int audit_key_check(struct app *app, struct db *db) DF_WUR;
/* audit_checkpoint - sign and store a checkpoint of the current tree if it
 * grew since the last one (also the checkpoint job).  The first checkpoint
 * is signed whatever the size (0 included); later ones whenever the size
 * differs from the latest.  Runs its own transaction, so db must not be in
 * one (DF_EINTERNAL); DF_EINTERNAL also when no key is loaded. */
int audit_checkpoint(struct app *app, struct db *db) DF_WUR;
/* audit_verify - recompute every leaf and node hash from the stored leaves,
 * compare with the stored tree, check the latest checkpoint's root and
 * signature; prints a report to out. DF_OK only if everything holds.
 * Every stored checkpoint is checked, not only the latest.  Streams the
 * leaves in pages and keeps O(log n) hashes, so memory is bounded; needs no
 * write lock (leaves below the size read at the start never change).
 * DF_ECONFLICT when something differs (a line says what), DF_ENOTFOUND
 * when there is no checkpoint to check against, else a store error. */
int audit_verify(struct app *app, FILE *out) DF_WUR;

/* audit_size - the number of leaves in the tree (committed, as db sees it). */
int audit_size(struct db *db, uint64_t *n) DF_WUR;
/* audit_node_get - a merkle_get_fn over the stored tree; ctx is the struct
 * db *.  Level 0 reads audit_leaves.leaf_hash, higher levels audit_nodes.
 * DF_ENOTFOUND if the node is not stored, DF_ESTORE if it is not hex. */
int audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32]) DF_WUR;
/* audit_leaf_get - the stored leaf at index. DF_ENOTFOUND past the end. */
int audit_leaf_get(struct db *db, uint64_t index, struct audit_leaf *out) DF_WUR;
/* audit_leaf_bytes - the leaf bytes of leaf (format above) into out
 * (AUDIT_LEAF_MAX bytes, NUL-terminated); *len gets their length.
 * DF_EINVAL if a field breaks the rules audit_append enforces. */
int audit_leaf_bytes(const struct audit_leaf *leaf, char out[AUDIT_LEAF_MAX], size_t *len) DF_WUR;
/* audit_leaves_by_object - the latest leaves (highest index first) about
 * one object, at most limit (1..AUDIT_LIST_MAX) into out; *n gets how many.
 * DF_EINVAL for a bad object_type, a negative object_id or limit. */
int audit_leaves_by_object(struct db *db, const char *object_type, int64_t object_id, size_t limit,
			   struct audit_leaf *out, size_t *n) DF_WUR;
/* audit_latest - the checkpoint of the largest size. DF_ENOTFOUND if none. */
int audit_latest(struct db *db, struct audit_cp *out) DF_WUR;
/* audit_note - the signed note of a checkpoint (format above) into out
 * (AUDIT_NOTE_MAX bytes, NUL-terminated); *len gets its length. */
int audit_note(uint64_t size, const char *root_hex, int64_t at, char out[AUDIT_NOTE_MAX], size_t *len) DF_WUR;
/* audit_key_id - the key id of a public key (16 hex characters and a NUL). */
void audit_key_id(const unsigned char pk[32], char out[17]);
/* audit_name_ok - 1 if s is a valid event or object_type name. */
int audit_name_ok(const char *s) DF_WUR;

#endif
