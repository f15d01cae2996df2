#include "config.h"

#include "rows.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "columns.h"
#include "compare.h"
#include "states.h"
#include "u64map.h"
#include "xalloc.h"

static const char *const group_mode_names[] = {
	[GROUP_PROCESS] = "process", [GROUP_PORT] = "port", [GROUP_NONE] = "none",
};

int group_mode_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(group_mode_names) / sizeof(group_mode_names[0]); i++)
		if (strcmp(name, group_mode_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *group_mode_name(enum group_mode mode)
{
	return group_mode_names[mode];
}

void rows_free(struct pv_rows *r)
{
	free(r->groups);
	free(r->rows);
	free(r->selected);
	memset(r, 0, sizeof(*r));
}

int32_t rows_primary_owner(const struct pv_snapshot *s, const struct pv_socket *k)
{
	int32_t best = -1;
	uint32_t i;

	for (i = 0; i < k->owner_count; i++) {
		int32_t p = (int32_t)s->owner_refs[k->owner_first + i];
		const struct pv_process *a = &s->procs[p];

		if (best < 0 || a->start_time < s->procs[best].start_time ||
		    (a->start_time == s->procs[best].start_time && a->pid < s->procs[best].pid))
			best = p;
	}
	return best;
}

/* ---- ordering ---- */

/* Integer keys that order sockets as cmp_natural does, in most cases
 * alone: comparing two numbers is far cheaper than the full comparison,
 * which is left for ties. */
struct natural_key {
	uint64_t k1, k2;
};

struct sort_ctx {
	const struct natural_key *keys;   /* by socket index; NULL unless natural order */
	const struct pv_snapshot *s;
	const struct pv_group *groups;
	struct rows_order order;
	const uint32_t *rank;        /* group index -> position */
	const uint32_t *pos;         /* socket index -> position in socket order */
};

/* Natural order: protocol, local port, local address, family, remote;
 * UNIX sockets by name. */
static int cmp_natural(const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_u32(proto_rank(a->proto), proto_rank(b->proto));

	if (!c && socket_is_unix(a)) c = cmp_name(a, b);
	if (!c) c = cmp_u32(a->local.port, b->local.port);
	if (!c) c = cmp_endpoint(&a->local, &b->local);
	if (!c) c = cmp_u32(a->family, b->family);
	if (!c) c = cmp_endpoint(&a->remote, &b->remote);
	if (!c) c = cmp_u32(a->state, b->state);
	if (!c) c = a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
	return c;
}

static int cmp_socket(const struct sort_ctx *ctx, const struct pv_socket *a, const struct pv_socket *b)
{
	int c = ctx->order.column >= 0 ? columns[ctx->order.column].compare(ctx->s, a, b) : 0;

	if (!c)
		c = cmp_natural(a, b);
	return ctx->order.reverse ? -c : c;
}

/* memcmp of two addresses' bytes, as two big-endian 64-bit words. */
static int cmp_addr_bytes(const struct pv_addr *a, const struct pv_addr *b)
{
	uint64_t x[2], y[2];
	int i;

	memcpy(x, a->bytes, 16);
	memcpy(y, b->bytes, 16);
	for (i = 0; i < 2; i++) {
		if (x[i] != y[i])
			return __builtin_bswap64(x[i]) < __builtin_bswap64(y[i]) ? -1 : 1;
	}
	return 0;
}

static uint32_t addr_prefix32(const struct pv_addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 | (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

/* k1: protocol rank (TCP, UDP, UNIX), local port, local address family
 * and its first four bytes; for UNIX sockets the first bytes of the name.
 * k2, which only counts once the whole local addresses are equal: socket
 * family, remote family, the remote address's first four bytes and, for
 * IPv4 where those are the whole address, the remote port. Equal keys
 * fall back to cmp_natural. */
static struct natural_key natural_key_of(const struct pv_socket *k)
{
	struct natural_key key;
	bool remote_v4 = k->remote.addr.family == 2;

	if (socket_is_unix(k)) {
		unsigned char head[8] = { 0 };
		uint64_t word;

		if (k->path_len)
			memcpy(head, k->path, k->path_len < 8 ? k->path_len : 8);
		memcpy(&word, head, sizeof(word));
		key.k1 = (uint64_t)2 << 62 | __builtin_bswap64(word) >> 2;
		key.k2 = 0;
		return key;
	}
	key.k1 = (uint64_t)proto_rank(k->proto) << 62 | (uint64_t)k->local.port << 46 |
		 (uint64_t)(k->local.addr.family != 2) << 45 | (uint64_t)addr_prefix32(&k->local.addr) << 13;
	key.k2 = (uint64_t)(k->family != 2) << 63 | (uint64_t)!remote_v4 << 62 |
		 (uint64_t)addr_prefix32(&k->remote.addr) << 30 |
		 (remote_v4 ? (uint64_t)k->remote.port << 14 : 0);
	return key;
}

static int cmp_socket_idx(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (ctx->keys) {
		const struct natural_key *ka = &ctx->keys[a], *kb = &ctx->keys[b];
		int c = 0;

		if (ka->k1 != kb->k1)
			c = ka->k1 < kb->k1 ? -1 : 1;
		else if ((c = cmp_addr_bytes(&ctx->s->socks[a].local.addr, &ctx->s->socks[b].local.addr)) != 0)
			;
		else if (ka->k2 != kb->k2)
			c = ka->k2 < kb->k2 ? -1 : 1;
		if (c)
			return ctx->order.reverse ? -c : c;
	}
	return cmp_socket(ctx, &ctx->s->socks[a], &ctx->s->socks[b]);
}

/* Groups keep their kinds apart (processes, hidden owners, no owner; ports,
 * then remote endpoints). By default servers come before clients, by name;
 * with a sort column, groups follow their aggregate: the queue sum for the
 * queue columns, otherwise their first socket in that order. */
static int cmp_group(const struct sort_ctx *ctx, const struct pv_group *a, const struct pv_group *b)
{
	const struct pv_snapshot *s = ctx->s;
	int c = cmp_u32(a->kind, b->kind);

	if (c)
		return c;
	switch (ctx->order.column < 0 ? GROUPS_BY_NAME : columns[ctx->order.column].group_order) {
	case GROUPS_BY_NAME:
		break;
	case GROUPS_BY_QUEUES:
		c = -cmp_u64(a->queue_sum, b->queue_sum);
		if (c)
			return ctx->order.reverse ? -c : c;
		break;
	case GROUPS_BY_RATE_IN:
	case GROUPS_BY_RATE_OUT: {
		bool in = columns[ctx->order.column].group_order == GROUPS_BY_RATE_IN;

		/* Busiest service first. */
		c = -cmp_double(in ? a->rate_in : a->rate_out, in ? b->rate_in : b->rate_out);
		if (c)
			return ctx->order.reverse ? -c : c;
		break;
	}
	case GROUPS_BY_FIRST_SOCKET:
		return cmp_u32(ctx->pos[a->first_socket], ctx->pos[b->first_socket]);
	}
	switch (a->kind) {
	case GK_PROCESS: {
		const struct pv_process *pa = &s->procs[a->proc], *pb = &s->procs[b->proc];

		c = cmp_u32(a->listeners == 0, b->listeners == 0);
		if (!c) c = strcmp(pa->comm, pb->comm);
		if (!c) c = cmp_u32((uint32_t)pa->pid, (uint32_t)pb->pid);
		break;
	}
	case GK_HIDDEN:
		c = cmp_u32(a->uid, b->uid);
		break;
	case GK_PORT:
		c = cmp_u32(a->proto, b->proto);
		if (!c) c = cmp_u32(a->port, b->port);
		if (!c && a->proto == PV_PROTO_UNIX)
			c = cmp_name(&s->socks[a->first_socket], &s->socks[b->first_socket]);
		break;
	case GK_REMOTE:
		/* IP endpoints, then UNIX names, unnamed last. */
		c = cmp_u32(a->proto == PV_PROTO_UNIX, b->proto == PV_PROTO_UNIX);
		if (!c && a->proto != PV_PROTO_UNIX)
			c = cmp_endpoint(&a->remote, &b->remote);
		else if (!c)
			c = cmp_u32(a->named == UINT32_MAX, b->named == UINT32_MAX);
		if (!c && a->proto == PV_PROTO_UNIX && a->named != UINT32_MAX)
			c = cmp_name(&s->socks[a->named], &s->socks[b->named]);
		break;
	case GK_NOPROC:
		break;
	}
	return ctx->order.reverse ? -c : c;
}

static int cmp_group_idx(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;

	return cmp_group(ctx, &ctx->groups[*(const uint32_t *)x], &ctx->groups[*(const uint32_t *)y]);
}

/* ---- building ---- */

struct builder {
	const struct pv_snapshot *s;
	struct pv_rows *out;
	size_t groups_cap, rows_cap;
	uint32_t *group_of_proc;     /* process index -> its group, UINT32_MAX before */
	int32_t *parent;         /* socket index -> listener socket index, or -1 */
};

static uint32_t builder_group(struct builder *b, const struct pv_group *g, struct u64map *index,
			      uint64_t key)
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

static void builder_row(struct builder *b, enum row_kind kind, uint8_t depth, uint32_t index)
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
static void group_add_traffic(struct pv_group *g, const struct pv_socket *k)
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
	/* Every socket row belongs to the group row above it. */
	for (i = 0; i < r->nrows; i++) {
		if (r->rows[i].kind == ROW_GROUP)
			g = &r->groups[r->rows[i].index];
		else if (g)
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
static uint64_t listen_key(const struct pv_socket *k)
{
	if (socket_is_unix(k))
		return (socket_name_hash(k) & ((1ull << 45) - 1)) | (1ull << 46);
	return port_key(k->proto, k->local.port);
}

/* True when connection c can have come from listener l. */
static bool listener_accepts(const struct pv_socket *l, const struct pv_socket *c)
{
	if (socket_is_unix(c))
		return socket_is_unix(l) && l->state == PV_STATE_LISTEN && socket_same_name(l, c);
	/* An accepted socket has its listener's family. */
	return l->family == c->family && addr_is_wildcard_or_equal(&l->local.addr, &c->local.addr);
}

/* Attaches each selected TCP or UNIX connection to the selected listener
 * it was accepted from: same family and local port, a listener address
 * that is the wildcard or the same (UNIX: the same name), and, when require_shared_owner is set, a shared owner (or no
 * owner at all, as in TIME_WAIT). */
static void builder_find_parents(struct builder *b, bool require_shared_owner)
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

/* ---- group keys ---- */

static uint64_t group_key(enum group_kind kind, uint64_t value)
{
	return ((uint64_t)kind << 48 | value) + 1;
}

static uint32_t builder_owner_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
				   uint32_t sock)
{
	struct pv_group g = { .proc = -1, .first_socket = sock };
	int32_t owner = rows_primary_owner(b->s, k);

	if (owner >= 0) {
		/* Most sockets land here: an array, not the map, remembers them. */
		if (b->group_of_proc[owner] == UINT32_MAX) {
			g.kind = GK_PROCESS;
			g.proc = owner;
			b->group_of_proc[owner] = builder_group(b, &g, index, group_key(GK_PROCESS, (uint64_t)owner));
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
static uint32_t builder_remote_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
				    uint32_t sock)
{
	struct pv_group g = { .kind = GK_REMOTE, .proc = -1, .proto = k->proto, .remote = k->remote,
			      .first_socket = sock, .named = UINT32_MAX };
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
static uint32_t builder_port_group(struct builder *b, struct u64map *index, const struct pv_group *g)
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

/* ---- emission ---- */

struct top_entry {
	uint32_t sock;
	uint32_t group;
};

/* Top-level sockets: by group, listeners first, then in socket order. */
static int cmp_top(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct top_entry *a = x, *b = y;
	const struct pv_socket *sa = &ctx->s->socks[a->sock], *sb = &ctx->s->socks[b->sock];
	int c = cmp_u32(ctx->rank[a->group], ctx->rank[b->group]);

	if (!c) c = cmp_u32(!socket_is_listener(sa), !socket_is_listener(sb));
	if (!c) c = cmp_u32(ctx->pos[a->sock], ctx->pos[b->sock]);
	return c;
}

/* Allocates an array of n elements of size bytes, at least one. */
static void *rows_alloc(size_t n, size_t size)
{
	return xmalloc((n ? n : 1) * size);
}

void rows_build(struct pv_rows *out, const struct pv_snapshot *s, const struct pv_filter *f,
		enum group_mode mode, struct rows_order order)
{
	struct builder b = { .s = s, .out = out };
	struct sort_ctx ctx = { .s = s, .order = order };
	struct u64map index;
	struct top_entry *top;
	size_t ntop = 0, i;
	uint32_t *child_head, *child_next, *group_order, *rank, *pos;
	struct natural_key *keys = NULL;

	rows_free(out);
	out->selected = rows_alloc(s->nsocks, sizeof(uint32_t));
	if (order.column < 0)
		keys = rows_alloc(s->nsocks, sizeof(*keys));
	for (i = 0; i < s->nsocks; i++) {
		if (!filter_match(f, s, &s->socks[i]))
			continue;
		out->selected[out->nselected++] = (uint32_t)i;
		if (keys)
			keys[i] = natural_key_of(&s->socks[i]);
	}
	ctx.keys = keys;
	qsort_r(out->selected, out->nselected, sizeof(uint32_t), cmp_socket_idx, &ctx);
	ctx.keys = NULL;
	free(keys);

	if (mode == GROUP_NONE) {
		for (i = 0; i < out->nselected; i++)
			builder_row(&b, ROW_SOCKET, 0, out->selected[i]);
		return;
	}

	b.parent = rows_alloc(s->nsocks, sizeof(int32_t));
	pos = rows_alloc(s->nsocks, sizeof(uint32_t));
	child_head = rows_alloc(s->nsocks, sizeof(uint32_t));
	child_next = rows_alloc(s->nsocks, sizeof(uint32_t));
	top = rows_alloc(out->nselected, sizeof(*top));
	builder_find_parents(&b, mode == GROUP_PROCESS);
	u64map_init(&index, 64);
	b.group_of_proc = rows_alloc(s->nprocs, sizeof(uint32_t));
	for (i = 0; i < s->nprocs; i++)
		b.group_of_proc[i] = UINT32_MAX;
	ctx.pos = pos;

	/* Children are chained under their listener in socket order. */
	for (i = 0; i < out->nselected; i++) {
		uint32_t k = out->selected[i];

		pos[k] = (uint32_t)i;
		child_head[k] = UINT32_MAX;
	}
	for (i = out->nselected; i-- > 0;) {
		uint32_t k = out->selected[i];
		int32_t p = b.parent[k];

		if (p >= 0) {
			child_next[k] = child_head[p];
			child_head[p] = k;
		}
	}
	for (i = 0; i < out->nselected; i++) {
		uint32_t k = out->selected[i];
		const struct pv_socket *sk = &s->socks[k];
		uint32_t g;

		if (b.parent[k] >= 0)
			continue;
		if (mode == GROUP_PORT && socket_is_listener(sk)) {
			struct pv_group pg = { .kind = GK_PORT, .proc = -1, .proto = sk->proto,
					       .port = sk->local.port, .first_socket = k };

			g = builder_port_group(&b, &index, &pg);
		} else if (mode == GROUP_PORT) {
			g = builder_remote_group(&b, &index, sk, k);
		} else {
			g = builder_owner_group(&b, &index, sk, k);
		}
		top[ntop].sock = k;
		top[ntop].group = g;
		ntop++;
	}
	/* Counts and sums, now that groups are stable. */
	for (i = 0; i < ntop; i++) {
		struct pv_group *g = &out->groups[top[i].group];
		const struct pv_socket *sk = &s->socks[top[i].sock];

		group_add_traffic(g, sk);
		if (!socket_is_listener(sk)) {
			g->connections++;
			continue;
		}
		g->listeners++;
		if (socket_has_accept_queue(sk)) {
			g->accept_queue += sk->rqueue;
			g->backlog += sk->wqueue;
			g->syn_recv += sk->syn_recv;
			g->time_wait += sk->time_wait;
		}
		for (uint32_t c = child_head[top[i].sock]; c != UINT32_MAX; c = child_next[c]) {
			g->connections++;
			group_add_traffic(g, &s->socks[c]);
		}
	}

	group_order = rows_alloc(out->ngroups, sizeof(uint32_t));
	rank = rows_alloc(out->ngroups, sizeof(uint32_t));
	for (i = 0; i < out->ngroups; i++)
		group_order[i] = (uint32_t)i;
	ctx.groups = out->groups;
	qsort_r(group_order, out->ngroups, sizeof(uint32_t), cmp_group_idx, &ctx);
	for (i = 0; i < out->ngroups; i++)
		rank[group_order[i]] = (uint32_t)i;
	ctx.rank = rank;
	qsort_r(top, ntop, sizeof(*top), cmp_top, &ctx);

	for (i = 0; i < ntop; i++) {
		uint32_t k = top[i].sock;

		if (i == 0 || top[i].group != top[i - 1].group)
			builder_row(&b, ROW_GROUP, 0, top[i].group);
		builder_row(&b, ROW_SOCKET, 1, k);
		for (uint32_t c = child_head[k]; c != UINT32_MAX; c = child_next[c])
			builder_row(&b, ROW_SOCKET, 2, c);
	}

	u64map_free(&index);
	free(group_order);
	free(rank);
	free(top);
	free(child_head);
	free(child_next);
	free(pos);
	free(b.parent);
	free(b.group_of_proc);
}

void rows_key(const struct pv_rows *r, const struct pv_snapshot *s, size_t i, struct row_key *out)
{
	const struct pv_row *row = &r->rows[i];
	const struct pv_group *g;

	memset(out, 0, sizeof(*out));
	out->kind = row->kind;
	if (row->kind == ROW_SOCKET) {
		out->a = s->socks[row->index].cookie;
		return;
	}
	g = &r->groups[row->index];
	out->group_kind = (uint8_t)g->kind;
	switch (g->kind) {
	case GK_PROCESS:
		out->a = (uint64_t)s->procs[g->proc].pid;
		out->b = s->procs[g->proc].start_time;
		break;
	case GK_HIDDEN:
		out->a = g->uid;
		break;
	case GK_PORT:
		out->a = listen_key(&s->socks[g->first_socket]);
		break;
	case GK_REMOTE:
		if (g->proto == PV_PROTO_UNIX) {
			out->a = 1ull << 63;
			out->b = g->named == UINT32_MAX ? 0 : socket_name_hash(&s->socks[g->named]);
			break;
		}
		out->a = (uint64_t)g->remote.addr.family << 16 | g->remote.port;
		memcpy(out->addr, g->remote.addr.bytes, sizeof(out->addr));
		break;
	case GK_NOPROC:
		break;
	}
}

uint64_t row_key_hash(const struct row_key *k)
{
	uint64_t h = 1469598103934665603ULL;
	const uint64_t words[] = { (uint64_t)k->kind << 8 | k->group_kind, k->a, k->b };

	for (size_t i = 0; i < 3; i++)
		h = (h ^ words[i]) * 1099511628211ULL ^ (h >> 29);
	for (size_t i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 1099511628211ULL;
	return h;
}

bool row_key_equal(const struct row_key *a, const struct row_key *b)
{
	return a->kind == b->kind && a->group_kind == b->group_kind && a->a == b->a &&
	       a->b == b->b && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}
