#include "config.h"

#include "relations.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "states.h"
#include "publish.h"
#include "u64map.h"
#include "xalloc.h"

bool relations_queue_full(const struct pv_socket *l)
{
	/* For a listener the kernel reports the accept queue as the receive
	 * queue and the backlog as the send queue; it refuses new connections
	 * once the queue is past the backlog, so at the backlog it is full. */
	return (l->proto == IPPROTO_TCP || l->proto == PV_PROTO_UNIX) && l->state == PV_STATE_LISTEN &&
	       l->wqueue > 0 && l->rqueue >= l->wqueue;
}

static uint64_t mix64(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return k;
}

static uint64_t endpoint_word(const struct pv_endpoint *e, int half)
{
	uint64_t w;

	memcpy(&w, e->addr.bytes + 8 * half, sizeof(w));
	return w;
}

/* A key for the ordered pair of endpoints (from, to) of protocol proto;
 * equal pairs give equal keys, others almost never (checked anyway). A
 * few multiplications: it runs twice per socket every refresh. */
static uint64_t pair_key(uint32_t netns, uint8_t proto, const struct pv_endpoint *from,
			 const struct pv_endpoint *to)
{
	uint64_t h = mix64(endpoint_word(from, 0) ^
			   ((uint64_t)from->port << 48 | (uint64_t)to->port << 32 | proto) ^ mix64(netns));

	h = mix64(h ^ endpoint_word(from, 1));
	h = mix64(h ^ endpoint_word(to, 0));
	h = mix64(h ^ endpoint_word(to, 1) ^ ((uint64_t)from->addr.family << 8 | to->addr.family));
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
	return !k->gone && !socket_is_unix(k) && !socket_is_listener(k) && k->remote.port != 0 &&
	       k->state != PV_STATE_TIME_WAIT && k->state != PV_STATE_SYN_RECV;
}

static void find_peers(struct pv_snapshot *s)
{
	struct u64map by_pair;
	uint64_t *back = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint64_t));
	size_t i, n = 0;

	u64map_init(&by_pair, s->nsocks);
	/* Keys first, so the map's slots can be fetched ahead of their use. */
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		back[i] = has_two_ends(k) ? pair_key(k->netns, k->proto, &k->remote, &k->local) : 0;
		n += back[i] != 0;
	}
	u64map_reserve(&by_pair, n);
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (back[i])
			u64map_put(&by_pair, pair_key(k->netns, k->proto, &k->local, &k->remote), (uint32_t)i,
				   NULL);
	}
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const uint32_t *other;

		if (i + U64MAP_PREFETCH_AHEAD < s->nsocks && back[i + U64MAP_PREFETCH_AHEAD])
			u64map_prefetch(&by_pair, back[i + U64MAP_PREFETCH_AHEAD]);
		if (!back[i])
			continue;
		/* The other end sees the same endpoints the other way round. */
		other = u64map_get(&by_pair, back[i]);
		if (!other || *other == i)
			continue;
		/* Loopback addresses repeat in every namespace. */
		if (s->socks[*other].netns != k->netns ||
		    !endpoint_equal(&s->socks[*other].local, &k->remote) ||
		    !endpoint_equal(&s->socks[*other].remote, &k->local))
			continue;
		k->has_peer = true;
		k->peer = *other;
	}
	u64map_free(&by_pair);
	free(back);
}

/* UNIX sockets name their other end by inode: each end of a connection
 * (and of a socketpair) reports the other's. The server's end of an
 * accepted connection carries the name of the listener it came from;
 * the client's end is usually unnamed. */
static void find_unix_peers(struct pv_snapshot *s)
{
	struct u64map by_inode, listener_names;
	size_t i;

	u64map_init(&by_inode, 64);
	u64map_init(&listener_names, 16);
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (k->gone || !socket_is_unix(k))
			continue;
		u64map_put(&by_inode, k->inode, (uint32_t)i, NULL);
		if (k->state == PV_STATE_LISTEN && k->path_len)
			u64map_put(&listener_names, socket_name_hash(k) ^ k->netns, (uint32_t)i, NULL);
	}
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const uint32_t *other, *listener;

		if (k->gone || !socket_is_unix(k))
			continue;
		if (k->path_len && k->state != PV_STATE_LISTEN) {
			listener = u64map_get(&listener_names, socket_name_hash(k) ^ k->netns);
			k->accepted = listener && s->socks[*listener].netns == k->netns &&
				      socket_same_name(&s->socks[*listener], k);
		}
		if (!k->peer_inode)
			continue;
		other = u64map_get(&by_inode, k->peer_inode);
		if (!other || *other == i)
			continue;
		k->has_peer = true;
		k->peer = *other;
	}
	/* A client whose connection waits in a listener's queue has no
	 * socket at the other end yet: the listener stands for it. */
	for (const struct pv_unix_queue *q = s->unix_queues; q; q = q->next) {
		const uint32_t *listener = u64map_get(&by_inode, q->listener_inode);

		for (uint32_t c = 0; listener && c < q->count; c++) {
			const uint32_t *client = u64map_get(&by_inode, q->clients[c]);

			if (client && !s->socks[*client].has_peer) {
				s->socks[*client].has_peer = true;
				s->socks[*client].peer_queued = true;
				s->socks[*client].peer = *listener;
			}
		}
	}
	u64map_free(&by_inode);
	u64map_free(&listener_names);
}

