/*
 * web.c - serving the web app's built files (see web.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "http.h"
#include "log.h"
#include "web.h"

#define WEB_PATH_MAX 256

struct web {
	int dirfd; /* the root, opened once: files are opened relative to it */
};

/* The app's page: scripts and styles only from here, no inline script,
 * inline style attributes allowed (Leaflet positions its layers with
 * them), map tiles from any https server the config names. */
static const char page_csp[] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
			       " img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self';"
			       " worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none';"
			       " form-action 'self'";

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".map", "application/json" },
};

int web_open(const char *root, struct web **out)
{
	struct web *w;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return DF_ENOTFOUND;
	w = calloc(1, sizeof *w);
	if (!w) {
		close(fd);
		return DF_ENOMEM;
	}
	w->dirfd = fd;
	*out = w;
	return DF_OK;
}

void web_close(struct web *w)
{
	if (!w)
		return;
	close(w->dirfd);
	free(w);
}

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* relative - the URL path as a path under the root ("" for "/"), or -1 if
 * any segment is empty, starts with a dot or has another character than
 * letters, digits, '-', '_' and '.'. */
static int relative(const char *url, char out[WEB_PATH_MAX])
{
	size_t n = strlen(url), seg = 0;

	if (url[0] != '/' || n >= WEB_PATH_MAX)
		return -1;
	for (size_t i = 1; i <= n; i++) {
		char c = url[i];

		if (c == '/' || c == '\0') {
			if (seg == 0 && !(c == '\0' && i == 1))
				return -1; /* "//" or a trailing slash */
			seg = 0;
			continue;
		}
		if (seg == 0 && c == '.')
			return -1;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return -1;
		seg++;
	}
	memcpy(out, url + 1, n); /* with the NUL */
	return 0;
}

/* open_file - a regular file under the root, not through a symlink at the
 * last step; relative() has already refused "..", so the path cannot climb
 * out of the root (a symlinked directory inside the build output would be
 * followed: the build makes none). */
static int open_file(struct web *w, const char *rel, struct stat *st)
{
	int fd = openat(w->dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int accepts_gzip(const char *ae)
{
	const char *p = ae ? strstr(ae, "gzip") : NULL;

	return p && strncmp(p + 4, ";q=0", 4) != 0;
}

/* header - add one header, counting failures instead of checking each. */
static void header(struct MHD_Response *resp, const char *name, const char *value, int *bad)
{
	if (MHD_add_response_header(resp, name, value) != MHD_YES)
		(*bad)++;
}

int web_answer(struct web *w, struct request *r)
{
	char rel[WEB_PATH_MAX], gz[WEB_PATH_MAX + 4], etag[64];
	const char *name, *last, *inm;
	struct MHD_Response *resp;
	struct stat st;
	int fd = -1, zipped = 0, immutable, bad = 0, rc;

	if (!w || relative(r->url, rel) != 0)
		return DF_ENOTFOUND;
	name = rel[0] ? rel : "index.html";
	fd = open_file(w, name, &st);
	last = strrchr(name, '/');
	last = last ? last + 1 : name;
	if (fd < 0 && !strchr(last, '.') && strncmp(rel, "assets/", 7) != 0) {
		name = "index.html"; /* a page of the app: it routes itself */
		fd = open_file(w, name, &st);
	}
	if (fd < 0)
		return DF_ENOTFOUND;
	immutable = strncmp(name, "assets/", 7) == 0;
	if (accepts_gzip(req_header_in(r, "Accept-Encoding")) &&
	    snprintf(gz, sizeof gz, "%s.gz", name) < (int)sizeof gz) {
		struct stat zst;
		int zfd = open_file(w, gz, &zst);

		if (zfd >= 0) {
			close(fd);
			fd = zfd;
			st = zst;
			zipped = 1;
		}
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec,
		 zipped ? "-gz" : "");
	inm = req_header_in(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		close(fd);
		r->status = 304;
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r->status = 200;
		resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd); /* takes fd */
		if (!resp)
			close(fd);
	}
	if (!resp)
		return DF_ENOMEM;
	header(resp, "ETag", etag, &bad);
	header(resp, "Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache", &bad);
	header(resp, "Vary", "Accept-Encoding", &bad);
	header(resp, "X-Request-Id", r->id, &bad);
	header(resp, "X-Content-Type-Options", "nosniff", &bad);
	header(resp, "Referrer-Policy", "no-referrer", &bad);
	if (r->status == 200) {
		header(resp, "Content-Type", type_of(name), &bad);
		if (zipped)
			header(resp, "Content-Encoding", "gzip", &bad);
	}
	if (strcmp(name, "index.html") == 0)
		header(resp, "Content-Security-Policy", page_csp, &bad);
	if (bad)
		log_warn("msg=\"web: a header was not added\" rid=%s", r->id);
	rc = MHD_queue_response(r->conn, (unsigned)r->status, resp) == MHD_YES ? DF_OK : DF_EIO;
	MHD_destroy_response(resp);
	r->reply_queued = 1;
	return rc;
}
