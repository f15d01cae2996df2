#include "config.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_main.h"
#include "filter.h"
#include "fixtures.h"
#include "states.h"

#define B(i) (1u << (i))

static struct pv_snapshot snap;

static void setup(void)
{
	fixture_snapshot(&snap);
}
static void teardown(void)
{
	snapshot_free(&snap);
}

/* The fixture sockets text selects, as a bit set of socket indices. */
static unsigned sel(const char *text)
{
	struct filter_error err;
	struct pv_filter *f = filter_parse(text, &err);
	unsigned m = 0;
	size_t i;

	ck_assert_msg(f != NULL, "'%s' failed to parse: %s", text, err.msg);
	for (i = 0; i < snap.nsocks; i++)
		if (filter_match(f, &snap, &snap.socks[i]))
			m |= B(i);
	filter_free(f);
	return m;
}

#define ck_sel(text, want)                                                                                   \
	ck_assert_msg(sel(text) == (want), "'%s' selects 0x%x, want 0x%x", text, sel(text), (unsigned)(want))

START_TEST(t_namespaces_and_workloads)
{
	fixture_namespaces(&snap);
	ck_sel("ns:db", B(5) | B(6) | B(7));
	ck_sel("ns:HOST", 0x7ff & ~(B(5) | B(6) | B(7)));
	ck_sel("ns:4026532000", B(5) | B(6) | B(7));
	/* The owner's container by name or id, or the container's namespace
	 * for a socket whose owner is not in it (psql's, 6). */
	ck_sel("container:db", B(5) | B(6) | B(7));
	ck_sel("container:abc123", B(5) | B(7));
	ck_sel("container:nginx", 0);
	ck_sel("unit:nginx", B(0) | B(1));
	ck_sel("unit:db", 0);
}
END_TEST

START_TEST(t_ports)
{
	ck_sel("port:80", B(0) | B(1) | B(2) | B(3) | B(4));
	ck_sel("lport:5432", B(5) | B(7));
	ck_sel("sport:5432", B(5) | B(7));
	ck_sel("rport:5432", B(6));
	ck_sel("dport:5432", B(6));
	ck_sel("lport:53", B(8));
	ck_sel("rport:53", B(9));
	ck_sel("port:5000-6000", B(5) | B(6) | B(7) | B(9));
	ck_sel("port:0-65535", 0x7ff);
	ck_sel("5432", B(5) | B(6) | B(7));
}
END_TEST

START_TEST(t_processes_and_users)
{
	ck_sel("proc:nginx", B(0) | B(1) | B(2) | B(3));
	ck_sel("proc:NGINX", B(0) | B(1) | B(2) | B(3));
	ck_sel("proc:master", B(0) | B(1));
	ck_sel("proc:\"worker process\"", B(0) | B(1) | B(2) | B(3));
	ck_sel("proc:\"master process\"", B(0) | B(1));
	ck_sel("nginx", B(0) | B(1) | B(2) | B(3));
	ck_sel("PsQl", B(6) | B(9));
	ck_sel("pid:812", B(5) | B(7));
	ck_sel("pid:101", B(0) | B(1) | B(2) | B(3));
	ck_sel("pid:9", 0);
	ck_sel("user:alice", B(6) | B(9) | B(10));
	ck_sel("user:1000", B(6) | B(9) | B(10));
	ck_sel("user:www-data", B(0) | B(1) | B(2) | B(3));
	ck_sel("user:101", B(8));
	ck_sel("user:nobody", 0);
	/* TIME_WAIT (socket 4) has no uid: root and 0 do not match it. */
	ck_sel("user:root", B(0) | B(1));
	ck_sel("user:0", B(0) | B(1));
	ck_sel("user:4294967295", 0);
}
END_TEST

