/*
 * netaddr.h - which address a request came from, when daftar sits behind
 * proxies it trusts (nginx).
 *
 * The socket's peer is the client unless it is a listed proxy.  Then the
 * X-Forwarded-For header is read from the right: each proxy appends the
 * address it received the request from, so the first address from the
 * right that is not a trusted proxy is the client.  Entries further left
 * were written by the client itself and are never believed.  Anything
 * malformed stops the walk at the last address that was trustworthy.
 * Without `server.trusted_proxies` the header is ignored entirely.
 */
#ifndef DF_NETADDR_H
#define DF_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include "result.h"

#define NETADDR_MAX 32 /* trusted networks at most */

struct netaddr_net {
	int family;           /* AF_INET or AF_INET6 */
	unsigned char a[16];  /* network address (4 or 16 bytes used) */
	int prefix;           /* bits that must match */
};

struct netaddr_list {
	struct netaddr_net net[NETADDR_MAX];
	int n;
};

/* netaddr_parse - a list of addresses or networks separated by spaces or
 * commas ("10.0.0.5, 10.0.1.0/24 ::1"); "" gives an empty list.
 * DF_EINVAL (with the bad item in err) for anything else, DF_ETOOBIG for
 * more than NETADDR_MAX items. */
int netaddr_parse(const char *spec, struct netaddr_list *out, char *err, size_t errlen) DF_WUR;
/* netaddr_contains - 1 if ip (numeric text) is inside one of the networks. */
int netaddr_contains(const struct netaddr_list *l, const char *ip);
/* netaddr_client - the client's address into out (numeric text): peer, or
 * when peer is trusted, the rightmost untrusted valid entry of xff (which
 * may be NULL).  At most 20 entries are looked at. */
void netaddr_client(const struct netaddr_list *trusted, const char *peer, const char *xff, char *out,
		    size_t outlen);

#endif
