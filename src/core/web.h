/*
 * web.h - the web app's files, served by daftar itself (no second server
 * to run on one machine; nginx may still cache them in front).
 *
 * A GET or HEAD for a path no route matched, outside /api/, is answered
 * from the web root (`server.web_root`; empty, the default, serves none):
 *   - /assets/... are content-hashed by the build: cached for a year,
 *     immutable;
 *   - other files (index.html, sw.js, the manifest, icons) must be
 *     revalidated (no-cache) and answer 304 to a matching If-None-Match;
 *   - a path that names no file and has no dot in its last segment is a
 *     page of the app: index.html (the app routes it); a missing asset
 *     stays a 404 so that a stale cache never stores HTML as script;
 *   - FILE.gz beside FILE is sent instead when the client accepts gzip.
 * Paths are checked segment by segment (letters, digits, '-', '_', '.',
 * no leading dot), files are opened without following symlinks, and
 * only regular files are served.
 */
#ifndef DF_WEB_H
#define DF_WEB_H

#include "result.h"

struct web;
struct request;

/* web_open - serve root (a directory).  DF_ENOTFOUND if it is not one. */
int web_open(const char *root, struct web **out) DF_WUR;
/* web_close - free w (NULL is fine). */
void web_close(struct web *w);
/* web_answer - answer r from the web root if it names a file or a page of
 * the app: DF_OK with the reply queued and r->status set, DF_ENOTFOUND to
 * let the caller answer (404), DF_ENOMEM/DF_EIO when queueing failed. */
int web_answer(struct web *w, struct request *r) DF_WUR;

#endif
