#include "config.h"

#include "health.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "states.h"
#include "xalloc.h"

/* What is remembered of one socket between refreshes, by its index in the
 * last snapshot (found again through snapshot_find_prev). */
struct health_entry {
	uint64_t bytes_acked, bytes_received;
	uint32_t total_retrans;
	bool has_info;
	double seen_at;     /* when the counters were read */
	double progress_at; /* last ACK progress, or when nothing waited */
	double retrans_at;  /* last retransmission seen; < 0 never */
	double state_since; /* entered its state at or before this */
	bool entered;       /* seen to enter it, not found in it */
	uint8_t state;
};

/* Two buffers, swapped each update: the dashboard's refresh then
 * allocates nothing here. */
struct health {
	struct health_entry *entries, *spare;
	size_t nentries, cap, spare_cap;
};

static const char *const flag_names[PV_FLAG_COUNT] = {
	"saturated", "stalled", "retrans", "zerowindow", "closewait", "timewait",
};

const char *health_flag_name(unsigned flag_bit)
{
	unsigned i;

	for (i = 0; i < PV_FLAG_COUNT; i++)
		if (flag_bit == 1u << i)
			return flag_names[i];
	return "?";
}

unsigned health_flag_parse(const char *name, size_t len)
{
	unsigned i;

	for (i = 0; i < PV_FLAG_COUNT; i++)
		if (strlen(flag_names[i]) == len && memcmp(flag_names[i], name, len) == 0)
			return 1u << i;
	return 0;
}

struct health *health_new(void)
{
	return xcalloc(1, sizeof(struct health));
}

void health_free(struct health *h)
{
	if (!h)
		return;
	free(h->entries);
	free(h->spare);
	free(h);
}

double health_rate(uint64_t before, uint64_t after, double dt)
{
	if (dt <= 0 || after < before)
		return 0;
	return (double)(after - before) / dt;
}

/* Data is waiting for the peer: queued to send or sent and unacknowledged. */
static bool health_data_waiting(const struct pv_socket *k)
{
	return k->wqueue > 0 || (k->tcp.has_info && k->tcp.unacked > 0);
}

static bool health_can_stall(const struct pv_socket *k)
{
	return k->proto == IPPROTO_TCP &&
	       (k->state == PV_STATE_ESTABLISHED || k->state == PV_STATE_CLOSE_WAIT);
}

static void health_judge(struct pv_socket *k, const struct health_entry *e, double now)
{
	k->flags &= (uint8_t) ~(PV_FLAG_STALLED | PV_FLAG_RETRANS | PV_FLAG_ZERO_WINDOW | PV_FLAG_CLOSE_WAIT);
	/* Progress is seen only in tcp_info's counters. */
	if (k->tcp.has_info && health_can_stall(k) && health_data_waiting(k) &&
	    now - e->progress_at >= HEALTH_STALL_SECONDS)
		k->flags |= PV_FLAG_STALLED;
	if (k->tcp.has_info &&
	    (k->tcp.retransmits > 0 || (e->retrans_at >= 0 && now - e->retrans_at < HEALTH_RETRANS_SECONDS)))
		k->flags |= PV_FLAG_RETRANS;
	if (k->tcp.has_info && k->tcp.has_snd_wnd && k->tcp.snd_wnd == 0 && k->state == PV_STATE_ESTABLISHED)
		k->flags |= PV_FLAG_ZERO_WINDOW;
	if (k->proto == IPPROTO_TCP && k->state == PV_STATE_CLOSE_WAIT &&
	    now - e->state_since >= HEALTH_CLOSE_WAIT_SECONDS)
		k->flags |= PV_FLAG_CLOSE_WAIT;
}

