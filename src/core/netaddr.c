/*
 * netaddr.c - trusted proxies and the client address (see netaddr.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "netaddr.h"

#define XFF_HOPS 20

/* to_bytes - numeric text to family and bytes; 0 if it is not an address. */
static int to_bytes(const char *ip, int *family, unsigned char a[16])
{
	if (inet_pton(AF_INET, ip, a) == 1) {
		*family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, ip, a) == 1) {
		*family = AF_INET6;
		return 1;
	}
	return 0;
}

int netaddr_parse(const char *spec, struct netaddr_list *out, char *err, size_t errlen)
{
	const char *p = spec;

	memset(out, 0, sizeof *out);
	while (*p) {
		char item[64], *slash;
		size_t len;
		struct netaddr_net *net;
		int max;

		p += strspn(p, " ,\t");
		len = strcspn(p, " ,\t");
		if (!len)
			break;
		if (len >= sizeof item) {
			snprintf(err, errlen, "not an address or network: %.40s...", p);
			return DF_EINVAL;
		}
		if (out->n == NETADDR_MAX) {
			snprintf(err, errlen, "more than %d trusted proxies", NETADDR_MAX);
			return DF_ETOOBIG;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		net = &out->net[out->n];
		slash = strchr(item, '/');
		if (slash)
			*slash = '\0';
		if (!to_bytes(item, &net->family, net->a))
			goto bad;
		max = net->family == AF_INET ? 32 : 128;
		net->prefix = max;
		if (slash) {
			char *end = NULL;
			long bits = strtol(slash + 1, &end, 10);

			if (!slash[1] || *end || bits < 0 || bits > max)
				goto bad;
			net->prefix = (int)bits;
		}
		out->n++;
		continue;
bad:
		if (slash)
			*slash = '/';
		snprintf(err, errlen, "not an address or network: %s", item);
		return DF_EINVAL;
	}
	return DF_OK;
}

static int net_has(const struct netaddr_net *net, int family, const unsigned char a[16])
{
	int full = net->prefix / 8, rest = net->prefix % 8;

	if (net->family != family || memcmp(net->a, a, (size_t)full) != 0)
		return 0;
	return !rest || ((net->a[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

int netaddr_contains(const struct netaddr_list *l, const char *ip)
{
	unsigned char a[16];
	int family;

	if (!to_bytes(ip, &family, a))
		return 0;
	for (int i = 0; i < l->n; i++)
		if (net_has(&l->net[i], family, a))
			return 1;
	return 0;
}

void netaddr_client(const struct netaddr_list *trusted, const char *peer, const char *xff, char *out,
		    size_t outlen)
{
	const char *end = xff ? xff + strlen(xff) : NULL;

	snprintf(out, outlen, "%s", peer);
	if (!xff || !netaddr_contains(trusted, peer))
		return;
	for (int hop = 0; hop < XFF_HOPS && end > xff; hop++) {
		const char *start = end;
		char item[64];
		unsigned char a[16];
		int family;
		size_t len;

		while (start > xff && start[-1] != ',')
			start--;
		len = (size_t)(end - start);
		end = start > xff ? start - 1 : xff;
		while (len && (*start == ' ' || *start == '\t'))
			start++, len--;
		while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (!len || len >= sizeof item)
			return;
		memcpy(item, start, len);
		item[len] = '\0';
		if (!to_bytes(item, &family, a))
			return; /* not an address: keep the last trustworthy hop */
		snprintf(out, outlen, "%s", item);
		if (!netaddr_contains(trusted, item))
			return;
	}
}
