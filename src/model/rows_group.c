#include "config.h"

#include "rows_group.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "compare.h"
#include "states.h"
#include "xalloc.h"

uint32_t builder_group(struct builder *b, const struct pv_group *g, struct u64map *index, uint64_t key)
{
	int inserted;
	uint32_t *slot = u64map_put(index, key, (uint32_t)b->out->ngroups, &inserted);

	if (!inserted)
		return *slot;
	if (b->out->ngroups == b->groups_cap) {
		b->groups_cap = b->groups_cap ? b->groups_cap * 2 : 32;
		b->out->groups = xreallocarray(b->out->groups, b->groups_cap, sizeof(*b->out->groups));
	}
	b->out->groups[b->out->ngroups] = *g;
	return (uint32_t)b->out->ngroups++;
}

void builder_row(struct builder *b, enum row_kind kind, uint8_t depth, uint32_t index)
{
	if (b->out->nrows == b->rows_cap) {
		b->rows_cap = b->rows_cap ? b->rows_cap * 2 : 256;
		b->out->rows = xreallocarray(b->out->rows, b->rows_cap, sizeof(*b->out->rows));
	}
	b->out->rows[b->out->nrows].kind = (uint8_t)kind;
	b->out->rows[b->out->nrows].depth = depth;
	b->out->rows[b->out->nrows].index = index;
	b->out->nrows++;
}

static bool owners_intersect(const struct pv_snapshot *s, const struct pv_socket *a,
			     const struct pv_socket *b)
{
	uint32_t i, j;

	for (i = 0; i < a->owner_count; i++)
		for (j = 0; j < b->owner_count; j++)
			if (s->owner_refs[a->owner_first + i] == s->owner_refs[b->owner_first + j])
				return true;
	return false;
}

/* Adds socket k's queues, rates and flags to its group's totals. */
void group_add_traffic(struct pv_group *g, const struct pv_socket *k)
{
	g->queue_sum += (uint64_t)k->rqueue + k->wqueue;
	if (k->has_rate) {
		g->has_rate = true;
		g->rate_in += k->rate_in;
		g->rate_out += k->rate_out;
	}
	g->flagged += k->flags != 0 && !k->gone;
}

void rows_update_traffic(struct pv_rows *r, const struct pv_snapshot *s)
{
	struct pv_group *g = NULL;
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		r->groups[i].has_rate = false;
		r->groups[i].rate_in = r->groups[i].rate_out = 0;
		r->groups[i].flagged = 0;
		r->groups[i].queue_sum = 0;
	}
	rows_update_piles(r, s);
	/* Every socket row belongs to the group row above it. */
	for (i = 0; i < r->nrows; i++) {
		if (r->rows[i].kind == ROW_GROUP)
			g = &r->groups[r->rows[i].index];
		else if (g && r->rows[i].kind == ROW_SOCKET)
			group_add_traffic(g, &s->socks[r->rows[i].index]);
	}
}

static uint64_t port_key(uint8_t proto, uint16_t port)
{
	return ((uint64_t)proto << 16 | port) + 1;
}

/* What a listener listens on, as a key below 2^48: the protocol and port,
 * or a UNIX socket's name, hashed (bit 46 keeps names apart from ports;
 * callers compare names where a collision would matter). */
uint64_t listen_key(const struct pv_socket *k)
{
	if (socket_is_unix(k))
		return (socket_name_hash(k) & ((1ull << 45) - 1)) | (1ull << 46);
	return port_key(k->proto, k->local.port);
}

/* True when connection c can have come from listener l. */
static bool listener_accepts(const struct pv_socket *l, const struct pv_socket *c)
{
	/* A port is open in one namespace; the same port in another is
	 * another listener's. */
	if (l->netns != c->netns)
		return false;
	if (socket_is_unix(c))
		return socket_is_unix(l) && l->state == PV_STATE_LISTEN && socket_same_name(l, c);
	/* An accepted socket has its listener's family. */
	return l->family == c->family && addr_is_wildcard_or_equal(&l->local.addr, &c->local.addr);
}

/* Attaches each selected TCP or UNIX connection to the selected listener
 * it was accepted from: same family and local port, a listener address
 * that is the wildcard or the same (UNIX: the same name), and, when require_shared_owner is set, a shared owner (or no
 * owner at all, as in TIME_WAIT). */
void builder_find_parents(struct builder *b, bool require_shared_owner)
{
	const struct pv_snapshot *s = b->s;
	struct pv_rows *r = b->out;
	struct u64map first_listener;
	uint32_t *next_listener = xmalloc(s->nsocks ? s->nsocks * sizeof(uint32_t) : 1);
	size_t i;

	u64map_init(&first_listener, 64);
	/* Chain the listeners of each (proto, port), in reverse selection order. */
	for (i = 0; i < r->nselected; i++) {
		uint32_t k = r->selected[i];
		const struct pv_socket *l = &s->socks[k];
		int inserted;
		uint32_t *head;

		b->parent[k] = -1;
		if (!socket_is_listener(l))
			continue;
		head = u64map_put(&first_listener, listen_key(l), k, &inserted);
		next_listener[k] = inserted ? UINT32_MAX : *head;
		*head = k;
	}
	for (i = 0; i < r->nselected; i++) {
		uint32_t k = r->selected[i], *head;
		const struct pv_socket *c = &s->socks[k];

		if (socket_is_listener(c) || c->proto == IPPROTO_UDP || (socket_is_unix(c) && !c->path_len))
			continue;
		head = u64map_get(&first_listener, listen_key(c));
		for (uint32_t l = head ? *head : UINT32_MAX; l != UINT32_MAX; l = next_listener[l]) {
			const struct pv_socket *ls = &s->socks[l];

			if (!listener_accepts(ls, c))
				continue;
			if (require_shared_owner && c->owner_count && !owners_intersect(s, c, ls))
				continue;
			b->parent[k] = (int32_t)l;
			break;
		}
	}
	u64map_free(&first_listener);
	free(next_listener);
}

