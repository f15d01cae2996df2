#include "config.h"

#include "rows.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
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

static int cmp_u32(uint32_t a, uint32_t b) { return a < b ? -1 : a > b; }

static int cmp_endpoint(const struct pv_endpoint *a, const struct pv_endpoint *b)
{
	int c = cmp_u32(a->addr.family, b->addr.family);

	if (c)
		return c;
	c = memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
	if (c)
		return c;
	return cmp_u32(a->port, b->port);
}

/* Flat order: protocol, local port, local address, family, remote. */
static int cmp_socket(const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_u32(a->proto, b->proto);

	if (!c) c = cmp_u32(a->local.port, b->local.port);
	if (!c) c = cmp_endpoint(&a->local, &b->local);
	if (!c) c = cmp_u32(a->family, b->family);
	if (!c) c = cmp_endpoint(&a->remote, &b->remote);
	if (!c) c = cmp_u32(a->state, b->state);
	if (!c) c = a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
	return c;
}

/* qsort has no context argument; the sort runs on one thread at a time. */
static const struct pv_snapshot *sort_snap;
static const struct pv_group *sort_groups;

static int cmp_socket_idx(const void *x, const void *y)
{
	return cmp_socket(&sort_snap->socks[*(const uint32_t *)x], &sort_snap->socks[*(const uint32_t *)y]);
}

static int cmp_group(const struct pv_group *a, const struct pv_group *b)
{
	const struct pv_snapshot *s = sort_snap;
	int c = cmp_u32(a->kind, b->kind);

	if (c)
		return c;
	switch (a->kind) {
	case GK_PROCESS: {
		const struct pv_process *pa = &s->procs[a->proc], *pb = &s->procs[b->proc];

		/* Servers first, then clients; by name, then pid. */
		c = cmp_u32(a->listeners == 0, b->listeners == 0);
		if (!c) c = strcmp(pa->comm, pb->comm);
		if (!c) c = cmp_u32((uint32_t)pa->pid, (uint32_t)pb->pid);
		return c;
	}
	case GK_HIDDEN:
		return cmp_u32(a->uid, b->uid);
	case GK_PORT:
		c = cmp_u32(a->proto, b->proto);
		return c ? c : cmp_u32(a->port, b->port);
	case GK_REMOTE:
		return cmp_endpoint(&a->remote, &b->remote);
	case GK_NOPROC:
		return 0;
	}
	return 0;
}

/* ---- building ---- */

struct builder {
	const struct pv_snapshot *s;
	struct pv_rows *out;
	size_t groups_cap, rows_cap;
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

static bool addr_is_wildcard_or_equal(const struct pv_addr *listener, const struct pv_addr *a)
{
	return addr_is_wildcard(listener) ||
	       (listener->family == a->family && memcmp(listener->bytes, a->bytes, sizeof(a->bytes)) == 0);
}

static uint64_t port_key(uint8_t proto, uint16_t port)
{
	return ((uint64_t)proto << 16 | port) + 1;
}

/* Attaches each selected TCP connection to the selected listener it was
 * accepted from: same family and local port, a listener address that is the wildcard
 * or the same, and, when require_shared_owner is set, a shared owner (or no
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
		head = u64map_put(&first_listener, port_key(l->proto, l->local.port), k, &inserted);
		next_listener[k] = inserted ? UINT32_MAX : *head;
		*head = k;
	}
	for (i = 0; i < r->nselected; i++) {
		uint32_t k = r->selected[i], *head;
		const struct pv_socket *c = &s->socks[k];

		if (socket_is_listener(c) || c->proto != IPPROTO_TCP)
			continue;
		head = u64map_get(&first_listener, port_key(c->proto, c->local.port));
		for (uint32_t l = head ? *head : UINT32_MAX; l != UINT32_MAX; l = next_listener[l]) {
			const struct pv_socket *ls = &s->socks[l];

			/* An accepted socket has its listener's family. */
			if (ls->family != c->family ||
			    !addr_is_wildcard_or_equal(&ls->local.addr, &c->local.addr))
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

static uint32_t builder_owner_group(struct builder *b, struct u64map *index, const struct pv_socket *k)
{
	struct pv_group g = { .proc = -1 };
	int32_t owner = rows_primary_owner(b->s, k);

	if (owner >= 0) {
		g.kind = GK_PROCESS;
		g.proc = owner;
		return builder_group(b, &g, index, group_key(GK_PROCESS, (uint64_t)owner));
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

/* Remote endpoints do not fit a 64-bit key: hash them and step past the
 * rare collision by comparing the stored endpoint. */
static uint32_t builder_remote_group(struct builder *b, struct u64map *index, const struct pv_socket *k)
{
	struct pv_group g = { .kind = GK_REMOTE, .proc = -1, .remote = k->remote };
	uint64_t key = endpoint_hash(&k->remote) | 1;

	for (;; key += 2) {
		uint32_t *slot = u64map_get(index, key);

		if (!slot || cmp_endpoint(&b->out->groups[*slot].remote, &k->remote) == 0)
			return builder_group(b, &g, index, key);
	}
}

/* ---- emission ---- */

static uint32_t *top_rank;       /* group index -> rank, for sorting top-level sockets */
static uint32_t *flat_pos;       /* socket index -> position in flat order */

static int cmp_group_idx(const void *x, const void *y)
{
	return cmp_group(&sort_groups[*(const uint32_t *)x], &sort_groups[*(const uint32_t *)y]);
}

struct top_entry {
	uint32_t sock;
	uint32_t group;
};

static int cmp_top(const void *x, const void *y)
{
	const struct top_entry *a = x, *b = y;
	const struct pv_socket *sa = &sort_snap->socks[a->sock], *sb = &sort_snap->socks[b->sock];
	int c = cmp_u32(top_rank[a->group], top_rank[b->group]);

	if (!c) c = cmp_u32(!socket_is_listener(sa), !socket_is_listener(sb));
	if (!c) c = cmp_u32(flat_pos[a->sock], flat_pos[b->sock]);
	return c;
}

void rows_build(struct pv_rows *out, const struct pv_snapshot *s, const struct pv_filter *f,
		enum group_mode mode)
{
	struct builder b = { .s = s, .out = out };
	struct u64map index;
	struct top_entry *top;
	size_t ntop = 0, i;
	uint32_t *child_head, *child_next, *order;

	rows_free(out);
	out->selected = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	for (i = 0; i < s->nsocks; i++)
		if (filter_match(f, s, &s->socks[i]))
			out->selected[out->nselected++] = (uint32_t)i;
	sort_snap = s;
	qsort(out->selected, out->nselected, sizeof(uint32_t), cmp_socket_idx);

	if (mode == GROUP_NONE) {
		for (i = 0; i < out->nselected; i++)
			builder_row(&b, ROW_SOCKET, 0, out->selected[i]);
		return;
	}

	b.parent = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(int32_t));
	flat_pos = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	child_head = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	child_next = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));
	top = xmalloc((out->nselected ? out->nselected : 1) * sizeof(*top));
	builder_find_parents(&b, mode == GROUP_PROCESS);
	u64map_init(&index, 64);

