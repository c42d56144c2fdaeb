/*
 * merkle.h - RFC 9162 (Certificate Transparency v2) Merkle tree hashing and
 * proofs for daftar's append-only log.
 *
 * Hashes are SHA-256 (libsodium): a leaf is SHA-256(0x00 || data), an inner
 * node SHA-256(0x01 || left || right), the empty tree SHA-256("").  The store
 * keeps only the hashes of *complete* subtrees: node (level L, index i) covers
 * leaves [i * 2^L, (i + 1) * 2^L), level 0 being the leaf hashes.  This module
 * never touches the database: it reads those hashes through a merkle_get_fn
 * and writes new ones through a merkle_put_fn, both given an opaque context.
 * Any error a callback returns is handed back unchanged.
 *
 * Every other tree hash (the root of a tree of any size, the hash of any leaf
 * range) is computed from O(log n) complete subtrees, and the inclusion and
 * consistency proofs follow the recursive PATH and SUBPROOF definitions of
 * RFC 9162 sections 2.1.3.1 and 2.1.4.1.  The verifiers are the RFC 9162
 * 2.1.3.2 and 2.1.4.2 algorithms and touch no store.
 *
 * libsodium's SHA-256 needs no sodium_init(), but the service calls it once at
 * startup anyway, as libsodium asks.
 */
#ifndef DF_MERKLE_H
#define DF_MERKLE_H

#include <stdint.h>
#include <stddef.h>
#include "result.h"

#define MERKLE_HASH 32
#define MERKLE_MAX_PROOF 64   /* max hashes in a proof for trees up to 2^63 */
#define MERKLE_MAX_SIZE (UINT64_C(1) << 63) /* largest tree a proof is made for */

/* Fetch the hash of the complete subtree (level, index) into out; return DF_OK or an error (propagated). */
typedef int (*merkle_get_fn)(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH]);
/* Store a complete subtree hash (called by merkle_append). */
typedef int (*merkle_put_fn)(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH]);

/* merkle_leaf_hash - out = SHA-256(0x00 || data[0..len)). data may be NULL when len is 0. */
void merkle_leaf_hash(const void *data, size_t len, uint8_t out[MERKLE_HASH]);
/* merkle_node_hash - out = SHA-256(0x01 || left || right). out may alias left or right. */
void merkle_node_hash(const uint8_t left[MERKLE_HASH], const uint8_t right[MERKLE_HASH], uint8_t out[MERKLE_HASH]);
/* merkle_empty_hash - out = SHA-256(""), the hash of the empty tree. */
void merkle_empty_hash(uint8_t out[MERKLE_HASH]);

/*
 * merkle_append - add leaf number `index` (0-based: the tree had exactly
 * `index` leaves) whose leaf hash is given.  Puts (0, index), then every
 * complete subtree this leaf completes (levels 1, 2, ...), reading the left
 * siblings with get.  DF_EINVAL for a NULL argument or index == UINT64_MAX;
 * otherwise the first error of get or put.  A failed append may have put
 * some of the hashes; putting them again on retry must be allowed.
 */
int merkle_append(uint64_t index, const uint8_t leaf_hash[MERKLE_HASH], merkle_get_fn get, merkle_put_fn put, void *ctx) DF_WUR;

/*
 * merkle_root - MTH of the first n leaves (n == 0 gives SHA-256("")).
 * Reads exactly popcount(n) complete subtree hashes.  DF_EINVAL for a NULL
 * argument, else the first error of get.
 */
int merkle_root(uint64_t n, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH]) DF_WUR;

/*
 * merkle_range_hash - MTH(D[start:end]): the RFC 9162 hash of leaves
 * [start, end) taken as a tree of their own (start == end gives SHA-256("")).
 * The range is split at the largest power of two k < end - start, the left
 * part first, recursively; every part that is a complete aligned subtree is
 * read with one get.  The ranges RFC 9162 proofs use (start a multiple of
 * the largest power of two <= end - start) thus cost one get per set bit of
 * end - start.  Any other range is still hashed correctly, but a perfect
 * subtree that is not aligned is stored nowhere, so such a range may cost
 * up to one get per leaf.  DF_EINVAL for start > end or a NULL argument,
 * else the first error of get.
 */
int merkle_range_hash(uint64_t start, uint64_t end, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH]) DF_WUR;

/*
 * merkle_inclusion_proof - the RFC 9162 2.1.3.1 inclusion proof PATH(m, D[n])
 * of leaf m in the tree of the first n leaves, leaf end first.  proof must
 * have room for MERKLE_MAX_PROOF hashes; *len gets how many were written
 * (0 when n == 1).  DF_EINVAL unless m < n and the pointers are non-NULL,
 * DF_ETOOBIG when n > MERKLE_MAX_SIZE, else the first error of get.
 */
int merkle_inclusion_proof(uint64_t m, uint64_t n, merkle_get_fn get, void *ctx, uint8_t proof[][MERKLE_HASH], size_t *len) DF_WUR;

/*
 * merkle_consistency_proof - the RFC 9162 2.1.4.1 consistency proof
 * PROOF(m, D[n]) between the trees of the first m and first n leaves.
 * proof must have room for MERKLE_MAX_PROOF hashes; *len gets how many were
 * written (0 when m == n).  DF_EINVAL unless 0 < m <= n and the pointers are
 * non-NULL, DF_ETOOBIG when n > MERKLE_MAX_SIZE, else the first error of get.
 */
int merkle_consistency_proof(uint64_t m, uint64_t n, merkle_get_fn get, void *ctx, uint8_t proof[][MERKLE_HASH], size_t *len) DF_WUR;

/*
 * merkle_verify_inclusion - the RFC 9162 2.1.3.2 check that leaf_hash is
 * leaf m of the tree of size n whose root is root, given the len proof
 * hashes.  DF_OK if the proof holds, DF_EINVAL otherwise (m >= n, a wrong
 * proof length, a NULL pointer, a hash mismatch).  Pure.
 */
int merkle_verify_inclusion(uint64_t m, uint64_t n, const uint8_t leaf_hash[MERKLE_HASH], const uint8_t proof[][MERKLE_HASH], size_t len, const uint8_t root[MERKLE_HASH]) DF_WUR;

/*
 * merkle_verify_consistency - the RFC 9162 2.1.4.2 check that the tree of
 * size m with root old_root is a prefix of the tree of size n with root
 * new_root.  When m == n the proof must be empty and the roots equal.
 * DF_OK if the proof holds, DF_EINVAL otherwise (m == 0, m > n, a wrong
 * proof length, a NULL pointer, a hash mismatch).  Pure.
 */
int merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t old_root[MERKLE_HASH], const uint8_t new_root[MERKLE_HASH], const uint8_t proof[][MERKLE_HASH], size_t len) DF_WUR;

/* merkle_hex - write h as 64 lowercase hex characters and a NUL. */
void merkle_hex(const uint8_t h[MERKLE_HASH], char out[2 * MERKLE_HASH + 1]);
/*
 * merkle_unhex - parse exactly 64 hex characters (either case) followed by
 * the NUL into out.  DF_EINVAL for NULL, a wrong length or a non-hex
 * character; out is left untouched then.
 */
int merkle_unhex(const char *s, uint8_t out[MERKLE_HASH]) DF_WUR;

#endif
