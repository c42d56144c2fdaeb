/*
 * test_merkle.c - unit tests for src/core/merkle.c, the RFC 9162 Merkle tree.
 *
 * Three kinds of check: the published RFC 6962 / certificate-transparency
 * test vectors (the eight leaves "", 00, 10, 2021, 3031, 40414243,
 * 5051525354555657, 606162636465666768696a6b6c6d6e6f, their roots, stored
 * nodes, inclusion and consistency proofs); properties over every tree of up
 * to 70 leaves, compared with a naive recursive reference written here from
 * the RFC text (MTH, PATH, SUBPROOF over an array of leaf hashes); and huge
 * trees up to 2^64 - 1 leaves, made cheap by giving every leaf the same hash
 * so that each level of complete subtrees has a single hash.  The stores are
 * in memory and count their gets, so that the O(log n) cost is checked too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "merkle.h"

#define MAXN 70           /* property tests cover every tree up to this size */
#define MEM_LEVELS 8      /* 2^7 = 128 > MAXN */
#define MEM_WIDTH 128

/* The const view of a proof array, as the verifiers take it. */
#define CP(p) ((const uint8_t (*)[MERKLE_HASH])(p))

/* ---------------------------------------------------------------- stores */

/* An array of levels of complete subtree hashes. */
struct mem {
	uint8_t h[MEM_LEVELS][MEM_WIDTH][MERKLE_HASH];
	unsigned char have[MEM_LEVELS][MEM_WIDTH];
	unsigned gets, puts;
	int fail_get_at;  /* make the get with this number (1-based) fail; 0: never */
	int fail_put_at;  /* likewise for put */
};

static int mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH])
{
	struct mem *s = ctx;

	s->gets++;
	if (s->fail_get_at && (int)s->gets == s->fail_get_at)
		return DF_ESTORE;
	if (level >= MEM_LEVELS || index >= MEM_WIDTH || !s->have[level][index])
		return DF_ENOTFOUND;
	memcpy(out, s->h[level][index], MERKLE_HASH);
	return DF_OK;
}

static int mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH])
{
	struct mem *s = ctx;

	s->puts++;
	if (s->fail_put_at && (int)s->puts == s->fail_put_at)
		return DF_ESTORE;
	if (level >= MEM_LEVELS || index >= MEM_WIDTH)
		return DF_ETOOBIG;
	memcpy(s->h[level][index], hash, MERKLE_HASH);
	s->have[level][index] = 1;
	return DF_OK;
}

static struct mem *mem_new(void)
{
	struct mem *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

/* A store holding the first n of the given leaf hashes, built by merkle_append. */
static struct mem *mem_build(const uint8_t (*leaves)[MERKLE_HASH], uint64_t n)
{
	struct mem *s = mem_new();
	uint64_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(merkle_append(i, leaves[i], mem_get, mem_put, s), DF_OK);
	s->gets = 0;
	s->puts = 0;
	return s;
}

/* A tree of n leaves that all have the same hash: level L holds one hash. */
struct uni {
	uint8_t h[64][MERKLE_HASH];
	uint64_t n;
	unsigned gets, puts;
};

static void uni_init(struct uni *u, uint64_t n)
{
	unsigned l;

	memset(u, 0, sizeof(*u));
	u->n = n;
	merkle_leaf_hash("same", 4, u->h[0]);
	for (l = 1; l < 64; l++)
		merkle_node_hash(u->h[l - 1], u->h[l - 1], u->h[l]);
}

/* Only complete subtrees inside the first n leaves exist. */
static int uni_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH])
{
	struct uni *u = ctx;

	u->gets++;
	if (level >= 64 || index >= (u->n >> level))
		return DF_ENOTFOUND;
	memcpy(out, u->h[level], MERKLE_HASH);
	return DF_OK;
}

/* Accepts only the hash every node of that level must have. */
static int uni_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH])
{
	struct uni *u = ctx;

	(void)index;
	u->puts++;
	if (level >= 64 || memcmp(hash, u->h[level], MERKLE_HASH) != 0)
		return DF_EINTERNAL;
	return DF_OK;
}

/* ------------------------------------------------ naive reference (RFC text) */

static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k *= 2;
	return k;
}

/* MTH(D[n]) straight from RFC 9162 2.1.1. */
static void ref_mth(const uint8_t (*d)[MERKLE_HASH], uint64_t n, uint8_t out[MERKLE_HASH])
{
	uint8_t l[MERKLE_HASH], r[MERKLE_HASH];
	uint64_t k;

	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], MERKLE_HASH);
		return;
	}
	k = ref_split(n);
	ref_mth(d, k, l);
	ref_mth(d + k, n - k, r);
	merkle_node_hash(l, r, out);
}

