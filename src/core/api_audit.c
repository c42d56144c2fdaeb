/*
 * api_audit.c - the audit log's module: its tables (migrations), the
 * checkpoint job and the HTTP routes through which anyone can check the log
 * without trusting the server:
 *
 *   GET /api/v1/audit/checkpoint                      public: latest signed checkpoint
 *   GET /api/v1/audit/key                             public: the signing key
 *   GET /api/v1/audit/proof/inclusion?index=&size=    public: RFC 9162 inclusion proof
 *   GET /api/v1/audit/proof/consistency?first=&second= public: RFC 9162 consistency proof
 *   GET /api/v1/audit/leaves/{index}                  audit.read: one leaf and its bytes
 *   GET /api/v1/audit/leaves?object_type=&object_id=&limit=  audit.read: an object's leaves
 *
 * Proofs reveal only hashes, so they are public; leaves name objects and
 * actors, so they need audit.read.  Leaf indexes and tree sizes are uint64
 * and leave as decimal strings, like ids; `at` is epoch ms as a number.
 * Hashes, keys and signatures are lowercase hex.  The byte formats of the
 * leaf and of the signed note are in audit.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "audit.h"
#include "clock.h"
#include "http.h"
#include "merkle.h"
#include "store.h"

#define LIST_DEFAULT 50

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE audit_leaves ("
	     " idx BIGINT NOT NULL PRIMARY KEY, id BIGINT NOT NULL UNIQUE, at BIGINT NOT NULL,"
	     " event TEXT NOT NULL, object_type TEXT NOT NULL, object_id BIGINT NOT NULL,"
	     " actor BIGINT NOT NULL, record_hash TEXT NOT NULL, leaf_hash TEXT NOT NULL);"
	     "CREATE INDEX audit_leaves_object ON audit_leaves (object_type, object_id, idx);"
	     "CREATE TABLE audit_nodes ("
	     " level INT NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx));"
	     "CREATE TABLE audit_checkpoints ("
	     " size BIGINT NOT NULL PRIMARY KEY, root TEXT NOT NULL, at BIGINT NOT NULL,"
	     " signature TEXT NOT NULL, key_id TEXT NOT NULL);" },
};

/* Checkpoints are rows of their own, not leaves: this module writes none. */
static const char *const events[] = { NULL };

/* ------------------------------------------------------------ helpers */

static json_t *json_u64(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof s, "%" PRIu64, v);
	return json_string(s);
}

static json_t *json_hash(const uint8_t h[MERKLE_HASH])
{
	char hex[2 * MERKLE_HASH + 1];

	merkle_hex(h, hex);
	return json_string(hex);
}

static json_t *json_pk(const struct app *app)
{
	char hex[65];

	sodium_bin2hex(hex, sizeof hex, app->sign_pk, sizeof app->sign_pk);
	return json_string(hex);
}

/* parse_u64 - 1..19 decimal digits, nothing else, at most INT64_MAX. */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end = NULL;
	size_t n;

	if (!s)
		return DF_EINVAL;
	n = strspn(s, "0123456789");
	if (n == 0 || n > 19 || s[n] != '\0')
		return DF_EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > (unsigned long long)INT64_MAX)
		return DF_EINVAL;
	*out = v;
	return DF_OK;
}

/* query_u64 - query argument name as a number; *given says whether it was
 * there.  A malformed (or a missing required) one records a 400. */
static int query_u64(struct request *r, const char *name, int required, uint64_t *out, int *given)
{
	const char *s = req_query(r, name);

	*given = s != NULL;
	if (!s && !required)
		return DF_OK;
	if (parse_u64(s, out) != DF_OK) {
		req_problem_field(r, 400, name, "%s must be a whole number from 0 (decimal digits)", name);
		return DF_EINVAL;
	}
	return DF_OK;
}

/* latest_size - the latest checkpoint's size, or a 404 problem. */
static int latest_size(struct request *r, struct db *db, const char *field, uint64_t *n)
{
	struct audit_cp cp;
	int rc = audit_latest(db, &cp);

	if (rc == DF_ENOTFOUND)
		req_problem_field(r, 404, field, "no checkpoint has been signed yet; give %s", field);
	if (rc == DF_OK)
		*n = cp.size;
	return rc;
}

