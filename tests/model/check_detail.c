#include "config.h"

#include <string.h>

#include "check_main.h"
#include "detail.h"
#include "fixtures.h"
#include "rows.h"

static struct pv_snapshot snap;

static void setup(void)
{
	fixture_snapshot(&snap);
}
static void teardown(void)
{
	snapshot_free(&snap);
}

/* The details of fixture socket sock, as the dashboard's pane gets them. */
static const char *details(size_t sock, bool utf8)
{
	static struct strbuf out;
	struct pv_rows rows = { 0 };
	size_t i;

	strbuf_reset(&out);
	rows_build(&rows, &snap, NULL, GROUP_NONE, (struct rows_order){ .column = -1 });
	for (i = 0; i < rows.nrows; i++)
		if (rows.rows[i].kind == ROW_SOCKET && rows.rows[i].index == sock)
			break;
	ck_assert_uint_lt(i, rows.nrows);
	detail_describe(&snap, &rows, i, utf8, &out);
	rows_free(&rows);
	return strbuf_str(&out);
}

/* A listener has no other end and no connection's tcp_info: no
 * "remote 0.0.0.0:0", no "rtt 0.0 ms", no "last sent 0.0s ago". */
START_TEST(t_a_listener_has_no_connection_lines)
{
	snap.socks[0].tcp.has_info = true;
	ck_assert_ptr_null(strstr(details(0, true), "remote\t"));
	ck_assert_ptr_null(strstr(details(0, true), "rtt\t"));
	ck_assert_ptr_null(strstr(details(0, true), "last\t"));
	ck_assert_ptr_nonnull(strstr(details(0, true), "accept queue"));
	/* A connection keeps them. */
	snap.socks[2].tcp.has_info = true;
	ck_assert_ptr_nonnull(strstr(details(2, true), "remote\t10.0.0.17:51234"));
	ck_assert_ptr_nonnull(strstr(details(2, true), "rtt\t"));
}
END_TEST

/* A socket says its namespace and the cgroup that made it; an owner what
 * it runs as; a published port the container listener it leads to. */
START_TEST(t_namespaces_workloads_and_published_ports)
{
	static struct pv_cgroup made[] = { { 42, "/system.slice/db\x1b.service" } };
	const char *d;

	fixture_namespaces(&snap);
	snap.socks[7].cgroup_id = 42;
	snap.cgroups = made;
	snap.ncgroups = 1;
	d = details(7, true);
	ck_assert_ptr_nonnull(strstr(d, "netns\tdb (container)  net:[4026532000]\n"));
	/* The path is untrusted text: escaped. */
	ck_assert_ptr_nonnull(strstr(d, "made in\tcgroup /system.slice/db\\x1b.service\n"));
	ck_assert_ptr_null(strstr(d, "runs in")); /* no cgroup read: nothing to say */
	snap.procs[FX_POSTGRES].cgroup = "/libpod_parent/libpod-abc123def456abc123def456";
	ck_assert_ptr_nonnull(
		strstr(details(7, true), "runs in\tcontainer db (podman), cgroup /libpod_parent/"));
	snap.procs[FX_NGINX].cgroup = "/system.slice/nginx.service";
	ck_assert_ptr_nonnull(strstr(details(0, true),
				     "runs in\tunit nginx.service, cgroup /system.slice/nginx.service\n"));
	ck_assert_ptr_null(strstr(details(0, true), "publishes"));
	fixture_published_port(&snap, "conmon", "conmon -c abc123def456abc123def456");
	ck_assert_ptr_nonnull(
		strstr(details(11, true), "publishes\t127.0.0.1:5432 in db (container)  net:[4026532000]\n"));
	snap.cgroups = NULL;
	snap.ncgroups = 0;
}
END_TEST

/* Loopback round trips are microseconds. */
START_TEST(t_microsecond_round_trips)
{
	snap.socks[2].tcp.has_info = true;
	snap.socks[2].tcp.rtt_us = 85;
	snap.socks[2].tcp.rttvar_us = 20;
	ck_assert_ptr_nonnull(strstr(details(2, true), "rtt\t85µs (variance 20µs)"));
	ck_assert_ptr_nonnull(strstr(details(2, false), "rtt\t85us (variance 20us)"));
	snap.socks[2].tcp.rtt_us = 1234;
	ck_assert_ptr_nonnull(strstr(details(2, true), "rtt\t1.2ms"));
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("detail", setup, teardown, t_a_listener_has_no_connection_lines,
			 t_microsecond_round_trips, t_namespaces_workloads_and_published_ports)