/* PATH(m, D[n]) from RFC 9162 2.1.3.1, appended at p[*len]. */
static void ref_path(uint64_t m, const uint8_t (*d)[MERKLE_HASH], uint64_t n, uint8_t (*p)[MERKLE_HASH], size_t *len)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_split(n);
	if (m < k) {
		ref_path(m, d, k, p, len);
		ref_mth(d + k, n - k, p[(*len)++]);
	} else {
		ref_path(m - k, d + k, n - k, p, len);
		ref_mth(d, k, p[(*len)++]);
	}
}

/* SUBPROOF(m, D[n], b) from RFC 9162 2.1.4.1, appended at p[*len]. */
static void ref_subproof(uint64_t m, const uint8_t (*d)[MERKLE_HASH], uint64_t n, int b, uint8_t (*p)[MERKLE_HASH], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_mth(d, n, p[(*len)++]);
		return;
	}
	k = ref_split(n);
	if (m <= k) {
		ref_subproof(m, d, k, b, p, len);
		ref_mth(d + k, n - k, p[(*len)++]);
	} else {
		ref_subproof(m - k, d + k, n - k, 0, p, len);
		ref_mth(d, k, p[(*len)++]);
	}
}

/* MTH of n leaves of a uniform tree (any start), by the RFC recursion. */
static void uni_mth(const struct uni *u, uint64_t n, uint8_t out[MERKLE_HASH])
{
	uint8_t r[MERKLE_HASH];
	uint64_t k;
	unsigned l = 0;

	if ((n & (n - 1)) == 0) {
		while ((UINT64_C(1) << l) < n)
			l++;
		memcpy(out, u->h[l], MERKLE_HASH);
		return;
	}
	k = ref_split(n);
	while ((UINT64_C(1) << l) < k)
		l++;
	uni_mth(u, n - k, r);
	merkle_node_hash(u->h[l], r, out);
}

/* ----------------------------------------------------------------- helpers */

static unsigned popcount64(uint64_t x)
{
	unsigned c = 0;

	while (x) {
		x &= x - 1;
		c++;
	}
	return c;
}

static void unhex_ok(const char *s, uint8_t out[MERKLE_HASH])
{
	assert_int_equal(merkle_unhex(s, out), DF_OK);
}

static void assert_hash_hex(const uint8_t h[MERKLE_HASH], const char *want)
{
	char got[2 * MERKLE_HASH + 1];

	merkle_hex(h, got);
	assert_string_equal(got, want);
}

/* The leaf hashes of the property-test trees: leaf i is its index, 2 bytes LE. */
static void make_leaves(uint8_t (*leaves)[MERKLE_HASH], size_t n)
{
	unsigned char d[2];
	size_t i;

	for (i = 0; i < n; i++) {
		d[0] = (unsigned char)(i & 0xff);
		d[1] = (unsigned char)(i >> 8);
		merkle_leaf_hash(d, sizeof(d), leaves[i]);
	}
}

/* --------------------------------------------------------- the CT vectors */

