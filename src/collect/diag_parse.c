#include "config.h"

#include "diag_parse.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include "addr.h"
#include "states.h"

/* Room for the attributes of either reply: inet_diag's or unix_diag's. */
enum { DIAG_ATTR_MAX = INET_DIAG_MAX > UNIX_DIAG_MAX ? INET_DIAG_MAX : UNIX_DIAG_MAX };

struct diag_attrs {
	const struct nlattr *tb[DIAG_ATTR_MAX + 1];
	bool unix_reply; /* a unix_diag reply: UNIX_DIAG_* types */
};

/* False for an attribute of a known type whose payload cannot be what the
 * kernel sends: it is ignored, as if absent. */
static bool diag_attr_well_formed(const struct nlattr *attr, int type, bool unix_reply)
{
	if (!unix_reply) {
		if (type == INET_DIAG_CGROUP_ID)
			return mnl_attr_validate(attr, MNL_TYPE_U64) == 0;
		return type != INET_DIAG_SKV6ONLY || mnl_attr_validate(attr, MNL_TYPE_U8) == 0;
	}
	switch (type) {
	case UNIX_DIAG_PEER:
	case UNIX_DIAG_UID: return mnl_attr_validate(attr, MNL_TYPE_U32) == 0;
	case UNIX_DIAG_RQLEN:
		return mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(struct unix_diag_rqlen)) == 0;
	case UNIX_DIAG_ICONS: return mnl_attr_get_payload_len(attr) % sizeof(uint32_t) == 0;
	default: return true;
	}
}

static int diag_attr_cb(const struct nlattr *attr, void *data)
{
	struct diag_attrs *a = data;
	int type = mnl_attr_get_type(attr);

	/* Attributes newer than our headers are skipped, not errors. */
	if (mnl_attr_type_valid(attr, a->unix_reply ? UNIX_DIAG_MAX : INET_DIAG_MAX) < 0)
		return MNL_CB_OK;
	if (diag_attr_well_formed(attr, type, a->unix_reply))
		a->tb[type] = attr;
	return MNL_CB_OK;
}

/* struct tcp_info grows with kernels: take what both sides know, zero the rest. */
static void diag_copy_tcp_info(struct pv_tcp_details *d, const struct nlattr *attr)
{
	struct tcp_info ti;
	size_t len = mnl_attr_get_payload_len(attr);

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, mnl_attr_get_payload(attr), len < sizeof(ti) ? len : sizeof(ti));
	d->has_info = true;
	d->rtt_us = ti.tcpi_rtt;
	d->rttvar_us = ti.tcpi_rttvar;
	d->retransmits = ti.tcpi_retransmits;
	d->total_retrans = ti.tcpi_total_retrans;
	d->snd_cwnd = ti.tcpi_snd_cwnd;
	d->unacked = ti.tcpi_unacked;
	d->lost = ti.tcpi_lost;
	d->last_data_sent_ms = ti.tcpi_last_data_sent;
	d->last_data_recv_ms = ti.tcpi_last_data_recv;
	d->last_ack_recv_ms = ti.tcpi_last_ack_recv;
	d->bytes_acked = ti.tcpi_bytes_acked;
	d->bytes_received = ti.tcpi_bytes_received;
	d->delivery_rate = ti.tcpi_delivery_rate;
	d->has_snd_wnd = len >= offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(ti.tcpi_snd_wnd);
	d->snd_wnd = ti.tcpi_snd_wnd;
}

/* A UNIX socket's name: a path ends in a NUL the kernel counts, an
 * abstract name starts with one and may hold any byte, NULs included. */
static void unix_copy_name(struct pv_socket *rec, const struct nlattr *attr, struct arena *arena)
{
	const char *name = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	if (len > 0 && name[0] != '\0')
		len = strnlen(name, len);
	/* sun_path holds at most 108 bytes; a longer name is a lie. */
	if (len == 0 || len > 108)
		return;
	rec->path = arena_strndup(arena, name, len);
	rec->path_len = (uint16_t)len;
}

/* A listener's pending connections, as the inodes of their clients. */
static void unix_copy_queue(struct pv_snapshot *snap, uint32_t listener_inode, const struct nlattr *attr)
{
	uint32_t n = (uint32_t)(mnl_attr_get_payload_len(attr) / sizeof(uint32_t));
	struct pv_unix_queue *q;

	if (n == 0)
		return;
	q = arena_alloc(&snap->arena, sizeof(*q) + n * sizeof(uint32_t));
	q->listener_inode = listener_inode;
	q->count = n;
	memcpy(q->clients, mnl_attr_get_payload(attr), n * sizeof(uint32_t));
	q->next = snap->unix_queues;
	snap->unix_queues = q;
}

