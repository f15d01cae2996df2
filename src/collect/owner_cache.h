/* Owners between refreshes. A full walk of every fd on the host costs
 * 3-4 us per fd; the dashboard instead remembers which sockets each process
 * holds and walks again only the processes that are new or whose fd count
 * changed (stat of /proc/PID/fd gives the count on Linux >= 6.2). A new
 * socket whose owner is still unknown triggers a full walk (at most every
 * few seconds), and a full walk runs now and then as a safety net. */
#ifndef PV_OWNER_CACHE_H
#define PV_OWNER_CACHE_H

#include "owners.h"
#include "snapshot.h"
#include "users.h"

struct owner_cache;

struct owner_cache *owner_cache_new(void);
void owner_cache_free(struct owner_cache *c);

/* Fills owners like owners_walk_finish, at monotonic time now. stats->processes counts the
 * processes walked this time, stats->fds the fds read. Returns 0, or -1
 * when proc_root cannot be read. */
int owner_cache_collect(struct owner_cache *c, struct pv_snapshot *snap, const char *proc_root,
			struct users *users, double now, struct owners_stats *stats);

/* True when the last collect walked every process. */
bool owner_cache_last_was_full(const struct owner_cache *c);

#endif