/* The eight CT leaves, as (bytes, length). */
static const struct {
	const char *data;
	size_t len;
} ct_leaves[8] = {
	{ "", 0 },
	{ "\x00", 1 },
	{ "\x10", 1 },
	{ "\x20\x21", 2 },
	{ "\x30\x31", 2 },
	{ "\x40\x41\x42\x43", 4 },
	{ "\x50\x51\x52\x53\x54\x55\x56\x57", 8 },
	{ "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16 },
};

static const char *const ct_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* The complete subtrees of the 8-leaf tree, level by level. */
static const char *const ct_nodes[15] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* A published proof: (m, n) and its hashes; m is 0-based for inclusion. */
struct ct_proof {
	uint64_t m, n;
	size_t len;
	const char *hash[3];
};

static const struct ct_proof ct_inclusion[] = {
	{ 0, 1, 0, { NULL } },
	{ 0, 2, 1, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7" } },
	{ 1, 2, 1, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" } },
	{ 0, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5, 8, 3, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, 1, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, 3, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

static const struct ct_proof ct_consistency[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, 2, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

/* The leaf hashes of the eight CT leaves. */
static void ct_leaf_hashes(uint8_t (*out)[MERKLE_HASH])
{
	size_t i;

	for (i = 0; i < 8; i++)
		merkle_leaf_hash(ct_leaves[i].data, ct_leaves[i].len, out[i]);
}

static void ct_roots_test(void **state)
{
	uint8_t leaves[8][MERKLE_HASH], root[MERKLE_HASH];
	struct mem *s;
	uint64_t n;

	(void)state;
	ct_leaf_hashes(leaves);
	s = mem_build(CP(leaves), 8);
	for (n = 0; n <= 8; n++) {
		assert_int_equal(merkle_root(n, mem_get, s, root), DF_OK);
		assert_hash_hex(root, ct_roots[n]);
	}
	free(s);
}

static void ct_hasher_test(void **state)
{
	uint8_t h[MERKLE_HASH], l[MERKLE_HASH], r[MERKLE_HASH], want[MERKLE_HASH];
	unsigned char buf[1 + 2 * MERKLE_HASH];

	(void)state;
	merkle_empty_hash(h);
	assert_hash_hex(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	merkle_leaf_hash(NULL, 0, h);
	assert_hash_hex(h, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	merkle_leaf_hash("L123456", 7, h);
	assert_hash_hex(h, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
	/* A node is SHA-256(0x01 || left || right), built here by hand. */
	memset(l, 0x11, sizeof(l));
	memset(r, 0x22, sizeof(r));
	buf[0] = 0x01;
	memcpy(buf + 1, l, MERKLE_HASH);
	memcpy(buf + 1 + MERKLE_HASH, r, MERKLE_HASH);
	crypto_hash_sha256(want, buf, sizeof(buf));
	merkle_node_hash(l, r, h);
	assert_memory_equal(h, want, MERKLE_HASH);
	merkle_node_hash(r, l, h);
	assert_memory_not_equal(h, want, MERKLE_HASH);
	/* out may alias either input. */
	memcpy(h, l, MERKLE_HASH);
	merkle_node_hash(h, r, h);
	assert_memory_equal(h, want, MERKLE_HASH);
	memcpy(h, r, MERKLE_HASH);
	merkle_node_hash(l, h, h);
	assert_memory_equal(h, want, MERKLE_HASH);
}

static void ct_nodes_test(void **state)
{
	uint8_t leaves[8][MERKLE_HASH];
	struct mem *s;
	unsigned level, k = 0;
	uint64_t i;

	(void)state;
	ct_leaf_hashes(leaves);
	s = mem_build(CP(leaves), 8);
	for (level = 0; level <= 3; level++) {
		for (i = 0; i < (UINT64_C(8) >> level); i++) {
			assert_true(s->have[level][i]);
			assert_hash_hex(s->h[level][i], ct_nodes[k++]);
		}
		assert_false(s->have[level][i]);
	}
	free(s);
}

static void ct_proof_hashes(const struct ct_proof *v, uint8_t (*want)[MERKLE_HASH])
{
	size_t j;

	for (j = 0; j < v->len; j++)
		unhex_ok(v->hash[j], want[j]);
}

static void ct_inclusion_test(void **state)
{
	uint8_t leaves[8][MERKLE_HASH], root[MERKLE_HASH];
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], want[3][MERKLE_HASH];
	const struct ct_proof *v;
	struct mem *s;
	size_t t, len;

	(void)state;
	ct_leaf_hashes(leaves);
	s = mem_build(CP(leaves), 8);
	for (t = 0; t < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]); t++) {
		v = &ct_inclusion[t];
		ct_proof_hashes(v, want);
		assert_int_equal(merkle_inclusion_proof(v->m, v->n, mem_get, s, proof, &len), DF_OK);
		assert_int_equal(len, v->len);
		if (len)
			assert_memory_equal(proof, want, len * MERKLE_HASH);
		unhex_ok(ct_roots[v->n], root);
		assert_int_equal(merkle_verify_inclusion(v->m, v->n, leaves[v->m], CP(want), v->len, root), DF_OK);
	}
	free(s);
}

static void ct_consistency_test(void **state)
{
	uint8_t leaves[8][MERKLE_HASH], r1[MERKLE_HASH], r2[MERKLE_HASH];
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], want[3][MERKLE_HASH];
	const struct ct_proof *v;
	struct mem *s;
	size_t t, len;

	(void)state;
	ct_leaf_hashes(leaves);
	s = mem_build(CP(leaves), 8);
	for (t = 0; t < sizeof(ct_consistency) / sizeof(ct_consistency[0]); t++) {
		v = &ct_consistency[t];
		ct_proof_hashes(v, want);
		assert_int_equal(merkle_consistency_proof(v->m, v->n, mem_get, s, proof, &len), DF_OK);
		assert_int_equal(len, v->len);
		if (len)
			assert_memory_equal(proof, want, len * MERKLE_HASH);
		unhex_ok(ct_roots[v->m], r1);
		unhex_ok(ct_roots[v->n], r2);
		assert_int_equal(merkle_verify_consistency(v->m, v->n, r1, r2, CP(want), v->len), DF_OK);
	}
	free(s);
}

/* ------------------------------------------------------ property tests */

static void append_stores_complete_subtrees_test(void **state)
{
	uint8_t leaves[MAXN][MERKLE_HASH], want[MERKLE_HASH];
	struct mem *s;
	uint64_t n, i, size;
	unsigned level, expect_puts;

	(void)state;
	make_leaves(leaves, MAXN);
	s = mem_new();
	for (n = 1; n <= MAXN; n++) {
		s->puts = 0;
		assert_int_equal(merkle_append(n - 1, leaves[n - 1], mem_get, mem_put, s), DF_OK);
		/* leaf n-1 completes one subtree per trailing one bit of n-1. */
		expect_puts = 1;
		for (i = n - 1; i & 1; i >>= 1)
			expect_puts++;
		assert_int_equal(s->puts, expect_puts);
		for (level = 0; level < MEM_LEVELS; level++) {
			size = UINT64_C(1) << level;
			for (i = 0; i < MEM_WIDTH; i++) {
				assert_int_equal(s->have[level][i], (i + 1) * size <= n);
				if (!s->have[level][i])
					continue;
				ref_mth(CP(leaves) + i * size, size, want);
				assert_memory_equal(s->h[level][i], want, MERKLE_HASH);
			}
		}
	}
	free(s);
}

static void root_matches_naive_test(void **state)
{
	uint8_t leaves[MAXN][MERKLE_HASH], got[MERKLE_HASH], want[MERKLE_HASH];
	struct mem *s;
	uint64_t n;

	(void)state;
	make_leaves(leaves, MAXN);
	s = mem_build(CP(leaves), MAXN);
	for (n = 0; n <= MAXN; n++) {
		s->gets = 0;
		assert_int_equal(merkle_root(n, mem_get, s, got), DF_OK);
		ref_mth(CP(leaves), n, want);
		assert_memory_equal(got, want, MERKLE_HASH);
		assert_int_equal(s->gets, popcount64(n));
	}
	free(s);
}

static void range_hash_every_range_test(void **state)
{
	uint8_t leaves[MAXN][MERKLE_HASH], got[MERKLE_HASH], want[MERKLE_HASH];
	struct mem *s;
	uint64_t a, b;

	(void)state;
	make_leaves(leaves, MAXN);
	s = mem_build(CP(leaves), MAXN);
	for (a = 0; a <= MAXN; a++) {
		for (b = a; b <= MAXN; b++) {
			assert_int_equal(merkle_range_hash(a, b, mem_get, s, got), DF_OK);
			ref_mth(CP(leaves) + a, b - a, want);
			assert_memory_equal(got, want, MERKLE_HASH);
		}
	}
	/* A range past the stored leaves fails with the store's error. */
	assert_int_equal(merkle_range_hash(0, MAXN + 1, mem_get, s, got), DF_ENOTFOUND);
	free(s);
}

/* Each single change to an inclusion proof check must make it fail. */
static void inclusion_tamper(uint64_t m, uint64_t n, uint8_t leaf[MERKLE_HASH], uint8_t (*proof)[MERKLE_HASH], size_t len, uint8_t root[MERKLE_HASH])
{
	size_t i;

	for (i = 0; i < len; i++) {
		proof[i][i % MERKLE_HASH] ^= 0x01;
		assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len, root), DF_EINVAL);
		proof[i][i % MERKLE_HASH] ^= 0x01;
	}
	leaf[m % MERKLE_HASH] ^= 0x80;
	assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len, root), DF_EINVAL);
	leaf[m % MERKLE_HASH] ^= 0x80;
	root[0] ^= 0x01;
	assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len, root), DF_EINVAL);
	root[0] ^= 0x01;
	if (len)
		assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len - 1, root), DF_EINVAL);
	memcpy(proof[len], root, MERKLE_HASH);
	assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len + 1, root), DF_EINVAL);
	if (m + 1 < n)
		assert_int_equal(merkle_verify_inclusion(m + 1, n, leaf, CP(proof), len, root), DF_EINVAL);
	if (m > 0)
		assert_int_equal(merkle_verify_inclusion(m - 1, n, leaf, CP(proof), len, root), DF_EINVAL);
	/* A wrong size is only caught when it changes the shape of the path
	 * (leaf 0 of 3 and of 4 have the same one: the size is bound by the
	 * signed tree head, not by the proof); doubling it always does. */
	assert_int_equal(merkle_verify_inclusion(m, 2 * n, leaf, CP(proof), len, root), DF_EINVAL);
	assert_int_equal(merkle_verify_inclusion(m, m, leaf, CP(proof), len, root), DF_EINVAL);
	/* Still good after all the flips were undone. */
	assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len, root), DF_OK);
}

