#include "config.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_main.h"
#include "fixtures.h"
#include "addr.h"
#include "columns.h"
#include "relations.h"
#include "rows.h"

static struct pv_snapshot snap;
static struct pv_rows rows;

static void setup(void)
{
	fixture_snapshot(&snap);
	memset(&rows, 0, sizeof(rows));
}
static void teardown(void)
{
	rows_free(&rows);
	snapshot_free(&snap);
}

/* Renders rows compactly: "G<label>" for groups, "<depth>:<socket>" for
 * sockets, space separated. */
static const char *render(void)
{
	static char buf[1024];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < rows.nrows; i++) {
		const struct pv_row *r = &rows.rows[i];

		if (r->kind == ROW_GROUP) {
			const struct pv_group *g = &rows.groups[r->index];

			switch (g->kind) {
			case GK_PROCESS:
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "G%d ",
						      snap.procs[g->proc].pid);
				break;
			case GK_HIDDEN:
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Ghidden%u ", g->uid);
				break;
			case GK_NOPROC: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Gnone "); break;
			case GK_NETNS:
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "G%s ",
						      snapshot_netns(&snap, g->netns)->name);
				break;
			case GK_HOST:
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Gh%s ",
						      g->host ? snap.hosts[g->host - 1].name : "-");
				break;
			case GK_PORT:
				if (g->proto == PV_PROTO_UNIX)
					n += (size_t)snprintf(
						buf + n, sizeof(buf) - n, "Gunix%s ",
						snap.socks[g->first_socket].path +
							(snap.socks[g->first_socket].path[0] == '\0'));
				else
					n += (size_t)snprintf(buf + n, sizeof(buf) - n, "G%s%u ",
							      g->proto == IPPROTO_TCP ? "tcp" : "udp",
							      g->port);
				break;
			case GK_REMOTE:
				if (g->proto != PV_PROTO_UNIX)
					n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Gto%u ",
							      g->remote.port);
				else if (g->named == UINT32_MAX)
					n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Gunnamed ");
				else
					n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Gto%s ",
							      snap.socks[g->named].path);
				break;
			}
		} else {
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%u:%u ", r->depth, r->index);
		}
	}
	if (n)
		buf[n - 1] = '\0';
	return buf;
}

static void build_sorted(const char *filter_text, enum group_mode mode, int column, bool reverse)
{
	struct filter_error err;
	struct pv_filter *f = filter_parse(filter_text, &err);

	ck_assert_ptr_nonnull(f);
	rows_build(&rows, &snap, f, mode, (struct rows_order){ .column = column, .reverse = reverse });
	filter_free(f);
}

static void build(const char *filter_text, enum group_mode mode)
{
	build_sorted(filter_text, mode, -1, false);
}

static const struct pv_group *group_of_row(size_t i)
{
	ck_assert_int_eq(rows.rows[i].kind, ROW_GROUP);
	return &rows.groups[rows.rows[i].index];
}

START_TEST(t_by_process)
{
	build("", GROUP_PROCESS);
	/* Servers by name, then clients, then hidden owners by uid; listeners
	 * first, each with the connections accepted from it. */
	ck_assert_str_eq(render(), "G100 1:0 2:2 2:4 1:1 2:3 G812 1:5 2:7 G4211 1:6 1:9 "
				   "Ghidden101 1:8 Ghidden1000 1:10");
	ck_assert_uint_eq(group_of_row(0)->listeners, 2);
	ck_assert_uint_eq(group_of_row(0)->connections, 3);
	ck_assert_uint_eq(group_of_row(6)->listeners, 1);
	ck_assert_uint_eq(group_of_row(6)->connections, 1);
	ck_assert_uint_eq(group_of_row(9)->listeners, 0);
	ck_assert_uint_eq(group_of_row(9)->connections, 2);
	ck_assert_uint_eq(rows.nselected, 11);
	ck_assert_uint_eq(rows.nopen, 11);
	/* A closed socket is shown but counts for nothing. */
	snap.socks[3].gone = true;
	build("", GROUP_PROCESS);
	ck_assert_uint_eq(rows.nselected, 11);
	ck_assert_uint_eq(rows.nopen, 10);
	ck_assert_uint_eq(group_of_row(0)->connections, 2);
	snap.socks[1].gone = true;
	build("", GROUP_PROCESS);
	ck_assert_uint_eq(group_of_row(0)->listeners, 1);
}
END_TEST