static int unix_data_cb(const struct nlmsghdr *nlh, struct diag_parse_ctx *ctx)
{
	const struct unix_diag_msg *m;
	struct diag_attrs attrs;
	struct pv_socket rec;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
		ctx->malformed++;
		return MNL_CB_OK;
	}
	m = mnl_nlmsg_get_payload(nlh);
	if (m->udiag_family != AF_UNIX) {
		ctx->malformed++;
		return MNL_CB_OK;
	}
	memset(&attrs, 0, sizeof(attrs));
	attrs.unix_reply = true;
	mnl_attr_parse(nlh, sizeof(*m), diag_attr_cb, &attrs);

	memset(&rec, 0, sizeof(rec));
	rec.family = AF_UNIX;
	rec.proto = PV_PROTO_UNIX;
	rec.sock_type = m->udiag_type;
	rec.state = m->udiag_state;
	rec.v6only = -1;
	rec.inode = m->udiag_ino;
	rec.netns = ctx->netns;
	rec.cookie = (uint64_t)m->udiag_cookie[0] | ((uint64_t)m->udiag_cookie[1] << 32);
	if (attrs.tb[UNIX_DIAG_NAME])
		unix_copy_name(&rec, attrs.tb[UNIX_DIAG_NAME], &ctx->snap->arena);
	if (attrs.tb[UNIX_DIAG_PEER])
		rec.peer_inode = mnl_attr_get_u32(attrs.tb[UNIX_DIAG_PEER]);
	if (attrs.tb[UNIX_DIAG_ICONS] && rec.state == PV_STATE_LISTEN)
		unix_copy_queue(ctx->snap, rec.inode, attrs.tb[UNIX_DIAG_ICONS]);
	if (attrs.tb[UNIX_DIAG_RQLEN]) {
		struct unix_diag_rqlen q;

		memcpy(&q, mnl_attr_get_payload(attrs.tb[UNIX_DIAG_RQLEN]), sizeof(q));
		rec.rqueue = q.udiag_rqueue;
		rec.wqueue = q.udiag_wqueue;
	}
	/* Without the uid (kernels before 5.3) the owner's uid stands in. */
	rec.uid = attrs.tb[UNIX_DIAG_UID] ? mnl_attr_get_u32(attrs.tb[UNIX_DIAG_UID]) : PV_UID_UNKNOWN;
	snapshot_append_socket(ctx->snap, &rec);
	return MNL_CB_OK;
}

/* One inet_diag_msg into rec, for protocol proto (0: the message's
 * INET_DIAG_PROTOCOL attribute says, as destroy events do). False for a
 * message that holds no inet socket record. */
