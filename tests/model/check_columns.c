#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_main.h"
#include "columns.h"
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

static const char *cell(int column, size_t sock, size_t *width)
{
	static struct strbuf sb;

	strbuf_reset(&sb);
	*width = columns[column].format(&snap, &snap.socks[sock], true, &sb);
	return strbuf_str(&sb);
}

START_TEST(t_cells)
{
	size_t w;

	ck_assert_str_eq(cell(COL_PROTO, 1, &w), "tcp6");
	ck_assert_str_eq(cell(COL_PROTO, 8, &w), "udp");
	ck_assert_str_eq(cell(COL_STATE, 4, &w), "TIME-WAIT");
	ck_assert_str_eq(cell(COL_STATE, 8, &w), "UNCONN");
	ck_assert_str_eq(cell(COL_LOCAL, 1, &w), "[::]:80");
	ck_assert_str_eq(cell(COL_LOCAL, 3, &w), "127.0.0.1:80");
	ck_assert_str_eq(cell(COL_REMOTE, 0, &w), "*");
	ck_assert_str_eq(cell(COL_REMOTE, 9, &w), "[2001:db8::2]:53");
	ck_assert_uint_eq(w, 16);
	ck_assert_str_eq(cell(COL_RECVQ, 0, &w), "3/511"); /* accept queue of backlog */
	ck_assert_str_eq(cell(COL_SENDQ, 0, &w), "syn 0");
	ck_assert_str_eq(cell(COL_RECVQ, 2, &w), "0");
	ck_assert_str_eq(cell(COL_RATE_IN, 2, &w), "-"); /* not measured */
	ck_assert_str_eq(cell(COL_USER, 8, &w), "101");
	ck_assert_str_eq(cell(COL_PROCESS, 0, &w), "nginx 101,100");
	ck_assert_str_eq(cell(COL_PROCESS, 4, &w), "-");
	ck_assert_str_eq(cell(COL_PROCESS, 8, &w), "(hidden)");
	/* The two ends of a connection on this host name each other. */
	ck_assert_str_eq(cell(COL_PROCESS, 6, &w), "psql 4211 -> postgres 812");
	ck_assert_str_eq(cell(COL_PROCESS, 7, &w), "postgres 812 <- psql 4211");
	/* Not yet accepted: in the listener's queue, held by no process. */
	snap.socks[7].owner_count = 0;
	snap.socks[7].owner_status = PV_OWNER_NONE;
	ck_assert_str_eq(cell(COL_PROCESS, 7, &w), "(accept queue) <- psql 4211");
	ck_assert_str_eq(cell(COL_PROCESS, 4, &w), "-"); /* TIME_WAIT: just gone */
	ck_assert_str_eq(cell(COL_PORT, 3, &w), "80");
	ck_assert_str_eq(cell(COL_PID, 6, &w), "4211");
	ck_assert_str_eq(cell(COL_PID, 4, &w), "-");
	ck_assert_str_eq(cell(COL_FD, 6, &w), "9"); /* the fixture's fds: 3 + socket index */
	ck_assert_str_eq(cell(COL_FD, 4, &w), "-");
}
END_TEST

/* Amounts in binary units, switching before four digits; rates the same
 * a second, zero included. */
START_TEST(t_units)
{
	static const struct {
		double bytes;
		const char *shown;
	} cases[] = {
		{ 0, "0 B" },        { 999, "999 B" },      { 1000, "1.0 KiB" },
		{ 1536, "1.5 KiB" }, { 198656, "194 KiB" }, { 3 * 1048576.0, "3.0 MiB" },
		{ 5e9, "4.7 GiB" },  { 2e15, "1819 TiB" },
	};
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		ck_assert_uint_eq(column_format_bytes(&sb, cases[i].bytes), strlen(cases[i].shown));
		ck_assert_str_eq(strbuf_str(&sb), cases[i].shown);
	}
	strbuf_reset(&sb);
	ck_assert_uint_eq(column_format_rate(&sb, 198656), 9);
	ck_assert_str_eq(strbuf_str(&sb), "194 KiB/s");
	strbuf_reset(&sb);
	column_format_rate(&sb, 0);
	ck_assert_str_eq(strbuf_str(&sb), "0");
	strbuf_reset(&sb);
	column_format_rate(&sb, 1);
	ck_assert_str_eq(strbuf_str(&sb), "1 B/s");
	strbuf_free(&sb);
}
END_TEST