/* Each SYN_RECV request counts against the listener it came to: same
 * local port and family, a listener address that is the wildcard or the
 * same; a connection with such a listener was accepted by it (the server
 * side of the pair). Listeners of a port are chained, so a SYN flood costs
 * one short walk per request. The first pass also clears what the other
 * steps derive, and counts what decides whether they are needed: a
 * refresh of tens of thousands of sockets pays for every pass. */
struct census {
	size_t unix_sockets, time_wait;
};

/* What both ways of filling relations do first for each socket: clear
 * the flags they own, flag a full accept queue, count for the census. */
static void relations_begin(struct pv_socket *k, struct census *census)
{
	k->flags &= (uint8_t) ~(PV_FLAG_SATURATED | PV_FLAG_TIME_WAIT);
	if (!k->gone && relations_queue_full(k))
		k->flags |= PV_FLAG_SATURATED;
	census->unix_sockets += socket_is_unix(k);
	census->time_wait += k->state == PV_STATE_TIME_WAIT && k->proto == IPPROTO_TCP;
}

/* A port in one namespace: where a listener's connections are. */
static uint64_t listener_port_key(const struct pv_socket *k)
{
	return ((uint64_t)k->netns << 16 | k->local.port) + 1;
}

static struct census count_syn_recv(struct pv_snapshot *s)
{
	struct census census = { 0, 0 };
	struct u64map first_listener;
	uint32_t *next = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	size_t i;

	u64map_init(&first_listener, 64);
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		uint32_t *head;
		int inserted;

		k->syn_recv = 0;
		k->time_wait = 0;
		k->has_peer = false;
		k->peer_queued = false;
		k->accepted = false;
		relations_begin(k, &census);
		if (k->gone || k->proto != IPPROTO_TCP || k->state != PV_STATE_LISTEN)
			continue;
		head = u64map_put(&first_listener, listener_port_key(k), (uint32_t)i, &inserted);
		next[i] = inserted ? UINT32_MAX : *head;
		*head = (uint32_t)i;
	}
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *r = &s->socks[i];
		const uint32_t *head;

		if (r->gone || r->proto != IPPROTO_TCP || socket_is_listener(r))
			continue;
		head = u64map_get(&first_listener, listener_port_key(r));
		for (uint32_t j = head ? *head : UINT32_MAX; j != UINT32_MAX; j = next[j]) {
			struct pv_socket *l = &s->socks[j];

			if (l->family == r->family && l->netns == r->netns &&
			    addr_is_wildcard_or_equal(&l->local.addr, &r->local.addr)) {
				if (r->state == PV_STATE_SYN_RECV)
					l->syn_recv++;
				else
					s->socks[i].accepted = true;
				if (r->state == PV_STATE_TIME_WAIT)
					l->time_wait++;
				break;
			}
		}
	}
	u64map_free(&first_listener);
	free(next);
	return census;
}

/* The port a listener serves, with its family: a key for the server's
 * TIME_WAIT sockets of that port. */
static uint64_t server_port_key(const struct pv_socket *k)
{
	return ((uint64_t)k->netns << 24 | (uint64_t)k->family << 16 | k->local.port) + 1;
}

/* TIME_WAIT piles up where one side closes connection after connection:
 * on a server's port (it closes first; count_syn_recv counted those on
 * the listeners), or towards one remote endpoint (a client that does).
 * Each pile of RELATIONS_TIME_WAIT_MANY or more is flagged on its
 * sockets and, for a server's port, on the listener. */