static void inclusion_property_test(void **state)
{
	uint8_t leaves[MAXN][MERKLE_HASH], root[MERKLE_HASH], leaf[MERKLE_HASH];
	uint8_t proof[MERKLE_MAX_PROOF + 1][MERKLE_HASH], want[MERKLE_MAX_PROOF][MERKLE_HASH];
	struct mem *s;
	uint64_t n, m;
	size_t len, wlen;

	(void)state;
	make_leaves(leaves, MAXN);
	s = mem_build(CP(leaves), MAXN);
	for (n = 1; n <= MAXN; n++) {
		assert_int_equal(merkle_root(n, mem_get, s, root), DF_OK);
		for (m = 0; m < n; m++) {
			assert_int_equal(merkle_inclusion_proof(m, n, mem_get, s, proof, &len), DF_OK);
			wlen = 0;
			ref_path(m, CP(leaves), n, want, &wlen);
			assert_int_equal(len, wlen);
			if (len)
				assert_memory_equal(proof, want, len * MERKLE_HASH);
			memcpy(leaf, leaves[m], MERKLE_HASH);
			assert_int_equal(merkle_verify_inclusion(m, n, leaf, CP(proof), len, root), DF_OK);
			inclusion_tamper(m, n, leaf, proof, len, root);
		}
	}
	free(s);
}

