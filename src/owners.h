/* Finding which processes hold each socket: sock_diag has no pids, so the
 * fd tables under /proc are walked and socket inodes matched. */
#ifndef PV_OWNERS_H
#define PV_OWNERS_H

#include "snapshot.h"
#include "users.h"

struct owners_stats {
	unsigned processes;      /* process directories looked at */
	unsigned unreadable;     /* fd tables we were not allowed to read */
	unsigned fds;            /* fd entries examined */
};

/* Fills the owners, owner_status and user names of every socket in snap,
 * adding a process record for each owner. proc_root is normally "/proc".
 * Returns 0, or -1 with errno when proc_root itself cannot be read. */
int owners_collect(struct pv_snapshot *snap, const char *proc_root, struct users *users,
		   struct owners_stats *stats);

#endif
