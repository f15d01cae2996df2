/* Relations within one snapshot (local peers, SYN_RECV per listener, full
 * accept queues) and health across snapshots (rates from tcp_info's
 * counters, stalls, retransmissions, zero windows, long CLOSE_WAIT). */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_main.h"
#include "fixtures.h"
#include "health.h"
#include "relations.h"
#include "states.h"

/* A TCP connection with tcp_info, as the kernel would report it. */
static struct pv_socket conn(uint64_t cookie, uint8_t state, uint64_t acked, uint64_t received)
{
	struct pv_socket k = { .family = AF_INET, .proto = IPPROTO_TCP, .state = state, .cookie = cookie };

	k.local.addr.family = k.remote.addr.family = AF_INET;
	k.local.port = 40000;
	k.remote.port = (uint16_t)(1000 + cookie);
	k.tcp.has_info = true;
	k.tcp.bytes_acked = acked;
	k.tcp.bytes_received = received;
	return k;
}

/* Snapshot i of a sequence: the sockets given, in that order. */
static void snap_of(struct pv_snapshot *s, const struct pv_socket *socks, size_t n)
{
	size_t i;

	snapshot_init(s);
	for (i = 0; i < n; i++)
		snapshot_add_socket(s, &socks[i]);
}

START_TEST(t_rate_of_a_counter)
{
	ck_assert(health_rate(1000, 3000, 2.0) == 1000.0);
	ck_assert(health_rate(3000, 3000, 1.0) == 0.0);
	ck_assert(health_rate(3000, 1000, 1.0) == 0.0); /* went back: no rate */
	ck_assert(health_rate(0, 1000, 0.0) == 0.0);    /* no time passed */
	ck_assert(health_rate(0, UINT64_MAX, 1.0) > 1e18);
}
END_TEST

START_TEST(t_rates_follow_cookies)
{
	struct health *h = health_new();
	struct pv_snapshot a, b;
	struct pv_socket first[] = { conn(1, PV_STATE_ESTABLISHED, 1000, 500),
				     conn(2, PV_STATE_ESTABLISHED, 0, 0),
				     conn(3, PV_STATE_ESTABLISHED, 7, 7) };
	/* Two seconds later: 2 and 1 swapped places, 3 closed, 4 is new. */
	struct pv_socket second[] = { conn(2, PV_STATE_ESTABLISHED, 4096, 0),
				      conn(1, PV_STATE_ESTABLISHED, 3000, 2500),
				      conn(4, PV_STATE_ESTABLISHED, 900, 900) };

	snap_of(&a, first, 3);
	snap_of(&b, second, 3);
	health_update(h, NULL, &a, 10.0);
	ck_assert(!a.socks[0].has_rate); /* one look tells no rate */
	health_update(h, &a, &b, 12.0);
	ck_assert(b.socks[0].has_rate && b.socks[1].has_rate);
	ck_assert(b.socks[0].rate_out == 2048.0 && b.socks[0].rate_in == 0.0);
	ck_assert(b.socks[1].rate_out == 1000.0 && b.socks[1].rate_in == 1000.0);
	ck_assert(!b.socks[2].has_rate); /* new: no history yet */
	snapshot_free(&a);
	snapshot_free(&b);
	health_free(h);
}
END_TEST

START_TEST(t_udp_and_no_info_have_no_rate)
{
	struct health *h = health_new();
	struct pv_snapshot a, b;
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 10, 10);

	k.tcp.has_info = false;
	snap_of(&a, &k, 1);
	snap_of(&b, &k, 1);
	health_update(h, NULL, &a, 0);
	health_update(h, &a, &b, 1);
	ck_assert(!b.socks[0].has_rate);
	snapshot_free(&a);
	snapshot_free(&b);
	health_free(h);
}
END_TEST

/* Runs socket k through snapshots at the given times (the same k each
 * time unless change is set, which edits it before time i) and returns
 * its flags at the end. */
static unsigned flags_over(struct pv_socket k, const double *times, size_t n,
			   void (*change)(struct pv_socket *, size_t))
{
	struct health *h = health_new();
	struct pv_snapshot snaps[2];
	unsigned flags;
	size_t i;

	for (i = 0; i < n; i++) {
		struct pv_snapshot *cur = &snaps[i % 2], *prev = i ? &snaps[(i - 1) % 2] : NULL;

		if (change)
			change(&k, i);
		snap_of(cur, &k, 1);
		health_update(h, prev, cur, times[i]);
		if (prev)
			snapshot_free(prev);
	}
	flags = snaps[(n - 1) % 2].socks[0].flags;
	snapshot_free(&snaps[(n - 1) % 2]);
	health_free(h);
	return flags;
}

