/* How rows are ordered (internal to rows.c): sockets by a column or the
 * natural order, groups by kind and name or by the sorted column's
 * aggregate, and top-level sockets within their groups. */
#ifndef PV_ROWS_ORDER_H
#define PV_ROWS_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "rows.h"

/* Integer keys that order sockets as cmp_natural does, in most cases
 * alone: comparing two numbers is far cheaper than the full comparison,
 * which is left for ties. */
struct natural_key {
	uint64_t k1, k2;
};

/* k's natural-order key. */
struct natural_key rows_natural_key(const struct pv_socket *k);

/* Sorts the n socket indices idx by order; keys, by socket index, are
 * the natural keys of those sockets (NULL when order has a column). */
void rows_sort_sockets(const struct pv_snapshot *s, struct rows_order order, const struct natural_key *keys,
		       uint32_t *idx, size_t n);

/* Sets rank[g] to the position of group g among the n groups; pos maps a
 * socket index to its place in socket order. */
void rows_rank_groups(const struct pv_snapshot *s, struct rows_order order, const struct pv_group *groups,
		      size_t n, const uint32_t *pos, uint32_t *rank);

/* A socket shown at the top of its group, and that group. */
struct top_entry {
	uint32_t sock;
	uint32_t group;
};

/* Sorts top by group rank, listeners first, then socket order. */
void rows_sort_top(const struct pv_snapshot *s, struct top_entry *top, size_t n, const uint32_t *rank,
		   const uint32_t *pos);

#endif
