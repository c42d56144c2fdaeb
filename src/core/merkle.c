/*
 * merkle.c - RFC 9162 Merkle tree hashing, proofs and proof verification
 * over a store of complete subtree hashes (see merkle.h).
 *
 * Everything is built on one primitive, range_hash(): the RFC 9162 MTH of a
 * leaf range, split at the largest power of two smaller than its size, left
 * part first, with every complete aligned part read from the store in one
 * get.  The tree root is the range [0, n); the proofs are the recursive PATH
 * and SUBPROOF definitions of RFC 9162 with every MTH(D[a:b]) they name taken
 * from range_hash().  Recursion depth is bounded by the 64 levels a 64-bit
 * leaf count allows.  The verifiers are the iterative algorithms of RFC 9162
 * 2.1.3.2 and 2.1.4.2.
 */
#include <string.h>
#include <sodium.h>
#include "merkle.h"

/* The state of a proof being built: where hashes are read and written. */
struct walk {
	merkle_get_fn get;
	void *ctx;
	uint8_t (*proof)[MERKLE_HASH];
	size_t len;
};

static int is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* log2 of a power of two. */
static unsigned log2_pow2(uint64_t x)
{
	unsigned l = 0;

	while (x > 1) {
		x >>= 1;
		l++;
	}
	return l;
}

/* The largest power of two k with k < n; n >= 2. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k <= (n - 1) >> 1)
		k <<= 1;
	return k;
}

void merkle_leaf_hash(const void *data, size_t len, uint8_t out[MERKLE_HASH])
{
	static const unsigned char prefix = 0x00;
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len)
		crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void merkle_node_hash(const uint8_t left[MERKLE_HASH], const uint8_t right[MERKLE_HASH], uint8_t out[MERKLE_HASH])
{
	static const unsigned char prefix = 0x01;
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, left, MERKLE_HASH);
	crypto_hash_sha256_update(&st, right, MERKLE_HASH);
	crypto_hash_sha256_final(&st, out);
}

void merkle_empty_hash(uint8_t out[MERKLE_HASH])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

int merkle_append(uint64_t index, const uint8_t leaf_hash[MERKLE_HASH], merkle_get_fn get, merkle_put_fn put, void *ctx)
{
	uint8_t h[MERKLE_HASH], left[MERKLE_HASH];
	unsigned level = 0;
	uint64_t i = index;
	int rc;

	if (!leaf_hash || !get || !put || index == UINT64_MAX)
		return DF_EINVAL;
	memcpy(h, leaf_hash, MERKLE_HASH);
	rc = put(ctx, 0, i, h);
	while (rc == DF_OK && (i & 1)) {
		rc = get(ctx, level, i - 1, left);
		if (rc != DF_OK)
			break;
		merkle_node_hash(left, h, h);
		i >>= 1;
		level++;
		rc = put(ctx, level, i, h);
	}
	return rc;
}

/* MTH(D[start:end]) for start < end into out (scribbled on error). */
static int range_hash(merkle_get_fn get, void *ctx, uint64_t start, uint64_t end, uint8_t out[MERKLE_HASH])
{
	uint8_t left[MERKLE_HASH];
	uint64_t size = end - start, k;
	int rc;

	if (is_pow2(size) && start % size == 0)
		return get(ctx, log2_pow2(size), start / size, out);
	k = split_point(size);
	rc = range_hash(get, ctx, start, start + k, left);
	if (rc != DF_OK)
		return rc;
	rc = range_hash(get, ctx, start + k, end, out);
	if (rc != DF_OK)
		return rc;
	merkle_node_hash(left, out, out);
	return DF_OK;
}

int merkle_range_hash(uint64_t start, uint64_t end, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH])
{
	uint8_t h[MERKLE_HASH];
	int rc;

	if (!get || !out || start > end)
		return DF_EINVAL;
	if (start == end) {
		merkle_empty_hash(out);
		return DF_OK;
	}
	rc = range_hash(get, ctx, start, end, h);
	if (rc == DF_OK)
		memcpy(out, h, MERKLE_HASH);
	return rc;
}

int merkle_root(uint64_t n, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH])
{
	return merkle_range_hash(0, n, get, ctx, out);
}

/* Append MTH(D[start:end]) to the proof. */
static int walk_push(struct walk *w, uint64_t start, uint64_t end)
{
	int rc;

	if (w->len >= MERKLE_MAX_PROOF)
		return DF_EINTERNAL;
	rc = range_hash(w->get, w->ctx, start, end, w->proof[w->len]);
	if (rc != DF_OK)
		return rc;
	w->len++;
	return DF_OK;
}

/* PATH(m, D[start:end]) of RFC 9162 2.1.3.1; m is relative to start. */
static int path(struct walk *w, uint64_t m, uint64_t start, uint64_t end)
{
	uint64_t k;
	int rc;

	if (end - start == 1)
		return DF_OK;
	k = split_point(end - start);
	if (m < k) {
		rc = path(w, m, start, start + k);
		if (rc != DF_OK)
			return rc;
		return walk_push(w, start + k, end);
	}
	rc = path(w, m - k, start + k, end);
	if (rc != DF_OK)
		return rc;
	return walk_push(w, start, start + k);
}