static void acks_at_3(struct pv_socket *k, size_t i)
{
	if (i == 3)
		k->tcp.bytes_acked += 100;
}

START_TEST(t_stalled_needs_waiting_data_and_time)
{
	static const double t4[] = { 0, 2, 4, 5.5 }, t2[] = { 0, 4.9 };
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 100, 0);

	k.wqueue = 4096;
	ck_assert_uint_eq(flags_over(k, t2, 2, NULL) & PV_FLAG_STALLED, 0);
	ck_assert_uint_eq(flags_over(k, t4, 4, NULL) & PV_FLAG_STALLED, PV_FLAG_STALLED);
	/* ACK progress at the last look clears it. */
	ck_assert_uint_eq(flags_over(k, t4, 4, acks_at_3) & PV_FLAG_STALLED, 0);
	/* Nothing waiting: idle, not stalled. */
	k.wqueue = 0;
	ck_assert_uint_eq(flags_over(k, t4, 4, NULL) & PV_FLAG_STALLED, 0);
	/* Unacknowledged segments count as waiting too. */
	k.tcp.unacked = 3;
	ck_assert_uint_eq(flags_over(k, t4, 4, NULL) & PV_FLAG_STALLED, PV_FLAG_STALLED);
	/* Without tcp_info (--lean) progress cannot be seen: never stalled. */
	k.tcp.has_info = false;
	k.wqueue = 4096;
	ck_assert_uint_eq(flags_over(k, t4, 4, NULL) & PV_FLAG_STALLED, 0);
}
END_TEST

static void retransmits_at_1(struct pv_socket *k, size_t i)
{
	if (i == 1)
		k->tcp.total_retrans = 2;
}

START_TEST(t_retransmissions_stay_flagged_a_while)
{
	static const double soon[] = { 0, 1, 5 }, later[] = { 0, 1, 12 };
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 0, 0);

	ck_assert_uint_eq(flags_over(k, soon, 3, NULL) & PV_FLAG_RETRANS, 0);
	ck_assert_uint_eq(flags_over(k, soon, 3, retransmits_at_1) & PV_FLAG_RETRANS, PV_FLAG_RETRANS);
	ck_assert_uint_eq(flags_over(k, later, 3, retransmits_at_1) & PV_FLAG_RETRANS, 0);
	k.tcp.retransmits = 1; /* backing off right now */
	ck_assert_uint_eq(flags_over(k, soon, 1, NULL) & PV_FLAG_RETRANS, PV_FLAG_RETRANS);
}
END_TEST

START_TEST(t_zero_window)
{
	static const double t[] = { 0 };
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 0, 0);

	k.tcp.has_snd_wnd = true;
	ck_assert_uint_eq(flags_over(k, t, 1, NULL) & PV_FLAG_ZERO_WINDOW, PV_FLAG_ZERO_WINDOW);
	k.tcp.snd_wnd = 65535;
	ck_assert_uint_eq(flags_over(k, t, 1, NULL) & PV_FLAG_ZERO_WINDOW, 0);
	k.tcp.snd_wnd = 0;
	k.tcp.has_snd_wnd = false; /* an older kernel: unknown, not zero */
	ck_assert_uint_eq(flags_over(k, t, 1, NULL) & PV_FLAG_ZERO_WINDOW, 0);
}
END_TEST

static void closes_at_2(struct pv_socket *k, size_t i)
{
	if (i == 2)
		k->state = PV_STATE_CLOSE_WAIT;
}