static double max3(double a, double b, double c)
{
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

double health_state_lower_bound(const struct pv_socket *k, double uptime)
{
	const struct pv_tcp_details *t = &k->tcp;
	double bound;

	if (k->proto != IPPROTO_TCP || !t->has_info)
		return 0;
	if (k->state == PV_STATE_CLOSE_WAIT || k->state == PV_STATE_FIN_WAIT2)
		bound = t->last_ack_recv_ms / 1000.0;
	else if (k->state == PV_STATE_ESTABLISHED)
		bound = max3(t->last_data_sent_ms, t->last_data_recv_ms, t->last_ack_recv_ms) / 1000.0;
	else
		return 0;
	return bound < uptime ? bound : 0;
}

/* The entry for k, from its old one (or NULL for a socket seen first). */
static void health_step(struct health_entry *e, const struct health_entry *old, struct pv_socket *k,
			double now)
{
	memset(e, 0, sizeof(*e));
	e->bytes_acked = k->tcp.bytes_acked;
	e->bytes_received = k->tcp.bytes_received;
	e->total_retrans = k->tcp.total_retrans;
	e->has_info = k->tcp.has_info;
	e->seen_at = now;
	e->state = k->state;
	e->retrans_at = -1;
	double bound = health_state_lower_bound(k, now);

	if (!old) {
		/* Seen first: no history, so nothing is judged stalled yet and
		 * the state's age is what tcp_info proves, or nothing. */
		e->progress_at = now;
		e->state_since = now;
	} else {
		e->entered = old->state != k->state || old->entered;
		e->state_since = old->state == k->state ? old->state_since : now;
		e->progress_at = old->progress_at;
		e->retrans_at = old->retrans_at;
		if (k->tcp.has_info && old->has_info) {
			double dt = now - old->seen_at;

			k->has_rate = true;
			k->rate_in = health_rate(old->bytes_received, k->tcp.bytes_received, dt);
			k->rate_out = health_rate(old->bytes_acked, k->tcp.bytes_acked, dt);
			if (k->tcp.bytes_acked > old->bytes_acked)
				e->progress_at = now;
			if (k->tcp.total_retrans > old->total_retrans)
				e->retrans_at = now;
		}
	}
	if (!health_data_waiting(k))
		e->progress_at = now;
	if (bound > 0 && now - bound < e->state_since)
		e->state_since = now - bound;
	/* One look tells no age but tcp_info's: a socket first seen now may
	 * be old. */
	k->has_state_since = old != NULL || bound > 0;
	k->state_entered = e->entered;
	k->state_since = e->state_since;
	health_judge(k, e, now);
}

void health_update(struct health *h, const struct pv_snapshot *prev, struct pv_snapshot *cur, double now)
{
	struct health_entry *entries;
	size_t i, guess = 0, cap;

	if (h->spare_cap < cur->nsocks || !h->spare) {
		free(h->spare);
		h->spare_cap = cur->nsocks + cur->nsocks / 8 + 16;
		h->spare = xmalloc(h->spare_cap * sizeof(*h->spare));
	}
	entries = h->spare;
	cap = h->spare_cap;

	for (i = 0; i < cur->nsocks; i++) {
		struct pv_socket *k = &cur->socks[i];
		size_t at = prev ? snapshot_find_prev(prev, guess, k->cookie) : SIZE_MAX;
		const struct health_entry *old = at < h->nentries ? &h->entries[at] : NULL;

		if (at != SIZE_MAX)
			guess = at + 1;
		k->has_rate = false;
		k->rate_in = k->rate_out = 0;
		health_step(&entries[i], old, k, now);
	}
	h->spare = h->entries;
	h->spare_cap = h->cap;
	h->entries = entries;
	h->cap = cap;
	h->nentries = cur->nsocks;
}

void health_describe(const struct pv_counts *c, struct strbuf *sb)
{
	unsigned i;
	bool first = true;

	for (i = 0; i < PV_FLAG_COUNT; i++) {
		if (!c->flagged[i])
			continue;
		strbuf_printf(sb, "%s%zu %s", first ? "! " : ", ", c->flagged[i], flag_names[i]);
		first = false;
	}
}