/* Sorting by PORT is by number, whatever the address: 127.0.0.1:8080
 * before 10.0.0.1:9000, which sorts first by address. */
START_TEST(t_sort_by_port)
{
	struct pv_socket a = snap.socks[3], b = snap.socks[3];

	a.local.port = 8080;
	b.local.addr.bytes[0] = 10;
	b.local.port = 9000;
	ck_assert_int_lt(columns[COL_PORT].compare(&snap, &a, &b), 0);
	ck_assert_int_gt(columns[COL_LOCAL].compare(&snap, &a, &b), 0);
}
END_TEST

/* The tcp_info columns, and "-" where there is none. */
START_TEST(t_tcp_info_cells)
{
	size_t w;

	snap.socks[2].tcp.has_info = true;
	snap.socks[2].tcp.rtt_us = 1234;
	snap.socks[2].tcp.total_retrans = 7;
	snap.socks[2].tcp.snd_cwnd = 10;
	snap.socks[2].tcp.delivery_rate = 3 * 1024 * 1024;
	ck_assert_str_eq(cell(COL_RTT, 2, &w), "1.2ms");
	snap.socks[2].tcp.rtt_us = 85;
	ck_assert_str_eq(cell(COL_RTT, 2, &w), "85µs");
	ck_assert_uint_eq(w, 4);
	snap.socks[2].tcp.rtt_us = 45600;
	ck_assert_str_eq(cell(COL_RTT, 2, &w), "46ms");
	ck_assert_str_eq(cell(COL_RETRANS, 2, &w), "7");
	ck_assert_str_eq(cell(COL_CWND, 2, &w), "10");
	ck_assert_str_eq(cell(COL_DELIVERY, 2, &w), "3.0 MiB/s");
	ck_assert_uint_eq(w, 9);
	snap.socks[2].tcp.bytes_received = 512;
	snap.socks[2].tcp.bytes_acked = 1536;
	ck_assert_str_eq(cell(COL_BYTES_IN, 2, &w), "512 B");
	ck_assert_str_eq(cell(COL_BYTES_OUT, 2, &w), "1.5 KiB");
	ck_assert_str_eq(cell(COL_BYTES_OUT, 3, &w), "-");
	ck_assert_str_eq(cell(COL_RTT, 3, &w), "-"); /* no tcp_info asked for */
	snap.socks[0].tcp.has_info = true;
	ck_assert_str_eq(cell(COL_RTT, 0, &w), "-"); /* a listener has no RTT */
	ck_assert(columns[COL_RTT].hidden_by_default && columns[COL_RTT].needs_info);
	ck_assert(!columns[COL_USER].hidden_by_default);
	ck_assert_uint_eq(columns_hidden_by_default(),
			  1u << COL_RTT | 1u << COL_RETRANS | 1u << COL_CWND | 1u << COL_DELIVERY |
				  1u << COL_PORT | 1u << COL_BYTES_IN | 1u << COL_BYTES_OUT | 1u << COL_PID |
				  1u << COL_FD | 1u << COL_EXPOSED);
}
END_TEST

START_TEST(t_owner_names_sanitised)
{
	size_t w;

	snap.procs[FX_PSQL].comm = "\x1b[2Jx";
	ck_assert_str_eq(cell(COL_PROCESS, 9, &w), "\\x1b[2Jx 4211");
	ck_assert_uint_eq(w, 13);
	/* and as the other end of a connection */
	ck_assert_str_eq(cell(COL_PROCESS, 7, &w), "postgres 812 <- \\x1b[2Jx 4211");
}
END_TEST

START_TEST(t_group_lines)
{
	struct pv_rows rows = { 0 };
	struct strbuf sb = { 0 };

	rows_build(&rows, &snap, NULL, GROUP_PROCESS, (struct rows_order){ .column = -1 });
	column_format_group(&snap, &rows.groups[rows.rows[0].index], true, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "nginx  pid 100  user root  2 listening, 3 connections  :80");
	rows_build(&rows, &snap, NULL, GROUP_PORT, (struct rows_order){ .column = -1 });
	strbuf_reset(&sb);
	column_format_group(&snap, &rows.groups[rows.rows[0].index], true, &sb);
	ck_assert_str_eq(
		strbuf_str(&sb),
		"tcp port 80  nginx 101,100  2 listening, 3 connections  accept 6/1022  syn 0  time-wait 1");
	rows_free(&rows);
	strbuf_free(&sb);
}
END_TEST