static json_t *proof_json(const uint8_t (*proof)[MERKLE_HASH], size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_hash(proof[i])) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *leaf_json(const struct audit_leaf *l)
{
	char bytes[AUDIT_LEAF_MAX];
	size_t len = 0;

	if (audit_leaf_bytes(l, bytes, &len) != DF_OK)
		return NULL;
	return json_pack("{s:o, s:o, s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s}",
			 "index", json_u64(l->index), "id", json_id(l->id), "at", (json_int_t)l->at,
			 "event", l->event, "object_type", l->object_type, "object_id", json_id(l->object_id),
			 "actor", json_id(l->actor), "record_hash", l->record_hash, "leaf_hash", l->leaf_hash,
			 "leaf", bytes);
}

/* ------------------------------------------------------------ handlers */

/* GET /api/v1/audit/checkpoint - the latest signed checkpoint. */
static int get_checkpoint(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct audit_cp cp;
	char note[AUDIT_NOTE_MAX];
	size_t len = 0;
	json_t *out = NULL;
	int rc;

	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = audit_latest(db, &cp);
	if (rc == DF_ENOTFOUND) {
		status = req_problem(r, 404, "no checkpoint has been signed yet");
		goto out;
	}
	if (rc == DF_OK)
		rc = audit_note(cp.size, cp.root, cp.at, note, &len);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:s, s:I, s:s, s:s, s:o, s:s, s:s}",
			"size", json_u64(cp.size), "root", cp.root, "at", (json_int_t)cp.at,
			"signature", cp.signature, "key_id", cp.key_id, "public_key", json_pk(r->app),
			"algorithm", "Ed25519", "note", note);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* GET /api/v1/audit/key - the public key that signs checkpoints. */