/* Each single change to a consistency proof check must make it fail. */
static void consistency_tamper(uint64_t m, uint64_t n, uint8_t r1[MERKLE_HASH], uint8_t r2[MERKLE_HASH], uint8_t (*proof)[MERKLE_HASH], size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		proof[i][(i * 7) % MERKLE_HASH] ^= 0x04;
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_EINVAL);
		proof[i][(i * 7) % MERKLE_HASH] ^= 0x04;
	}
	r1[5] ^= 0x10;
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_EINVAL);
	r1[5] ^= 0x10;
	r2[31] ^= 0x10;
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_EINVAL);
	r2[31] ^= 0x10;
	if (len)
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len - 1), DF_EINVAL);
	memcpy(proof[len], r2, MERKLE_HASH);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len + 1), DF_EINVAL);
	if (m < n)
		assert_int_equal(merkle_verify_consistency(m + 1, n, r1, r2, CP(proof), len), DF_EINVAL);
	if (m > 1)
		assert_int_equal(merkle_verify_consistency(m - 1, n, r1, r2, CP(proof), len), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(0, n, r1, r2, CP(proof), len), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_OK);
}

static void consistency_property_test(void **state)
{
	uint8_t leaves[MAXN][MERKLE_HASH], roots[MAXN + 1][MERKLE_HASH];
	uint8_t r1[MERKLE_HASH], r2[MERKLE_HASH];
	uint8_t proof[MERKLE_MAX_PROOF + 1][MERKLE_HASH], want[MERKLE_MAX_PROOF][MERKLE_HASH];
	struct mem *s;
	uint64_t n, m;
	size_t len, wlen;

	(void)state;
	make_leaves(leaves, MAXN);
	s = mem_build(CP(leaves), MAXN);
	for (n = 0; n <= MAXN; n++)
		assert_int_equal(merkle_root(n, mem_get, s, roots[n]), DF_OK);
	for (n = 1; n <= MAXN; n++) {
		for (m = 1; m <= n; m++) {
			assert_int_equal(merkle_consistency_proof(m, n, mem_get, s, proof, &len), DF_OK);
			wlen = 0;
			ref_subproof(m, CP(leaves), n, 1, want, &wlen);
			assert_int_equal(len, wlen);
			if (len)
				assert_memory_equal(proof, want, len * MERKLE_HASH);
			/* Copies: the tamper flips bytes, and roots[m] is roots[n] when m == n. */
			memcpy(r1, roots[m], MERKLE_HASH);
			memcpy(r2, roots[n], MERKLE_HASH);
			assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_OK);
			consistency_tamper(m, n, r1, r2, proof, len);
		}
	}
	free(s);
}