static int shown_count(const bool *shown)
{
	int c, n = 0;

	for (c = 0; c < COL_COUNT; c++)
		n += shown[c];
	return n;
}

/* Every column but those hidden until chosen (the tcp_info ones). */
/* What one namespace shows: NETNS only appears with two or more. */
static void default_columns(bool *shown)
{
	for (int c = 0; c < COL_COUNT; c++)
		shown[c] = !columns[c].hidden_by_default && !columns[c].needs_namespaces &&
			   !columns[c].needs_hosts;
}

START_TEST(t_fit_drops_least_important_first)
{
	const size_t want[COL_COUNT] = {
		[COL_PROTO] = 5, [COL_STATE] = 10,  [COL_LOCAL] = 21,   [COL_REMOTE] = 21, [COL_RECVQ] = 6,
		[COL_SENDQ] = 6, [COL_RATE_IN] = 5, [COL_RATE_OUT] = 5, [COL_USER] = 8,    [COL_PROCESS] = 15,
	};
	bool shown[COL_COUNT];
	size_t w;

	default_columns(shown);
	w = columns_fit(want, 2, 120, shown);
	/* COMMAND, the first to go, makes 122 cells: it goes (NETNS and HOST
	 * were never shown: one namespace, no --remote). */
	ck_assert(!shown[COL_COMMAND]);
	ck_assert_int_eq(shown_count(shown), COL_COUNT - 3 - __builtin_popcount(columns_hidden_by_default()));
	ck_assert_uint_eq(w, 102 + 18);

	/* 120 cells wanted: the rates, the queues, then USER, go. */
	default_columns(shown);
	w = columns_fit(want, 2, 80, shown);
	ck_assert(!shown[COL_RATE_IN] && !shown[COL_RATE_OUT]);
	ck_assert(!shown[COL_SENDQ] && !shown[COL_RECVQ] && !shown[COL_USER]);
	ck_assert(shown[COL_PROTO] && shown[COL_STATE] && shown[COL_REMOTE]);
	ck_assert_uint_eq(w, 80);

	default_columns(shown);
	w = columns_fit(want, 2, 62, shown);
	/* STATE outlives REMOTE: a listener must look unlike a connection. */
	ck_assert(!shown[COL_PROTO] && shown[COL_STATE] && !shown[COL_REMOTE]);
	ck_assert_uint_eq(w, 50);

	default_columns(shown);
	w = columns_fit(want, 2, 40, shown);
	ck_assert(shown[COL_LOCAL] && shown[COL_PROCESS]);
	ck_assert_int_eq(shown_count(shown), 2);
	ck_assert_uint_le(w, 40);

	/* Too narrow even for the essentials: they stay, the caller cuts. */
	default_columns(shown);
	w = columns_fit(want, 2, 20, shown);
	ck_assert_int_eq(shown_count(shown), 2);
	ck_assert_uint_eq(w, 38);
}
END_TEST

