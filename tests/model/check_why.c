#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "check_main.h"
#include "fixtures.h"
#include "why.h"

START_TEST(t_parse)
{
	struct why_query q;
	char err[200];

	ck_assert(why_parse("8080", &q, err, sizeof(err)));
	ck_assert_uint_eq(q.port, 8080);
	ck_assert_uint_eq(q.proto, 0);
	ck_assert(why_parse(":53/UDP", &q, err, sizeof(err)));
	ck_assert_uint_eq(q.port, 53);
	ck_assert_uint_eq(q.proto, IPPROTO_UDP);
	ck_assert(why_parse("443/tcp", &q, err, sizeof(err)));
	ck_assert_uint_eq(q.proto, IPPROTO_TCP);
	ck_assert(!why_parse("0", &q, err, sizeof(err)));
	ck_assert(!why_parse("65536", &q, err, sizeof(err)));
	ck_assert(!why_parse("", &q, err, sizeof(err)));
	ck_assert(!why_parse("http", &q, err, sizeof(err)));
	ck_assert(!why_parse("80/sctp", &q, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "tcp or udp"));
	ck_assert(!why_parse("80x", &q, err, sizeof(err)));
	ck_assert(!why_parse("0000000080", &q, err, sizeof(err)));
}
END_TEST

/* Tries where every form meets error (0: all bind). */
static void tries_all(struct pv_bind_try tries[2][PV_BIND_FORM_COUNT], int error)
{
	for (int p = 0; p < 2; p++)
		for (int f = 0; f < PV_BIND_FORM_COUNT; f++)
			tries[p][f] = (struct pv_bind_try){ .tried = true, .error = error };
}

START_TEST(t_taken_by_listeners)
{
	struct pv_snapshot s;
	struct pv_bind_try tries[2][PV_BIND_FORM_COUNT];
	struct why_query q = { .port = 80, .proto = IPPROTO_TCP };
	struct why_report r;
	struct strbuf out = { 0 };

	fixture_snapshot(&s);
	tries_all(tries, EADDRINUSE);
	why_build(&s, &q, tries, &r);
	ck_assert(r.taken);
	ck_assert_uint_eq(r.nprotos, 1);
	ck_assert_uint_eq(r.protos[0].nholders, 2); /* 0.0.0.0:80 and [::]:80 */
	ck_assert_uint_eq(r.protos[0].time_wait, 1);
	ck_assert_uint_eq(r.protos[0].connections, 2);
	why_describe(&s, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "\t80/tcp: taken by nginx 101,100\n"));
	ck_assert_ptr_nonnull(
		strstr(strbuf_str(&out), "listening\t[::]:80 (IPv6) by nginx 101,100, user www-data\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "command\tnginx: worker process\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "time-wait\t1 closed connection of the port"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "in use\tby 2 other connections"));
	why_free(&r);
	strbuf_free(&out);
	snapshot_free(&s);
}
END_TEST

START_TEST(t_other_namespace_and_denied)
{
	struct pv_snapshot s;
	struct pv_bind_try tries[2][PV_BIND_FORM_COUNT];
	struct why_query q = { .port = 5432 };
	struct why_report r;
	struct strbuf out = { 0 };

	fixture_snapshot(&s);
	fixture_namespaces(&s);
	/* postgres listens in the container's namespace, not the host's. */
	tries_all(tries, 0);
	why_build(&s, &q, tries, &r);
	ck_assert(!r.taken);
	ck_assert_uint_eq(r.nprotos, 2);
	ck_assert_uint_eq(r.protos[0].nholders, 0);
	ck_assert_uint_eq(r.protos[0].elsewhere, 1);
	why_describe(&s, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "\t5432/tcp: free: a new server can bind it\n"));
	ck_assert_ptr_nonnull(
		strstr(strbuf_str(&out), "elsewhere\t1 listener on it in other network namespaces"));
	why_free(&r);

	/* Not allowed to bind: the sockets decide. */
	tries_all(tries, EACCES);
	why_build(&s, &q, tries, &r);
	ck_assert(!r.taken);
	ck_assert(r.protos[0].denied);
	why_free(&r);
	q.port = 80;
	why_build(&s, &q, tries, &r);
	ck_assert(r.taken);
	why_free(&r);
	strbuf_free(&out);
	snapshot_free(&s);
}
END_TEST

START_TEST(t_rules)
{
	struct pv_snapshot s;
	struct pv_bind_try tries[2][PV_BIND_FORM_COUNT];
	struct why_query q = { .port = 40000, .proto = IPPROTO_UDP };
	struct why_report r;
	struct strbuf out = { 0 };

	fixture_snapshot(&s);
	fixture_namespaces(&s);
	s.netns[0].ports = (struct pv_port_rules){ .known = true,
						   .ephemeral_lo = 32768,
						   .ephemeral_hi = 60999,
						   .unprivileged_start = 1024,
						   .reserved = "40001" };
	tries_all(tries, 0);
	tries[0][PV_BIND_V4_NO_REUSE].tried = false; /* as bind_probe leaves it for UDP */
	why_build(&s, &q, tries, &r);
	why_describe(&s, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "inside the ephemeral range 32768-60999"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "any user may bind it"));
	ck_assert_ptr_null(strstr(strbuf_str(&out), "without SO_REUSEADDR"));
	why_free(&r);
	strbuf_reset(&out);
	q.port = 40001;
	why_build(&s, &q, tries, &r);
	why_describe(&s, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "reserved (net.ipv4.ip_local_reserved_ports)"));
	why_free(&r);
	strbuf_reset(&out);
	q.port = 443;
	why_build(&s, &q, tries, &r);
	why_describe(&s, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "443 is well-known"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "below net.ipv4.ip_unprivileged_port_start (1024)"));
	why_free(&r);
	strbuf_free(&out);
	snapshot_free(&s);
}
END_TEST

CHECK_SUITE("why", t_parse, t_taken_by_listeners, t_other_namespace_and_denied, t_rules)