START_TEST(t_close_wait_age)
{
	static const double t[] = { 0, 5, 9, 20, 29.5 }, t3[] = { 0, 5, 10 };
	struct pv_socket k = conn(1, PV_STATE_CLOSE_WAIT, 0, 0);

	ck_assert_uint_eq(flags_over(k, t3, 2, NULL) & PV_FLAG_CLOSE_WAIT, 0);
	ck_assert_uint_eq(flags_over(k, t3, 3, NULL) & PV_FLAG_CLOSE_WAIT, PV_FLAG_CLOSE_WAIT);
	/* The age counts from the change of state: 9 .. 20 is 11 s. */
	k.state = PV_STATE_ESTABLISHED;
	ck_assert_uint_eq(flags_over(k, t, 3, closes_at_2) & PV_FLAG_CLOSE_WAIT, 0);
	ck_assert_uint_eq(flags_over(k, t, 4, closes_at_2) & PV_FLAG_CLOSE_WAIT, PV_FLAG_CLOSE_WAIT);
}
END_TEST

/* One look at a CLOSE_WAIT whose last ACK came 10 minutes ago: tcp_info
 * proves its age, so it is flagged at once and its age is a lower bound. */
START_TEST(t_close_wait_age_from_tcp_info)
{
	struct pv_socket k = conn(1, PV_STATE_CLOSE_WAIT, 0, 0);
	struct pv_snapshot s, later;
	struct health *h = health_new();

	k.tcp.last_ack_recv_ms = 600000;
	k.tcp.last_data_recv_ms = 900000; /* data before the FIN says nothing */
	snap_of(&s, &k, 1);
	health_update(h, NULL, &s, 5000);
	ck_assert(s.socks[0].flags & PV_FLAG_CLOSE_WAIT);
	ck_assert(s.socks[0].has_state_since);
	ck_assert(!s.socks[0].state_entered);
	ck_assert_double_eq_tol(s.socks[0].state_since, 4400, 0.001);
	/* The bound is kept while the socket stays; a later look with a
	 * smaller one (an ACK of data sent since) does not make it younger. */
	k.tcp.last_ack_recv_ms = 1000;
	snap_of(&later, &k, 1);
	health_update(h, &s, &later, 5010);
	ck_assert_double_eq_tol(later.socks[0].state_since, 4400, 0.001);
	ck_assert(later.socks[0].flags & PV_FLAG_CLOSE_WAIT);
	snapshot_free(&s);
	snapshot_free(&later);

	/* Counters older than the machine were never set: no bound. */
	k.tcp.last_ack_recv_ms = 600000;
	snap_of(&s, &k, 1);
	health_free(h);
	h = health_new();
	health_update(h, NULL, &s, 100);
	ck_assert(!s.socks[0].has_state_since);
	ck_assert_uint_eq(s.socks[0].flags & PV_FLAG_CLOSE_WAIT, 0);
	snapshot_free(&s);
	health_free(h);
}
END_TEST

/* What tcp_info proves of each state's age, and what it does not. */
START_TEST(t_state_lower_bounds)
{
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 0, 0);

	k.tcp.last_data_sent_ms = 2000;
	k.tcp.last_data_recv_ms = 7000;
	k.tcp.last_ack_recv_ms = 3000;
	ck_assert_double_eq_tol(health_state_lower_bound(&k, 1e6), 7.0, 1e-9);
	k.state = PV_STATE_FIN_WAIT2;
	ck_assert_double_eq_tol(health_state_lower_bound(&k, 1e6), 3.0, 1e-9);
	k.state = PV_STATE_FIN_WAIT1; /* entered by a local close: nothing */
	ck_assert(health_state_lower_bound(&k, 1e6) == 0);
	k.state = PV_STATE_ESTABLISHED;
	k.tcp.has_info = false;
	ck_assert(health_state_lower_bound(&k, 1e6) == 0);
}
END_TEST

/* Seen to enter its state, a socket's age is exact. */
START_TEST(t_state_entered_is_exact)
{
	static const double t[] = { 0, 5, 9 };
	struct pv_socket k = conn(1, PV_STATE_ESTABLISHED, 0, 0);
	struct pv_snapshot s[3];
	struct health *h = health_new();

	for (size_t i = 0; i < 3; i++) {
		closes_at_2(&k, i);
		snap_of(&s[i], &k, 1);
		health_update(h, i ? &s[i - 1] : NULL, &s[i], t[i]);
	}
	ck_assert(!s[1].socks[0].state_entered);
	ck_assert(s[2].socks[0].state_entered);
	ck_assert_double_eq_tol(s[2].socks[0].state_since, 9, 1e-9);
	for (size_t i = 0; i < 3; i++)
		snapshot_free(&s[i]);
	health_free(h);
}
END_TEST