/* -------------------------------------------------------- huge trees */

static const uint64_t big_sizes[] = {
	UINT64_C(1) << 32, (UINT64_C(1) << 40) + 12345, UINT64_C(0x5555555555555555),
	(UINT64_C(1) << 63) - 1, UINT64_C(1) << 63, (UINT64_C(1) << 63) + 1, UINT64_MAX,
};

static void huge_root_test(void **state)
{
	uint8_t got[MERKLE_HASH], want[MERKLE_HASH];
	struct uni u;
	uint64_t n, k;
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(big_sizes) / sizeof(big_sizes[0]); t++) {
		n = big_sizes[t];
		uni_init(&u, n);
		assert_int_equal(merkle_root(n, uni_get, &u, got), DF_OK);
		uni_mth(&u, n, want);
		assert_memory_equal(got, want, MERKLE_HASH);
		assert_int_equal(u.gets, popcount64(n));
		/* The right subtree of the root, a range the proofs use. */
		k = ref_split(n);
		u.gets = 0;
		assert_int_equal(merkle_range_hash(k, n, uni_get, &u, got), DF_OK);
		uni_mth(&u, n - k, want);
		assert_memory_equal(got, want, MERKLE_HASH);
		assert_int_equal(u.gets, popcount64(n - k));
	}
}

static void huge_append_test(void **state)
{
	struct uni u;

	(void)state;
	uni_init(&u, UINT64_MAX);
	/* The last leaf of a 2^63 tree completes one subtree on every level. */
	assert_int_equal(merkle_append((UINT64_C(1) << 63) - 1, u.h[0], uni_get, uni_put, &u), DF_OK);
	assert_int_equal(u.puts, 64);
	assert_int_equal(u.gets, 63);
	u.puts = 0;
	assert_int_equal(merkle_append(UINT64_MAX - 1, u.h[0], uni_get, uni_put, &u), DF_OK);
	assert_int_equal(u.puts, 1);
	assert_int_equal(merkle_append(UINT64_MAX, u.h[0], uni_get, uni_put, &u), DF_EINVAL);
}

static void huge_inclusion_one(uint64_t m, uint64_t n)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], root[MERKLE_HASH];
	struct uni u;
	size_t len;

	uni_init(&u, n);
	assert_int_equal(merkle_inclusion_proof(m, n, uni_get, &u, proof, &len), DF_OK);
	assert_true(len <= MERKLE_MAX_PROOF);
	assert_int_equal(merkle_root(n, uni_get, &u, root), DF_OK);
	assert_int_equal(merkle_verify_inclusion(m, n, u.h[0], CP(proof), len, root), DF_OK);
	if (len) {
		proof[len - 1][0] ^= 1;
		assert_int_equal(merkle_verify_inclusion(m, n, u.h[0], CP(proof), len, root), DF_EINVAL);
	}
}

static void huge_consistency_one(uint64_t m, uint64_t n, size_t want_len)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH], r1[MERKLE_HASH], r2[MERKLE_HASH];
	struct uni u;
	size_t len;

	uni_init(&u, n);
	assert_int_equal(merkle_consistency_proof(m, n, uni_get, &u, proof, &len), DF_OK);
	if (want_len)
		assert_int_equal(len, want_len);
	assert_true(len <= MERKLE_MAX_PROOF);
	assert_int_equal(merkle_root(m, uni_get, &u, r1), DF_OK);
	assert_int_equal(merkle_root(n, uni_get, &u, r2), DF_OK);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_OK);
	if (len) {
		proof[0][0] ^= 1;
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, CP(proof), len), DF_EINVAL);
	}
}