START_TEST(t_unix_cells)
{
	size_t w;
	struct strbuf sb = { 0 };
	struct pv_rows rows = { 0 };

	snapshot_free(&snap);
	fixture_unix_snapshot(&snap);
	ck_assert_str_eq(cell(COL_PROTO, 0, &w), "u_str");
	ck_assert_str_eq(cell(COL_PROTO, 3, &w), "u_seq");
	ck_assert_str_eq(cell(COL_PROTO, 4, &w), "u_dgr");
	ck_assert_str_eq(cell(COL_LOCAL, 0, &w), "/run/app.sock");
	/* An abstract name reads with '@'; its escape cannot reach the terminal. */
	ck_assert_str_eq(cell(COL_LOCAL, 3, &w), "@bus\\x1b");
	ck_assert_uint_eq(w, 8);
	ck_assert_str_eq(cell(COL_LOCAL, 2, &w), "*");
	ck_assert_str_eq(cell(COL_REMOTE, 2, &w), "/run/app.sock"); /* the server's name */
	ck_assert_str_eq(cell(COL_REMOTE, 1, &w), "*");
	ck_assert_str_eq(cell(COL_REMOTE, 5, &w), "/dev/log");
	ck_assert_str_eq(cell(COL_STATE, 0, &w), "LISTEN");
	ck_assert_str_eq(cell(COL_RECVQ, 0, &w), "4/4");
	ck_assert_str_eq(cell(COL_SENDQ, 0, &w), "-");
	ck_assert_str_eq(cell(COL_PROCESS, 2, &w), "cli 400 -> appd 300");
	ck_assert_str_eq(cell(COL_PROCESS, 1, &w), "appd 300 <- cli 400");
	ck_assert_str_eq(cell(COL_PROCESS, 6, &w), "cli 400 <-> appd 300");
	rows_build(&rows, &snap, NULL, GROUP_PORT, (struct rows_order){ .column = -1 });
	column_format_group(&snap, &rows.groups[rows.rows[0].index], true, &sb);
	ck_assert_str_eq(strbuf_str(&sb),
			 "tcp port 80  appd 300  1 listening, 0 connections  accept 3/511  syn 0");
	for (size_t i = 0; i < rows.nrows; i++) {
		const struct pv_group *g = &rows.groups[rows.rows[i].index];

		if (rows.rows[i].kind != ROW_GROUP)
			continue;
		strbuf_reset(&sb);
		column_format_group(&snap, g, true, &sb);
		if (g->kind == GK_PORT && g->first_socket == 0)
			ck_assert_str_eq(
				strbuf_str(&sb),
				"unix /run/app.sock  appd 300  1 listening, 1 connection  accept 4/4  ! 1 flagged");
		if (g->kind == GK_REMOTE && g->named == 1)
			ck_assert_str_eq(strbuf_str(&sb), "remote unix /run/app.sock  1 socket");
		if (g->kind == GK_REMOTE && g->named == UINT32_MAX)
			ck_assert_str_eq(strbuf_str(&sb), "unix, unnamed  2 sockets");
	}
	rows_free(&rows);
	strbuf_free(&sb);
}
END_TEST

/* The s key's cycle, as the column table's sort steps give it: natural
 * order, then the columns people sort by, then natural again; a column
 * outside the cycle (sorted by a click) goes on to the first one. */
START_TEST(t_sort_cycle_from_the_table)
{
	static const int want[] = { COL_PROCESS, COL_LOCAL, COL_REMOTE,  COL_STATE,    COL_PROTO, COL_RECVQ,
				    COL_SENDQ,   COL_USER,  COL_RATE_IN, COL_RATE_OUT, -1 };
	int c = -1;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		c = column_next_sort(c);
		ck_assert_int_eq(c, want[i]);
	}
	ck_assert_int_eq(column_next_sort(COL_RTT), COL_PROCESS);
	for (c = 0; c < COL_COUNT; c++)
		ck_assert_msg(columns[c].compare != NULL, "%s cannot be sorted by", columns[c].header);
}
END_TEST

/* A PTR record of 255 characters, as a remote peer may publish one. */
static const char *long_host(void *ctx, const struct pv_addr *a)
{
	static char name[256];

	(void)ctx;
	(void)a;
	memset(name, 'a', 250);
	memcpy(name + 250, ".com", 5);
	return name;
}

START_TEST(t_long_host_names_are_cut)
{
	const struct column_names names = { .host = long_host };
	struct pv_endpoint e = { .addr = { .family = AF_INET, .bytes = { 10, 0, 0, 1 } }, .port = 443 };
	struct strbuf sb = { 0 };
	size_t w;

	columns_use_names(&names);
	w = column_format_endpoint(&sb, &e, IPPROTO_TCP, true);
	ck_assert_uint_eq(w, COLUMN_HOST_MAX + strlen(":443"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "a\xe2\x80\xa6:443"));
	strbuf_reset(&sb);
	w = column_format_endpoint(&sb, &e, IPPROTO_TCP, false);
	ck_assert_uint_eq(w, COLUMN_HOST_MAX + strlen(":443"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "a~:443"));
	columns_use_names(NULL);
	strbuf_free(&sb);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("columns", setup, teardown, t_long_host_names_are_cut, t_unix_cells,
			 t_tcp_info_cells, t_cells, t_owner_names_sanitised, t_group_lines,
			 t_fit_drops_least_important_first, t_sort_cycle_from_the_table, t_units,
			 t_sort_by_port)