static int get_key(struct request *r)
{
	int status = 500;
	char kid[17];
	json_t *out = NULL;

	if (!r->app->have_key) {
		status = req_problem(r, 503, "the audit key is not loaded");
		goto out;
	}
	audit_key_id(r->app->sign_pk, kid);
	out = json_pack("{s:o, s:s, s:s}", "public_key", json_pk(r->app), "algorithm", "Ed25519", "key_id", kid);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* proof_sizes - the two sizes of a proof request: `lo` (required) and `hi`
 * (default: the latest checkpoint's size), with hi bounded by the tree.
 * Records the problem on r and returns an error when they are not. */
static int proof_sizes(struct request *r, struct db **db, const char *lo_name, const char *hi_name,
		       uint64_t *lo, uint64_t *hi)
{
	uint64_t tree = 0;
	int has_lo = 0, has_hi = 0;
	int rc;

	rc = query_u64(r, lo_name, 1, lo, &has_lo);
	if (rc == DF_OK)
		rc = query_u64(r, hi_name, 0, hi, &has_hi);
	if (rc == DF_OK)
		rc = req_db(r, db);
	if (rc == DF_OK && !has_hi)
		rc = latest_size(r, *db, hi_name, hi);
	if (rc == DF_OK)
		rc = audit_size(*db, &tree);
	if (rc == DF_OK && *hi > tree) {
		req_problem_field(r, 422, hi_name, "%s must be at most the tree size %" PRIu64, hi_name, tree);
		rc = DF_EINVAL;
	}
	return rc;
}

/* GET /api/v1/audit/proof/inclusion?index=I&size=N (size: latest checkpoint). */
static int get_inclusion(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], root[MERKLE_HASH], leaf[MERKLE_HASH];
	uint64_t m = 0, n = 0;
	size_t len = 0;
	json_t *out = NULL;
	int rc;

	rc = proof_sizes(r, &db, "index", "size", &m, &n);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (m >= n) {
		status = req_problem_field(r, 422, "index", "index must be below size %" PRIu64, n);
		goto out;
	}
	rc = merkle_inclusion_proof(m, n, audit_node_get, db, proof, &len);
	if (rc == DF_OK)
		rc = merkle_root(n, audit_node_get, db, root);
	if (rc == DF_OK)
		rc = audit_node_get(db, 0, m, leaf);
	if (rc != DF_OK) {
		status = req_fail(r, rc == DF_ENOTFOUND ? DF_ESTORE : rc);
		goto out;
	}
	out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "index", json_u64(m), "size", json_u64(n),
			"leaf_hash", json_hash(leaf), "root", json_hash(root),
			"proof", proof_json((const uint8_t (*)[MERKLE_HASH])proof, len));
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* GET /api/v1/audit/proof/consistency?first=M&second=N (second: latest checkpoint). */
static int get_consistency(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], r1[MERKLE_HASH], r2[MERKLE_HASH];
	uint64_t m = 0, n = 0;
	size_t len = 0;
	json_t *out = NULL;
	int rc;

	rc = proof_sizes(r, &db, "first", "second", &m, &n);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (m < 1 || m > n) {
		status = req_problem_field(r, 422, "first", "first must be from 1 to second (%" PRIu64 ")", n);
		goto out;
	}
	rc = merkle_consistency_proof(m, n, audit_node_get, db, proof, &len);
	if (rc == DF_OK)
		rc = merkle_root(m, audit_node_get, db, r1);
	if (rc == DF_OK)
		rc = merkle_root(n, audit_node_get, db, r2);
	if (rc != DF_OK) {
		status = req_fail(r, rc == DF_ENOTFOUND ? DF_ESTORE : rc);
		goto out;
	}
	out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "first", json_u64(m), "second", json_u64(n),
			"first_root", json_hash(r1), "second_root", json_hash(r2),
			"proof", proof_json((const uint8_t (*)[MERKLE_HASH])proof, len));
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* GET /api/v1/audit/leaves/{index} - one leaf with its bytes. */
static int get_leaf(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct audit_leaf leaf;
	uint64_t m = 0;
	json_t *out = NULL;
	int rc;

	if (parse_u64(req_param(r, "index"), &m) != DF_OK) {
		status = req_problem(r, 404, "no such leaf");
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = audit_leaf_get(db, m, &leaf);
	if (rc == DF_ENOTFOUND) {
		status = req_problem(r, 404, "no such leaf");
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = leaf_json(&leaf);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* GET /api/v1/audit/leaves?object_type=T&object_id=N&limit=L - latest first. */
static int get_leaves(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct audit_leaf *leaves = NULL;
	const char *type = req_query(r, "object_type");
	uint64_t oid = 0, limit = LIST_DEFAULT;
	size_t n = 0;
	int given = 0;
	json_t *list = NULL, *out = NULL;
	int rc;

	if (!audit_name_ok(type)) {
		status = req_problem_field(r, 400, "object_type", "object_type must be 1 to %d of a-z 0-9 . _",
					   AUDIT_NAME_MAX);
		goto out;
	}
	rc = query_u64(r, "object_id", 1, &oid, &given);
	if (rc == DF_OK)
		rc = query_u64(r, "limit", 0, &limit, &given);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (limit < 1 || limit > AUDIT_LIST_MAX) {
		status = req_problem_field(r, 422, "limit", "limit must be from 1 to %d", AUDIT_LIST_MAX);
		goto out;
	}
	leaves = calloc((size_t)limit, sizeof *leaves);
	list = json_array();
	if (!leaves || !list)
		goto out;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = audit_leaves_by_object(db, type, (int64_t)oid, (size_t)limit, leaves, &n);
	for (size_t i = 0; rc == DF_OK && i < n; i++)
		rc = json_array_append_new(list, leaf_json(&leaves[i])) == 0 ? DF_OK : DF_ENOMEM;
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:s, s:o, s:o}", "object_type", type, "object_id", json_id((int64_t)oid), "leaves", list);
	list = NULL;
	status = req_reply_take(r, 200, &out);
out:
	free(leaves);
	json_decref(list);
	json_decref(out);
	return status;
}

/* ------------------------------------------------------------ the job */

/* checkpoint_job - sign a checkpoint if the tree grew (the scheduler runs
 * it every audit.checkpoint_s seconds). */
static int checkpoint_job(struct app *app, struct db *db)
{
	return audit_checkpoint(app, db);
}

static int checkpoint_interval(const struct app *app)
{
	return app->cfg.checkpoint_s;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/audit/checkpoint", get_checkpoint, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/audit/key", get_key, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/audit/proof/inclusion", get_inclusion, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/audit/proof/consistency", get_consistency, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/audit/leaves/{index}", get_leaf, "audit.read", 0, 0 },
	{ "GET", "/api/v1/audit/leaves", get_leaves, "audit.read", 0, 0 },
};

static const struct job_def jobs[] = {
	{ "audit.checkpoint", 60, checkpoint_job, checkpoint_interval },
};

const struct module audit_module = {
	.name = "audit",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = jobs,
	.njobs = COUNT_OF(jobs),
	.audit_events = events,
};
