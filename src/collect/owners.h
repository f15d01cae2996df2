/* Finding which processes hold each socket: sock_diag has no pids, so the
 * fd tables under /proc are walked and socket inodes matched. The walk
 * starts before the dump and is finished once the sockets are known. */
#ifndef PV_OWNERS_H
#define PV_OWNERS_H

#include "snapshot.h"
#include "users.h"

struct owners_stats {
	unsigned processes;  /* process directories looked at */
	unsigned unreadable; /* fd tables we were not allowed to read */
	unsigned fds;        /* fd entries examined */
};

/* Sets every socket's owner_status and user name and every process's user
 * name once owners are known: sockets with an inode and no owner are
 * hidden when some processes were unreadable or invisible to us. */
void owners_settle(struct pv_snapshot *snap, struct users *users, unsigned unreadable, bool invisible);

/* One process holding one socket: what either owner source finds. */
struct owner_pair {
	uint32_t sock; /* snapshot socket index */
	int pid;
	uint32_t proc; /* snapshot process index */
	uint32_t fd;
};

/* Gives the sockets of snap their owners from pairs (any order, sorted
 * here): one reference per process and socket, with its lowest fd. */
void owners_assign_pairs(struct pv_snapshot *snap, struct owner_pair *pairs, size_t npairs);

struct owners_walk;

/* Starts walking every fd under proc_root (normally "/proc") on background
 * threads, recording each socket inode each process holds, so the walk can
 * run while the caller dumps sockets. Returns NULL with errno when
 * proc_root cannot be read. */
struct owners_walk *owners_walk_start(const char *proc_root);

/* Waits for the walk, then fills the owners, owner_status and user names of
 * every socket in snap, reading the details (stat, cmdline) only of the
 * processes that own one. Frees w. */
void owners_walk_finish(struct owners_walk *w, struct pv_snapshot *snap, struct users *users,
			struct owners_stats *stats);

#endif