/* Rates and flags sum per group at build time and again when the same
 * sockets come back with new figures. */
START_TEST(t_group_traffic)
{
	build("", GROUP_PROCESS);
	ck_assert(!group_of_row(6)->has_rate);
	snap.socks[7].has_rate = snap.socks[5].has_rate = true;
	snap.socks[7].rate_in = 1000;
	snap.socks[7].rate_out = 10;
	snap.socks[5].rate_in = 1;
	snap.socks[7].flags = PV_FLAG_STALLED;
	rows_update_traffic(&rows, &snap);
	ck_assert(group_of_row(6)->has_rate); /* postgres: 5, 7 */
	ck_assert(group_of_row(6)->rate_in == 1001 && group_of_row(6)->rate_out == 10);
	ck_assert_uint_eq(group_of_row(6)->flagged, 1);
	ck_assert(!group_of_row(0)->has_rate); /* nginx */
	ck_assert_uint_eq(group_of_row(0)->flagged, 0);
	/* A fresh build sums the same. */
	build("", GROUP_PROCESS);
	ck_assert(group_of_row(6)->rate_in == 1001 && group_of_row(6)->flagged == 1);
	snap.socks[7].flags = 0;
	rows_update_traffic(&rows, &snap);
	ck_assert_uint_eq(group_of_row(6)->flagged, 0);
}
END_TEST

START_TEST(t_by_process_without_listeners)
{
	/* With the listener filtered out, a worker's connection stands under
	 * the worker itself. */
	build("state:established", GROUP_PROCESS);
	ck_assert_str_eq(render(), "G101 1:2 1:3 G812 1:7 G4211 1:6 1:9 Ghidden1000 1:10");
	/* Servers stay servers with their listeners filtered out: whether a
	 * process serves is decided on everything collected. */
	ck_assert(group_of_row(0)->serves);
	ck_assert(group_of_row(3)->serves);
	ck_assert(!group_of_row(5)->serves);
	{
		struct strbuf sb = { 0 };

		column_format_group(&snap, group_of_row(0), false, &sb);
		ck_assert_msg(!strstr(strbuf_str(&sb), "(client)"), "%s", strbuf_str(&sb));
		strbuf_reset(&sb);
		column_format_group(&snap, group_of_row(5), false, &sb);
		ck_assert_msg(strstr(strbuf_str(&sb), "(client)"), "%s", strbuf_str(&sb));
		strbuf_free(&sb);
	}
	build("state:time-wait", GROUP_PROCESS);
	ck_assert_str_eq(render(), "Gnone 1:4");
	/* By port, an accepted connection stays under the port it was
	 * accepted on, not under its client's ephemeral port. */
	build("state:established", GROUP_PORT);
	ck_assert_str_eq(render(), "Gtcp80 1:2 1:3 Gtcp5432 1:7 Gto443 1:10 Gto5432 1:6 Gto53 1:9");
}
END_TEST

START_TEST(t_by_port)
{
	build("", GROUP_PORT);
	ck_assert_str_eq(render(), "Gtcp80 1:0 2:2 2:4 1:1 2:3 Gtcp5432 1:5 2:7 Gudp53 1:8 "
				   "Gto443 1:10 Gto5432 1:6 Gto53 1:9");
	ck_assert_uint_eq(group_of_row(0)->listeners, 2);
	ck_assert_uint_eq(group_of_row(0)->connections, 3);
	ck_assert_uint_eq(group_of_row(0)->accept_queue, 6);
	ck_assert_uint_eq(group_of_row(0)->backlog, 1022);
}
END_TEST

