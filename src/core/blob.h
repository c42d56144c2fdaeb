/*
 * blob.h - the content-addressed store of uploaded files (scans, photos).
 *
 * A blob is named by the SHA-256 of its bytes, never by the name it was
 * uploaded with, and lives at DIR/ab/abcdef... (the first two hex digits
 * as a directory).  Writing is durable before it returns: the bytes go to a
 * private temporary file in DIR, which is fsync'd and renamed into place,
 * and the directory fsync'd; a blob already there is not written again
 * (the same bytes have the same name).  So a row that names a blob may be
 * committed once blob_put has returned.  A blob nothing names any more
 * stays on disk (a later sweep may remove it).
 *
 * The type of a blob is what its bytes are (libmagic), never what the
 * uploader said: blob_sniff.
 */
#ifndef DF_BLOB_H
#define DF_BLOB_H

#include <stddef.h>
#include "buf.h"
#include "result.h"

#define BLOB_NAME_LEN 64   /* hex characters of a blob's name */
#define BLOB_TYPE_MAX 64   /* bytes of a MIME type */

/* blob_put - store len bytes in dir (created if missing, with its parent);
 * name (65 bytes) gets the blob's name.  DF_OK, DF_EINVAL (no dir), or
 * DF_EIO (with the reason logged). */
int blob_put(const char *dir, const void *bytes, size_t len, char name[BLOB_NAME_LEN + 1]) DF_WUR;

/* blob_get - the bytes of blob name (64 lowercase hex) from dir into out
 * (appended), at most max of them: DF_OK, DF_EINVAL (not a name),
 * DF_ENOTFOUND, DF_ETOOBIG (larger than max) or DF_EIO. */
int blob_get(const char *dir, const char *name, size_t max, struct buf *out) DF_WUR;

/* blob_sniff - the MIME type of len bytes ("application/pdf") into type
 * (BLOB_TYPE_MAX bytes) by their content (libmagic); DF_OK, or DF_EIO when
 * libmagic cannot be loaded. */
int blob_sniff(const void *bytes, size_t len, char type[BLOB_TYPE_MAX]) DF_WUR;

#endif
