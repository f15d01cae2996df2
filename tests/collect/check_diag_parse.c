#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include "check_main.h"
#include "diag_parse.h"
#include "states.h"

enum { SEQ = 7, PORTID = 4242 };

static char buf[65536];
static size_t used;
static struct pv_snapshot snap;
static struct diag_parse_ctx ctx;

static void setup(void)
{
	snapshot_init(&snap);
	memset(&ctx, 0, sizeof(ctx));
	ctx.snap = &snap;
	ctx.proto = IPPROTO_TCP;
	used = 0;
}

static void teardown(void)
{
	snapshot_free(&snap);
}

/* Starts one reply message of a dump at the end of buf. */
static struct nlmsghdr *put_reply(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

/* Appends one inet_diag_msg reply and returns it for attributes. */
static struct nlmsghdr *put_sock(uint8_t family, uint8_t state, const char *src, uint16_t sport,
				 const char *dst, uint16_t dport, uint32_t inode, uint64_t cookie)
{
	struct nlmsghdr *nlh = put_reply();
	struct inet_diag_msg *m;

	m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
	m->idiag_family = family;
	m->idiag_state = state;
	inet_pton(family, src, m->id.idiag_src);
	inet_pton(family, dst, m->id.idiag_dst);
	m->id.idiag_sport = htons(sport);
	m->id.idiag_dport = htons(dport);
	m->id.idiag_cookie[0] = (uint32_t)cookie;
	m->id.idiag_cookie[1] = (uint32_t)(cookie >> 32);
	m->idiag_inode = inode;
	m->idiag_uid = 1000;
	m->idiag_rqueue = 3;
	m->idiag_wqueue = 128;
	return nlh;
}

static void commit(struct nlmsghdr *nlh)
{
	used += nlh->nlmsg_len;
}

static void put_done(int err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	int *payload;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	payload = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*payload = err;
	commit(nlh);
}

static int run(void)
{
	return diag_parse_buffer(buf, used, SEQ, PORTID, &ctx);
}

START_TEST(t_normal_dump)
{
	char a[64];

	commit(put_sock(AF_INET, PV_STATE_LISTEN, "127.0.0.1", 8080, "0.0.0.0", 0, 11, 0x100000002ull));
	commit(put_sock(AF_INET6, PV_STATE_ESTABLISHED, "2001:db8::1", 443, "2001:db8::2", 51000, 12, 3));
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 2);
	ck_assert_uint_eq(ctx.added, 2);
	ck_assert_int_eq(snap.socks[0].proto, IPPROTO_TCP);
	ck_assert_int_eq(snap.socks[0].state, PV_STATE_LISTEN);
	ck_assert_uint_eq(snap.socks[0].local.port, 8080);
	ck_assert_uint_eq(snap.socks[0].cookie, 0x100000002ull);
	ck_assert_uint_eq(snap.socks[0].inode, 11);
	ck_assert_uint_eq(snap.socks[0].uid, 1000);
	ck_assert_uint_eq(snap.socks[0].rqueue, 3);
	ck_assert_uint_eq(snap.socks[0].wqueue, 128);
	ck_assert_int_eq(snap.socks[0].v6only, -1);
	ck_assert_int_eq(snap.socks[1].family, AF_INET6);
	ck_assert_uint_eq(snap.socks[1].remote.port, 51000);
	inet_ntop(AF_INET6, snap.socks[1].remote.addr.bytes, a, sizeof(a));
	ck_assert_str_eq(a, "2001:db8::2");
	ck_assert(!snap.socks[1].tcp.has_info);
}
END_TEST

START_TEST(t_multi_part)
{
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 1));
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 2, "0.0.0.0", 0, 2, 2));
	ck_assert_int_eq(run(), 1);
	used = 0;
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 3, "0.0.0.0", 0, 3, 3));
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 3);
}
END_TEST

START_TEST(t_duplicates_dropped)
{
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 99));
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 99));
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 2, "0.0.0.0", 0, 2, 100));
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 2);
	ck_assert_uint_eq(ctx.duplicates, 1);
}
END_TEST

START_TEST(t_done_with_enoent)
{
	put_done(-ENOENT);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(snap.nsocks, 0);
}
END_TEST

START_TEST(t_impossible_error_codes)
{
	put_done(INT_MIN);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EPROTO);
	used = 0;
	put_done(-100000);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EPROTO);
}
END_TEST

START_TEST(t_nlmsg_error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EPERM;
	commit(nlh);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EPERM);

	/* A truncated error message is an error too, never silence. */
	used = 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	mnl_nlmsg_put_extra_header(nlh, 2);
	commit(nlh);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EBADMSG);
}
END_TEST