static uint64_t group_key(enum group_kind kind, uint64_t value)
{
	return ((uint64_t)kind << 48 | value) + 1;
}

uint32_t builder_owner_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			     uint32_t sock)
{
	struct pv_group g = { .proc = -1, .first_socket = sock };
	int32_t owner = rows_primary_owner(b->s, k);

	if (owner >= 0) {
		/* Most sockets land here: an array, not the map, remembers them. */
		if (b->group_of_proc[owner] == UINT32_MAX) {
			g.kind = GK_PROCESS;
			g.proc = owner;
			b->group_of_proc[owner] =
				builder_group(b, &g, index, group_key(GK_PROCESS, (uint64_t)owner));
		}
		return b->group_of_proc[owner];
	}
	if (k->owner_status == PV_OWNER_HIDDEN) {
		g.kind = GK_HIDDEN;
		g.uid = k->uid;
		return builder_group(b, &g, index, group_key(GK_HIDDEN, k->uid));
	}
	g.kind = GK_NOPROC;
	return builder_group(b, &g, index, group_key(GK_NOPROC, 0));
}

uint32_t builder_netns_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			     uint32_t sock)
{
	struct pv_group g = { .kind = GK_NETNS, .proc = -1, .netns = k->netns, .first_socket = sock };

	return builder_group(b, &g, index, group_key(GK_NETNS, k->netns));
}

uint32_t builder_host_group(struct builder *b, struct u64map *index, const struct pv_socket *k, uint32_t sock)
{
	struct pv_group g = { .kind = GK_HOST, .proc = -1, .host = k->host, .first_socket = sock };

	return builder_group(b, &g, index, group_key(GK_HOST, k->host));
}

static uint64_t endpoint_hash(const struct pv_endpoint *e)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < sizeof(e->addr.bytes); i++)
		h = (h ^ e->addr.bytes[i]) * 1099511628211ULL;
	h = (h ^ e->addr.family) * 1099511628211ULL;
	return (h ^ e->port) * 1099511628211ULL;
}

/* The socket whose name stands for the far end of UNIX socket k: the one
 * it is connected to, when that has a name. UINT32_MAX when none does. */
static uint32_t unix_far_name(const struct pv_snapshot *s, const struct pv_socket *k)
{
	if (k->has_peer && k->peer < s->nsocks && s->socks[k->peer].path_len)
		return k->peer;
	return UINT32_MAX;
}

static bool remote_group_is(const struct pv_snapshot *s, const struct pv_group *g, const struct pv_socket *k,
			    uint32_t named)
{
	if ((g->proto == PV_PROTO_UNIX) != socket_is_unix(k))
		return false;
	if (!socket_is_unix(k))
		return cmp_endpoint(&g->remote, &k->remote) == 0;
	if (g->named == UINT32_MAX || named == UINT32_MAX)
		return g->named == named;
	return socket_same_name(&s->socks[g->named], &s->socks[named]);
}

/* Connections grouped by what they talk to: the remote endpoint, or for
 * UNIX sockets the name of the other end (unnamed ends share a group).
 * Neither fits a 64-bit key: hash them and step past the rare collision
 * by comparing what the group stands for. */
uint32_t builder_remote_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			      uint32_t sock)
{
	struct pv_group g = { .kind = GK_REMOTE,
			      .proc = -1,
			      .proto = k->proto,
			      .remote = k->remote,
			      .first_socket = sock,
			      .named = UINT32_MAX };
	uint64_t key;

	if (socket_is_unix(k)) {
		g.named = unix_far_name(b->s, k);
		key = g.named == UINT32_MAX ? 1 : socket_name_hash(&b->s->socks[g.named]);
	} else {
		key = endpoint_hash(&k->remote) | 1;
	}
	for (;; key += 2) {
		uint32_t *slot = u64map_get(index, key);

		if (!slot || remote_group_is(b->s, &b->out->groups[*slot], k, g.named))
			return builder_group(b, &g, index, key);
	}
}

/* A listening port's group; UNIX names share a group only when equal,
 * so a rare collision of their hashes steps to the next key. */
uint32_t builder_port_group(struct builder *b, struct u64map *index, const struct pv_group *g)
{
	const struct pv_socket *l = &b->s->socks[g->first_socket];
	uint64_t key = group_key(GK_PORT, listen_key(l));

	for (;; key += 2) {
		uint32_t *slot = u64map_get(index, key);

		if (!slot || !socket_is_unix(l) ||
		    socket_same_name(&b->s->socks[b->out->groups[*slot].first_socket], l))
			return builder_group(b, g, index, key);
	}
}
