/*
 * audit_int.h - what audit.c shares with audit_verify.c; not for other
 * files (the audit API is audit.h).
 */
#ifndef DF_AUDIT_INT_H
#define DF_AUDIT_INT_H

#include <stdint.h>
#include "audit.h"
#include "merkle.h"

struct db;
struct stmt;

/* The leaf columns, in the order audit_read_leaf reads them. */
#define AUDIT_LEAF_COLS "idx, id, at, event, object_type, object_id, actor, record_hash, leaf_hash"
/* Highest tree level stored: 2^62 still fits the int64 arithmetic in SQL. */
#define AUDIT_MAX_LEVEL 62

/* audit_read_leaf - the columns of AUDIT_LEAF_COLS into l; DF_EINVAL if malformed. */
int audit_read_leaf(struct stmt *st, struct audit_leaf *l) DF_WUR;
/* audit_read_cp - size, root, at, signature, key_id into cp; DF_EINVAL if malformed. */
int audit_read_cp(struct stmt *st, struct audit_cp *cp) DF_WUR;
/* audit_node_read - a stored hash (level 0: the leaf hash); DF_ENOTFOUND if
 * absent, DF_EINVAL when the stored text is not hex. */
int audit_node_read(struct db *db, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH]) DF_WUR;

#endif