START_TEST(t_states_protocols_families)
{
	ck_sel("state:listen", B(0) | B(1) | B(5));
	ck_sel("state:LISTEN", B(0) | B(1) | B(5));
	ck_sel("state:time-wait", B(4));
	ck_sel("state:TIME_WAIT", B(4));
	ck_sel("state:established", B(2) | B(3) | B(6) | B(7) | B(9) | B(10));
	ck_sel("state:estab", B(2) | B(3) | B(6) | B(7) | B(9) | B(10));
	ck_sel("state:unconn", B(8));
	ck_sel("state:listen,time-wait", B(0) | B(1) | B(4) | B(5));
	ck_sel("state:listening", B(0) | B(1) | B(5) | B(8));
	ck_sel("tcp", 0x7ff & ~(B(8) | B(9)));
	ck_sel("TCP", 0x7ff & ~(B(8) | B(9)));
	ck_sel("udp", B(8) | B(9));
	ck_sel("proto:udp", B(8) | B(9));
	/* Socket 3 is an AF_INET6 socket shown as IPv4 (v4-mapped): it is 4. */
	ck_sel("6", B(1) | B(9));
	ck_sel("ipv6", B(1) | B(9));
	ck_sel("4", 0x7ff & ~(B(1) | B(9)));
	ck_sel("inet", 0x7ff & ~(B(1) | B(9)));
	/* A dual-stack listener on the wildcard serves both families. */
	snap.socks[1].v6only = 0;
	ck_sel("4", 0x7ff & ~B(9));
	ck_sel("6", B(1) | B(9));
	snap.socks[1].v6only = 1;
	ck_sel("4", 0x7ff & ~(B(1) | B(9)));
}
END_TEST

START_TEST(t_flags)
{
	ck_sel("flag:stalled", 0);
	snap.socks[6].flags = PV_FLAG_STALLED | PV_FLAG_RETRANS;
	snap.socks[5].flags = PV_FLAG_SATURATED;
	snap.socks[7].flags = PV_FLAG_CLOSE_WAIT;
	ck_sel("flag:stalled", B(6));
	ck_sel("flag:retrans", B(6));
	ck_sel("flag:saturated", B(5));
	ck_sel("flag:closewait", B(7));
	ck_sel("flag:zerowindow", 0);
	ck_sel("flag:stalled | flag:saturated", B(5) | B(6));
	ck_sel("!flag:stalled port:5432", B(5) | B(7));
}
END_TEST

START_TEST(t_addresses)
{
	ck_sel("addr:127.0.0.1", B(3) | B(5) | B(6) | B(7));
	ck_sel("addr:::ffff:127.0.0.1", B(3) | B(5) | B(6) | B(7));
	ck_sel("addr:10.0.0.0/8", B(2) | B(4) | B(10));
	ck_sel("laddr:10.0.0.5", B(2) | B(4) | B(10));
	ck_sel("raddr:10.0.0.17", B(2));
	ck_sel("raddr:10.0.0.16/31", B(2));
	ck_sel("raddr:10.0.0.18/31", B(4));
	ck_sel("addr:2001:db8::/32", B(9));
	ck_sel("[2001:db8::2]", B(9));
	ck_sel("2001:db8::2", B(9));
	ck_sel("127.0.0.53", B(8));
	ck_sel("addr:0.0.0.0/0", 0x7ff & ~(B(1) | B(9)));
}
END_TEST

START_TEST(t_precedence)
{
	/* AND binds tighter than OR; NOT binds to one term. */
	ck_sel("tcp port:80 | udp", B(0) | B(1) | B(2) | B(3) | B(4) | B(8) | B(9));
	ck_sel("tcp (port:80 | udp)", B(0) | B(1) | B(2) | B(3) | B(4));
	ck_sel("!tcp port:53", B(8) | B(9));
	ck_sel("not state:listen tcp", B(2) | B(3) | B(4) | B(6) | B(7) | B(10));
	ck_sel("port:80 or port:53 and udp", B(0) | B(1) | B(2) | B(3) | B(4) | B(8) | B(9));
	ck_sel("!(port:80 | port:5432)", B(8) | B(9) | B(10));
	ck_sel("!!udp", B(8) | B(9));
	ck_sel("((udp))", B(8) | B(9));
	ck_sel("tcp and 6", B(1));
	ck_sel("", 0x7ff);
	ck_sel("   ", 0x7ff);
}
END_TEST

/* Asserts text fails at byte pos with a message containing what. */
static void fails(const char *text, size_t pos, const char *what)
{
	struct filter_error err;
	struct pv_filter *f = filter_parse(text, &err);

	ck_assert_msg(f == NULL, "'%s' parsed but should not", text);
	ck_assert_msg(strstr(err.msg, what) != NULL, "'%s': message '%s' lacks '%s'", text, err.msg, what);
	ck_assert_msg(err.pos == pos, "'%s': error at %zu, want %zu (%s)", text, err.pos, pos, err.msg);
}

