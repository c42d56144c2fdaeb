/*
 * blob.c - the content-addressed store of uploaded files (see blob.h).
 *
 * The temporary file is made with mkstemp in the blob directory itself, so
 * the rename that publishes it never crosses a file system.  libmagic's
 * handle is not thread-safe and loading its database costs a few
 * milliseconds: each sniff opens its own (uploads are rare).
 */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "auth.h"
#include "blob.h"
#include "log.h"

/* name_ok - 64 lowercase hex characters. */
static int name_ok(const char *name)
{
	size_t i;

	for (i = 0; name && name[i]; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return name && i == BLOB_NAME_LEN;
}

/* mkdirs - dir and its parent, as needed. */
static int mkdirs(const char *dir)
{
	char tmp[1024];
	char *slash;

	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return -1;
	for (slash = strchr(tmp + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
			return -1;
		*slash = '/';
	}
	return mkdir(tmp, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* sync_dir - fsync a directory, so a rename into it lasts. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int blob_put(const char *dir, const void *bytes, size_t len, char name[BLOB_NAME_LEN + 1])
{
	char sub[1024], path[1100], tmp[1100];
	struct stat sb;
	const unsigned char *p = bytes;
	size_t done = 0;
	int fd;

	if (!dir || !dir[0] || (!bytes && len))
		return DF_EINVAL;
	auth_sha256_hex(bytes ? bytes : "", len, name);
	if (snprintf(sub, sizeof sub, "%s/%.2s", dir, name) >= (int)sizeof sub ||
	    snprintf(path, sizeof path, "%s/%s", sub, name) >= (int)sizeof path ||
	    snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", sub) >= (int)sizeof tmp)
		return DF_EINVAL;
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len)
		return DF_OK; /* the same bytes are there already */
	if (mkdirs(sub) != 0) {
		log_error("msg=\"blob: cannot make its directory\" dir=\"%s\" errno=%d", sub, errno);
		return DF_EIO;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		log_error("msg=\"blob: cannot write\" dir=\"%s\" errno=%d", sub, errno);
		return DF_EIO;
	}
	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fsync(fd) != 0 || close(fd) != 0) {
		log_error("msg=\"blob: write failed\" errno=%d", errno);
		if (done != len)
			close(fd);
		unlink(tmp);
		return DF_EIO;
	}
	if (rename(tmp, path) != 0 || sync_dir(sub) != 0) {
		log_error("msg=\"blob: cannot publish\" errno=%d", errno);
		unlink(tmp);
		return DF_EIO;
	}
	return DF_OK;
}

int blob_get(const char *dir, const char *name, size_t max, struct buf *out)
{
	char path[1100], chunk[65536];
	struct stat sb;
	int fd, rc = DF_OK;

	if (!dir || !name_ok(name))
		return DF_EINVAL;
	if (snprintf(path, sizeof path, "%s/%.2s/%s", dir, name, name) >= (int)sizeof path)
		return DF_EINVAL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno == ENOENT ? DF_ENOTFOUND : DF_EIO;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return DF_EIO;
	}
	if ((size_t)sb.st_size > max) {
		close(fd);
		return DF_ETOOBIG;
	}
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof chunk);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = DF_EIO;
			break;
		}
		if (got == 0)
			break;
		if (out->len + (size_t)got > max) {
			rc = DF_ETOOBIG;
			break;
		}
		rc = buf_add(out, chunk, (size_t)got);
		if (rc != DF_OK)
			break;
	}
	close(fd);
	return rc;
}

int blob_sniff(const void *bytes, size_t len, char type[BLOB_TYPE_MAX])
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR);
	const char *t;

	type[0] = '\0';
	if (!m)
		return DF_EIO;
	if (magic_load(m, NULL) != 0) {
		log_error("msg=\"blob: libmagic has no database\" err=\"%s\"", magic_error(m) ? magic_error(m) : "");
		magic_close(m);
		return DF_EIO;
	}
	t = magic_buffer(m, bytes, len);
	snprintf(type, BLOB_TYPE_MAX, "%s", t ? t : "application/octet-stream");
	magic_close(m);
	return DF_OK;
}