static void huge_proofs_test(void **state)
{
	const uint64_t top = UINT64_C(1) << 63;
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	struct uni u;
	size_t len;

	(void)state;
	huge_inclusion_one(0, top);
	huge_inclusion_one(top - 1, top);
	huge_inclusion_one(top - 2, top - 1);
	huge_inclusion_one(UINT64_C(0x123456789abcdef), UINT64_C(0x5555555555555555));
	huge_inclusion_one((UINT64_C(1) << 40) + 12344, (UINT64_C(1) << 40) + 12345);
	/* The longest proof for a 2^63 tree: one leaf plus 63 siblings. */
	huge_consistency_one(top - 1, top, 64);
	huge_consistency_one(1, top, 63);
	huge_consistency_one(top >> 1, top, 1);
	huge_consistency_one((UINT64_C(1) << 62) + 3, top - 5, 0);
	huge_consistency_one(UINT64_C(0x123456789abcdef), UINT64_C(0x5555555555555555), 0);
	/* Past the supported size. */
	uni_init(&u, UINT64_MAX);
	assert_int_equal(merkle_inclusion_proof(0, top + 1, uni_get, &u, proof, &len), DF_ETOOBIG);
	assert_int_equal(merkle_consistency_proof(1, top + 1, uni_get, &u, proof, &len), DF_ETOOBIG);
}

/* ------------------------------------------------------ errors and hex */

static void bad_arguments_test(void **state)
{
	uint8_t proof[MERKLE_MAX_PROOF + 1][MERKLE_HASH], h[MERKLE_HASH];
	struct mem *s = mem_new();
	size_t len = 99;

	(void)state;
	memset(proof, 0, sizeof(proof));
	memset(h, 0, sizeof(h));
	assert_int_equal(merkle_inclusion_proof(3, 3, mem_get, s, proof, &len), DF_EINVAL);
	assert_int_equal(merkle_inclusion_proof(0, 0, mem_get, s, proof, &len), DF_EINVAL);
	assert_int_equal(merkle_inclusion_proof(0, 1, NULL, s, proof, &len), DF_EINVAL);
	assert_int_equal(merkle_inclusion_proof(0, 1, mem_get, s, NULL, &len), DF_EINVAL);
	assert_int_equal(merkle_inclusion_proof(0, 1, mem_get, s, proof, NULL), DF_EINVAL);
	assert_int_equal(merkle_consistency_proof(0, 3, mem_get, s, proof, &len), DF_EINVAL);
	assert_int_equal(merkle_consistency_proof(4, 3, mem_get, s, proof, &len), DF_EINVAL);
	assert_int_equal(merkle_consistency_proof(1, 1, mem_get, s, proof, NULL), DF_EINVAL);
	assert_int_equal(merkle_range_hash(5, 4, mem_get, s, h), DF_EINVAL);
	assert_int_equal(merkle_range_hash(0, 1, NULL, s, h), DF_EINVAL);
	assert_int_equal(merkle_root(1, mem_get, s, NULL), DF_EINVAL);
	assert_int_equal(merkle_append(0, NULL, mem_get, mem_put, s), DF_EINVAL);
	assert_int_equal(merkle_append(0, h, mem_get, NULL, s), DF_EINVAL);
	assert_int_equal(merkle_verify_inclusion(0, 0, h, CP(proof), 0, h), DF_EINVAL);
	assert_int_equal(merkle_verify_inclusion(0, 1, NULL, CP(proof), 0, h), DF_EINVAL);
	assert_int_equal(merkle_verify_inclusion(0, 1, h, NULL, 1, h), DF_EINVAL);
	assert_int_equal(merkle_verify_inclusion(0, 1, h, CP(proof), MERKLE_MAX_PROOF + 1, h), DF_EINVAL);
	/* A 1-leaf tree: root == leaf hash, empty proof. */
	assert_int_equal(merkle_verify_inclusion(0, 1, h, NULL, 0, h), DF_OK);
	assert_int_equal(merkle_verify_consistency(0, 0, h, h, NULL, 0), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(2, 1, h, h, NULL, 0), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(1, 2, h, h, NULL, 0), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(3, 5, h, h, CP(proof), MERKLE_MAX_PROOF + 1), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(1, 2, NULL, h, CP(proof), 1), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(3, 3, h, h, NULL, 0), DF_OK);
	proof[0][0] = 1;
	assert_int_equal(merkle_verify_consistency(3, 3, h, proof[0], NULL, 0), DF_EINVAL);
	assert_int_equal(merkle_verify_consistency(3, 3, h, h, CP(proof), 1), DF_EINVAL);
	free(s);
}