static bool inet_record(const struct nlmsghdr *nlh, uint8_t proto, uint32_t netns, struct pv_socket *rec)
{
	const struct inet_diag_msg *m;
	struct diag_attrs attrs;

	/* A dump of both families (TCPDIAG_GETSOCK) answers in its own type. */
	if ((nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return false;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return false;
	memset(&attrs, 0, sizeof(attrs));
	mnl_attr_parse(nlh, sizeof(*m), diag_attr_cb, &attrs);
	if (!proto && attrs.tb[INET_DIAG_PROTOCOL] &&
	    mnl_attr_get_payload_len(attrs.tb[INET_DIAG_PROTOCOL]) >= 1)
		proto = mnl_attr_get_u8(attrs.tb[INET_DIAG_PROTOCOL]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return false;

	memset(rec, 0, sizeof(*rec));
	rec->family = m->idiag_family;
	rec->proto = proto;
	rec->state = m->idiag_state;
	rec->v6only = -1;
	addr_from_kernel(&rec->local.addr, m->idiag_family, m->id.idiag_src);
	addr_from_kernel(&rec->remote.addr, m->idiag_family, m->id.idiag_dst);
	rec->local.port = ntohs(m->id.idiag_sport);
	rec->remote.port = ntohs(m->id.idiag_dport);
	rec->ifindex = m->id.idiag_if;
	rec->inode = m->idiag_inode;
	rec->netns = netns;
	/* A minisocket's uid 0 is no uid, not root. */
	rec->uid = socket_is_minisocket(proto, rec->state) ? PV_UID_UNKNOWN : m->idiag_uid;
	rec->cookie = (uint64_t)m->id.idiag_cookie[0] | ((uint64_t)m->id.idiag_cookie[1] << 32);
	rec->rqueue = m->idiag_rqueue;
	rec->wqueue = m->idiag_wqueue;
	/* For TIME_WAIT the timer is the time left of a fixed span. */
	if (proto == IPPROTO_TCP && rec->state == PV_STATE_TIME_WAIT)
		rec->timer_left_ms = m->idiag_expires;
	if (attrs.tb[INET_DIAG_SKV6ONLY])
		rec->v6only = (int8_t)mnl_attr_get_u8(attrs.tb[INET_DIAG_SKV6ONLY]);
	/* The cgroup of the task that made the socket (v2 id): what tells
	 * whose it is when its owner cannot be read. */
	if (attrs.tb[INET_DIAG_CGROUP_ID])
		rec->cgroup_id = mnl_attr_get_u64(attrs.tb[INET_DIAG_CGROUP_ID]);
	if (attrs.tb[INET_DIAG_INFO] && proto == IPPROTO_TCP)
		diag_copy_tcp_info(&rec->tcp, attrs.tb[INET_DIAG_INFO]);
	return true;
}

static int diag_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct diag_parse_ctx *ctx = data;
	struct pv_socket rec;

	if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY && ctx->family == AF_UNIX)
		return unix_data_cb(nlh, ctx);
	if (!inet_record(nlh, ctx->proto, ctx->netns, &rec)) {
		ctx->malformed++;
		return MNL_CB_OK;
	}
	snapshot_append_socket(ctx->snap, &rec);
	return MNL_CB_OK;
}

bool diag_parse_event(const void *msg, size_t len, uint32_t netns, struct pv_socket *rec)
{
	const struct nlmsghdr *nlh = msg;

	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
		return false;
	return inet_record(nlh, 0, netns, rec);
}

/* A kernel error code (negative errno) as a positive errno. Anything the
 * kernel cannot have meant, INT_MIN included (whose negation overflows),
 * becomes EPROTO. */
static int diag_errno(int err)
{
	if (err >= 0)
		return err ? err : EPROTO;
	return err < -4095 ? EPROTO : -err;
}

/* libmnl's default DONE handler ignores the error a kernel without a diag
 * handler puts in the DONE payload; that would read as "no sockets". */
static int diag_done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err;

		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0) {
			errno = diag_errno(err);
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

/* Given a control-callback array, libmnl no longer runs its default
 * NLMSG_ERROR handler for entries left NULL: an error would pass unseen and
 * the dump would wait forever for its end. */
static int diag_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlmsgerr err;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err.error == 0)
		return MNL_CB_STOP;
	errno = diag_errno(err.error);
	return MNL_CB_ERROR;
}

/* The length of the leading run of well-formed messages in buf. libmnl's
 * own check compares lengths as int, so a length of 0x80000000 or more
 * passes it, and one of 0xfffffffd or more is aligned to 0 and loops
 * forever: messages are checked here first, with unsigned arithmetic.
 * A message must fit with its padding: libmnl reads attributes up to the
 * aligned end, which the kernel always sends. */
static size_t diag_valid_prefix(const unsigned char *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, buf + off, sizeof(h));
		step = ((size_t)h.nlmsg_len + 3u) & ~(size_t)3u;
		if (h.nlmsg_len < sizeof(h) || step > len - off)
			break;
		off += step;
	}
	return off;
}

int diag_parse_buffer(const void *buf, size_t len, uint32_t seq, uint32_t portid, struct diag_parse_ctx *ctx)
{
	size_t valid = diag_valid_prefix(buf, len);
	/* mnl_cb_run2 takes a non-const array, though it only reads it. */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_DONE] = diag_done_cb,
		[NLMSG_ERROR] = diag_error_cb,
	};
	size_t first = ctx->snap->nsocks, dropped;
	int ret, saved_errno;

	errno = 0;
	ret = mnl_cb_run2(buf, valid, seq, portid, diag_data_cb, ctx, ctl, NLMSG_MIN_TYPE);
	/* The buffer's records are checked against earlier ones in one batch,
	 * whatever ended the run: those parsed before an error are real. */
	saved_errno = errno;
	dropped = snapshot_index_from(ctx->snap, first);
	ctx->duplicates += (unsigned)dropped;
	ctx->added += (unsigned)(ctx->snap->nsocks - first);
	errno = saved_errno;
	if (ret == MNL_CB_ERROR)
		return -1;
	if (ret == MNL_CB_STOP)
		return 0;
	/* A buffer that ends in a malformed message cannot be trusted to say
	 * where the dump ends. */
	if (valid < len) {
		ctx->malformed++;
		errno = EBADMSG;
		return -1;
	}
	return 1;
}
