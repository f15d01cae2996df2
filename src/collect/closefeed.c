#include "config.h"

#include "closefeed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include "diag_parse.h"
#include "xalloc.h"

/* A destroy record with tcp_info is about 400 bytes; a datagram holds one. */
/* CLOSE_FEED_EINTR_MAX: interrupted reads in a row before the rest is
 * left to the next drain. */
enum { CLOSE_FEED_BUFFER = 8192, CLOSE_FEED_GROW = 64, CLOSE_FEED_EINTR_MAX = 100 };

/* SKNLGRP_* are groups 1 to 4; bind takes a mask with bit (group - 1). */
static const unsigned close_feed_groups[] = {
	SKNLGRP_INET_TCP_DESTROY,
	SKNLGRP_INET_UDP_DESTROY,
	SKNLGRP_INET6_TCP_DESTROY,
	SKNLGRP_INET6_UDP_DESTROY,
};

struct close_feed {
	struct mnl_socket *nl;
	uint32_t netns;
	char *buf;
};

struct close_feed *close_feed_open(uint32_t netns)
{
	struct close_feed *f;
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC | SOCK_NONBLOCK);
	unsigned groups = 0;

	if (!nl)
		return NULL;
	for (size_t i = 0; i < sizeof(close_feed_groups) / sizeof(close_feed_groups[0]); i++)
		groups |= 1u << (close_feed_groups[i] - 1);
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		int saved = errno;

		mnl_socket_close(nl);
		errno = saved;
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->nl = nl;
	f->netns = netns;
	f->buf = xmalloc(CLOSE_FEED_BUFFER);
	return f;
}

void close_feed_close(struct close_feed *f)
{
	if (!f)
		return;
	mnl_socket_close(f->nl);
	free(f->buf);
	free(f);
}

static void closed_push(struct pv_snapshot *snap, const struct pv_socket *rec)
{
	if (snap->nclosed == snap->closed_cap) {
		snap->closed_cap += CLOSE_FEED_GROW + snap->closed_cap;
		snap->closed = xreallocarray(snap->closed, snap->closed_cap, sizeof(*snap->closed));
	}
	snap->closed[snap->nclosed++] = *rec;
}

void close_feed_drain(struct close_feed *f, struct pv_snapshot *snap)
{
	int interrupted = 0;

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(f->nl), f->buf, CLOSE_FEED_BUFFER, MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0 && errno == EINTR && ++interrupted < CLOSE_FEED_EINTR_MAX)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* The kernel dropped records; the next read goes on
			 * with the ones after the gap. */
			snap->close_overruns++;
			continue;
		}
		if (n <= 0)
			return;
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)f->buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			struct pv_socket rec;

			if (diag_parse_event(nlh, nlh->nlmsg_len, f->netns, &rec))
				closed_push(snap, &rec);
		}
	}
}
