#include "config.h"

#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include "diag_parse.h"
#include "kinds.h"
#include "states.h"
#include "xalloc.h"

/* libmnl's MNL_SOCKET_BUFFER_SIZE is one page; the kernel sizes each dump
 * datagram from our buffer, so 32 KiB means eight times fewer recvs. */
/* DIAG_EINTR_MAX: signals in a row one read may be interrupted by before
 * the dump is given up as interrupted: a storm of signals must not keep
 * portview spinning. */
enum { DIAG_RECV_BUFFER = 32768, DIAG_DUMP_TRIES = 3, DIAG_EINTR_MAX = 100 };

struct diag_conn {
	struct mnl_socket *nl;
	uint32_t netns;   /* the namespace its socket was opened in */
	bool foreign;     /* not this thread's: it cannot be reopened here */
	bool no_together; /* the kernel refused TCP of both families in one dump */
	bool bound;       /* dump bound-but-inactive TCP sockets too */
	uint32_t portid;
	uint32_t seq;
	char *buf;
};

static int diag_socket_open(struct diag_conn *c, char *err, size_t errsize)
{
	c->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!c->nl) {
		snprintf(err, errsize, "cannot open a sock_diag netlink socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errsize, "cannot bind the sock_diag netlink socket: %s", strerror(errno));
		mnl_socket_close(c->nl);
		c->nl = NULL;
		return -1;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	return 0;
}

struct diag_conn *diag_open(uint32_t netns, char *err, size_t errsize)
{
	struct diag_conn *c = xcalloc(1, sizeof(*c));

	c->netns = netns;
	if (diag_socket_open(c, err, errsize) < 0) {
		free(c);
		return NULL;
	}
	c->buf = xmalloc(DIAG_RECV_BUFFER);
	return c;
}

void diag_set_foreign(struct diag_conn *c)
{
	c->foreign = true;
}

void diag_want_bound(struct diag_conn *c)
{
	c->bound = true;
}

void diag_close(struct diag_conn *c)
{
	if (!c)
		return;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c->buf);
	free(c);
}

/* Older headers lack the uid attribute (Linux 5.3); older kernels ignore it. */
#ifndef UDIAG_SHOW_UID
#define UDIAG_SHOW_UID 0x00000040
#endif

static int diag_send(struct diag_conn *c, const struct socket_kind *k, uint32_t states, bool want_info)
{
	/* Room for the largest request: the older one (both families) is
	 * 60 bytes, inet_diag_req_v2 56. */
	enum {
		REQ_MAX = sizeof(struct inet_diag_req) > sizeof(struct inet_diag_req_v2)
				  ? sizeof(struct inet_diag_req)
				  : sizeof(struct inet_diag_req_v2)
	};
	char req_buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(REQ_MAX)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req_buf);

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* Sequence 0 would disable libmnl's check, so skip it on wrap. */
	if (++c->seq == 0)
		c->seq = 1;
	nlh->nlmsg_seq = c->seq;
	if (k->family == AF_UNSPEC) {
		/* The older request dumps IPv4 and IPv6 TCP in one walk of
		 * the kernel's table (see diag_collect). */
		struct inet_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		req->idiag_states = states;
		if (want_info)
			req->idiag_ext = 1u << (INET_DIAG_INFO - 1);
	} else if (k->family == AF_UNIX) {
		struct unix_diag_req *ureq = mnl_nlmsg_put_extra_header(nlh, sizeof(*ureq));

		ureq->sdiag_family = AF_UNIX;
		ureq->udiag_states = states;
		ureq->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID |
				   UDIAG_SHOW_ICONS;
	} else {
		struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));

		req->sdiag_family = k->family;
		req->sdiag_protocol = k->proto;
		req->idiag_states = states;
		if (want_info && k->proto == IPPROTO_TCP)
			req->idiag_ext = 1u << (INET_DIAG_INFO - 1);
	}
	return mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* Runs one dump to its end. Returns 0, or -1 with errno; *midway is set when
 * the failure left unread messages behind in the socket. */
static int diag_dump_one(struct diag_conn *c, const struct socket_kind *k, uint32_t states, bool want_info,
			 struct pv_snapshot *snap, bool *midway)
{
	struct diag_parse_ctx ctx = {
		.snap = snap, .proto = k->proto, .family = k->family, .netns = c->netns
	};
	int ret, interrupted = 0;

	*midway = false;
	if (diag_send(c, k, states, want_info) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(c->nl, c->buf, DIAG_RECV_BUFFER);

		if (n < 0) {
			/* ncurses installs SIGWINCH without SA_RESTART. */
			if (errno == EINTR && ++interrupted < DIAG_EINTR_MAX)
				continue;
			*midway = true;
			return -1;
		}
		interrupted = 0;
		ret = diag_parse_buffer(c->buf, (size_t)n, c->seq, c->portid, &ctx);
		if (ret == 0)
			return 0;
		if (ret < 0) {
			/* DONE and ERROR end the dump; anything else leaves the
			 * rest of it queued. */
			*midway = errno == EINTR || errno == EPROTO || errno == ESRCH || errno == EBADMSG;
			return -1;
		}
	}
}

/* A socket with a dump half read would hand stale replies to the next dump;
 * a fresh socket is the simplest way to drop them. */