/* One group per namespace, the host's first; each listener keeps its
 * connections. The same loopback pair in two namespaces is two
 * connections, not one: moving psql's end (6) to the host's namespace
 * leaves it with no peer. */
START_TEST(t_by_netns)
{
	fixture_namespaces(&snap);
	ck_assert(snap.socks[6].has_peer && snap.socks[6].peer == 7);
	build("", GROUP_NETNS);
	ck_assert_str_eq(render(), "Ghost 1:0 2:2 2:4 1:1 2:3 1:8 1:10 1:9 Gdb 1:5 2:7 1:6");
	ck_assert_uint_eq(group_of_row(0)->listeners, 3);
	ck_assert_uint_eq(group_of_row(9)->listeners, 1);
	ck_assert_uint_eq(group_of_row(9)->connections, 2);
	snap.socks[6].netns = FX_HOST_NETNS;
	relations_compute(&snap, NULL, true);
	ck_assert(!snap.socks[6].has_peer);
	ck_assert(!snap.socks[7].has_peer);
	ck_assert(snap.socks[7].accepted);
	/* A connection to port 80 in another namespace was accepted by no
	 * listener of nginx's: it is not under [::]:80 but in its own
	 * owner's group (the worker's). */
	snap.socks[3].netns = FX_DB_NETNS;
	build("", GROUP_PROCESS);
	ck_assert_str_eq(render(), "G100 1:0 2:2 2:4 1:1 G101 1:3 G812 1:5 2:7 G4211 1:6 1:9 "
				   "Ghidden101 1:8 Ghidden1000 1:10");
}
END_TEST

/* --remote: -g host puts each host's sockets under it, in the order the
 * hosts were named; the HOST column applies only then. */
START_TEST(t_group_host)
{
	static struct pv_host hosts[2] = { { .name = "web2" }, { .name = "web1" } };

	ck_assert(!column_applies(COL_HOST, &snap));
	snap.hosts = hosts;
	snap.nhosts = 2;
	for (size_t i = 0; i < snap.nsocks; i++)
		snap.socks[i].host = (uint16_t)(i % 2 ? 2 : 1);
	build("", GROUP_HOST);
	ck_assert_str_eq(render(), "Ghweb2 1:0 2:2 2:4 1:8 1:6 1:10 Ghweb1 1:1 2:3 1:5 2:7 1:9");
	ck_assert(column_applies(COL_HOST, &snap));
	snap.hosts = NULL;
	snap.nhosts = 0;
}
END_TEST

START_TEST(t_flat)
{
	build("", GROUP_NONE);
	ck_assert_str_eq(render(), "0:0 0:2 0:4 0:3 0:1 0:5 0:7 0:6 0:10 0:8 0:9");
	ck_assert_uint_eq(rows.ngroups, 0);
	build("port:5432", GROUP_NONE);
	ck_assert_str_eq(render(), "0:5 0:7 0:6");
	build("port:1", GROUP_PROCESS);
	ck_assert_str_eq(render(), "");
	ck_assert_uint_eq(rows.nselected, 0);
}
END_TEST

START_TEST(t_primary_owner_is_oldest)
{
	ck_assert_int_eq(rows_primary_owner(&snap, &snap.socks[0]), FX_NGINX);
	ck_assert_int_eq(rows_primary_owner(&snap, &snap.socks[2]), FX_NGINX_WORKER);
	ck_assert_int_eq(rows_primary_owner(&snap, &snap.socks[4]), -1);
}
END_TEST

