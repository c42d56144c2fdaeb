/*
 * buf.h - the one growable byte buffer of daftar.
 *
 * Modelled on curl's dynbuf and git's strbuf: every buffer has a hard size
 * cap given at init (so no input can grow it without bound), the contents are
 * always NUL-terminated, and ownership of the bytes is handed over explicitly
 * with buf_detach().  A buffer that hit its cap returns DF_ETOOBIG and keeps
 * what it had.
 */
#ifndef DF_BUF_H
#define DF_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "result.h"

struct buf {
	char *ptr;   /* the bytes, NUL-terminated when non-NULL */
	size_t len;  /* bytes in use, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* the hard cap on len */
};

/* buf_init - an empty buffer that may grow up to max bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* buf_release - free the bytes and reset to empty (the cap is kept). */
void buf_release(struct buf *b);
/* buf_reset - keep the allocation, drop the contents. */
void buf_reset(struct buf *b);
/* buf_add - append n bytes. DF_ETOOBIG past the cap, DF_ENOMEM. */
int buf_add(struct buf *b, const void *p, size_t n) DF_WUR;
/* buf_adds - append a NUL-terminated string. */
int buf_adds(struct buf *b, const char *s) DF_WUR;
/* buf_addf - append printf-formatted text. */
int buf_addf(struct buf *b, const char *fmt, ...) DF_WUR __attribute__((format(printf, 2, 3)));
/* buf_vaddf - va_list form of buf_addf. */
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) DF_WUR;
/* buf_str - the contents as a string; "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
/* buf_detach - hand the bytes to the caller (free() them); the buffer is
 * left empty. Returns a valid empty string allocation when empty, or NULL on
 * allocation failure. *len gets the length when len is non-NULL. */
char *buf_detach(struct buf *b, size_t *len);

#endif