START_TEST(t_errors)
{
	fails("port:abc", 5, "port must be a number");
	fails("port:70000", 5, "port must be a number");
	fails("port:-1", 5, "port range");
	fails("port:90-80", 5, "runs backwards");
	fails("tcp state:sideways", 10, "unknown state 'sideways'");
	fails("flag:slow", 5, "unknown flag 'slow'");
	fails("state:listen,", 13, "ends with a comma");
	fails("state:listen,,listen", 13, "unknown state ''");
	fails("(port:80", 0, "unbalanced '('");
	fails("port:80)", 7, "unbalanced ')'");
	fails(")", 0, "unbalanced ')'");
	fails("pid:", 0, "pid: needs a value");
	fails("pid:0", 4, "pid must be a positive number");
	fails("pid:x1", 4, "pid must be a positive number");
	fails("foo:bar", 0, "unknown keyword 'foo:'");
	fails("port:80 |", 9, "ends where a term was expected");
	fails("| port:80", 0, "operator 'or' needs a term");
	fails("and udp", 0, "operator 'and' needs a term");
	fails("()", 1, "empty parentheses");
	fails("proc:\"abc", 5, "unterminated quote");
	fails("99999", 0, "a number alone is a port");
	fails("port", 0, "port: needs a value");
	fails("port:", 0, "port: needs a value");
	fails("port (80)", 0, "port: needs a value");
	fails(":99999", 1, "port must be a number");
	fails("proto:sctp", 6, "unknown protocol 'sctp'");
	fails("addr:1.2.3.4/33", 5, "not an address");
	fails("addr:::1/129", 5, "not an address");
	fails("addr:bogus", 5, "not an address");
	fails("!", 1, "ends where a term was expected");
}
END_TEST

START_TEST(t_limits)
{
	char text[FILTER_MAX_LEN + 2];
	struct filter_error err;
	struct pv_filter *f;
	int i, n = 0;

	/* Exactly the limits parse; one more is a clean error. */
	for (i = 0; i < FILTER_MAX_DEPTH; i++)
		text[n++] = '(';
	n += sprintf(text + n, "udp");
	for (i = 0; i < FILTER_MAX_DEPTH; i++)
		text[n++] = ')';
	text[n] = '\0';
	f = filter_parse(text, &err);
	ck_assert_msg(f != NULL, "%d levels should parse: %s", FILTER_MAX_DEPTH, err.msg);
	filter_free(f);
	memmove(text + 1, text, (size_t)n + 1);
	text[0] = '(';
	memcpy(text + n + 1, ")", 2);
	fails(text, FILTER_MAX_DEPTH, "nests deeper");

	for (i = 0; i < FILTER_MAX_DEPTH + 1; i++)
		text[i] = '!';
	strcpy(text + FILTER_MAX_DEPTH + 1, "udp");
	fails(text, FILTER_MAX_DEPTH, "nests deeper");

	memset(text, 'a', FILTER_MAX_LEN);
	text[FILTER_MAX_LEN] = '\0';
	f = filter_parse(text, &err);
	ck_assert(f != NULL);
	filter_free(f);
	memcpy(text + FILTER_MAX_LEN, "a", 2);
	fails(text, FILTER_MAX_LEN, "longer than");
}
END_TEST

static uint64_t mask_of(const char *text)
{
	struct filter_error err;
	struct pv_filter *f = filter_parse(text, &err);
	uint64_t m;

	ck_assert_msg(f != NULL, "%s", err.msg);
	m = filter_kernel_mask(f);
	filter_free(f);
	return m;
}

#define STATES(m, fam, proto) kind_mask_states(m, fam, proto)

