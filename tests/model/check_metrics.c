#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "check_main.h"
#include "fixtures.h"
#include "metrics.h"

START_TEST(t_label_values)
{
	struct strbuf out = { 0 };

	metrics_label_value(&out, "a\"b\\c\nd\x1b\xff\xc3\xa9", 11);
	ck_assert_str_eq(strbuf_str(&out), "a\\\"b\\\\c\\nd\\x1b\\xff\xc3\xa9");
	strbuf_free(&out);
}
END_TEST

START_TEST(t_render_listeners)
{
	struct pv_snapshot s;
	struct metrics *mt = metrics_new();
	struct strbuf out = { 0 };

	fixture_snapshot(&s);
	s.socks[5].rqueue = 7; /* postgres's accept queue */
	metrics_render(mt, &s, 0.0125, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "# TYPE portview_listener_accept_queue gauge\n"));
	ck_assert_ptr_nonnull(
		strstr(strbuf_str(&out),
		       "portview_listener_accept_queue{proto=\"tcp\",family=\"inet\",addr=\"127.0.0.1\","
		       "port=\"5432\",process=\"postgres\",exposure=\"loopback\",netns=\"net:[0]\"} 7\n"));
	/* UDP has no accept queue; the hidden owner's name is empty. */
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "portview_listener_info{proto=\"udp\",family=\"inet\","
						       "addr=\"127.0.0.53\",port=\"53\",process=\"\""));
	ck_assert_ptr_null(strstr(strbuf_str(&out), "portview_listener_accept_queue{proto=\"udp\""));
	ck_assert_ptr_nonnull(
		strstr(strbuf_str(&out), "portview_connections{proto=\"tcp\",state=\"ESTABLISHED\"} 5\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "portview_exposed_listeners 2\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "portview_refresh_duration_seconds 0.012500\n"));
	/* No series names a client's port. */
	ck_assert_ptr_null(strstr(strbuf_str(&out), "port=\"33000\""));
	strbuf_free(&out);
	metrics_free(mt);
	snapshot_free(&s);
}
END_TEST

/* postgres's end of the psql connection (socket 7) moves bytes between
 * looks, then closes with its last record. */
START_TEST(t_server_counters)
{
	struct pv_snapshot a, b, c;
	struct metrics *mt = metrics_new();
	struct strbuf out = { 0 };

	fixture_snapshot(&a);
	fixture_snapshot(&b);
	fixture_snapshot(&c);
	a.socks[7].tcp =
		(struct pv_tcp_details){ .has_info = true, .bytes_received = 1000, .bytes_acked = 50 };
	b.socks[7].tcp = (struct pv_tcp_details){
		.has_info = true, .bytes_received = 1500, .bytes_acked = 80, .total_retrans = 2
	};
	metrics_update(mt, &a, NULL); /* the baseline: its 1000 are not counted */
	metrics_update(mt, &b, &a);
	c.closed = calloc(1, sizeof(*c.closed));
	c.nclosed = c.closed_cap = 1;
	c.closed[0] = b.socks[7];
	c.closed[0].tcp.bytes_received = 1600;
	c.socks[7].gone = true;
	metrics_update(mt, &c, &b);
	metrics_render(mt, &c, 0, &out);
	ck_assert_ptr_nonnull(strstr(
		strbuf_str(&out),
		"portview_server_received_bytes_total{proto=\"tcp\",port=\"5432\",process=\"postgres\"} 600\n"));
	ck_assert_ptr_nonnull(strstr(
		strbuf_str(&out),
		"portview_server_sent_bytes_total{proto=\"tcp\",port=\"5432\",process=\"postgres\"} 30\n"));
	ck_assert_ptr_nonnull(strstr(
		strbuf_str(&out),
		"portview_server_retransmits_total{proto=\"tcp\",port=\"5432\",process=\"postgres\"} 2\n"));
	/* The client's end (psql) is no server: no series of its own. */
	ck_assert_ptr_null(strstr(strbuf_str(&out), "process=\"psql\""));
	strbuf_free(&out);
	metrics_free(mt);
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
}
END_TEST

CHECK_SUITE("metrics", t_label_values, t_render_listeners, t_server_counters)
