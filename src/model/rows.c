#include "config.h"

#include "rows.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "columns.h"
#include "compare.h"
#include "rows_group.h"
#include "rows_order.h"
#include "states.h"
#include "u64map.h"
#include "xalloc.h"

const char *const group_mode_names[] = {
	[GROUP_PROCESS] = "process", [GROUP_PORT] = "port", [GROUP_NETNS] = "netns",
	[GROUP_HOST] = "host",       [GROUP_NONE] = "none", NULL,
};

int group_mode_parse(const char *name)
{
	size_t i;

	for (i = 0; group_mode_names[i]; i++)
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
	free(r->piles);
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

/* ---- building, in phases ---- */

/* Allocates an array of n elements of size bytes, at least one. */
static void *rows_alloc(size_t n, size_t size)
{
	return xmalloc((n ? n : 1) * size);
}

/* Phase 1: the sockets f selects, in the order asked for. */
static void rows_select(struct pv_rows *out, const struct pv_snapshot *s, const struct pv_filter *f,
			struct rows_order order)
{
	struct natural_key *keys = order.column < 0 ? rows_alloc(s->nsocks, sizeof(*keys)) : NULL;

	out->selected = rows_alloc(s->nsocks, sizeof(uint32_t));
	for (size_t i = 0; i < s->nsocks; i++) {
		if (!filter_match(f, s, &s->socks[i]))
			continue;
		out->selected[out->nselected++] = (uint32_t)i;
		out->nopen += !s->socks[i].gone;
		if (keys)
			keys[i] = rows_natural_key(&s->socks[i]);
	}
	rows_sort_sockets(s, order, keys, out->selected, out->nselected);
	free(keys);
}

/* The arrays the grouping phases share, by socket index. */
struct rows_tree {
	uint32_t *pos;                     /* place in socket order */
	uint32_t *child_head, *child_next; /* connections under a listener */
	struct top_entry *top;             /* sockets at the top of their group */
	size_t ntop;
};

/* Phase 2: each connection under the listener that accepted it, chained
 * in socket order. */
static void rows_chain_children(struct builder *b, struct rows_tree *t, enum group_mode mode)
{
	const struct pv_rows *out = b->out;
	size_t i;

	builder_find_parents(b, mode == GROUP_PROCESS);
	for (i = 0; i < out->nselected; i++) {
		uint32_t k = out->selected[i];

		t->pos[k] = (uint32_t)i;
		t->child_head[k] = UINT32_MAX;
	}
	for (i = out->nselected; i-- > 0;) {
		uint32_t k = out->selected[i];
		int32_t p = b->parent[k];

		if (p >= 0) {
			t->child_next[k] = t->child_head[p];
			t->child_head[p] = k;
		}
	}
}

/* Phase 3: the group of every socket that has no parent. */
static void rows_assign_groups(struct builder *b, struct rows_tree *t, enum group_mode mode)
{
	const struct pv_snapshot *s = b->s;
	struct u64map index;

	u64map_init(&index, 64);
	for (size_t i = 0; i < b->out->nselected; i++) {
		uint32_t k = b->out->selected[i];
		const struct pv_socket *sk = &s->socks[k];
		uint32_t g;

		if (b->parent[k] >= 0)
			continue;
		/* A connection accepted here belongs to the port it was
		 * accepted on, shown or not; other connections to what they
		 * talk to. */
		if (mode == GROUP_PORT && (socket_is_listener(sk) || sk->accepted)) {
			struct pv_group pg = { .kind = GK_PORT,
					       .proc = -1,
					       .proto = sk->proto,
					       .port = sk->local.port,
					       .first_socket = k };

			g = builder_port_group(b, &index, &pg);
		} else if (mode == GROUP_PORT) {
			g = builder_remote_group(b, &index, sk, k);
		} else if (mode == GROUP_NETNS) {
			g = builder_netns_group(b, &index, sk, k);
		} else if (mode == GROUP_HOST) {
			g = builder_host_group(b, &index, sk, k);
		} else {
			g = builder_owner_group(b, &index, sk, k);
		}
		t->top[t->ntop].sock = k;
		t->top[t->ntop].group = g;
		t->ntop++;
	}
	u64map_free(&index);
}

/* Counts connection c in group g, unless it has closed. */
static void group_add_connection(struct pv_group *g, const struct pv_socket *c)
{
	group_add_traffic(g, c);
	g->connections += !c->gone;
	g->serves |= c->accepted;
}

/* Remembers listener l's port on its process group's line, once each,
 * smallest first, the first ROWS_GROUP_PORTS of them. */
static void group_add_port(struct pv_group *g, const struct pv_socket *l)
{
	uint16_t port = l->local.port;
	size_t i;

	if (g->kind != GK_PROCESS || socket_is_unix(l) || !port || l->gone)
		return;
	for (i = 0; i < g->nports && g->ports[i] < port; i++)
		;
	if (i < g->nports && g->ports[i] == port)
		return;
	if (g->nports == ROWS_GROUP_PORTS) {
		g->more_ports = true;
		if (i == ROWS_GROUP_PORTS)
			return;
		g->nports--;
	}
	memmove(&g->ports[i + 1], &g->ports[i], (g->nports - i) * sizeof(g->ports[0]));
	g->ports[i] = port;
	g->nports++;
}

/* Phase 4: counts and sums, now that groups are stable. */
static void rows_sum_groups(struct pv_rows *out, const struct pv_snapshot *s, const struct rows_tree *t)
{
	for (size_t i = 0; i < out->ngroups; i++) {
		struct pv_group *g = &out->groups[i];

		g->serves = g->kind == GK_PROCESS && s->procs[g->proc].listen_count > 0;
	}
	for (size_t i = 0; i < t->ntop; i++) {
		struct pv_group *g = &out->groups[t->top[i].group];
		const struct pv_socket *sk = &s->socks[t->top[i].sock];

		if (!socket_is_listener(sk)) {
			group_add_connection(g, sk);
			continue;
		}
		group_add_traffic(g, sk);
		group_add_port(g, sk);
		g->serves = true;
		g->listeners += !sk->gone;
		if (socket_has_accept_queue(sk)) {
			g->accept_queue += sk->rqueue;
			g->backlog += sk->wqueue;
			g->syn_recv += sk->syn_recv;
			g->time_wait += sk->time_wait;
		}
		for (uint32_t c = t->child_head[t->top[i].sock]; c != UINT32_MAX; c = t->child_next[c])
			group_add_connection(g, &s->socks[c]);
	}
}

/* Listener k's connections under it, those in TIME_WAIT last (piled up
 * when many). */
static void rows_emit_children(struct builder *b, const struct rows_tree *t, uint32_t k, uint32_t group)
{
	size_t ntw = 0;

	for (uint32_t c = t->child_head[k]; c != UINT32_MAX; c = t->child_next[c]) {
		if (socket_in_time_wait(&b->s->socks[c]))
			b->pile_child[ntw++] = c;
		else
			builder_row(b, ROW_SOCKET, 2, c);
	}
	builder_emit_time_wait(b, b->pile_child, ntw, 2, k, group);
}

/* Phase 5: groups in order, each top socket under its group line, its
 * connections under it; TIME_WAIT after the rest of their siblings. */
static void rows_emit(struct builder *b, struct rows_tree *t, struct rows_order order)
{
	uint32_t *rank = rows_alloc(b->out->ngroups, sizeof(uint32_t));
	size_t ntw = 0;

	rows_rank_groups(b->s, order, b->out->groups, b->out->ngroups, t->pos, rank);
	rows_sort_top(b->s, t->top, t->ntop, rank, t->pos);
	free(rank);
	b->pile_top = rows_alloc(b->out->nselected, sizeof(uint32_t));
	b->pile_child = rows_alloc(b->out->nselected, sizeof(uint32_t));
	for (size_t i = 0; i < t->ntop; i++) {
		uint32_t k = t->top[i].sock, g = t->top[i].group;

		if (i == 0 || g != t->top[i - 1].group)
			builder_row(b, ROW_GROUP, 0, g);
		if (socket_in_time_wait(&b->s->socks[k]) && t->child_head[k] == UINT32_MAX)
			b->pile_top[ntw++] = k;
		else {
			builder_row(b, ROW_SOCKET, 1, k);
			rows_emit_children(b, t, k, g);
		}
		if (i + 1 == t->ntop || t->top[i + 1].group != g) {
			builder_emit_time_wait(b, b->pile_top, ntw, 1, UINT32_MAX, g);
			ntw = 0;
		}
	}
	free(b->pile_top);
	free(b->pile_child);
}

void rows_build(struct pv_rows *out, const struct pv_snapshot *s, const struct pv_filter *f,
		enum group_mode mode, struct rows_order order)
{
	struct builder b = { .s = s, .out = out };
	struct rows_tree t = { 0 };

	rows_free(out);
	rows_select(out, s, f, order);
	if (mode == GROUP_NONE) {
		for (size_t i = 0; i < out->nselected; i++)
			builder_row(&b, ROW_SOCKET, 0, out->selected[i]);
		return;
	}
	b.parent = rows_alloc(s->nsocks, sizeof(int32_t));
	b.group_of_proc = rows_alloc(s->nprocs, sizeof(uint32_t));
	for (size_t i = 0; i < s->nprocs; i++)
		b.group_of_proc[i] = UINT32_MAX;
	t.pos = rows_alloc(s->nsocks, sizeof(uint32_t));
	t.child_head = rows_alloc(s->nsocks, sizeof(uint32_t));
	t.child_next = rows_alloc(s->nsocks, sizeof(uint32_t));
	t.top = rows_alloc(out->nselected, sizeof(*t.top));

	rows_chain_children(&b, &t, mode);
	rows_assign_groups(&b, &t, mode);
	rows_sum_groups(out, s, &t);
	rows_emit(&b, &t, order);

	free(t.top);
	free(t.child_head);
	free(t.child_next);
	free(t.pos);
	free(b.parent);
	free(b.group_of_proc);
}

/* ---- identity ---- */

static void group_identity(const struct pv_rows *r, const struct pv_snapshot *s, uint32_t group,
			   struct row_key *out)
{
	const struct pv_group *g = &r->groups[group];

	out->group_kind = (uint8_t)g->kind;
	switch (g->kind) {
	case GK_PROCESS:
		out->a = (uint64_t)s->procs[g->proc].pid;
		out->b = s->procs[g->proc].start_time;
		break;
	case GK_HIDDEN: out->a = g->uid; break;
	case GK_NETNS: out->a = g->netns; break;
	case GK_HOST: out->a = g->host; break;
	case GK_PORT: out->a = listen_key(&s->socks[g->first_socket]); break;
	case GK_REMOTE:
		if (g->proto == PV_PROTO_UNIX) {
			out->a = 1ull << 63;
			out->b = g->named == UINT32_MAX ? 0 : socket_name_hash(&s->socks[g->named]);
			break;
		}
		out->a = (uint64_t)g->remote.addr.family << 16 | g->remote.port;
		memcpy(out->addr, g->remote.addr.bytes, sizeof(out->addr));
		break;
	case GK_NOPROC: break;
	}
}

void rows_key(const struct pv_rows *r, const struct pv_snapshot *s, size_t i, struct row_key *out)
{
	const struct pv_row *row = &r->rows[i];

	memset(out, 0, sizeof(*out));
	out->kind = row->kind;
	if (row->kind == ROW_SOCKET) {
		out->a = s->socks[row->index].cookie;
	} else if (row->kind == ROW_GROUP) {
		group_identity(r, s, row->index, out);
	} else if (r->piles[row->index].parent != UINT32_MAX) {
		/* A listener's pile: the listener's identity; the kind tells
		 * them apart. */
		out->a = s->socks[r->piles[row->index].parent].cookie;
	} else {
		group_identity(r, s, r->piles[row->index].group, out);
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
	return a->kind == b->kind && a->group_kind == b->group_kind && a->a == b->a && a->b == b->b &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}
