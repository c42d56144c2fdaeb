/*
 * id.h - 64-bit, time-ordered ids made by the application.
 *
 * Layout (most significant first): 41 bits of milliseconds since the daftar
 * epoch (2024-01-01T00:00:00Z, good until 2093), 10 bits of node id (from
 * config, so that instances never collide), 12 bits of sequence within the
 * millisecond.  The top bit is always 0, so ids are positive int64 values in
 * both SQLite and PostgreSQL and sort by creation time.  Thread-safe; if the
 * wall clock steps back, ids keep counting from the last one issued.
 */
#ifndef DF_ID_H
#define DF_ID_H

#include <stdint.h>
#include "result.h"

#define ID_EPOCH_MS 1704067200000LL /* 2024-01-01T00:00:00Z */
#define ID_NODE_BITS 10
#define ID_SEQ_BITS 12

/* id_set_node - set this instance's node id (0..1023). DF_EINVAL if out of range. */
int id_set_node(int node) DF_WUR;
/* id_next - a new id, strictly greater than every id this process issued. */
int64_t id_next(void);
/* id_time_ms - the UTC epoch milliseconds encoded in an id. */
int64_t id_time_ms(int64_t id);

#endif