START_TEST(t_peers_and_sides)
{
	struct pv_snapshot s;

	fixture_snapshot(&s);
	/* 6: psql 127.0.0.1:33000 -> 5432; 7: postgres's accepted end */
	ck_assert(s.socks[6].has_peer && s.socks[6].peer == 7);
	ck_assert(s.socks[7].has_peer && s.socks[7].peer == 6);
	ck_assert(s.socks[7].accepted && !s.socks[6].accepted);
	/* 3 is accepted on the dual-stack listener; its client is elsewhere. */
	ck_assert(s.socks[3].accepted && !s.socks[3].has_peer);
	ck_assert(!s.socks[0].has_peer && !s.socks[4].has_peer && !s.socks[8].has_peer);
	snapshot_free(&s);
}
END_TEST

START_TEST(t_syn_recv_and_saturation)
{
	struct pv_snapshot s;
	struct pv_socket r;

	fixture_snapshot(&s);
	/* Two handshakes to postgres (127.0.0.1:5432), one to port 80 over
	 * IPv6 (the dual-stack listener, not the IPv4 one). */
	r = s.socks[7];
	r.state = PV_STATE_SYN_RECV;
	r.cookie = 9001;
	snapshot_add_socket(&s, &r);
	r.cookie = 9002;
	snapshot_add_socket(&s, &r);
	r = s.socks[3];
	r.state = PV_STATE_SYN_RECV;
	r.cookie = 9003;
	snapshot_add_socket(&s, &r);
	s.socks[5].rqueue = s.socks[5].wqueue = 128; /* postgres: full */
	relations_compute(&s, NULL, true);
	ck_assert_uint_eq(s.socks[5].syn_recv, 2);
	ck_assert_uint_eq(s.socks[1].syn_recv, 1);
	ck_assert_uint_eq(s.socks[0].syn_recv, 0);
	ck_assert(relations_queue_full(&s.socks[5]));
	ck_assert_uint_eq(s.socks[5].flags, PV_FLAG_SATURATED);
	ck_assert_uint_eq(s.socks[0].flags, 0);
	s.socks[5].rqueue = 127;
	relations_compute(&s, NULL, true);
	ck_assert_uint_eq(s.socks[5].flags, 0);
	snapshot_free(&s);
}
END_TEST

START_TEST(t_flag_names_and_summary)
{
	struct pv_counts c = { 0 };
	struct strbuf sb = { 0 };
	unsigned bit;

	for (bit = 1; bit < 1u << PV_FLAG_COUNT; bit <<= 1) {
		const char *name = health_flag_name(bit);

		ck_assert_uint_eq(health_flag_parse(name, strlen(name)), bit);
	}
	ck_assert_uint_eq(health_flag_parse("stall", 5), 0);
	health_describe(&c, &sb);
	ck_assert_uint_eq(sb.len, 0);
	c.flagged[0] = 3;
	c.flagged[1] = 1;
	health_describe(&c, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "! 3 saturated, 1 stalled");
	strbuf_free(&sb);
}
END_TEST

/* UNIX ends find each other by inode; the end named like a listener is
 * the server's; a full UNIX accept queue saturates its listener. */
START_TEST(t_unix_peers)
{
	struct pv_snapshot s;

	fixture_unix_snapshot(&s);
	ck_assert(s.socks[2].has_peer && s.socks[2].peer == 1);
	ck_assert(s.socks[1].has_peer && s.socks[1].peer == 2);
	ck_assert(s.socks[1].accepted);
	ck_assert(!s.socks[2].accepted);
	ck_assert(s.socks[5].has_peer && s.socks[5].peer == 4);
	ck_assert(!s.socks[4].has_peer);
	ck_assert(s.socks[6].peer == 7 && s.socks[7].peer == 6);
	ck_assert(!s.socks[6].accepted && !s.socks[7].accepted);
	ck_assert(!s.socks[0].has_peer);
	ck_assert(s.socks[0].flags & PV_FLAG_SATURATED);
	ck_assert(!(s.socks[3].flags & PV_FLAG_SATURATED)); /* 4 of 16 */
	ck_assert(socket_is_listener(&s.socks[4]));         /* a datagram receiver */
	ck_assert(!socket_is_listener(&s.socks[5]));
	/* Without peers asked for, nothing is joined. */
	relations_compute(&s, NULL, false);
	ck_assert(!s.socks[2].has_peer && !s.socks[1].accepted);
	snapshot_free(&s);
}
END_TEST

