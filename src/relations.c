#include "config.h"

#include "relations.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "states.h"
#include "u64map.h"
#include "xalloc.h"

bool relations_queue_full(const struct pv_socket *l)
{
	/* For a listener the kernel reports the accept queue as the receive
	 * queue and the backlog as the send queue; it refuses new connections
	 * once the queue is past the backlog, so at the backlog it is full. */
	return l->proto == IPPROTO_TCP && l->state == PV_STATE_LISTEN && l->wqueue > 0 &&
	       l->rqueue >= l->wqueue;
}

/* A key for the ordered pair of endpoints (from, to) of protocol proto;
 * equal pairs give equal keys, others almost never (checked anyway). */
static uint64_t pair_key(uint8_t proto, const struct pv_endpoint *from, const struct pv_endpoint *to)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ proto;
	const struct pv_endpoint *e[2] = { from, to };
	int i;
	size_t j;

	for (i = 0; i < 2; i++) {
		h = (h ^ e[i]->addr.family) * 0x100000001b3ULL;
		for (j = 0; j < sizeof(e[i]->addr.bytes); j++)
			h = (h ^ e[i]->addr.bytes[j]) * 0x100000001b3ULL;
		h = (h ^ e[i]->port) * 0x100000001b3ULL;
	}
	return h ? h : 1;
}

static bool endpoint_equal(const struct pv_endpoint *a, const struct pv_endpoint *b)
{
	return a->port == b->port && a->addr.family == b->addr.family &&
	       memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes)) == 0;
}

/* A socket that can have a peer: connected, not a listener, not closed. */
static bool has_two_ends(const struct pv_socket *k)
{
	return !k->gone && !socket_is_listener(k) && k->remote.port != 0 &&
	       k->state != PV_STATE_TIME_WAIT && k->state != PV_STATE_SYN_RECV;
}

static void find_peers(struct pv_snapshot *s)
{
	struct u64map by_pair;
	size_t i;

	u64map_init(&by_pair, s->nsocks);
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (has_two_ends(k))
			u64map_put(&by_pair, pair_key(k->proto, &k->local, &k->remote), (uint32_t)i, NULL);
	}
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const uint32_t *other;

		k->has_peer = false;
		if (!has_two_ends(k))
			continue;
		/* The other end sees the same endpoints the other way round. */
		other = u64map_get(&by_pair, pair_key(k->proto, &k->remote, &k->local));
		if (!other || *other == i)
			continue;
		if (!endpoint_equal(&s->socks[*other].local, &k->remote) ||
		    !endpoint_equal(&s->socks[*other].remote, &k->local))
			continue;
		k->has_peer = true;
		k->peer = *other;
	}
	u64map_free(&by_pair);
}

/* Each SYN_RECV request counts against the listener it came to: same
 * local port and family, a listener address that is the wildcard or the
 * same; a connection with such a listener was accepted by it (the server
 * side of the pair). Listeners of a port are chained, so a SYN flood costs
 * one short walk per request. */
static void count_syn_recv(struct pv_snapshot *s)
{
	struct u64map first_listener;
	uint32_t *next = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	size_t i;

	u64map_init(&first_listener, 64);
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		uint32_t *head;
		int inserted;

		k->syn_recv = 0;
		k->flags &= (uint8_t)~PV_FLAG_SATURATED;
		if (k->gone || k->proto != IPPROTO_TCP || k->state != PV_STATE_LISTEN)
			continue;
		if (relations_queue_full(k))
			k->flags |= PV_FLAG_SATURATED;
		head = u64map_put(&first_listener, (uint64_t)k->local.port + 1, (uint32_t)i, &inserted);
		next[i] = inserted ? UINT32_MAX : *head;
		*head = (uint32_t)i;
	}
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *r = &s->socks[i];
		const uint32_t *head;

		s->socks[i].accepted = false;
		if (r->gone || r->proto != IPPROTO_TCP || socket_is_listener(r))
			continue;
		head = u64map_get(&first_listener, (uint64_t)r->local.port + 1);
		for (uint32_t j = head ? *head : UINT32_MAX; j != UINT32_MAX; j = next[j]) {
			struct pv_socket *l = &s->socks[j];

			if (l->family == r->family && addr_is_wildcard_or_equal(&l->local.addr, &r->local.addr)) {
				if (r->state == PV_STATE_SYN_RECV)
					l->syn_recv++;
				else
					s->socks[i].accepted = true;
				break;
			}
		}
	}
	u64map_free(&first_listener);
	free(next);
}

void relations_compute(struct pv_snapshot *s)
{
	find_peers(s);
	count_syn_recv(s);
}