START_TEST(t_kernel_mask)
{
	const uint32_t tcp_roles = 1u << PV_STATE_LISTEN | 1u << PV_STATE_SYN_RECV | 1u << PV_STATE_TIME_WAIT;
	uint64_t m;

	ck_assert_uint_eq(filter_kernel_mask(NULL), ~0ull);
	ck_assert_uint_eq(mask_of(""), ~0ull);
	ck_assert_uint_eq(mask_of("port:80"), kind_mask_all());
	ck_assert_uint_eq(mask_of("tcp | port:80"), kind_mask_all());
	ck_assert_uint_eq(mask_of("!(tcp port:80)"), kind_mask_all());

	m = mask_of("tcp");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_TCP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_UDP), 0);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_UDP), 0);

	/* Listeners come with what they count: handshakes and TIME_WAIT. */
	m = mask_of("state:listen port:80");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), tcp_roles);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_TCP), tcp_roles);

	m = mask_of("state:listening");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), tcp_roles);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_UDP), KIND_MASK_ALL_STATES);

	/* Connections come with their listeners (roles, accepted) and every
	 * state the other end can be in; a family word asks for both
	 * families, since an IPv4 client's server end may be AF_INET6. */
	m = mask_of("state:established port:8000");
	ck_assert(STATES(m, AF_INET, IPPROTO_TCP) & (1u << PV_STATE_LISTEN));
	ck_assert(STATES(m, AF_INET6, IPPROTO_TCP) & (1u << PV_STATE_LISTEN));
	ck_assert(STATES(m, AF_INET6, IPPROTO_TCP) & (1u << PV_STATE_CLOSE_WAIT));
	ck_assert(STATES(m, AF_INET, IPPROTO_TCP) & (1u << PV_STATE_FIN_WAIT2));
	m = mask_of("4 port:8002");
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_TCP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_UDP), KIND_MASK_ALL_STATES);

	m = mask_of("6 udp");
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_UDP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_UDP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_TCP), 0);

	m = mask_of("!tcp");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), 0);
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_UDP), KIND_MASK_ALL_STATES);

	m = mask_of("!state:time-wait tcp");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), KIND_MASK_ALL_STATES);

	m = mask_of("state:listen | udp");
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), tcp_roles);
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_UDP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_UNIX, PV_PROTO_UNIX), KIND_MASK_ALL_STATES);

	/* UNIX sockets have their own bits, apart from every IP kind, and
	 * are asked for whole: peers and queues cross their states. */
	m = mask_of("unix");
	ck_assert_uint_eq(m, kind_mask_unix());
	ck_assert_uint_eq(STATES(m, AF_UNIX, PV_PROTO_UNIX), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(STATES(m, AF_INET, IPPROTO_TCP), 0);
	ck_assert_uint_eq(STATES(m, AF_INET6, IPPROTO_UDP), 0);
	ck_assert_uint_eq(mask_of("proto:unix state:listen"), kind_mask_unix());
	ck_assert_uint_eq(mask_of("path:docker") & ~kind_mask_unix(), 0);
	ck_assert_uint_eq(mask_of("!unix") & kind_mask_unix(), 0);
	ck_assert_uint_eq(STATES(mask_of("!unix"), AF_INET6, IPPROTO_TCP), KIND_MASK_ALL_STATES);
	ck_assert_uint_eq(mask_of("tcp") & kind_mask_unix(), 0);
}
END_TEST

/* Every socket the mask excludes must also fail the filter itself. */
START_TEST(t_kernel_mask_is_sound)
{
	static const char *const filters[] = {
		"tcp",
		"udp",
		"6",
		"state:listen",
		"!state:listen",
		"state:listening",
		"tcp port:80 | udp",
		"!(tcp 4)",
		"(state:established | state:time-wait) !6",
		"state:unconn | state:listen",
		"!udp !tcp",
		"proc:nginx | 6",
		"tcp6",
		"udp6 | listen",
		"!tcp6",
		"estab !udp6",
	};
	size_t i, k;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		uint64_t m = mask_of(filters[i]);
		unsigned chosen = sel(filters[i]);

		for (k = 0; k < snap.nsocks; k++) {
			const struct pv_socket *s = &snap.socks[k];
			bool asked = (m >> kind_mask_bit(s->family, s->proto, s->state)) & 1;

			ck_assert_msg(asked || !(chosen & B(k)),
				      "'%s' matches socket %zu but the kernel mask excludes it", filters[i],
				      k);
		}
	}
}
END_TEST

/* What the mask leaves out can change nothing a matched socket shows:
 * its peer and every listener of its protocol are collected too. */
START_TEST(t_kernel_mask_keeps_relations)
{
	static const char *const filters[] = {
		"state:established",         "4 port:80",  "state:time-wait", "6",
		"state:listening port:5432", "port:33000", "udp 6",
	};

	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		uint64_t m = mask_of(filters[i]);
		unsigned chosen = sel(filters[i]);

		for (size_t k = 0; k < snap.nsocks; k++) {
			const struct pv_socket *s = &snap.socks[k];

			if (!(chosen & B(k)))
				continue;
			if (s->has_peer) {
				const struct pv_socket *p = &snap.socks[s->peer];

				ck_assert_msg((m >> kind_mask_bit(p->family, p->proto, p->state)) & 1,
					      "'%s' leaves out the peer of socket %zu", filters[i], k);
			}
			for (size_t l = 0; l < snap.nsocks; l++) {
				const struct pv_socket *ls = &snap.socks[l];

				if (ls->proto == s->proto && socket_is_listener(ls))
					ck_assert_msg((m >> kind_mask_bit(ls->family, ls->proto, ls->state)) &
							      1,
						      "'%s' leaves out listener %zu", filters[i], l);
			}
		}
	}
}
END_TEST