static void flag_time_wait_piles(struct pv_snapshot *s)
{
	struct u64map per_remote, flagged_ports;
	size_t i;

	u64map_init(&per_remote, 64);
	u64map_init(&flagged_ports, 16);
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		int inserted;

		if (k->gone || k->proto != IPPROTO_TCP)
			continue;
		if (k->state == PV_STATE_LISTEN && k->time_wait >= RELATIONS_TIME_WAIT_MANY) {
			k->flags |= PV_FLAG_TIME_WAIT;
			u64map_put(&flagged_ports, server_port_key(k), 1, NULL);
		}
		if (k->state == PV_STATE_TIME_WAIT && !k->accepted)
			(*u64map_put(&per_remote, pair_key(k->netns, IPPROTO_TCP, &k->remote, &k->remote), 0,
				     &inserted))++;
	}
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const uint32_t *n;

		if (k->gone || k->proto != IPPROTO_TCP || k->state != PV_STATE_TIME_WAIT)
			continue;
		if (k->accepted)
			n = u64map_get(&flagged_ports, server_port_key(k));
		else
			n = u64map_get(&per_remote, pair_key(k->netns, IPPROTO_TCP, &k->remote, &k->remote));
		if (n && (k->accepted || *n >= RELATIONS_TIME_WAIT_MANY))
			k->flags |= PV_FLAG_TIME_WAIT;
	}
	u64map_free(&per_remote);
	u64map_free(&flagged_ports);
}

/* When s holds prev's live sockets (prev may end in tombstones), in the
 * same order, each in the same state between the same endpoints, every
 * relation between IP sockets (peers, accepted connections, SYN_RECV and
 * TIME_WAIT counts) is what it was: on an unchanged host, most refreshes.
 * Then this takes them from prev, decides saturation (which follows the
 * queues) afresh, fills *census and returns true; UNIX relations are left
 * to find_unix_peers. It compares and copies in one pass: on the first
 * difference it returns false, and count_syn_recv and find_peers redo
 * every field it may have written. */
static bool copy_relations(struct pv_snapshot *s, const struct pv_snapshot *prev, struct census *census)
{
	if (!prev || prev->nsocks < s->nsocks || (prev->nsocks > s->nsocks && !prev->socks[s->nsocks].gone))
		return false;
	for (size_t i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const struct pv_socket *was = &prev->socks[i];
		bool ip = !socket_is_unix(k);

		if (k->cookie != was->cookie || k->state != was->state || was->gone || k->gone ||
		    !endpoint_equal(&k->local, &was->local) || !endpoint_equal(&k->remote, &was->remote))
			return false;
		k->syn_recv = was->syn_recv;
		k->time_wait = was->time_wait;
		k->has_peer = ip && was->has_peer;
		k->peer_queued = false;
		k->peer = ip ? was->peer : 0;
		k->accepted = ip && was->accepted;
		relations_begin(k, census);
	}
	return true;
}

/* How many listeners and connections each process holds. */
static void count_process_roles(struct pv_snapshot *s)
{
	for (size_t p = 0; p < s->nprocs; p++)
		s->procs[p].listen_count = s->procs[p].conn_count = 0;
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];
		bool listener = socket_is_listener(k);

		if (k->gone)
			continue;
		for (uint32_t o = 0; o < k->owner_count; o++) {
			struct pv_process *p = &s->procs[s->owner_refs[k->owner_first + o]];

			if (listener)
				p->listen_count++;
			else
				p->conn_count++;
		}
	}
}

/* Which end of each connection serves: the end a listener accepted (UNIX
 * too), and its peer the client; else, for TCP and UDP, by ports: the end on a fixed
 * port talking to an ephemeral one, for the kernel hands clients ports
 * from its namespace's ephemeral range (the far host's range is taken
 * to be the same: the defaults are alike). */
static void assign_sides(struct pv_snapshot *s)
{
	const struct pv_port_rules *rules = NULL;
	uint32_t rules_netns = 0;

	for (size_t i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		bool local_ephemeral, remote_ephemeral;

		k->side = PV_SIDE_UNKNOWN;
		if (socket_is_listener(k))
			continue;
		if (k->accepted) {
			k->side = PV_SIDE_SERVER;
			continue;
		}
		if (k->has_peer && k->peer < s->nsocks && s->socks[k->peer].accepted) {
			k->side = PV_SIDE_CLIENT;
			continue;
		}
		if (socket_is_unix(k) || k->remote.port == 0)
			continue;
		if (!rules || k->netns != rules_netns) {
			rules = snapshot_port_rules(s, k->netns);
			rules_netns = k->netns;
		}
		local_ephemeral = ports_ephemeral(rules, k->local.port);
		remote_ephemeral = ports_ephemeral(rules, k->remote.port);
		if (local_ephemeral != remote_ephemeral)
			k->side = remote_ephemeral ? PV_SIDE_SERVER : PV_SIDE_CLIENT;
	}
}

void relations_compute(struct pv_snapshot *s, const struct pv_snapshot *prev, bool peers)
{
	struct census census = { 0, 0 };
	bool reuse = copy_relations(s, prev, &census);

	if (!reuse)
		census = count_syn_recv(s);
	if (peers) {
		if (!reuse)
			find_peers(s);
		if (census.unix_sockets)
			find_unix_peers(s);
	}
	if (census.time_wait >= RELATIONS_TIME_WAIT_MANY)
		flag_time_wait_piles(s);
	assign_sides(s);
	count_process_roles(s);
	publish_link(s);
}
