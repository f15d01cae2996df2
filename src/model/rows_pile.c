#include "config.h"

#include "rows_group.h"

#include <string.h>
#include <netinet/in.h>

#include "states.h"
#include "u64map.h"
#include "xalloc.h"

bool socket_in_time_wait(const struct pv_socket *k)
{
	return k->proto == IPPROTO_TCP && k->state == PV_STATE_TIME_WAIT;
}

static uint64_t address_hash(const struct pv_addr *a)
{
	uint64_t h = 1469598103934665603ULL ^ a->family;

	for (size_t i = 0; i < sizeof(a->bytes); i++)
		h = (h ^ a->bytes[i]) * 1099511628211ULL;
	return h | 1; /* never 0, which the map keeps for itself */
}

/* Sums up a pile: its oldest connection, and where its connections come
 * from (how many addresses, and the one most of them share). Addresses
 * are told apart by a 64-bit hash: a collision would merge two of them in
 * the count, never mix up what is shown. */
static void pile_measure(const struct pv_snapshot *s, const uint32_t *list, size_t n, struct pv_pile *p)
{
	struct u64map seen;
	uint32_t min_left = ROWS_TIME_WAIT_SPAN_MS;

	u64map_init(&seen, n * 2);
	for (size_t i = 0; i < n; i++) {
		const struct pv_socket *k = &s->socks[list[i]];
		int inserted;
		uint32_t *count = u64map_put(&seen, address_hash(&k->remote.addr), 0, &inserted);

		if (k->timer_left_ms < min_left)
			min_left = k->timer_left_ms;
		p->remotes += inserted;
		if (++*count > p->top_count) {
			p->top_count = *count;
			p->top = k->remote.addr;
		}
	}
	p->oldest_ms = ROWS_TIME_WAIT_SPAN_MS - min_left;
	u64map_free(&seen);
}

void rows_update_piles(struct pv_rows *r, const struct pv_snapshot *s)
{
	/* Most refreshes have no pile: no walk over the rows for them. */
	for (size_t i = 0; r->npiles && i < r->nrows; i++) {
		uint32_t min_left = ROWS_TIME_WAIT_SPAN_MS;
		size_t j;

		if (r->rows[i].kind != ROW_PILE)
			continue;
		for (j = i + 1; j < r->nrows && r->rows[j].depth > r->rows[i].depth; j++)
			if (s->socks[r->rows[j].index].timer_left_ms < min_left)
				min_left = s->socks[r->rows[j].index].timer_left_ms;
		r->piles[r->rows[i].index].oldest_ms = ROWS_TIME_WAIT_SPAN_MS - min_left;
	}
}

void builder_emit_time_wait(struct builder *b, const uint32_t *list, size_t n, uint8_t depth, uint32_t parent,
			    uint32_t group)
{
	struct pv_rows *r = b->out;
	struct pv_pile *p;

	if (n < ROWS_PILE_MIN) {
		for (size_t i = 0; i < n; i++)
			builder_row(b, ROW_SOCKET, depth, list[i]);
		return;
	}
	if (r->npiles == b->piles_cap) {
		b->piles_cap = b->piles_cap ? b->piles_cap * 2 : 8;
		r->piles = xreallocarray(r->piles, b->piles_cap, sizeof(*r->piles));
	}
	p = &r->piles[r->npiles];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->group = group;
	p->first = list[0];
	p->count = (uint32_t)n;
	pile_measure(b->s, list, n, p);
	builder_row(b, ROW_PILE, depth, (uint32_t)r->npiles++);
	for (size_t i = 0; i < n; i++)
		builder_row(b, ROW_SOCKET, (uint8_t)(depth + 1), list[i]);
}
