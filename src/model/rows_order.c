#include "config.h"

#include "rows_order.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "compare.h"
#include "xalloc.h"

struct sort_ctx {
	const struct natural_key *keys; /* by socket index; NULL unless natural order */
	const struct pv_snapshot *s;
	const struct pv_group *groups;
	struct rows_order order;
	const uint32_t *rank; /* group index -> position */
	const uint32_t *pos;  /* socket index -> position in socket order */
};

/* Natural order: protocol, local port, local address, family, remote;
 * UNIX sockets by name. */
static int cmp_natural(const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_u32(proto_rank(a->proto), proto_rank(b->proto));

	if (!c && socket_is_unix(a))
		c = cmp_name(a, b);
	if (!c)
		c = cmp_u32(a->local.port, b->local.port);
	if (!c)
		c = cmp_endpoint(&a->local, &b->local);
	if (!c)
		c = cmp_u32(a->family, b->family);
	if (!c)
		c = cmp_endpoint(&a->remote, &b->remote);
	if (!c)
		c = cmp_u32(a->state, b->state);
	if (!c)
		c = a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
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
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 | (uint32_t)a->bytes[2] << 8 |
	       a->bytes[3];
}

/* k1: protocol rank (TCP, UDP, UNIX), local port, local address family
 * and its first four bytes; for UNIX sockets the first bytes of the name.
 * k2, which only counts once the whole local addresses are equal: socket
 * family, remote family, the remote address's first four bytes and, for
 * IPv4 where those are the whole address, the remote port. Equal keys
 * fall back to cmp_natural. */
struct natural_key rows_natural_key(const struct pv_socket *k)
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
		else if ((c = cmp_addr_bytes(&ctx->s->socks[a].local.addr, &ctx->s->socks[b].local.addr)) !=
			 0)
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
	case GROUPS_BY_NAME: break;
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
	case GROUPS_BY_FIRST_SOCKET: return cmp_u32(ctx->pos[a->first_socket], ctx->pos[b->first_socket]);
	}
	switch (a->kind) {
	case GK_PROCESS: {
		const struct pv_process *pa = &s->procs[a->proc], *pb = &s->procs[b->proc];

		c = cmp_u32(!a->serves, !b->serves);
		if (!c)
			c = strcmp(pa->comm, pb->comm);
		if (!c)
			c = cmp_u32((uint32_t)pa->pid, (uint32_t)pb->pid);
		break;
	}
	case GK_HIDDEN: c = cmp_u32(a->uid, b->uid); break;
	case GK_PORT:
		c = cmp_u32(a->proto, b->proto);
		if (!c)
			c = cmp_u32(a->port, b->port);
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
	case GK_NETNS: {
		const struct pv_netns *na = snapshot_netns(s, a->netns), *nb = snapshot_netns(s, b->netns);

		/* The host first, then by name. */
		c = cmp_u32(!na || na->kind != PV_NETNS_HOST, !nb || nb->kind != PV_NETNS_HOST);
		if (!c && na && nb)
			c = strcmp(na->name, nb->name);
		if (!c)
			c = cmp_u32(a->netns, b->netns);
		break;
	}
	case GK_HOST: c = cmp_u32(a->host, b->host); break; /* as --remote names them */
	case GK_NOPROC: break;
	}
	return ctx->order.reverse ? -c : c;
}

static int cmp_group_idx(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;

	return cmp_group(ctx, &ctx->groups[*(const uint32_t *)x], &ctx->groups[*(const uint32_t *)y]);
}

/* Top-level sockets: by group, listeners first, then in socket order. */
static int cmp_top(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct top_entry *a = x, *b = y;
	const struct pv_socket *sa = &ctx->s->socks[a->sock], *sb = &ctx->s->socks[b->sock];
	int c = cmp_u32(ctx->rank[a->group], ctx->rank[b->group]);

	if (!c)
		c = cmp_u32(!socket_is_listener(sa), !socket_is_listener(sb));
	if (!c)
		c = cmp_u32(ctx->pos[a->sock], ctx->pos[b->sock]);
	return c;
}

void rows_sort_sockets(const struct pv_snapshot *s, struct rows_order order, const struct natural_key *keys,
		       uint32_t *idx, size_t n)
{
	struct sort_ctx ctx = { .s = s, .order = order, .keys = keys };

	qsort_r(idx, n, sizeof(uint32_t), cmp_socket_idx, &ctx);
}

void rows_rank_groups(const struct pv_snapshot *s, struct rows_order order, const struct pv_group *groups,
		      size_t n, const uint32_t *pos, uint32_t *rank)
{
	struct sort_ctx ctx = { .s = s, .order = order, .groups = groups, .pos = pos };
	uint32_t *by_rank = xmalloc((n ? n : 1) * sizeof(uint32_t));

	for (size_t i = 0; i < n; i++)
		by_rank[i] = (uint32_t)i;
	qsort_r(by_rank, n, sizeof(uint32_t), cmp_group_idx, &ctx);
	for (size_t i = 0; i < n; i++)
		rank[by_rank[i]] = (uint32_t)i;
	free(by_rank);
}

void rows_sort_top(const struct pv_snapshot *s, struct top_entry *top, size_t n, const uint32_t *rank,
		   const uint32_t *pos)
{
	struct sort_ctx ctx = { .s = s, .rank = rank, .pos = pos };

	qsort_r(top, n, sizeof(*top), cmp_top, &ctx);
}
