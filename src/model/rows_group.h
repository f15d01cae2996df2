/* Grouping (internal to rows.c): which listener each connection hangs
 * under, and the group each top-level socket belongs to, by process, by
 * port or by remote endpoint; plus the rows and sums built from them. */
#ifndef PV_ROWS_GROUP_H
#define PV_ROWS_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "rows.h"
#include "u64map.h"

struct builder {
	const struct pv_snapshot *s;
	struct pv_rows *out;
	size_t groups_cap, rows_cap;
	uint32_t *group_of_proc; /* process index -> its group, UINT32_MAX before */
	int32_t *parent;         /* socket index -> listener socket index, or -1 */
	uint32_t *pile_top;      /* TIME_WAIT sockets at the top of the group being emitted */
	uint32_t *pile_child;    /* TIME_WAIT connections of the listener being emitted */
	size_t piles_cap;
};

/* What listener k listens on, as a key below 2^48: the protocol and
 * port, or a UNIX socket's name, hashed. */
uint64_t listen_key(const struct pv_socket *k);
/* The group equal to g under key in index, added when new; its index. */
uint32_t builder_group(struct builder *b, const struct pv_group *g, struct u64map *index, uint64_t key);
/* Appends a row. */
void builder_row(struct builder *b, enum row_kind kind, uint8_t depth, uint32_t index);
/* Adds socket k's queues, rates and flags to its group's totals. */
void group_add_traffic(struct pv_group *g, const struct pv_socket *k);
/* Fills b->parent: the listener each selected connection was accepted by,
 * among the selected listeners (with require_shared_owner, one with an
 * owner in common), or -1. */
void builder_find_parents(struct builder *b, bool require_shared_owner);
/* The group of top-level socket k (index ki) when grouping by process:
 * its primary owner's, its uid's when hidden, or the no-process group. */
uint32_t builder_owner_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			     uint32_t sock);
/* The group of connection k when grouping by port: its remote endpoint's
 * (IP) or the name it talks to (UNIX). */
/* The group of k's network namespace. */
uint32_t builder_host_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			    uint32_t sock);
uint32_t builder_netns_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			     uint32_t sock);
uint32_t builder_remote_group(struct builder *b, struct u64map *index, const struct pv_socket *k,
			      uint32_t sock);
/* The group of listening port g->proto/g->port. */
uint32_t builder_port_group(struct builder *b, struct u64map *index, const struct pv_group *g);

/* rows_pile.c. True for a TCP connection in TIME_WAIT. */
bool socket_in_time_wait(const struct pv_socket *k);
/* Emits the n TIME_WAIT sockets of list, siblings at depth under parent
 * (a listener's socket index, or UINT32_MAX at the top of group): as rows
 * of their own when few, else one pile row with them under it. */
void builder_emit_time_wait(struct builder *b, const uint32_t *list, size_t n, uint8_t depth, uint32_t parent,
			    uint32_t group);

#endif