static void store_errors_propagate_test(void **state)
{
	uint8_t leaves[20][MERKLE_HASH], proof[MERKLE_MAX_PROOF][MERKLE_HASH], h[MERKLE_HASH];
	struct mem *s;
	size_t len;
	int at;

	(void)state;
	make_leaves(leaves, 20);
	s = mem_build(CP(leaves), 20);
	for (at = 1; at <= 3; at++) {
		s->gets = 0;
		s->fail_get_at = at;
		memset(h, 0xaa, sizeof(h));
		assert_int_equal(merkle_root(19, mem_get, s, h), DF_ESTORE);
		assert_int_equal(h[0], 0xaa); /* out untouched on error */
		s->gets = 0;
		assert_int_equal(merkle_inclusion_proof(5, 19, mem_get, s, proof, &len), DF_ESTORE);
		assert_int_equal(len, 0);
		s->gets = 0;
		assert_int_equal(merkle_consistency_proof(7, 19, mem_get, s, proof, &len), DF_ESTORE);
		s->gets = 0;
		s->puts = 0;
		assert_int_equal(merkle_append(15, leaves[15], mem_get, mem_put, s), DF_ESTORE);
	}
	s->fail_get_at = 0;
	s->puts = 0;
	s->fail_put_at = 2;
	assert_int_equal(merkle_append(15, leaves[15], mem_get, mem_put, s), DF_ESTORE);
	assert_int_equal(s->puts, 2);
	free(s);
	/* A missing node is reported, not invented. */
	s = mem_build(CP(leaves), 5);
	assert_int_equal(merkle_root(6, mem_get, s, h), DF_ENOTFOUND);
	assert_int_equal(merkle_inclusion_proof(0, 6, mem_get, s, proof, &len), DF_ENOTFOUND);
	assert_int_equal(merkle_append(6, leaves[6], mem_get, mem_put, s), DF_OK);
	assert_int_equal(merkle_append(7, leaves[7], mem_get, mem_put, s), DF_ENOTFOUND);
	free(s);
}

static void hex_test(void **state)
{
	const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	uint8_t h[MERKLE_HASH], g[MERKLE_HASH];
	char s[2 * MERKLE_HASH + 2];
	int i;

	(void)state;
	unhex_ok(empty, h);
	merkle_empty_hash(g);
	assert_memory_equal(h, g, MERKLE_HASH);
	assert_hash_hex(h, empty);
	for (i = 0; i < MERKLE_HASH; i++)
		h[i] = (uint8_t)(i * 37 + 3);
	merkle_hex(h, s);
	assert_int_equal(strlen(s), 2 * MERKLE_HASH);
	unhex_ok(s, g);
	assert_memory_equal(h, g, MERKLE_HASH);
	unhex_ok("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", g);
	assert_hash_hex(g, empty);

	memset(g, 0x5a, sizeof(g));
	assert_int_equal(merkle_unhex(NULL, g), DF_EINVAL);
	assert_int_equal(merkle_unhex("", g), DF_EINVAL);
	assert_int_equal(merkle_unhex("e3b0", g), DF_EINVAL);
	memcpy(s, empty, 2 * MERKLE_HASH + 1);
	s[63] = '\0';
	assert_int_equal(merkle_unhex(s, g), DF_EINVAL);
	s[63] = '5';
	s[64] = '0';
	s[65] = '\0';
	assert_int_equal(merkle_unhex(s, g), DF_EINVAL);
	s[64] = '\0';
	s[10] = 'g';
	assert_int_equal(merkle_unhex(s, g), DF_EINVAL);
	s[10] = ' ';
	assert_int_equal(merkle_unhex(s, g), DF_EINVAL);
	s[10] = empty[10];
	s[0] = '-';
	assert_int_equal(merkle_unhex(s, g), DF_EINVAL);
	for (i = 0; i < MERKLE_HASH; i++)
		assert_int_equal(g[i], 0x5a);
	s[0] = 'e';
	unhex_ok(s, g);
	assert_hash_hex(g, empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ct_hasher_test),
		cmocka_unit_test(ct_roots_test),
		cmocka_unit_test(ct_nodes_test),
		cmocka_unit_test(ct_inclusion_test),
		cmocka_unit_test(ct_consistency_test),
		cmocka_unit_test(append_stores_complete_subtrees_test),
		cmocka_unit_test(root_matches_naive_test),
		cmocka_unit_test(range_hash_every_range_test),
		cmocka_unit_test(inclusion_property_test),
		cmocka_unit_test(consistency_property_test),
		cmocka_unit_test(huge_root_test),
		cmocka_unit_test(huge_append_test),
		cmocka_unit_test(huge_proofs_test),
		cmocka_unit_test(bad_arguments_test),
		cmocka_unit_test(store_errors_propagate_test),
		cmocka_unit_test(hex_test),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