START_TEST(t_and_combines)
{
	struct filter_error err;
	struct pv_filter *a = filter_parse("tcp", &err), *b = filter_parse("port:80 | port:53", &err);
	struct pv_filter *both = filter_and(a, b), *only_a = filter_and(a, NULL),
			 *none = filter_and(NULL, NULL);
	unsigned m = 0, ma = 0, mn = 0;
	size_t i;

	for (i = 0; i < snap.nsocks; i++) {
		m |= filter_match(both, &snap, &snap.socks[i]) ? B(i) : 0;
		ma |= filter_match(only_a, &snap, &snap.socks[i]) ? B(i) : 0;
		mn |= filter_match(none, &snap, &snap.socks[i]) ? B(i) : 0;
	}
	ck_assert_uint_eq(m, B(0) | B(1) | B(2) | B(3) | B(4));
	ck_assert_uint_eq(ma, sel("tcp"));
	ck_assert_uint_eq(mn, 0x7ff);
	filter_free(a);
	filter_free(b);
	filter_free(both);
	filter_free(only_a);
	filter_free(none);
}
END_TEST

/* UNIX sockets: their own protocol word, names by path (a client by the
 * name of what it is connected to), no ports or addresses. */
/* What people type from ss, lsof and the PROTO column means what its
 * long form does. */
START_TEST(t_words_people_type)
{
	static const char *const same[][2] = {
		{ ":80", "port:80" },
		{ ":5000-6000", "port:5000-6000" },
		{ "port 80", "port:80" },
		{ "port: 80", "port:80" },
		{ "lport 5432", "lport:5432" },
		{ "proc nginx", "proc:nginx" },
		{ "user alice", "user:alice" },
		{ "listen", "state:listen" },
		{ "LISTEN", "state:listen" },
		{ "estab", "state:established" },
		{ "established", "state:established" },
		{ "time-wait", "state:time-wait" },
		{ "time_wait", "state:time-wait" },
		{ "unconn", "state:unconn" },
		{ "listening", "state:listening" },
		{ "tcp6", "proto:tcp6" },
		{ "!estab udp", "udp !state:established" },
		{ "::1", "addr:::1" },
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		ck_assert_msg(sel(same[i][0]) == sel(same[i][1]), "'%s' selects 0x%x, '%s' 0x%x", same[i][0],
			      sel(same[i][0]), same[i][1], sel(same[i][1]));
	ck_sel(":80", B(0) | B(1) | B(2) | B(3) | B(4));
	ck_sel("listen", B(0) | B(1) | B(5));
	ck_sel("estab", B(2) | B(3) | B(6) | B(7) | B(9) | B(10));
	/* tcp6 and udp6 as PROTO prints them: the socket's family, a
	 * v4-mapped end included. */
	ck_sel("tcp6", B(1) | B(3));
	ck_sel("udp6", B(9));
	ck_sel("tcp !tcp6", B(0) | B(2) | B(4) | B(5) | B(6) | B(7) | B(10));
	/* A bare word is a process name; cmd: searches command lines, comm:
	 * takes the name exactly, proc: either. */
	ck_sel("master", 0);
	ck_sel("proc:master", B(0) | B(1));
	ck_sel("cmd:master", B(0) | B(1));
	ck_sel("cmd:nginx", B(0) | B(1) | B(2) | B(3));
	ck_sel("sbin", 0);
	ck_sel("proc:sbin", B(0) | B(1));
	ck_sel("comm:nginx", B(0) | B(1) | B(2) | B(3));
	ck_sel("comm:ngin", 0);
	ck_sel("comm:NGINX", 0);
	ck_sel("ngin", B(0) | B(1) | B(2) | B(3));
	/* "close" is left to process names. */
	ck_sel("close", 0);
}
END_TEST

/* Which term of a filter matched nothing, as written. */
START_TEST(t_explains_an_empty_result)
{
	static const char *const cases[][2] = {
		{ "port:9999", "nothing matches 'port:9999'" },
		{ "port 9999 proc:nginx", "nothing matches 'port 9999'" },
		{ "port:9999 (proc:zz | pid:7)", "nothing matches 'port:9999', nor '(proc:zz | pid:7)'" },
		{ "port:5432 proc:nginx", "each term matches some socket, but no socket matches them all" },
		{ "!port:0-65535", "nothing matches '!port:0-65535'" },
		/* The user's own words, for the caller to escape. */
		{ "proc:\"\x1b[2J\"", "nothing matches 'proc:\"\x1b[2J\"'" },
	};
	struct filter_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pv_filter *f = filter_parse(cases[i][0], &err);
		struct strbuf why = { 0 };

		ck_assert_msg(f != NULL, "'%s': %s", cases[i][0], err.msg);
		filter_explain_empty(f, &snap, &why);
		ck_assert_str_eq(strbuf_str(&why), cases[i][1]);
		strbuf_free(&why);
		filter_free(f);
	}
}
END_TEST