/* SUBPROOF(m, D[start:end], whole) of RFC 9162 2.1.4.1; 0 < m <= end - start. */
static int subproof(struct walk *w, uint64_t m, uint64_t start, uint64_t end, int whole)
{
	uint64_t k;
	int rc;

	if (m == end - start)
		return whole ? DF_OK : walk_push(w, start, end);
	k = split_point(end - start);
	if (m <= k) {
		rc = subproof(w, m, start, start + k, whole);
		if (rc != DF_OK)
			return rc;
		return walk_push(w, start + k, end);
	}
	rc = subproof(w, m - k, start + k, end, 0);
	if (rc != DF_OK)
		return rc;
	return walk_push(w, start, start + k);
}

int merkle_inclusion_proof(uint64_t m, uint64_t n, merkle_get_fn get, void *ctx, uint8_t proof[][MERKLE_HASH], size_t *len)
{
	struct walk w = { get, ctx, proof, 0 };
	int rc;

	if (!get || !proof || !len || m >= n)
		return DF_EINVAL;
	if (n > MERKLE_MAX_SIZE)
		return DF_ETOOBIG;
	rc = path(&w, m, 0, n);
	*len = rc == DF_OK ? w.len : 0;
	return rc;
}

int merkle_consistency_proof(uint64_t m, uint64_t n, merkle_get_fn get, void *ctx, uint8_t proof[][MERKLE_HASH], size_t *len)
{
	struct walk w = { get, ctx, proof, 0 };
	int rc;

	if (!get || !proof || !len || m == 0 || m > n)
		return DF_EINVAL;
	if (n > MERKLE_MAX_SIZE)
		return DF_ETOOBIG;
	rc = subproof(&w, m, 0, n, 1);
	*len = rc == DF_OK ? w.len : 0;
	return rc;
}

/* Right-shift fn and sn together until fn is odd or zero (RFC 9162 2.1.3.2). */
static void shift_to_odd(uint64_t *fn, uint64_t *sn)
{
	while ((*fn & 1) == 0 && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int merkle_verify_inclusion(uint64_t m, uint64_t n, const uint8_t leaf_hash[MERKLE_HASH], const uint8_t proof[][MERKLE_HASH], size_t len, const uint8_t root[MERKLE_HASH])
{
	uint8_t r[MERKLE_HASH];
	uint64_t fn = m, sn;
	size_t i;

	if (!leaf_hash || !root || (len && !proof) || m >= n || len > MERKLE_MAX_PROOF)
		return DF_EINVAL;
	sn = n - 1;
	memcpy(r, leaf_hash, MERKLE_HASH);
	for (i = 0; i < len; i++) {
		if (sn == 0)
			return DF_EINVAL;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], r, r);
			shift_to_odd(&fn, &sn);
		} else {
			merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(r, root, MERKLE_HASH) != 0)
		return DF_EINVAL;
	return DF_OK;
}

/* Steps 3-7 of RFC 9162 2.1.4.2 from the seed hash, over proof[i..len). */
static int consistency_walk(uint64_t m, uint64_t n, const uint8_t seed[MERKLE_HASH], const uint8_t proof[][MERKLE_HASH], size_t i, size_t len, uint8_t fr[MERKLE_HASH], uint8_t sr[MERKLE_HASH])
{
	uint64_t fn = m - 1, sn = n - 1;

	memcpy(fr, seed, MERKLE_HASH);
	memcpy(sr, seed, MERKLE_HASH);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return DF_EINVAL;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
			shift_to_odd(&fn, &sn);
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 ? DF_OK : DF_EINVAL;
}

int merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t old_root[MERKLE_HASH], const uint8_t new_root[MERKLE_HASH], const uint8_t proof[][MERKLE_HASH], size_t len)
{
	uint8_t fr[MERKLE_HASH], sr[MERKLE_HASH];
	const uint8_t *seed;
	size_t first;

	if (!old_root || !new_root || (len && !proof) || m == 0 || m > n || len > MERKLE_MAX_PROOF)
		return DF_EINVAL;
	if (m == n)
		return len == 0 && memcmp(old_root, new_root, MERKLE_HASH) == 0 ? DF_OK : DF_EINVAL;
	if (len == 0)
		return DF_EINVAL;
	/* A power-of-two old tree is itself a node of the new one: the RFC
	 * prepends old_root to the path instead of sending it. */
	seed = is_pow2(m) ? old_root : proof[0];
	first = is_pow2(m) ? 0 : 1;
	if (consistency_walk(m, n, seed, proof, first, len, fr, sr) != DF_OK)
		return DF_EINVAL;
	if (memcmp(fr, old_root, MERKLE_HASH) != 0 || memcmp(sr, new_root, MERKLE_HASH) != 0)
		return DF_EINVAL;
	return DF_OK;
}

void merkle_hex(const uint8_t h[MERKLE_HASH], char out[2 * MERKLE_HASH + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < MERKLE_HASH; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 0x0f];
	}
	out[2 * MERKLE_HASH] = '\0';
}

/* The value of one hex digit, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int merkle_unhex(const char *s, uint8_t out[MERKLE_HASH])
{
	uint8_t h[MERKLE_HASH];
	int hi, lo;
	size_t i;

	if (!s || !out)
		return DF_EINVAL;
	for (i = 0; i < MERKLE_HASH; i++) {
		hi = hex_value(s[2 * i]);
		if (hi < 0)
			return DF_EINVAL;
		lo = hex_value(s[2 * i + 1]);
		if (lo < 0)
			return DF_EINVAL;
		h[i] = (uint8_t)(hi << 4 | lo);
	}
	if (s[2 * MERKLE_HASH] != '\0')
		return DF_EINVAL;
	memcpy(out, h, MERKLE_HASH);
	return DF_OK;
}