START_TEST(t_wrong_sequence_and_port)
{
	struct nlmsghdr *nlh = put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 1);

	nlh->nlmsg_seq = SEQ + 1;
	commit(nlh);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EPROTO);
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID + 1;
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_uint_eq(snap.nsocks, 0);
}
END_TEST

START_TEST(t_interrupted_dump)
{
	struct nlmsghdr *nlh = put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 1);

	nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	commit(nlh);
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EINTR);
}
END_TEST

START_TEST(t_truncated_and_short)
{
	struct nlmsghdr *nlh;

	/* A header shorter than inet_diag_msg is skipped and counted. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	mnl_nlmsg_put_extra_header(nlh, 8);
	commit(nlh);
	commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 2, "0.0.0.0", 0, 2, 2));
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(ctx.malformed, 1);
	ck_assert_uint_eq(snap.nsocks, 1);

	/* A message that claims more bytes than the buffer holds is not read,
	 * and the buffer is reported as malformed. */
	used = 0;
	nlh = put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 3, "0.0.0.0", 0, 3, 3);
	commit(nlh);
	nlh->nlmsg_len += 4096;
	ck_assert_int_eq(run(), -1);
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_uint_eq(snap.nsocks, 1);

	/* A buffer cut inside a header is not read either. */
	used = 10;
	ck_assert_int_eq(run(), -1);
	ck_assert_uint_eq(snap.nsocks, 1);
}
END_TEST

/* Lengths libmnl takes for negative ints: 0xfffffffd and up are aligned to
 * 0 and would loop forever; they must end the buffer with an error. */
START_TEST(t_lying_lengths)
{
	static const uint32_t lies[] = { 0xffffffffu, 0xfffffffdu, 0xfffffffcu, 0x80000000u, 15, 0 };
	size_t i;

	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		struct nlmsghdr *nlh;

		used = 0;
		commit(put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 1, "0.0.0.0", 0, 1, 100 + i));
		nlh = put_sock(AF_INET, PV_STATE_LISTEN, "0.0.0.0", 2, "0.0.0.0", 0, 2, 200 + i);
		commit(nlh);
		nlh->nlmsg_len = lies[i];
		ck_assert_int_eq(run(), -1);
		ck_assert_int_eq(errno, EBADMSG);
	}
	/* The messages before the lie were still read. */
	ck_assert_uint_eq(snap.nsocks, sizeof(lies) / sizeof(lies[0]));
}
END_TEST

START_TEST(t_v4_mapped)
{
	commit(put_sock(AF_INET6, PV_STATE_ESTABLISHED, "::ffff:127.0.0.1", 8082, "::ffff:127.0.0.1", 40000,
			5, 5));
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_int_eq(snap.socks[0].family, AF_INET6);
	ck_assert_int_eq(snap.socks[0].local.addr.family, AF_INET);
	ck_assert_int_eq(snap.socks[0].remote.addr.family, AF_INET);
	ck_assert_int_eq(snap.socks[0].local.addr.bytes[0], 127);
	ck_assert_int_eq(snap.socks[0].local.addr.bytes[3], 1);
}
END_TEST

/* TIME_WAIT and SYN_RECV are minisockets: the uid 0 the kernel gives
 * them is no uid. */
START_TEST(t_minisockets_have_no_uid)
{
	static const uint8_t states[] = { PV_STATE_TIME_WAIT, PV_STATE_SYN_RECV, PV_STATE_ESTABLISHED };

	for (size_t i = 0; i < sizeof(states); i++) {
		struct nlmsghdr *nlh = put_sock(AF_INET, states[i], "10.0.0.1", 80, "10.0.0.2",
						(uint16_t)(1000 + i), 0, 50 + i);

		((struct inet_diag_msg *)mnl_nlmsg_get_payload(nlh))->idiag_uid = 0;
		commit(nlh);
	}
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 3);
	ck_assert_uint_eq(snap.socks[0].uid, PV_UID_UNKNOWN);
	ck_assert_uint_eq(snap.socks[1].uid, PV_UID_UNKNOWN);
	ck_assert_uint_eq(snap.socks[2].uid, 0);
}
END_TEST