static int diag_reset(struct diag_conn *c, char *err, size_t errsize)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	c->nl = NULL;
	/* A new socket would be made in this thread's namespace, which is
	 * not another namespace's: that one gives up until reopened. */
	if (c->foreign) {
		snprintf(err, errsize, "the sock_diag socket of network namespace net:[%u] failed", c->netns);
		return -1;
	}
	return diag_socket_open(c, err, errsize);
}

/* Runs the dump of one kind for states, with its retries: an interrupted
 * dump is worth another try, and dedupe by cookie makes the repeats
 * harmless. Returns 0 when it ended well, 1 when it failed, -1 when no
 * netlink socket could be had (err says why). */
static int diag_dump_kind(struct diag_conn *c, const struct socket_kind *k, uint32_t states, bool want_info,
			  struct pv_snapshot *snap, int *last_errno, char *err, size_t errsize)
{
	for (int tries = 0; tries < DIAG_DUMP_TRIES; tries++) {
		bool midway;

		if (!c->nl && diag_reset(c, err, errsize) < 0)
			return -1;
		if (diag_dump_one(c, k, states, want_info, snap, &midway) == 0)
			return 0;
		*last_errno = errno;
		if (midway && diag_reset(c, err, errsize) < 0)
			return -1;
		if (*last_errno == ENOENT || *last_errno == EOPNOTSUPP) {
			snap->unavailable |= k->dump_bit;
			return 0;
		}
		if (*last_errno != EINTR)
			break;
	}
	snap->incomplete = true;
	return 1;
}

/* TCP over both families in one dump, for another namespace: the kernel
 * keeps one table of established TCP sockets for the whole host (unless
 * net.ipv4.tcp_child_ehash_entries gave the namespace its own) and walks
 * all of it, every namespace's sockets, in each dump, only to skip those
 * of other namespaces. Two families and a tcp_info split would be four
 * such walks per namespace; this is one, tcp_info asked of every state
 * when any needs it. Returns true when it took TCP's place. */
static bool diag_dump_tcp_together(struct diag_conn *c, uint64_t kernel_mask, uint32_t info_states,
				   struct pv_snapshot *snap, unsigned *attempted, unsigned *failed,
				   int *last_errno, char *err, size_t errsize)
{
	static const struct socket_kind both = { .family = AF_UNSPEC,
						 .proto = IPPROTO_TCP,
						 .dump_bit = PV_DUMP_TCP4 | PV_DUMP_TCP6 };
	uint32_t v4 = kind_mask_states(kernel_mask, AF_INET, IPPROTO_TCP) & PV_STATES_ALL;
	uint32_t v6 = kind_mask_states(kernel_mask, AF_INET6, IPPROTO_TCP) & PV_STATES_ALL;
	int ret;

	if (!c->foreign || !v4 || v4 != v6 || c->no_together)
		return false;
	(*attempted)++;
	ret = diag_dump_kind(c, &both, v4, (v4 & info_states) != 0, snap, last_errno, err, errsize);
	/* A kernel without the older request: the two dumps, from now on. */
	if (ret == 0 && (snap->unavailable & both.dump_bit) == both.dump_bit) {
		snap->unavailable &= ~both.dump_bit;
		c->no_together = true;
		(*attempted)--;
		return false;
	}
	*failed += ret > 0;
	return ret >= 0;
}

int diag_collect(struct diag_conn *c, uint64_t kernel_mask, uint32_t info_states, struct pv_snapshot *snap,
		 char *err, size_t errsize)
{
	unsigned failed = 0, attempted = 0;
	int last_errno = 0;
	bool tcp_done = diag_dump_tcp_together(c, kernel_mask, info_states, snap, &attempted, &failed,
					       &last_errno, err, errsize);

	for (size_t i = 0; i < SOCKET_KIND_COUNT; i++) {
		const struct socket_kind *k = &socket_kinds[i];
		uint32_t states = kind_mask_states(kernel_mask, k->family, k->proto) & PV_STATES_ALL;
		/* tcp_info costs the kernel more per socket: the states that
		 * need it are a dump of their own. */
		uint32_t with_info = k->proto == IPPROTO_TCP ? states & info_states : 0;
		uint32_t parts[2] = { states & ~with_info, with_info };

		if (tcp_done && k->proto == IPPROTO_TCP)
			continue;
		for (int part = 0; part < 2; part++) {
			int ret;

			if (!parts[part])
				continue;
			attempted++;
			ret = diag_dump_kind(c, k, parts[part], part == 1, snap, &last_errno, err, errsize);
			if (ret < 0)
				return -1;
			failed += (unsigned)ret;
		}
	}
	if (attempted && failed == attempted) {
		snprintf(err, errsize, "sock_diag dumps failed: %s", strerror(last_errno));
		return -1;
	}
	for (size_t i = 0; c->bound && i < SOCKET_KIND_COUNT; i++) {
		const struct socket_kind *k = &socket_kinds[i];

		/* What the kernel cannot give here is no failure of the rest. */
		if (k->proto == IPPROTO_TCP && diag_dump_kind(c, k, 1u << PV_STATE_BOUND_INACTIVE, false,
							      snap, &last_errno, err, errsize) < 0)
			return -1;
	}
	return 0;
}