	/* Top-level sockets get their groups; children are chained under their
	 * listener in flat order (appended at the tail). */
	for (i = 0; i < out->nselected; i++) {
		uint32_t k = out->selected[i];

		flat_pos[k] = (uint32_t)i;
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
		if (mode == GROUP_PORT)
			g = socket_is_listener(sk)
				? builder_group(&b, &(struct pv_group){ .kind = GK_PORT, .proc = -1,
						.proto = sk->proto, .port = sk->local.port, .first_socket = k },
						&index, group_key(GK_PORT, port_key(sk->proto, sk->local.port)))
				: builder_remote_group(&b, &index, sk);
		else
			g = builder_owner_group(&b, &index, sk);
		top[ntop].sock = k;
		top[ntop].group = g;
		ntop++;
	}
	/* Counts, now that groups are stable. */
	for (i = 0; i < ntop; i++) {
		struct pv_group *g = &out->groups[top[i].group];
		const struct pv_socket *sk = &s->socks[top[i].sock];

		if (socket_is_listener(sk)) {
			g->listeners++;
			if (sk->proto == IPPROTO_TCP) {
				g->accept_queue += sk->rqueue;
				g->backlog += sk->wqueue;
			}
			for (uint32_t c = child_head[top[i].sock]; c != UINT32_MAX; c = child_next[c])
				g->connections++;
		} else {
			g->connections++;
		}
	}

	order = xmalloc((out->ngroups ? out->ngroups : 1) * sizeof(uint32_t));
	top_rank = xmalloc((out->ngroups ? out->ngroups : 1) * sizeof(uint32_t));
	for (i = 0; i < out->ngroups; i++)
		order[i] = (uint32_t)i;
	sort_groups = out->groups;
	qsort(order, out->ngroups, sizeof(uint32_t), cmp_group_idx);
	for (i = 0; i < out->ngroups; i++)
		top_rank[order[i]] = (uint32_t)i;
	qsort(top, ntop, sizeof(*top), cmp_top);

	for (i = 0; i < ntop; i++) {
		uint32_t k = top[i].sock;

		if (i == 0 || top[i].group != top[i - 1].group)
			builder_row(&b, ROW_GROUP, 0, top[i].group);
		builder_row(&b, ROW_SOCKET, 1, k);
		for (uint32_t c = child_head[k]; c != UINT32_MAX; c = child_next[c])
			builder_row(&b, ROW_SOCKET, 2, c);
	}

	u64map_free(&index);
	free(order);
	free(top_rank);
	free(top);
	free(child_head);
	free(child_next);
	free(flat_pos);
	free(b.parent);
	top_rank = flat_pos = NULL;
}
