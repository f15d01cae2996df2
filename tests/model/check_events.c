#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "check_main.h"
#include "events.h"
#include "states.h"

/* A TCP connection 127.0.0.1:port <-> 127.0.0.1:9000 with cookie, in
 * state, owned by process p (or none when p is UINT32_MAX). */
static void add(struct pv_snapshot *s, uint64_t cookie, uint16_t port, uint8_t state, uint32_t p)
{
	struct pv_socket k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.proto = IPPROTO_TCP;
	k.state = state;
	k.local.addr.family = k.remote.addr.family = AF_INET;
	k.local.addr.bytes[0] = k.remote.addr.bytes[0] = 127;
	k.local.addr.bytes[3] = k.remote.addr.bytes[3] = 1;
	k.local.port = port;
	k.remote.port = 9000;
	k.cookie = cookie;
	k.uid = PV_UID_UNKNOWN;
	if (p != UINT32_MAX) {
		snapshot_reserve_refs(s, s->nrefs + 1);
		k.owner_first = (uint32_t)s->nrefs;
		k.owner_count = 1;
		k.owner_status = PV_OWNER_OK;
		snapshot_push_ref(s, p, 3);
	}
	snapshot_add_socket(s, &k);
}

static uint32_t proc(struct pv_snapshot *s, int pid, const char *comm)
{
	uint32_t i = snapshot_add_process(s);

	s->procs[i].pid = pid;
	s->procs[i].comm = comm;
	s->procs[i].cmdline = comm;
	s->procs[i].cmdline_len = strlen(comm);
	return i;
}

static void look(struct pv_snapshot *s, double when)
{
	snapshot_init(s);
	s->taken.tv_sec = (time_t)when;
	s->taken.tv_nsec = (long)((when - (double)(time_t)when) * 1e9);
}

/* The kinds of the events added since *from, as a string ("osc"). */
static void kinds(const struct event_log *log, char *out)
{
	for (size_t i = 0; i < event_log_count(log); i++)
		out[i] = event_kind_names[event_log_at(log, i)->kind][0];
	out[event_log_count(log)] = '\0';
}

START_TEST(t_open_state_close)
{
	struct event_log *log = event_log_new(100);
	struct pv_snapshot a, b, c, d;
	char k[64];
	const struct pv_event *e;
	const struct pv_snapshot *ls;
	struct strbuf line = { 0 };

	look(&a, 1000.0);
	add(&a, 1, 5000, PV_STATE_ESTABLISHED, proc(&a, 10, "old"));
	event_log_update(log, &a, NULL);
	ck_assert_uint_eq(event_log_count(log), 0); /* the baseline */

	look(&b, 1001.0);
	add(&b, 1, 5000, PV_STATE_CLOSE_WAIT, proc(&b, 10, "old"));
	add(&b, 2, 5001, PV_STATE_ESTABLISHED, proc(&b, 20, "new"));
	event_log_update(log, &b, &a);
	kinds(log, k);
	ck_assert_str_eq(k, "so");
	ck_assert_uint_eq(event_log_at(log, 0)->old_state, PV_STATE_ESTABLISHED);

	/* 2 closes: the kernel says so, with its bytes; the owner is the
	 * last look's. 1 goes without a record: said a look later. */
	look(&c, 1003.5);
	c.close_feeds = true;
	c.closed = calloc(1, sizeof(*c.closed));
	c.nclosed = c.closed_cap = 1;
	c.closed[0] = b.socks[1];
	c.closed[0].owner_count = 0;
	c.closed[0].tcp.has_info = true;
	c.closed[0].tcp.bytes_acked = 4242;
	event_log_update(log, &c, &b);
	kinds(log, k);
	ck_assert_str_eq(k, "soc");
	e = event_log_at(log, 2);
	ls = event_log_snapshot(log);
	ck_assert(e->from_kernel);
	ck_assert(e->lifetime_known);
	ck_assert_double_eq_tol(e->lifetime, 2.5, 1e-6);
	ck_assert_uint_eq(ls->socks[e->sock].tcp.bytes_acked, 4242);
	ck_assert_str_eq(snapshot_owner(ls, &ls->socks[e->sock], 0)->comm, "new");
	event_describe(log, e, true, &line);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&line),
				     "close  tcp  127.0.0.1:5001 <-> 127.0.0.1:9000  new 20  open 2.5 s"));

	look(&d, 1004.0);
	event_log_update(log, &d, &c);
	kinds(log, k);
	ck_assert_str_eq(k, "socc");
	e = event_log_at(log, 3);
	ck_assert(!e->from_kernel);
	ck_assert(!e->lifetime_known); /* open before watching began */
	ck_assert_double_eq_tol(e->lifetime, 3.5, 1e-6);
	ck_assert_double_eq_tol(e->time, 1003.5, 1e-6); /* when a look found it gone */
	ck_assert_str_eq(
		snapshot_owner(event_log_snapshot(log), &event_log_snapshot(log)->socks[e->sock], 0)->comm,
		"old");
	ck_assert_uint_eq(event_log_total(log), 4);
	strbuf_free(&line);
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
	snapshot_free(&d);
	event_log_free(log);
}
END_TEST

START_TEST(t_overrun_and_time_wait)
{
	struct event_log *log = event_log_new(3);
	struct pv_snapshot a, b, c;
	char k[64];

	look(&a, 10.0);
	add(&a, 7, 6000, PV_STATE_ESTABLISHED, proc(&a, 1, "p"));
	add(&a, 8, 6001, PV_STATE_ESTABLISHED, proc(&a, 1, "p"));
	event_log_update(log, &a, NULL);
	/* The kernel overran: 7 is a TIME_WAIT minisocket now, 8 is gone;
	 * both closes are said at once, from the looks. */
	look(&b, 11.0);
	b.close_feeds = true;
	b.close_overruns = 1;
	add(&b, 7, 6000, PV_STATE_TIME_WAIT, UINT32_MAX);
	event_log_update(log, &b, &a);
	kinds(log, k);
	ck_assert_str_eq(k, "occ");
	ck_assert_uint_eq(event_log_at(log, 0)->overruns, 1);
	/* Its TIME_WAIT going later is no event; the ring keeps the newest
	 * three when more come. */
	look(&c, 12.0);
	add(&c, 9, 6002, PV_STATE_ESTABLISHED, proc(&c, 1, "p"));
	event_log_update(log, &c, &b);
	kinds(log, k);
	ck_assert_str_eq(k, "cco");
	ck_assert_uint_eq(event_log_total(log), 4);
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
	event_log_free(log);
}
END_TEST

START_TEST(t_unasked_kinds_do_not_open_or_close)
{
	struct event_log *log = event_log_new(10);
	struct pv_snapshot a, b;

	look(&a, 1.0);
	a.kernel_mask = 0; /* asked nothing of the kernel: a narrow filter */
	event_log_update(log, &a, NULL);
	look(&b, 2.0);
	add(&b, 5, 7000, PV_STATE_ESTABLISHED, UINT32_MAX);
	event_log_update(log, &b, &a);
	ck_assert_uint_eq(event_log_count(log), 0);
	snapshot_free(&a);
	snapshot_free(&b);
	event_log_free(log);
}
END_TEST

CHECK_SUITE("events", t_open_state_close, t_overrun_and_time_wait, t_unasked_kinds_do_not_open_or_close)