/* A client whose connection is still in a UNIX listener's queue has no
 * socket at the other end in the dump; the listener's list of waiting
 * clients joins it to the listener. */
START_TEST(t_unix_queued_client)
{
	struct pv_snapshot s;
	struct pv_socket k;
	struct pv_unix_queue *q;

	fixture_unix_snapshot(&s);
	k = s.socks[2];
	k.inode = 7100;
	k.cookie = 9100;
	k.peer_inode = 7999; /* the not yet accepted end: not dumped */
	k.owner_count = 0;
	snapshot_add_socket(&s, &k);
	q = arena_alloc(&s.arena, sizeof(*q) + 2 * sizeof(uint32_t));
	q->listener_inode = 7000;
	q->count = 2;
	q->clients[0] = 7100;
	q->clients[1] = 7555; /* gone meanwhile */
	q->next = NULL;
	s.unix_queues = q;
	relations_compute(&s, NULL, true);
	ck_assert(s.socks[9].has_peer);
	ck_assert_uint_eq(s.socks[9].peer, 0);
	ck_assert(!s.socks[9].accepted);
	/* A client with a real peer keeps it. */
	q->clients[1] = 7002;
	relations_compute(&s, NULL, true);
	ck_assert_uint_eq(s.socks[2].peer, 1);
	snapshot_free(&s);
}
END_TEST

/* Adds n TIME_WAIT copies of socket like, numbered from first. */
static void add_time_wait(struct pv_snapshot *s, const struct pv_socket *like, unsigned n, unsigned first,
			  bool vary_local)
{
	for (unsigned i = 0; i < n; i++) {
		struct pv_socket k = *like;

		k.state = PV_STATE_TIME_WAIT;
		k.inode = 0;
		k.owner_count = 0;
		k.cookie = (vary_local ? 200000 : 100000) + first + i;
		if (vary_local)
			k.local.port = (uint16_t)(20000 + first + i);
		else
			k.remote.port = (uint16_t)(20000 + first + i);
		snapshot_add_socket(s, &k);
	}
}

/* Many TIME_WAIT on a server's port flag the listener and the pile; many
 * towards one remote endpoint flag that pile; fewer flag nothing. */
START_TEST(t_time_wait_piles)
{
	struct pv_snapshot s;
	struct pv_socket server_side, client_side;
	size_t i, flagged = 0;

	fixture_snapshot(&s);
	server_side = s.socks[2];  /* 10.0.0.5:80 <- 10.0.0.17 */
	client_side = s.socks[10]; /* 10.0.0.5:40100 -> 93.184.216.34:443 */
	add_time_wait(&s, &server_side, RELATIONS_TIME_WAIT_MANY - 2, 0, false);
	add_time_wait(&s, &client_side, RELATIONS_TIME_WAIT_MANY - 1, 0, true);
	relations_compute(&s, NULL, true);
	/* 498 new plus socket 4 on port 80: one short of a pile. */
	ck_assert_uint_eq(s.socks[0].time_wait, RELATIONS_TIME_WAIT_MANY - 1);
	for (i = 0; i < s.nsocks; i++)
		flagged += (s.socks[i].flags & PV_FLAG_TIME_WAIT) != 0;
	ck_assert_uint_eq(flagged, 0);

	add_time_wait(&s, &server_side, 1, 1000, false);
	add_time_wait(&s, &client_side, 1, 1000, true);
	add_time_wait(&s, &s.socks[3], 1, 2000, false); /* port 80 too, but IPv6's listener */
	relations_compute(&s, NULL, true);
	ck_assert(!(s.socks[s.nsocks - 1].flags & PV_FLAG_TIME_WAIT));
	ck_assert_uint_eq(s.socks[1].time_wait, 1);
	ck_assert_uint_eq(s.socks[0].time_wait, RELATIONS_TIME_WAIT_MANY);
	ck_assert(s.socks[0].flags & PV_FLAG_TIME_WAIT);
	ck_assert(!(s.socks[5].flags & PV_FLAG_TIME_WAIT)); /* another port */
	ck_assert(s.socks[4].flags & PV_FLAG_TIME_WAIT);    /* the older one on port 80 */
	flagged = 0;
	for (i = 0; i < s.nsocks; i++)
		flagged += (s.socks[i].flags & PV_FLAG_TIME_WAIT) != 0;
	/* Both piles and the IPv4 listener of port 80 (the IPv6 one is
	 * another family's). */
	ck_assert_uint_eq(flagged, 2 * RELATIONS_TIME_WAIT_MANY + 1);
	ck_assert_str_eq(health_flag_name(PV_FLAG_TIME_WAIT), "timewait");
	ck_assert_uint_eq(health_flag_parse("timewait", 8), PV_FLAG_TIME_WAIT);
	snapshot_free(&s);
}
END_TEST