/* A user name this host does not know is an error naming it; a uid, or a
 * name it knows, is not. */
START_TEST(t_unknown_users)
{
	struct filter_error err;
	struct pv_filter *f = filter_parse("tcp user:no-such-user-pv", &err);

	ck_assert(!filter_check_users(f, &err));
	ck_assert_str_eq(err.msg, "no user 'no-such-user-pv' on this host");
	ck_assert_uint_eq(err.pos, 9);
	filter_free(f);
	f = filter_parse("user:root | user:54321", &err);
	ck_assert(filter_check_users(f, &err));
	filter_free(f);
	ck_assert(filter_check_users(NULL, &err));
}
END_TEST

START_TEST(t_unix)
{
	static const char *const filters[] = {
		"unix",      "!unix",   "path:app", "state:listening", "tcp | path:log",
		"!path:app", "port:80", "u_str",    "!u_str",          "u_dgr | tcp",
	};
	struct filter_error err;
	struct pv_filter *f;
	size_t i, k;

	snapshot_free(&snap);
	fixture_unix_snapshot(&snap);
	ck_sel("unix", 0xff);
	ck_sel("proto:unix", 0xff);
	ck_sel("!unix", B(8));
	ck_sel("path:app", B(0) | B(1) | B(2));
	ck_sel("path:/dev/log", B(4) | B(5));
	ck_sel("path:@bus", B(3));
	ck_sel("path:bus", B(3));
	ck_sel("path:nothing", 0);
	ck_sel("port:0-65535", B(8));
	ck_sel("addr:0.0.0.0/0", B(8));
	ck_sel("state:listening", B(0) | B(3) | B(4) | B(8));
	ck_sel("flag:saturated", B(0));
	ck_sel("proc:cli unix", B(2) | B(5) | B(6));
	ck_sel("u_str", B(0) | B(1) | B(2) | B(6) | B(7));
	ck_sel("proto:u_str", B(0) | B(1) | B(2) | B(6) | B(7));
	ck_sel("u_seq", B(3));
	ck_sel("u_dgr", B(4) | B(5));
	ck_sel("!u_str", B(3) | B(4) | B(5) | B(8));
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		uint64_t m = mask_of(filters[i]);
		unsigned chosen = sel(filters[i]);

		for (k = 0; k < snap.nsocks; k++) {
			const struct pv_socket *s = &snap.socks[k];

			ck_assert_msg(
				((m >> kind_mask_bit(s->family, s->proto, s->state)) & 1) || !(chosen & B(k)),
				"'%s' matches socket %zu but the kernel mask excludes it", filters[i], k);
		}
	}
	f = filter_parse("port:80 | path:x", &err);
	ck_assert(filter_names_unix(f));
	filter_free(f);
	f = filter_parse("proto:unix", &err);
	ck_assert(filter_names_unix(f));
	filter_free(f);
	f = filter_parse("tcp port:80 proc:unix", &err);
	ck_assert(!filter_names_unix(f));
	filter_free(f);
	ck_assert(!filter_names_unix(NULL));
	f = filter_parse("proto:sctp", &err);
	ck_assert(f == NULL);
	ck_assert(strstr(err.msg, "unix") != NULL);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("filter", setup, teardown, t_words_people_type, t_explains_an_empty_result,
			 t_unknown_users, t_unix, t_flags, t_ports, t_namespaces_and_workloads,
			 t_processes_and_users, t_states_protocols_families, t_addresses, t_precedence,
			 t_errors, t_limits, t_kernel_mask, t_kernel_mask_is_sound,
			 t_kernel_mask_keeps_relations, t_and_combines)