START_TEST(t_sorted_by_column)
{
	/* Flat, by remote endpoint: IPv4 before IPv6, then bytes, then port. */
	build_sorted("tcp", GROUP_NONE, COL_REMOTE, false);
	ck_assert_str_eq(render(), "0:0 0:5 0:2 0:4 0:10 0:6 0:7 0:3 0:1");
	build_sorted("tcp", GROUP_NONE, COL_REMOTE, true);
	ck_assert_str_eq(render(), "0:1 0:3 0:7 0:6 0:10 0:4 0:2 0:5 0:0");
	/* Queues sort largest first; groups follow their queue sums. */
	build_sorted("", GROUP_NONE, COL_RECVQ, false);
	ck_assert_str_eq(render(), "0:0 0:1 0:5 0:2 0:4 0:3 0:7 0:6 0:10 0:8 0:9");
	build_sorted("", GROUP_PROCESS, COL_SENDQ, false);
	ck_assert_str_eq(render(), "G100 1:0 2:2 2:4 1:1 2:3 G812 1:5 2:7 G4211 1:6 1:9 "
				   "Ghidden101 1:8 Ghidden1000 1:10");
	/* By process name, reversed: psql, postgres, nginx; listeners still
	 * lead their group; hidden owners stay after the known ones; TIME_WAIT
	 * (4) comes after its listener's other connections. */
	build_sorted("", GROUP_PROCESS, COL_PROCESS, true);
	ck_assert_str_eq(render(), "G4211 1:9 1:6 G812 1:5 2:7 G100 1:1 2:3 1:0 2:2 2:4 "
				   "Ghidden101 1:8 Ghidden1000 1:10");
}
END_TEST

/* The natural order is sorted by integer keys; the full comparison is
 * reached when sorting by PROCESS ties (no socket has an owner). Both must
 * agree, including IPv6 addresses that share their first bytes. */
/* UNIX listeners group by name with the connections they accepted;
 * clients group by the name they are connected to; socketpairs and other
 * unnamed ends share one group. */
START_TEST(t_unix_groups)
{
	snapshot_free(&snap);
	fixture_unix_snapshot(&snap);
	build("", GROUP_PORT);
	/* Names in byte order: abstract ones (a leading NUL) first. */
	ck_assert_str_eq(render(), "Gtcp80 1:8 Gunixbus\x1b 1:3 Gunix/dev/log 1:4 Gunix/run/app.sock 1:0 2:1 "
				   "Gto/dev/log 1:5 Gto/run/app.sock 1:2 Gunnamed 1:6 1:7");
	ck_assert_uint_eq(group_of_row(6)->listeners, 1);
	ck_assert_uint_eq(group_of_row(6)->connections, 1);
	ck_assert_uint_eq(group_of_row(6)->accept_queue, 4);
	ck_assert_uint_eq(group_of_row(6)->backlog, 4);
	ck_assert_uint_eq(group_of_row(6)->flagged, 1); /* the queue is full */
	build("", GROUP_PROCESS);
	ck_assert_str_eq(render(), "G300 1:8 1:3 1:0 2:1 1:7 G1 1:4 G400 1:2 1:5 1:6");
	/* Every row keeps its identity: no two keys alike. */
	build("", GROUP_PORT);
	for (size_t i = 0; i < rows.nrows; i++) {
		struct row_key a, b;

		rows_key(&rows, &snap, i, &a);
		for (size_t j = i + 1; j < rows.nrows; j++) {
			rows_key(&rows, &snap, j, &b);
			ck_assert_msg(!row_key_equal(&a, &b), "rows %zu and %zu share a key", i, j);
		}
	}
}
END_TEST