/* The relation fields of every socket of a and b are the same. */
static void assert_same_relations(const struct pv_snapshot *a, const struct pv_snapshot *b)
{
	ck_assert_uint_eq(a->nsocks, b->nsocks);
	for (size_t i = 0; i < a->nsocks; i++) {
		const struct pv_socket *x = &a->socks[i], *y = &b->socks[i];

		ck_assert_msg(x->has_peer == y->has_peer && (!x->has_peer || x->peer == y->peer),
			      "socket %zu: peer %d/%u against %d/%u", i, x->has_peer, x->peer, y->has_peer,
			      y->peer);
		ck_assert_msg(x->accepted == y->accepted, "socket %zu: accepted", i);
		ck_assert_uint_eq(x->syn_recv, y->syn_recv);
		ck_assert_uint_eq(x->time_wait, y->time_wait);
		ck_assert_uint_eq(x->flags, y->flags);
	}
}

/* Relations taken from the snapshot before are the ones a fresh join
 * finds: on the same sockets, on sockets whose queues moved (saturation
 * follows), and, declined, on sockets whose states or endpoints changed. */
START_TEST(t_relations_taken_from_before_are_exact)
{
	struct pv_snapshot prev, fresh, reused;

	fixture_snapshot(&prev);
	fixture_copy_without(&prev, &fresh, SIZE_MAX);
	fixture_copy_without(&prev, &reused, SIZE_MAX);
	relations_compute(&reused, &prev, true);
	assert_same_relations(&reused, &fresh);

	/* A full accept queue now: the copy must not keep the old flags. */
	reused.socks[5].rqueue = reused.socks[5].wqueue = 128;
	fresh.socks[5].rqueue = fresh.socks[5].wqueue = 128;
	relations_compute(&reused, &prev, true);
	relations_compute(&fresh, NULL, true);
	assert_same_relations(&reused, &fresh);
	ck_assert(reused.socks[5].flags & PV_FLAG_SATURATED);

	/* The client end of psql -> postgres is gone to TIME_WAIT: its peer
	 * and the server end's must go, as a fresh join says. */
	reused.socks[6].state = fresh.socks[6].state = PV_STATE_TIME_WAIT;
	relations_compute(&reused, &prev, true);
	relations_compute(&fresh, NULL, true);
	assert_same_relations(&reused, &fresh);
	ck_assert(!reused.socks[6].has_peer);

	/* A connection whose other end is another socket now. */
	snapshot_free(&reused);
	snapshot_free(&fresh);
	fixture_copy_without(&prev, &reused, SIZE_MAX);
	fixture_copy_without(&prev, &fresh, SIZE_MAX);
	for (size_t i = 0; i < reused.nsocks; i++) {
		if (reused.socks[i].proto == IPPROTO_TCP && reused.socks[i].has_peer) {
			reused.socks[i].remote.port = fresh.socks[i].remote.port = 1;
			break;
		}
	}
	relations_compute(&reused, &prev, true);
	relations_compute(&fresh, NULL, true);
	assert_same_relations(&reused, &fresh);
	snapshot_free(&prev);
	snapshot_free(&fresh);
	snapshot_free(&reused);
}
END_TEST

CHECK_SUITE("health", t_relations_taken_from_before_are_exact, t_time_wait_piles, t_unix_peers,
	    t_unix_queued_client, t_rate_of_a_counter, t_rates_follow_cookies, t_udp_and_no_info_have_no_rate,
	    t_stalled_needs_waiting_data_and_time, t_retransmissions_stay_flagged_a_while, t_zero_window,
	    t_close_wait_age, t_close_wait_age_from_tcp_info, t_state_lower_bounds, t_state_entered_is_exact,
	    t_peers_and_sides, t_syn_recv_and_saturation, t_flag_names_and_summary)