START_TEST(t_attributes)
{
	struct tcp_info ti;
	char big[sizeof(struct tcp_info) + 64];
	struct nlmsghdr *nlh;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_rtt = 1234;
	ti.tcpi_snd_cwnd = 10;
	ti.tcpi_bytes_acked = 1ull << 40;

	/* Short tcp_info: the fields it lacks read as zero. */
	nlh = put_sock(AF_INET, PV_STATE_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 2, 1, 1);
	mnl_attr_put(nlh, INET_DIAG_INFO, 8, &ti);
	commit(nlh);
	/* Longer tcp_info than ours (a newer kernel) is read up to our size. */
	nlh = put_sock(AF_INET, PV_STATE_ESTABLISHED, "10.0.0.1", 3, "10.0.0.2", 4, 2, 2);
	memset(big, 0x5a, sizeof(big));
	memcpy(big, &ti, sizeof(ti));
	mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(big), big);
	mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
	mnl_attr_put_u32(nlh, 200, 7); /* an attribute from the future */
	commit(nlh);
	/* An attribute whose length runs past the message. */
	nlh = put_sock(AF_INET, PV_STATE_ESTABLISHED, "10.0.0.1", 5, "10.0.0.2", 6, 3, 3);
	mnl_attr_put_u32(nlh, INET_DIAG_MARK, 1);
	((struct nlattr *)((char *)nlh + nlh->nlmsg_len - 8))->nla_len = 200;
	commit(nlh);
	put_done(0);

	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 3);
	ck_assert(snap.socks[0].tcp.has_info);
	ck_assert_uint_eq(snap.socks[0].tcp.snd_cwnd, 0);
	ck_assert_uint_eq(snap.socks[0].tcp.bytes_acked, 0);
	ck_assert(snap.socks[1].tcp.has_info);
	ck_assert_uint_eq(snap.socks[1].tcp.rtt_us, 1234);
	ck_assert_uint_eq(snap.socks[1].tcp.snd_cwnd, 10);
	ck_assert_uint_eq(snap.socks[1].tcp.bytes_acked, 1ull << 40);
	ck_assert_int_eq(snap.socks[1].v6only, 1);
	ck_assert_uint_eq(snap.socks[2].local.port, 5);
}
END_TEST

START_TEST(t_udp_has_no_tcp_info)
{
	struct tcp_info ti;
	struct nlmsghdr *nlh;

	ctx.proto = IPPROTO_UDP;
	memset(&ti, 0, sizeof(ti));
	nlh = put_sock(AF_INET, PV_STATE_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, 1, 1);
	mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(ti), &ti);
	commit(nlh);
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_int_eq(snap.socks[0].proto, IPPROTO_UDP);
	ck_assert(!snap.socks[0].tcp.has_info);
}
END_TEST

/* Appends one unix_diag_msg reply and returns it for attributes. */
static struct nlmsghdr *put_unix(uint8_t type, uint8_t state, uint32_t inode, uint64_t cookie)
{
	struct nlmsghdr *nlh = put_reply();
	struct unix_diag_msg *m;

	m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
	m->udiag_family = AF_UNIX;
	m->udiag_type = type;
	m->udiag_state = state;
	m->udiag_ino = inode;
	m->udiag_cookie[0] = (uint32_t)cookie;
	m->udiag_cookie[1] = (uint32_t)(cookie >> 32);
	return nlh;
}

/* A path name arrives with its NUL, an abstract one starts with NUL and
 * may hold anything; peer, queues and uid come as attributes; a name
 * longer than sun_path and a short queue attribute are ignored. */
