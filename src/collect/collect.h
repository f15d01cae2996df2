/* One collection: the sock_diag dumps, then the owners from /proc. The
 * refresh pipeline (app/refresh.h) is its one caller. */
#ifndef PV_COLLECT_H
#define PV_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct collector;

/* Returns NULL with a message in err when sock_diag cannot be used, or
 * when owners is PV_OWNERS_BPF and the iterator cannot load. AUTO tries
 * the iterator for a single collection and falls back to /proc; an
 * incremental collector with AUTO, and PROC, never try it. An
 * incremental collector remembers owners between runs (see owner_cache.h):
 * for the dashboard, which refreshes the same host again and again. */
struct collector_options {
	bool incremental;
	enum pv_owner_source owners;
	/* --netns: which network namespaces (netns.h); none means all this
	 * process may enter. */
	const char *const *netns;
	size_t nnetns;
	/* Bound-but-inactive TCP sockets too (states.h): only `why` asks. */
	bool bound;
	/* What closed between runs, from the kernel's destroy groups
	 * (closefeed.h), into pv_snapshot.closed. */
	bool close_feeds;
};

struct collector *collector_open(const struct collector_options *opts, char *err, size_t errsize);
void collector_close(struct collector *c);

/* Fills snap (initialised, empty) with the sockets kernel_mask allows
 * and their owners, and the kernel's TCP details (tcp_info) of the TCP
 * sockets in the states of info_states (1 << state bits). How the
 * sockets relate to each other is the pipeline's next step
 * (relations.h), not collection's. Returns 0, or -1 with a message in err
 * when no dump could be made; partial failures are flagged in the
 * snapshot. */
int collector_run(struct collector *c, uint64_t kernel_mask, uint32_t info_states, struct pv_snapshot *snap,
		  char *err, size_t errsize);

/* The host name, or "?" when it cannot be had. */
void collect_hostname(char *buf, size_t size);

#endif