START_TEST(t_keyed_order_matches_full_comparison)
{
	static const char *const names[] = {
		"/run/app.sock",      "/run/app.sock2", "/run/apq", "\0abstract", "\0abstract\0x", "/", "",
		"/run/app.sockets/a",
	};
	static const char *const addrs[] = {
		"10.0.0.1",    "10.0.0.2",      "0.0.0.0", "2001:db8::1",
		"2001:db8::2", "2001:db8:1::1", "::",      "::ffff:10.0.0.1",
	};
	struct pv_snapshot rnd;
	struct pv_rows keyed = { 0 }, plain = { 0 };
	unsigned seed = 12345;
	size_t i;

	snapshot_init(&rnd);
	for (i = 0; i < 3000; i++) {
		struct pv_socket k;
		int prefix;

		memset(&k, 0, sizeof(k));
		seed = seed * 1103515245u + 12345u;
		k.proto = (seed >> 8) & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		k.family = (seed >> 9) & 1 ? AF_INET6 : AF_INET;
		k.state = (uint8_t)(1 + (seed >> 10) % 11);
		k.local.port = (uint16_t)((seed >> 14) % 4);
		addr_parse(addrs[(seed >> 16) % 8], strlen(addrs[(seed >> 16) % 8]), &k.local.addr, &prefix);
		seed = seed * 1103515245u + 12345u;
		addr_parse(addrs[(seed >> 8) % 8], strlen(addrs[(seed >> 8) % 8]), &k.remote.addr, &prefix);
		k.remote.port = (uint16_t)((seed >> 12) % 5);
		k.cookie = i + 1;
		/* A fifth are UNIX sockets: names share long prefixes, hold NULs. */
		if ((seed >> 20) % 5 == 0) {
			const char *name = names[(seed >> 23) % 8];
			size_t len = name[0] ? strlen(name) : (name == names[6] ? 0 : 1 + strlen(name + 1));

			if (name == names[4])
				len = 11;
			memset(&k.local, 0, sizeof(k.local));
			memset(&k.remote, 0, sizeof(k.remote));
			k.family = AF_UNIX;
			k.proto = PV_PROTO_UNIX;
			k.path_len = (uint16_t)len;
			k.path = len ? arena_strndup(&rnd.arena, name, len) : NULL;
		}
		snapshot_add_socket(&rnd, &k);
	}
	rows_build(&keyed, &rnd, NULL, GROUP_NONE, (struct rows_order){ .column = -1 });
	rows_build(&plain, &rnd, NULL, GROUP_NONE, (struct rows_order){ .column = COL_PROCESS });
	ck_assert_uint_eq(keyed.nrows, plain.nrows);
	for (i = 0; i < keyed.nrows; i++)
		ck_assert_msg(keyed.rows[i].index == plain.rows[i].index, "orders differ at row %zu", i);
	rows_build(&keyed, &rnd, NULL, GROUP_NONE, (struct rows_order){ .column = -1, .reverse = true });
	for (i = 0; i < keyed.nrows; i++)
		ck_assert(keyed.rows[i].index == plain.rows[plain.nrows - 1 - i].index);
	rows_free(&keyed);
	rows_free(&plain);
	snapshot_free(&rnd);
}
END_TEST

START_TEST(t_row_keys)
{
	struct row_key first, again, other;
	size_t i;

	build("", GROUP_PROCESS);
	rows_key(&rows, &snap, 0, &first);
	ck_assert_int_eq(first.kind, ROW_GROUP);
	ck_assert_uint_eq(first.a, 100);
	/* The same group after a rebuild in another order has the same key. */
	build_sorted("", GROUP_PROCESS, COL_PROCESS, true);
	for (i = 0; i < rows.nrows; i++) {
		rows_key(&rows, &snap, i, &again);
		if (row_key_equal(&first, &again))
			break;
	}
	ck_assert_uint_lt(i, rows.nrows);
	ck_assert_uint_eq(rows.rows[i].index, rows.rows[i].index);
	rows_key(&rows, &snap, 1, &other);
	ck_assert(!row_key_equal(&first, &other));
	ck_assert_int_eq(other.kind, ROW_SOCKET);
	ck_assert_uint_eq(other.a, snap.socks[rows.rows[1].index].cookie);
}
END_TEST

START_TEST(t_group_mode_names)
{
	ck_assert_int_eq(group_mode_parse("process"), GROUP_PROCESS);
	ck_assert_int_eq(group_mode_parse("port"), GROUP_PORT);
	ck_assert_int_eq(group_mode_parse("none"), GROUP_NONE);
	ck_assert_int_eq(group_mode_parse("Port"), -1);
	ck_assert_str_eq(group_mode_name(GROUP_PORT), "port");
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("rows", setup, teardown, t_group_traffic, t_by_process,
			 t_by_process_without_listeners, t_by_port, t_by_netns, t_group_host, t_flat,
			 t_primary_owner_is_oldest, t_group_mode_names, t_sorted_by_column, t_row_keys,
			 t_unix_groups, t_keyed_order_matches_full_comparison)