START_TEST(t_unix)
{
	struct nlmsghdr *nlh;
	struct unix_diag_rqlen q = { .udiag_rqueue = 2, .udiag_wqueue = 64 };
	static const char abstract[] = { '\0', 'b', 'u', 's', '\x1b', '\0', 'x' };
	char huge[200];

	ctx.proto = PV_PROTO_UNIX;
	ctx.family = AF_UNIX;
	static const uint32_t waiting[] = { 90, 91 };

	nlh = put_unix(SOCK_STREAM, PV_STATE_LISTEN, 70, 700);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof("/run/app.sock"), "/run/app.sock");
	mnl_attr_put(nlh, UNIX_DIAG_ICONS, sizeof(waiting), waiting);
	mnl_attr_put(nlh, UNIX_DIAG_RQLEN, sizeof(q), &q);
	mnl_attr_put_u32(nlh, UNIX_DIAG_UID, 33);
	commit(nlh);
	nlh = put_unix(SOCK_SEQPACKET, PV_STATE_ESTABLISHED, 71, 701);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof(abstract), abstract);
	mnl_attr_put_u32(nlh, UNIX_DIAG_PEER, 72);
	mnl_attr_put_u16(nlh, UNIX_DIAG_RQLEN, 5);
	mnl_attr_put(nlh, UNIX_DIAG_ICONS, 6, "abcdef"); /* not whole inodes; not a listener */
	commit(nlh);
	memset(huge, 'a', sizeof(huge));
	nlh = put_unix(SOCK_DGRAM, PV_STATE_CLOSE, 72, 702);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof(huge), huge);
	mnl_attr_put_u8(nlh, UNIX_DIAG_PEER, 1);
	commit(nlh);
	put_done(0);

	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 3);
	ck_assert_uint_eq(snap.socks[0].proto, PV_PROTO_UNIX);
	ck_assert_uint_eq(snap.socks[0].family, AF_UNIX);
	ck_assert_uint_eq(snap.socks[0].sock_type, SOCK_STREAM);
	ck_assert_uint_eq(snap.socks[0].path_len, 13);
	ck_assert(memcmp(snap.socks[0].path, "/run/app.sock", 13) == 0);
	ck_assert_uint_eq(snap.socks[0].rqueue, 2);
	ck_assert_uint_eq(snap.socks[0].wqueue, 64);
	ck_assert_uint_eq(snap.socks[0].uid, 33);
	ck_assert_uint_eq(snap.socks[0].inode, 70);
	ck_assert_uint_eq(snap.socks[0].cookie, 700);
	ck_assert(socket_is_listener(&snap.socks[0]));
	ck_assert_uint_eq(snap.socks[1].path_len, sizeof(abstract));
	ck_assert(memcmp(snap.socks[1].path, abstract, sizeof(abstract)) == 0);
	ck_assert_uint_eq(snap.socks[1].peer_inode, 72);
	ck_assert_uint_eq(snap.socks[1].rqueue, 0);       /* the short RQLEN is ignored */
	ck_assert_uint_eq(snap.socks[1].uid, UINT32_MAX); /* not reported */
	ck_assert_uint_eq(snap.socks[2].path_len, 0);     /* longer than sun_path: a lie */
	ck_assert_uint_eq(snap.socks[2].peer_inode, 0);   /* a u8 is not a peer inode */
	/* The listener's waiting clients, and nothing from the others. */
	ck_assert_ptr_nonnull(snap.unix_queues);
	ck_assert_ptr_null(snap.unix_queues->next);
	ck_assert_uint_eq(snap.unix_queues->listener_inode, 70);
	ck_assert_uint_eq(snap.unix_queues->count, 2);
	ck_assert_uint_eq(snap.unix_queues->clients[1], 91);
}
END_TEST

/* A message too short for unix_diag_msg, or of another family, is skipped. */
START_TEST(t_unix_malformed)
{
	struct nlmsghdr *nlh = put_reply();
	struct unix_diag_msg *m;

	ctx.proto = PV_PROTO_UNIX;
	ctx.family = AF_UNIX;
	mnl_nlmsg_put_extra_header(nlh, 4);
	commit(nlh);
	nlh = put_unix(SOCK_STREAM, PV_STATE_LISTEN, 80, 800);
	m = mnl_nlmsg_get_payload(nlh);
	m->udiag_family = AF_INET;
	commit(nlh);
	put_done(0);
	ck_assert_int_eq(run(), 0);
	ck_assert_uint_eq(snap.nsocks, 0);
	ck_assert_uint_eq(ctx.malformed, 2);
}
END_TEST

/* A last message whose length is not a multiple of four, in a buffer that
 * ends there: libmnl would read its attributes up to the aligned end,
 * past the buffer. Found by fuzzing; the message is refused instead. */
START_TEST(t_unaligned_end)
{
	static char exact[64];
	struct nlmsghdr *nlh;
	size_t len;

	ctx.proto = PV_PROTO_UNIX;
	ctx.family = AF_UNIX;
	nlh = put_unix(SOCK_STREAM, PV_STATE_LISTEN, 70, 700);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, 8, "/run/x\0");
	len = nlh->nlmsg_len - 2; /* the name's attribute now ends past the message */
	nlh->nlmsg_len = (uint32_t)len;
	ck_assert_uint_le(len, sizeof(exact));
	memcpy(exact, buf, len);
	ck_assert_int_eq(diag_parse_buffer(exact, len, SEQ, PORTID, &ctx), -1);
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_uint_eq(snap.nsocks, 0);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("diag_parse", setup, teardown, t_minisockets_have_no_uid, t_unaligned_end, t_unix,
			 t_unix_malformed, t_normal_dump, t_multi_part, t_duplicates_dropped,
			 t_done_with_enoent, t_nlmsg_error, t_wrong_sequence_and_port, t_interrupted_dump,
			 t_truncated_and_short, t_lying_lengths, t_impossible_error_codes, t_v4_mapped,
			 t_attributes, t_udp_has_no_tcp_info)
